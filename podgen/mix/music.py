"""Music under the episode: an intro before the first line, the bed ducked under the opening
lines and faded out, and an outro after the last line.

``--music default`` is the synthesised bed in ``bed.py``; any other value is an audio file
that ffmpeg decodes (MP3, WAV, FLAC, Ogg, M4A, ...). Only the first ``NEEDED_S`` seconds are
read: the intro and the outro both start from the top of the music.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ..errors import BackendError, BadMedia
from ..ffmpeg import run
from .bed import music_bed
from .loudness import integrated

INTRO_S = 5.0
"""Music alone before the first line."""
UNDER_S = 7.0
"""How long the bed stays, ducked, under the opening lines before it fades out."""
OUTRO_S = 8.0
"""Music after the last line."""
FADE_S = 3.0
DUCK_DB = -15.0
"""The bed under speech, relative to its level in the intro."""
MUSIC_BELOW_SPEECH_LU = 4.0
"""The intro and outro sit this far below the speech's loudness."""
NEEDED_S = INTRO_S + UNDER_S + FADE_S


def load_music(source: str, rate: int, channels: int) -> np.ndarray:
    """The music as float32 at ``rate``: shape (n,) mono or (n, 2) stereo. Bad input raises BadMedia."""
    if source == "default":
        return music_bed(rate, channels)
    path = Path(source).expanduser()
    if not path.is_file():
        raise BadMedia(f"Music file not found: {path}.", "Check the --music path, or use --music default.")
    try:
        raw = run(
            [
                "-i",
                str(path),
                "-vn",
                "-t",
                str(NEEDED_S + 1),
                "-f",
                "f32le",
                "-ac",
                str(channels),
                "-ar",
                str(rate),
                "pipe:1",
            ]
        )
    except BackendError:
        raw = b""
    if not raw:
        raise BadMedia(f"{path.name} is not an audio file ffmpeg can read.", "Give an MP3, WAV, FLAC, Ogg or M4A file.")
    music = np.frombuffer(raw, np.float32).copy()
    if len(music) < INTRO_S * rate * channels:
        raise BadMedia(
            f"{path.name} lasts {len(music) / rate / channels:.1f}s, shorter than the {INTRO_S:.0f}s intro.",
            "Give a longer piece of music.",
        )
    return music.reshape(-1, channels) if channels == 2 else music


def _fade(n: int, seconds: float, rate: int, out: bool) -> np.ndarray:
    ramp = np.clip(np.arange(n) / max(1, seconds * rate), 0, 1)
    return ramp[::-1] if out else ramp


def _bed_envelope(n: int, rate: int) -> np.ndarray:
    """Gain over the opening: full through the intro, down to DUCK_DB as speech starts, then out."""
    t = np.arange(n) / rate
    duck = 10 ** (DUCK_DB / 20)
    down = np.clip((t - (INTRO_S - 0.4)) / 0.8, 0, 1)
    gain = 1 - (1 - duck) * down
    gain *= np.clip((INTRO_S + UNDER_S + FADE_S - t) / FADE_S, 0, 1)
    return gain * np.clip(t / 0.05, 0, 1)


def music_tracks(
    music: np.ndarray, rate: int, speech_end: float, speech_lufs: float | None
) -> list[tuple[int, np.ndarray]]:
    """The music's two appearances as (first sample, samples) at ``rate``: the intro with its
    ducked bed from the top, and the outro from just after ``speech_end``, both starting on a
    100 ms boundary so that their loudness adds to the speech's block by block."""
    level = integrated(music, rate)
    if level is None or speech_lufs is None:
        return []
    music = music * np.float32(10 ** ((speech_lufs - MUSIC_BELOW_SPEECH_LU - level) / 20))
    bed = music[: int(NEEDED_S * rate)]
    bed = bed * _shape(_bed_envelope(len(bed), rate) * _fade(len(bed), 0.5, rate, out=True), bed)
    outro = music[: int(OUTRO_S * rate)]
    outro = outro * _shape(_fade(len(outro), 1.0, rate, out=False) * _fade(len(outro), FADE_S, rate, out=True), outro)
    start = int(np.ceil((speech_end + 0.4) * 10)) * rate // 10
    return [(0, bed), (start, outro)]


def _shape(envelope: np.ndarray, like: np.ndarray) -> np.ndarray:
    return (envelope[:, None] if like.ndim == 2 else envelope).astype(np.float32)
