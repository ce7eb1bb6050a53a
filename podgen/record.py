"""episode.json: what an episode is and what it was made from.

It is written last, so a folder with an episode.json holds a complete episode; a render sets it
aside while it works (``folder.set_aside_metadata``), keeping the guid, which podcast apps know
an episode by. Its ``made_from`` fingerprint lets a render of an unchanged episode do nothing at all.
"""

from __future__ import annotations

import hashlib
import json
import logging
import uuid
from datetime import UTC, datetime
from pathlib import Path

from . import redact
from .about import __version__
from .config import Settings, shaping
from .files import write_text
from .folder import METADATA, drop_kept_metadata, put_back_metadata, read_segments, recorded_metadata
from .models import Episode, Script

log = logging.getLogger(__name__)

STUDIO = ("music", "stereo", "cover", "style")
STYLES = ("natural", "plain")


def studio_choices(folder: Path, settings: Settings) -> Settings:
    """``settings`` with the music, stereo, cover and style recorded in ``folder``'s episode.json for
    each of them that no flag, variable or podgen.toml set. A cover file that has gone since
    falls back to the episode's own copy of it."""
    unset = [name for name in STUDIO if name not in settings.model_fields_set]
    meta = recorded_metadata(folder)
    if not unset or not meta:
        return settings
    recorded = {name: meta.get(name) for name in unset if meta.get(name) is not None}
    if recorded.get("style") not in (None, *STYLES):
        del recorded["style"]
    if recorded.get("cover"):
        copy = folder / str(meta.get("files", {}).get("cover", ""))
        given = Path(recorded["cover"])
        recorded["cover"] = given if given.is_file() else copy if copy.is_file() and copy != folder else None
    return settings.model_copy(update=recorded) if recorded else settings


def _digest(path: Path | None) -> str | None:
    if path is None or not Path(path).is_file():
        return None
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def _clip_stamp(path: Path) -> list:
    """A clip's name, size and modification time: a clip replaced under its name (a better
    take stored by podgen check --fix) changes it, without reading any audio."""
    try:
        stat = path.stat()
    except OSError:
        return [path.name, None, None]
    return [path.name, stat.st_size, stat.st_mtime_ns]


def fingerprint(script: Script, clips: list[Path], settings: Settings) -> str:
    """A hash of everything the episode's files are made from: the script, the clips, and the
    settings marked as shaping the mix (files by their contents)."""
    from .mix import FORMAT

    music = settings.music if settings.music in (None, "default") else _digest(Path(settings.music).expanduser())
    parts = {
        "version": __version__,
        "format": FORMAT,
        "script": script.to_dict(),
        "clips": [_clip_stamp(p) for p in clips],
        "mix": {**shaping(settings, ["mix"]), "music": music, "cover": _digest(settings.cover)},
        "conversation": _conversation_rules(settings),
    }
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode("utf-8")).hexdigest()


def _conversation_rules(settings: Settings) -> str | None:
    """The natural style's rules as loaded (an edited conversation.toml re-mixes the episode)."""
    if settings.style != "natural":
        return None
    from dataclasses import asdict

    from .mix.conversation import load_rules

    return json.dumps(
        asdict(load_rules(settings)), sort_keys=True, default=sorted
    )  # sets sorted: the same in every process


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


def redacted_credit(credit: dict) -> dict:
    """A source credit with any ``user:password@`` taken out of its addresses."""
    return {k: redact.url(v) if k in ("source", "url") and isinstance(v, str) else v for k, v in credit.items()}


VIDEO_FILES = ("video", "short", "youtube")
"""episode.json "files" of the videos: made after the episode, from it (``podgen.video``)."""


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
        "cover": str(Path(settings.cover).expanduser().resolve()) if settings.cover else None,
        "made_from": made_from,
    }
    _keep_videos(meta, old, episode.folder)
    if script.unsupported_claims:
        meta["unsupported_claims"] = script.unsupported_claims
    if script.fallback_segments:
        meta["fallback_segments"] = script.fallback_segments
    write_text(path, json.dumps(meta, indent=2, ensure_ascii=False) + "\n")
    drop_kept_metadata(episode.folder)
    episode.files["metadata"] = path
