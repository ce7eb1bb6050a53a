"""The ffmpeg that imageio-ffmpeg ships (it has rubberband and loudnorm)."""

from __future__ import annotations

import subprocess
from functools import lru_cache
from pathlib import Path

import numpy as np

from .errors import BackendError, MissingDependency


@lru_cache(maxsize=1)
def ffmpeg_exe() -> str:
    try:
        import imageio_ffmpeg
    except ImportError:  # pragma: no cover - a core dependency
        raise MissingDependency("imageio-ffmpeg is not installed.", "pip install imageio-ffmpeg") from None
    return imageio_ffmpeg.get_ffmpeg_exe()


def run(args: list[str], data: bytes | None = None, capture: str = "stdout") -> bytes:
    """Run ffmpeg with ``args`` (after the executable), feeding ``data`` to stdin.

    Returns what ffmpeg wrote to ``capture`` ("stdout" or "stderr")."""
    level = "error" if capture == "stdout" else "info"
    cmd = [ffmpeg_exe(), "-hide_banner", "-v", level, "-y", *(["-nostdin"] if data is None else []), *args]
    proc = subprocess.run(cmd, input=data, capture_output=True)
    if proc.returncode != 0:
        detail = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        raise BackendError(f"ffmpeg failed: {detail[-1] if detail else proc.returncode}.")
    return proc.stdout if capture == "stdout" else proc.stderr


def filter_pcm(pcm: bytes, rate: int, audio_filter: str) -> bytes:
    """Pass mono s16le PCM through an ffmpeg audio filter chain; same rate out."""
    fmt = ["-f", "s16le", "-ar", str(rate), "-ac", "1"]
    return run([*fmt, "-i", "pipe:0", "-af", audio_filter, *fmt, "pipe:1"], data=pcm)


def decode(path: Path, rate: int = 16000, seconds: float | None = None) -> np.ndarray:
    """Any audio file -> mono float32 samples at ``rate`` (its first ``seconds`` only, if given)."""
    first = ["-t", f"{seconds:.3f}"] if seconds is not None else []
    raw = run(["-i", str(path), *first, "-f", "s16le", "-ac", "1", "-ar", str(rate), "pipe:1"])
    return np.frombuffer(raw, dtype=np.int16).astype(np.float32) / 32768


def decode_pcm(data: bytes, rate: int) -> bytes:
    """Any audio a server sent (MP3, WAV, ...) -> mono s16le PCM at ``rate``."""
    return run(["-i", "pipe:0", "-f", "s16le", "-ac", "1", "-ar", str(rate), "pipe:1"], data=data)
