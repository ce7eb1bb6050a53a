"""episode.json: what an episode is, what it was made from, and which videos show it.

It is written last, so a folder with an episode.json holds a complete episode. A render sets it
aside while it works (:func:`set_aside_metadata`), keeping the guid, which podcast apps know an
episode by, and puts it back when it changed nothing (:func:`unchanged`) or failed before it
changed any file (:func:`restore_metadata`). Videos are recorded in it as they are made
(:func:`record_video`); each records the audio it shows, so :func:`is_current` tells one made
from audio rendered over since.
"""

from __future__ import annotations

import json
import logging
import os
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import redact
from ..errors import EpisodeError
from ..files import sha256, write_text
from ..models import Episode, Script
from .jsonio import load_json, read_object
from .names import METADATA, METADATA_KEPT, REDO, SCRIPT, VIDEO_FILES, VIDEOS, YOUTUBE
from .transcript import read_segments

if TYPE_CHECKING:
    from ..config import Settings

log = logging.getLogger(__name__)


def read_metadata(folder: Path) -> dict[str, Any]:
    """``folder``'s episode.json, strictly: anything that makes it unreadable (not an episode,
    still rendering, broken JSON) is an EpisodeError that says what to do."""
    path = folder / METADATA
    if not folder.is_dir():
        raise EpisodeError(f"{folder} is not a folder.")
    if not path.is_file():
        if (folder / SCRIPT).is_file():
            raise EpisodeError(
                f"{folder} has no {METADATA}: it is still being rendered, or its last render failed.",
                f"Wait for it to finish, or run: podgen render {folder}",
            )
        raise EpisodeError(f"{folder} is not an episode folder (no {METADATA}).")
    try:
        data = load_json(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise EpisodeError(f"{path} is not valid JSON ({exc}).", REDO.format(folder=folder)) from None
    if not isinstance(data, dict):
        raise EpisodeError(f"{path} is not a JSON object.", REDO.format(folder=folder))
    return data


def save_metadata(folder: Path, meta: dict[str, Any]) -> Path:
    """Write ``meta`` as ``folder``'s episode.json (atomically)."""
    return write_text(folder / METADATA, json.dumps(meta, indent=2, ensure_ascii=False) + "\n")


# --- set aside while a render works


def set_aside_metadata(folder: Path) -> dict:
    """Set episode.json aside: until a render writes it again, the folder is not complete.
    It is kept (hidden) so that a failed render does not lose the episode's guid."""
    path, kept = folder / METADATA, folder / METADATA_KEPT
    if path.is_file():
        os.replace(path, kept)
    return read_object(kept)


def put_back_metadata(folder: Path) -> Path:
    """The episode.json set aside goes back as it was (the render changed nothing)."""
    os.replace(folder / METADATA_KEPT, folder / METADATA)
    return folder / METADATA


def drop_kept_metadata(folder: Path) -> None:
    """Drop the copy of episode.json set aside (a new one has been written)."""
    (folder / METADATA_KEPT).unlink(missing_ok=True)


def recorded_metadata(folder: Path) -> dict:
    """episode.json, or the one set aside by a render that has not finished; {} for neither."""
    return read_object(folder / METADATA) or read_object(folder / METADATA_KEPT)


def stamp_files(folder: Path, meta: dict) -> dict[str, tuple] | None:
    """Size, modification time and inode of every file ``meta`` (an episode.json) lists; None
    when it lists none. A file written again (always by a rename) changes its stamp."""
    files = meta.get("files")
    if not isinstance(files, dict) or not files:
        return None
    stamps = {}
    for key, name in files.items():
        if key == "metadata":
            continue
        try:
            stat = (folder / Path(str(name)).name).stat()
        except OSError:
            return None
        stamps[key] = (stat.st_size, stat.st_mtime_ns, stat.st_ino)
    return stamps


def restore_metadata(folder: Path, stamps: dict[str, tuple] | None) -> bool:
    """After a failed render: put the episode.json set aside back if every file it lists is
    as it was (``stamps``, taken before the render), so a finished episode stays published.
    Returns whether it was put back."""
    kept = folder / METADATA_KEPT
    if stamps is None or not kept.is_file() or stamp_files(folder, read_object(kept)) != stamps:
        return False
    put_back_metadata(folder)
    log.info("%s: the render failed before it changed any file; the finished episode stays as it was", folder)
    return True


def unchanged(folder: Path, meta: dict, made_from: str, timings: dict[str, float]) -> Episode | None:
    """The finished episode in ``folder`` if it was made from exactly ``made_from`` (its
    episode.json, set aside, goes back untouched), else None."""
    try:
        files = {name: folder / Path(str(value)).name for name, value in meta["files"].items()}
        needed = [p for name, p in files.items() if name not in VIDEO_FILES]  # a video deleted is made again by itself
        if meta.get("made_from") != made_from or not all(p.is_file() for p in needed):
            return None
        segments = read_segments(files["transcript_json"])
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None
    files["metadata"] = put_back_metadata(folder)
    log.info("%s is up to date: nothing to do", folder)
    timings.update(speak=0.0, mix=0.0)
    return Episode(folder.name, folder, meta["title"], meta["description"], meta["duration"], segments, files, timings)


# --- written by a render


def redacted_credit(credit: dict) -> dict:
    """A source credit with any ``user:password@`` taken out of its addresses."""
    return {k: redact.url(v) if k in ("source", "url") and isinstance(v, str) else v for k, v in credit.items()}


def _keep_videos(meta: dict, old: dict, folder: Path) -> None:
    """The videos an earlier episode.json recorded stay listed while their files are there: each
    records the audio it was made from, so a check and the feed know one that is out of date."""
    videos = old.get("videos")
    files = old.get("files") if isinstance(old.get("files"), dict) else {}
    kept = {k: str(v) for k, v in files.items() if k in VIDEO_FILES and (folder / Path(str(v)).name).is_file()}
    if kept and isinstance(videos, dict):
        meta["files"].update(kept)
        meta["videos"] = videos


def write_metadata(episode: Episode, script: Script, old: dict, made_from: str, settings: Settings) -> None:
    """episode.json: written last, so its presence means the episode is complete. The guid
    and creation time of an earlier render are kept: podcast apps know an episode by its guid."""
    path = episode.folder / METADATA
    meta = {
        "title": episode.title,
        "description": episode.description,
        "duration": round(episode.duration, 3),
        "sources": [redact.url(s) for s in script.sources],
        "credits": [redacted_credit(c) for c in script.credits],
        "guid": old.get("guid") or str(uuid.uuid4()),
        "created": old.get("created") or datetime.now(UTC).isoformat(timespec="seconds"),
        "rendered": datetime.now(UTC).isoformat(timespec="seconds"),
        "writer": script.writer,
        "hosts": script.hosts,
        "files": {name: p.name for name, p in episode.files.items()},
        "music": None if not settings.music else settings.music if settings.music == "default" else str(settings.music),
        "stereo": settings.stereo,
        "style": settings.style,
        "language": settings.language,
        "cover": str(Path(settings.cover).expanduser().resolve()) if settings.cover else None,
        "made_from": made_from,
    }
    _keep_videos(meta, old, episode.folder)
    if script.unsupported_claims:
        meta["unsupported_claims"] = script.unsupported_claims
    if script.fallback_segments:
        meta["fallback_segments"] = script.fallback_segments
    save_metadata(episode.folder, meta)
    drop_kept_metadata(episode.folder)
    episode.files["metadata"] = path


# --- the videos made from the episode


def recorded_videos(meta: dict) -> dict[str, dict]:
    """episode.json's videos, by kind ("video", "short"); only well-formed entries."""
    videos = meta.get("videos")
    if not isinstance(videos, dict):
        return {}
    return {k: v for k, v in videos.items() if k in VIDEOS and isinstance(v, dict) and isinstance(v.get("file"), str)}


def is_current(entry: dict, meta: dict) -> bool:
    """Whether a video episode.json records shows the audio the episode holds now."""
    return entry.get("made_from") == meta.get("made_from")


def record_video(folder: Path, kind: str, entry: dict) -> None:
    """Add a video just made to episode.json: under "files" (so feed and site publish it) and
    under "videos", with its size, its SHA-256 and the audio it shows."""
    meta = read_object(folder / METADATA)
    path = folder / entry["file"]
    entry.update(bytes=path.stat().st_size, sha256=sha256(path), made_from=meta.get("made_from"))
    files = dict(meta.get("files") or {})
    files[kind] = entry["file"]
    if kind == "video":
        files["youtube"] = YOUTUBE
    meta["files"] = files
    meta["videos"] = {**recorded_videos(meta), kind: entry}
    save_metadata(folder, meta)
