"""Clips and pauses become one timeline; each line's place on it is measured, not guessed.

The timeline is one float32 array allocated once at its final length (read from the WAV
headers first), and each clip is copied into its place: memory stays proportional to the
episode, and no clip ever copies the part of the episode before it.
"""
from __future__ import annotations

import wave
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..models import Script, Segment
from .audio import load_wav

LEAD_MS = 400  # silence before the first and after the last line


@dataclass
class Timeline:
    """Mono speech at ``rate``, and which host speaks each stretch of it."""

    samples: np.ndarray
    rate: int
    segments: list[Segment]
    spans: list[tuple[int, int, int]]
    """(first sample, end sample, host index) per line."""

    @property
    def seconds(self) -> float:
        return len(self.samples) / self.rate


def _pause_ms(base: int, same_speaker: bool, index: int) -> int:
    """Natural turn-taking: a little shorter within a speaker, a little varied between turns."""
    if same_speaker:
        return int(base * 0.6)
    return int(base * (0.85, 1.0, 1.2, 0.95, 1.1)[index % 5])


def _header(path: Path) -> tuple[int, int]:
    with wave.open(str(path), "rb") as src:
        return src.getnframes(), src.getframerate()


def _read(path: Path, rate: int) -> np.ndarray:
    """A clip as float32 mono at ``rate``; pydub converts the odd clip of another format."""
    with wave.open(str(path), "rb") as src:
        if (src.getframerate(), src.getnchannels(), src.getsampwidth()) == (rate, 1, 2):
            return np.frombuffer(src.readframes(src.getnframes()), np.int16).astype(np.float32) / 32768
    clip = load_wav(path).set_frame_rate(rate).set_channels(1).set_sample_width(2)
    return np.frombuffer(clip.raw_data, np.int16).astype(np.float32) / 32768


def _layout(script: Script, clips: list[Path], pause_ms: int, lead_s: float) -> tuple[int, list[tuple[int, int]]]:
    """The timeline's rate and each clip's (start, length) in samples, from the WAV headers."""
    headers = [_header(path) for path in clips]
    rate = max(r for _, r in headers)
    cursor, places = round(lead_s * rate), []
    for i, (line, (frames, clip_rate)) in enumerate(zip(script.lines, headers)):
        if i:
            cursor += round(_pause_ms(pause_ms, line.speaker == script.lines[i - 1].speaker, i) * rate / 1000)
        length = frames if clip_rate == rate else round(frames * rate / clip_rate)
        places.append((cursor, length))
        cursor += length
    return rate, places


def stitch(script: Script, clips: list[Path], pause_ms: int, lead_s: float = LEAD_MS / 1000,
           tail_s: float = LEAD_MS / 1000) -> Timeline:
    """Join the clips in script order with pauses, after ``lead_s`` of silence and before ``tail_s``."""
    rate, places = _layout(script, clips, pause_ms, lead_s)
    end = places[-1][0] + places[-1][1] if places else 0
    samples = np.zeros(end + round(tail_s * rate), np.float32)
    hosts = script.hosts or sorted({line.speaker for line in script.lines})
    segments, spans = [], []
    for line, path, (start, length) in zip(script.lines, clips, places):
        clip = _read(path, rate)[:length]
        samples[start:start + len(clip)] = clip
        segments.append(Segment(line.speaker, line.text, round(start / rate, 3), round((start + length) / rate, 3)))
        host = hosts.index(line.speaker) if line.speaker in hosts else 0
        spans.append((start, start + length, host))
    return Timeline(samples, rate, segments, spans)
