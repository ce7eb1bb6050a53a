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
        digest = hashlib.sha256(f"{voice_key}\n{text}".encode("utf-8")).hexdigest()
        return self.folder / digest[:2] / f"{digest}.wav"

    def store(self, path: Path, pcm: bytes, rate: int) -> None:
        """Write mono 16-bit PCM as WAV, atomically: a killed run never leaves half a clip."""
        with atomic_path(path) as tmp:
            with wave.open(str(tmp), "wb") as out:
                out.setnchannels(1)
                out.setsampwidth(2)
                out.setframerate(rate)
                out.writeframes(pcm)
