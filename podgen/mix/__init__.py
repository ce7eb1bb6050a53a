"""Mix: clips become the episode MP3, transcripts and chapters.

Transcripts are written before the MP3, and the MP3 atomically: an ``episode.mp3`` that
exists is always complete.
"""
from __future__ import annotations

from pathlib import Path
from ..config import Settings
from ..contracts import Progress
from ..files import write_text
from ..models import Script, Segment
from . import transcripts
from .export import export_mp3
from .stitch import stitch


def mix_episode(
    script: Script, clips: list[Path], folder: Path, settings: Settings,
    progress: Progress | None = None,
) -> tuple[float, list[Segment], dict[str, Path]]:
    """Stitch ``clips`` and write every artifact into ``folder``; return duration, segments, files."""
    if progress:
        progress("mix", 0, 1)
    audio, segments = stitch(script, clips, settings.pause_ms)
    files = {
        "transcript_vtt": write_text(folder / "transcript.vtt", transcripts.to_vtt(segments)),
        "transcript_srt": write_text(folder / "transcript.srt", transcripts.to_srt(segments)),
        "transcript_json": write_text(folder / "transcript.json", transcripts.to_json(segments)),
        "chapters": write_text(folder / "chapters.json", transcripts.chapters_json(script.chapters, segments, script.title)),
    }
    tags = {"title": script.title, "artist": " & ".join(script.hosts), "album": "podgen", "genre": "Podcast"}
    files["audio"] = export_mp3(audio, folder / "episode.mp3", settings.bitrate, settings.sample_rate, tags)
    if progress:
        progress("mix", 1, 1)
    return len(audio) / 1000, segments, files
