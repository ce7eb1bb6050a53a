"""Audio and video: the sound track decoded with the ffmpeg that imageio-ffmpeg ships, then
transcribed offline by ``podgen.asr`` (faster-whisper; Whisper tiny.en unless --asr-model).
Progress is reported in minutes of audio."""

from __future__ import annotations

import math
import re
import subprocess
from pathlib import Path

from .. import asr
from ..asr import SAMPLE_RATE
from ..config import Settings
from ..contracts import Extractor, Progress
from ..errors import CorruptDocument, EmptyDocument, TooLarge
from ..ffmpeg import ffmpeg_exe
from ..models import Document, Section
from . import sniff
from .clean import clean_text
from .text import pretty_stem

SILENCE = 1e-3
"""Peak amplitude below which a recording counts as silent."""
PAUSE = 1.5
"""Seconds of silence between words that start a new paragraph."""
_DURATION_RE = re.compile(r"Duration: (\d+):(\d\d):(\d\d(?:\.\d+)?)")
_AUDIO_RE = re.compile(r"Stream #\S+.*?: Audio:")


def probe(path: Path) -> tuple[float | None, bool]:
    """(duration in seconds or None, has an audio stream) from ffmpeg's description of the file."""
    proc = subprocess.run([ffmpeg_exe(), "-hide_banner", "-nostdin", "-i", str(path)], capture_output=True)
    info = proc.stderr.decode("utf-8", "replace")
    if "Invalid data found" in info or ("Stream #" not in info):
        raise CorruptDocument(f"{path.name} is not a readable audio or video file.")
    match = _DURATION_RE.search(info)
    seconds = int(match.group(1)) * 3600 + int(match.group(2)) * 60 + float(match.group(3)) if match else None
    return seconds, bool(_AUDIO_RE.search(info))


def decode(path: Path):
    """The sound track as mono float32 samples at 16 kHz."""
    import numpy as np

    cmd = [
        ffmpeg_exe(),
        "-hide_banner",
        "-nostdin",
        "-v",
        "error",
        "-i",
        str(path),
        "-vn",
        "-ac",
        "1",
        "-ar",
        str(SAMPLE_RATE),
        "-f",
        "f32le",
        "pipe:1",
    ]
    proc = subprocess.run(cmd, capture_output=True)
    if proc.returncode != 0 or not proc.stdout:
        detail = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        raise CorruptDocument(
            f"{path.name}: ffmpeg could not decode its sound ({detail[-1] if detail else 'no output'})."
        )
    return np.frombuffer(proc.stdout, dtype=np.float32)


def paragraphs(words: list) -> str:
    """Words into text: a long pause starts a new paragraph."""
    blocks, current, last = [], [], None
    for word in words:
        if last is not None and word.start - last > PAUSE and current:
            blocks.append(" ".join(current))
            current = []
        current.append(word.text)
        last = word.end
    blocks.append(" ".join(current))
    return "\n\n".join(b for b in blocks if b.strip())


def _check(path: Path, settings: Settings) -> float:
    seconds, has_audio = probe(path)
    if not has_audio:
        raise EmptyDocument(
            f"{path.name} has no audio track: there is nothing to transcribe.", "Give podgen a recording with sound."
        )
    if seconds and seconds > settings.max_audio_minutes * 60:
        raise TooLarge(
            f"{path.name} is {seconds / 3600:.1f} hours long; podgen transcribes at most "
            f"{settings.max_audio_minutes:g} minutes (max_audio_minutes).",
            "Cut it first (ffmpeg -i in.mp3 -t 3600 -c copy part.mp3), or raise max_audio_minutes.",
        )
    return seconds or 0.0


def _transcribe(path: Path, samples, settings: Settings, progress: Progress | None) -> str:

    total = max(1, math.ceil(len(samples) / asr.SAMPLE_RATE / 60))
    heard = (lambda s: progress("transcribe", min(total, int(s // 60)), total)) if progress else None
    if progress:
        progress("transcribe", 0, total)
    words = asr.transcribe_words(samples, settings.asr_model, settings.language, heard)
    if progress:
        progress("transcribe", total, total)
    return paragraphs(words)


class MediaExtractor(Extractor):
    """Audio and video (.mp3 .wav .m4a .flac .ogg .opus .mp4 .mkv .webm .mov) through ffmpeg and
    faster-whisper (extra: audio)."""

    name = "media"
    priority = 40
    extensions = (".mp3", ".wav", ".m4a", ".flac", ".ogg", ".opus", ".mp4", ".mkv", ".webm", ".mov")

    def accepts(self, path: Path) -> bool:
        return sniff.accepts(path, "media", self.extensions)

    def check(self, path: Path, settings: Settings) -> None:
        """Refuse a recording longer than ``max_audio_minutes`` (reads the header only)."""
        _check(path, settings)

    def extract(self, path: Path, settings: Settings, progress: Progress | None = None) -> Document:

        asr.load_model(settings.asr_model, language=settings.language)  # a missing model fails before any decoding
        seconds = _check(path, settings)
        samples = decode(path)
        if not len(samples) or float(abs(samples).max()) < SILENCE:
            raise EmptyDocument(f"{path.name} is silent: there is no speech to transcribe.")
        text = clean_text(_transcribe(path, samples, settings, progress))
        if not text:
            raise EmptyDocument(f"{path.name} has no speech that could be recognised.")
        meta = {
            "format": "audio",
            "minutes": round((seconds or len(samples) / asr.SAMPLE_RATE) / 60, 2),
            "transcribed": True,
        }
        return Document(title=pretty_stem(path), sections=[Section("", text)], source=str(path), meta=meta)
