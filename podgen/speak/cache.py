"""Clips on disk, named by a hash of everything that shapes their sound."""

from __future__ import annotations

import hashlib
import wave
from pathlib import Path

from ..files import atomic_path


class ClipCache:
    def __init__(self, folder: Path):
        self.folder = folder

    def path(self, voice_key: str, text: str) -> Path:
        digest = hashlib.sha256(f"{voice_key}\n{text}".encode()).hexdigest()
        return self.folder / digest[:2] / f"{digest}.wav"

    def store(self, path: Path, pcm: bytes, rate: int, replace: bool = False) -> None:
        """Write mono 16-bit PCM as WAV, atomically: a killed run never leaves half a clip.

        A clip already stored stays unless ``replace``: Piper never speaks a line the same way
        twice, so when two processes speak one line at once (a batch's documents share lines)
        the first clip is the one both episodes use, not one each with the cache keeping the last."""
        with atomic_path(path, replace=replace) as tmp:
            with wave.open(str(tmp), "wb") as out:
                out.setnchannels(1)
                out.setsampwidth(2)
                out.setframerate(rate)
                out.writeframes(pcm)

    def read(self, path: Path) -> tuple[bytes, int]:
        """A stored clip's PCM and sample rate."""
        with wave.open(str(path), "rb") as src:
            return src.readframes(src.getnframes()), src.getframerate()
