"""Clips become one timeline; each line's place on it is measured, not guessed.

A layout says where each stretch of a clip goes (a ``Piece``) and where each line, each part
of a line and each backchannel lies on the timeline; ``place`` then builds the timeline in one
array allocated once at its final length: mono, or in stereo with each host panned to its
place (so a backchannel or an overlap sounds from its own host's side). Pieces are added, not
copied: two voices at once sum. Memory stays proportional to the episode, and no clip ever
copies the part of the episode before it.

``plain_layout`` is the plain style: the clips one after another with a fixed pause between
them; the natural style's layout is in ``layout.py``.
"""

from __future__ import annotations

import wave
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..models import Script, Segment
from .audio import load_wav
from .loudness import block_power, gated
from .master import SPEECH_LUFS

LEAD_MS = 400  # silence before the first and after the last line
PAN = 0.3
"""Where the outermost hosts stand in stereo: 0 is the centre, 1 hard left or right."""
DUCK_RAMP_S = 0.03


@dataclass
class Piece:
    """Samples ``first:last`` of clip ``clip``, placed at timeline sample ``at`` for ``host``."""

    clip: int
    first: int
    last: int
    at: int
    host: int
    gain: float = 1.0
    duck_from: int | None = None
    """From this sample of the clip on, the piece is turned down to ``duck`` (another voice starts)."""
    duck: float = 1.0


@dataclass
class Layout:
    rate: int
    length: int
    """Samples up to the end of the last piece."""
    pieces: list[Piece]
    segments: list[Segment]
    """One per script line."""
    parts: list[list[Segment]]
    """Per line, its stretches between backchannels (one, the whole line, when it has none)."""
    backchannels: list[Segment] = field(default_factory=list)
    softer: list[tuple[int, int, float]] = field(default_factory=list)
    """(first, end sample, gain): stretches turned down once the speech is levelled (backchannels:
    before it, the compressor would take back most of their difference)."""


@dataclass
class Timeline:
    """Speech at ``rate``, (n,) mono or (n, 2) stereo, and what is said where on it."""

    samples: np.ndarray
    rate: int
    segments: list[Segment]
    spans: list[tuple[int, int, int]]
    """(first sample, end sample, host index) per line."""
    parts: list[list[Segment]] = field(default_factory=list)
    backchannels: list[Segment] = field(default_factory=list)
    softer: list[tuple[int, int, float]] = field(default_factory=list)

    @property
    def seconds(self) -> float:
        return len(self.samples) / self.rate

    def soften(self) -> None:
        """Turn down the stretches ``softer`` names (call after levelling)."""
        for first, end, gain in self.softer:
            self.samples[first:end] *= np.float32(gain)


def pan_gains(hosts: int) -> np.ndarray:
    """(left, right) gains per host, constant power: the first host a little left, the last a little right."""
    angles = (np.linspace(-PAN, PAN, max(hosts, 2)) + 1) * np.pi / 4
    return np.stack([np.cos(angles), np.sin(angles)], axis=1).astype(np.float32)


def header(path: Path) -> tuple[int, int]:
    """(frames, rate) of a WAV clip."""
    with wave.open(str(path), "rb") as src:
        return src.getnframes(), src.getframerate()


def read_clip(path: Path, rate: int) -> np.ndarray:
    """A clip as float32 mono at ``rate``, levelled (see :func:`levelled`). Mono 16-bit clips of
    another rate (Piper's 22.05 kHz beside Kokoro's 24 kHz) are resampled with soxr; pydub
    converts the odd clip of another format."""
    with wave.open(str(path), "rb") as src:
        if (src.getnchannels(), src.getsampwidth()) == (1, 2):
            samples = np.frombuffer(src.readframes(src.getnframes()), np.int16).astype(np.float32) / 32768
            if src.getframerate() != rate:
                import soxr

                samples = soxr.resample(samples, src.getframerate(), rate).astype(np.float32)
            return levelled(samples, rate)
    clip = load_wav(path).set_frame_rate(rate).set_channels(1).set_sample_width(2)
    return levelled(np.frombuffer(clip.raw_data, np.int16).astype(np.float32) / 32768, rate)


CLIP_GAIN_DB = 12.0
"""The most a clip is raised or lowered to its level: more is a clip of another kind (a hum)."""


def levelled(samples: np.ndarray, rate: int) -> np.ndarray:
    """The clip at SPEECH_LUFS (gated, as BS.1770 measures it), so that every host, whichever
    engine speaks for it, comes into the mix at one level; a clip too short to measure stays."""
    loudness = gated(block_power(samples, rate))
    if loudness is None:
        return samples
    gain = np.clip(SPEECH_LUFS - loudness, -CLIP_GAIN_DB, CLIP_GAIN_DB)
    return samples * np.float32(10 ** (gain / 20))


