"""Finished episode folders, read for publishing: ``episode.json`` and the files it lists."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import EpisodeError, PublishError
from ..folder import (
    CHECK,
    METADATA,
    check_state,
    is_current,
    listed_files,
    load_json,
    read_metadata,
    read_segments,
    recorded_videos,
)
from ..models import Segment

log = logging.getLogger(__name__)

_CHECK_STATES = {
    "none": f"no {CHECK}",
    "failed": "it failed",
    "stale": f"{CHECK} is about other audio: it was rendered again since; check it again",
}


@dataclass
class Published:
    """One complete episode: its metadata and the files to publish (key -> file)."""

    folder: Path
    slug: str
    meta: dict
    files: dict[str, Path]
    segments: list[Segment] = field(default_factory=list)
    chapters: list[dict] = field(default_factory=list)

    @property
    def title(self) -> str:
        return str(self.meta.get("title") or self.slug)

    @property
    def description(self) -> str:
        return str(self.meta.get("description") or "")

    @property
    def created(self) -> str:
        return str(self.meta.get("created") or "")


def collect(episodes_dir: Path, only_checked: bool = False) -> tuple[list[Published], list[tuple[str, str]]]:
    """The complete episodes in ``episodes_dir`` (newest first), and the folders left out, with why."""
    if not episodes_dir.is_dir():
        raise PublishError(f"{episodes_dir} is not a folder.", "Give the folder podgen make/batch wrote.")
    folders = sorted(p for p in episodes_dir.iterdir() if p.is_dir() and not p.name.startswith("."))
    episodes, skipped = [], []
    for folder in folders:
        episode, reason = _read(folder, only_checked)
        if episode:
            episodes.append(episode)
        else:
            skipped.append((folder.name, reason))
            log.info("%s left out: %s", folder, reason)
    if not episodes:
        first = f" ({skipped[0][0]}: {skipped[0][1]}{'; ...' if len(skipped) > 1 else ''})" if skipped else ""
        found = f"{len(folders)} folders, none a complete episode{first}" if folders else "no episode folders"
        raise PublishError(
            f"No episodes to publish in {episodes_dir}: {found}.", "Make episodes first: podgen make / podgen batch."
        )
    episodes.sort(key=lambda e: e.created, reverse=True)
    return episodes, skipped


def _read(folder: Path, only_checked: bool) -> tuple[Published | None, str]:
    if not (folder / METADATA).is_file():
        return None, f"no {METADATA} (incomplete)"
    try:
        meta = read_metadata(folder)
    except EpisodeError as exc:
        return None, exc.message
    if not meta.get("guid"):
        return None, f"{METADATA} has no guid"
    if only_checked and (state := check_state(folder)) != "passed":
        return None, f"not checked, or its check did not pass ({_CHECK_STATES[state]})"
    files = {key: path for key, path in listed_files(folder, meta).items() if path.is_file()}
    for kind in _stale_videos(meta):
        files.pop(kind, None)
        files.pop("youtube", None) if kind == "video" else None
        log.warning(
            "%s: %s was made from earlier audio and is left out; run podgen video %s again",
            folder.name,
            meta["videos"][kind]["file"],
            folder,
        )
    if "audio" not in files:
        return None, "no audio file"
    episode = Published(folder, folder.name, meta, files)
    episode.segments = _segments(files.get("transcript_json"))
    episode.chapters = _json(files.get("chapters"), "chapters")
    return episode, ""


def _stale_videos(meta: dict) -> list[str]:
    """The videos episode.json lists that show other audio than the episode's own."""
    return [kind for kind, entry in recorded_videos(meta).items() if not is_current(entry, meta)]


def _segments(path: Path | None) -> list[Segment]:
    """The transcript's lines for the episode's page; none when it is missing or broken."""
    try:
        return read_segments(path) if path else []
    except (OSError, ValueError):
        return []


def _json(path: Path | None, key: str) -> list[dict]:
    if not path:
        return []
    try:
        items = load_json(path.read_text(encoding="utf-8")).get(key, [])
    except (OSError, ValueError, AttributeError):
        return []
    return [i for i in items if isinstance(i, dict)] if isinstance(items, list) else []
