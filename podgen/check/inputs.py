"""An episode folder, opened for checking: its metadata, script, timeline and MP3 header.

Anything that makes the folder uncheckable (not an episode, still rendering, no MP3, a file
that is not an MP3 or is cut short) is an EpisodeError with a one-line message."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..about import pip_install
from ..errors import EpisodeError, MissingDependency
from ..folder import load_json
from ..models import Script, Segment

METADATA = "episode.json"
SCRIPT = "script.json"
AUDIO = "episode.mp3"
TRANSCRIPT = "transcript.json"


@dataclass
class Episode:
    folder: Path
    meta: dict[str, Any]
    script: Script
    segments: list[Segment]
    mp3: Any
    """mutagen's MP3 (stream info and ID3 tags)."""

    @property
    def audio(self) -> Path:
        return self.folder / self.meta.get("files", {}).get("audio", AUDIO)

    def file(self, key: str, default: str) -> Path | None:
        """An artifact by its episode.json "files" key (or default name); None when absent."""
        path = self.folder / self.meta.get("files", {}).get(key, default)
        return path if path.is_file() else None


def open_episode(folder: Path) -> Episode:
    folder = Path(folder)
    if not folder.is_dir():
        raise EpisodeError(f"{folder} is not a folder.")
    if not (folder / METADATA).is_file():
        if (folder / SCRIPT).is_file():
            raise EpisodeError(f"{folder} has no {METADATA}: it is still being rendered, or its last render failed.",
                               f"Wait for it to finish, or run: podgen render {folder}")
        raise EpisodeError(f"{folder} is not an episode folder (no {METADATA}).")
    meta = _read_json(folder / METADATA)
    from ..pipeline import load_script

    script = load_script(folder)
    episode = Episode(folder, meta, script, [], None)
    episode.segments = _segments(folder / TRANSCRIPT)
    episode.mp3 = _open_mp3(episode.audio)
    return episode


def _read_json(path: Path) -> dict[str, Any]:
    try:
        data = load_json(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise EpisodeError(f"{path} is not valid JSON ({exc}).", f"Render it again: podgen render {path.parent}") from None
    if not isinstance(data, dict):
        raise EpisodeError(f"{path} is not a JSON object.", f"Render it again: podgen render {path.parent}")
    return data


def _segments(path: Path) -> list[Segment]:
    if not path.is_file():
        raise EpisodeError(f"{path.parent} has no {path.name}.", f"Render it again: podgen render {path.parent}")
    try:
        items = _read_json(path)["segments"]
        return [Segment(str(s.get("speaker", "")), str(s["body"]), float(s["startTime"]), float(s["endTime"]))
                for s in items]
    except (KeyError, TypeError, ValueError) as exc:
        raise EpisodeError(f"{path} is not a Podcasting 2.0 transcript ({exc!r} is missing or wrong).",
                           f"Render it again: podgen render {path.parent}") from None


def _open_mp3(path: Path):
    try:
        from mutagen import MutagenError
        from mutagen.mp3 import MP3
    except ImportError as exc:
        raise MissingDependency(f"The check needs mutagen ({exc.name} is missing).", pip_install("check")) from None
    if not path.is_file():
        raise EpisodeError(f"{path.parent} has no {path.name}.", f"Render it again: podgen render {path.parent}")
    try:
        mp3 = MP3(path)
    except MutagenError as exc:
        raise EpisodeError(f"{path} is not an MP3 ({exc}).", f"Render it again: podgen render {path.parent}") from None
    _check_whole(path, mp3)
    return mp3


def _check_whole(path: Path, mp3) -> None:
    """A CBR MP3 holds bitrate/8 bytes a second: fewer bytes than its header's length needs means
    the file was cut short (an interrupted copy or upload)."""
    info = mp3.info
    if info.length <= 0 or info.bitrate <= 0:
        raise EpisodeError(f"{path} holds no audio.", f"Render it again: podgen render {path.parent}")
    tag_bytes = mp3.tags.size if mp3.tags is not None else 0
    needed = info.length * info.bitrate / 8
    held = path.stat().st_size - tag_bytes
    if held < 0.97 * needed:
        raise EpisodeError(
            f"{path} is truncated: it holds {held / needed:.0%} of the {info.length:.1f} s its header declares.",
            f"Render it again: podgen render {path.parent}")