def host_index(script: Script, speaker: str) -> int:
    hosts = script.hosts or sorted({line.speaker for line in script.lines})
    return hosts.index(speaker) if speaker in hosts else 0


def _pause_ms(base: int, same_speaker: bool, index: int) -> int:
    """The plain style's pauses: a little shorter within a speaker, a little varied between turns."""
    if same_speaker:
        return int(base * 0.6)
    return int(base * (0.85, 1.0, 1.2, 0.95, 1.1)[index % 5])


def plain_layout(script: Script, clips: list[Path], pause_ms: int, lead_s: float) -> Layout:
    """The clips in script order with pauses, after ``lead_s`` of silence (from the WAV headers)."""
    headers = [header(path) for path in clips]
    rate = max(r for _, r in headers)
    cursor, pieces, segments = round(lead_s * rate), [], []
    for i, (line, (frames, clip_rate)) in enumerate(zip(script.lines, headers)):
        if i:
            cursor += round(_pause_ms(pause_ms, line.speaker == script.lines[i - 1].speaker, i) * rate / 1000)
        length = frames if clip_rate == rate else round(frames * rate / clip_rate)
        pieces.append(Piece(i, 0, length, cursor, host_index(script, line.speaker)))
        segments.append(Segment(line.speaker, line.text, round(cursor / rate, 3), round((cursor + length) / rate, 3)))
        cursor += length
    return Layout(rate, cursor, pieces, segments, [[s] for s in segments])


def place(layout: Layout, clips: list[Path], hosts: int, tail_s: float, stereo: bool = False) -> Timeline:
    """The timeline of ``layout``: its pieces added into one array, with ``tail_s`` of silence after."""
    shape = (layout.length + round(tail_s * layout.rate),) + ((2,) if stereo else ())
    samples = np.zeros(shape, np.float32)
    gains = pan_gains(hosts)
    read = _Reader(clips, layout.rate, len(layout.segments))
    for piece in layout.pieces:
        sound = _shaped(read(piece.clip), piece, layout.rate)
        target = samples[piece.at : piece.at + len(sound)]
        target += sound[: len(target), None] * gains[piece.host] if stereo else sound[: len(target)]
    spans = [_span(layout, i, seg) for i, seg in enumerate(layout.segments)]
    return Timeline(samples, layout.rate, layout.segments, spans, layout.parts, layout.backchannels, layout.softer)


class _Reader:
    """Clips read as the pieces need them: a line's clip until the next line's is wanted, the
    short clips after the lines (backchannels, used again and again) for the whole timeline."""

    def __init__(self, clips: list[Path], rate: int, lines: int):
        self.clips, self.rate, self.lines = clips, rate, lines
        self.line: tuple[int, np.ndarray] | None = None
        self.short: dict[int, np.ndarray] = {}

    def __call__(self, index: int) -> np.ndarray:
        if index >= self.lines:
            if index not in self.short:
                self.short[index] = read_clip(self.clips[index], self.rate)
            return self.short[index]
        if self.line is None or self.line[0] != index:
            self.line = (index, read_clip(self.clips[index], self.rate))
        return self.line[1]


def _shaped(clip: np.ndarray, piece: Piece, rate: int) -> np.ndarray:
    sound = clip[piece.first : piece.last]
    if piece.gain != 1.0 or piece.duck_from is not None:
        sound = sound * np.float32(piece.gain)
    if piece.duck_from is not None:
        start = max(0, piece.duck_from - piece.first)
        ramp = np.minimum(1.0, np.arange(len(sound) - start) / max(1, DUCK_RAMP_S * rate))
        sound[start:] *= (1 - ramp * (1 - piece.duck)).astype(np.float32)
    return sound


def _span(layout: Layout, line: int, segment: Segment) -> tuple[int, int, int]:
    host = next((p.host for p in layout.pieces if p.clip == line), 0)
    return round(segment.start * layout.rate), round(segment.end * layout.rate), host


def stitch(
    script: Script,
    clips: list[Path],
    pause_ms: int,
    lead_s: float = LEAD_MS / 1000,
    tail_s: float = LEAD_MS / 1000,
    stereo: bool = False,
) -> Timeline:
    """The plain style: the clips in script order with pauses, after ``lead_s`` of silence and before ``tail_s``."""
    layout = plain_layout(script, clips, pause_ms, lead_s)
    return place(layout, clips, len(script.hosts) or len({line.speaker for line in script.lines}), tail_s, stereo)
