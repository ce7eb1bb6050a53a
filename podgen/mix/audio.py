"""pydub, pointed at the ffmpeg that imageio-ffmpeg ships (no ffprobe needed)."""

from __future__ import annotations

import warnings
import wave
from pathlib import Path

from ..ffmpeg import ffmpeg_exe

with warnings.catch_warnings():  # pydub warns at import when ffmpeg is not on PATH
    warnings.simplefilter("ignore", RuntimeWarning)
    warnings.simplefilter("ignore", DeprecationWarning)  # pydub imports audioop
    from pydub import AudioSegment

AudioSegment.converter = ffmpeg_exe()
AudioSegment.ffmpeg = ffmpeg_exe()


def load_wav(path: Path) -> AudioSegment:
    """Read a mono/stereo PCM WAV without calling ffprobe."""
    with wave.open(str(path), "rb") as src:
        return AudioSegment(
            data=src.readframes(src.getnframes()),
            sample_width=src.getsampwidth(),
            frame_rate=src.getframerate(),
            channels=src.getnchannels(),
        )
