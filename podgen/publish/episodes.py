"""Finished episode folders, read for publishing: ``episode.json`` and the files it lists."""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import PublishError
from ..folder import check_state, load_json

log = logging.getLogger(__name__)

KNOWN_FILES = {
    "audio": "episode.mp3",
    "transcript_vtt": "transcript.vtt",
    "transcript_srt": "transcript.srt",
    "transcript_json": "transcript.json",
    "chapters": "chapters.json",
}
COVERS = ("cover.jpg", "cover.jpeg", "cover.png")
_CHECK_STATES = {"none": "no check.json", "failed": "it failed",
                 "stale": "check.json is about other audio: it was rendered again since; check it again"}


@dataclass
class Published:
    """One complete episode: its metadata and the files to publish (key -> file)."""

    folder: Path
    slug: str
    meta: dict
    files: dict[str, Path]
    segments: list[dict] = field(default_factory=list)
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
        raise PublishError(f"No episodes to publish in {episodes_dir}: {found}.",
                           "Make episodes first: podgen make / podgen batch.")
    episodes.sort(key=lambda e: e.created, reverse=True)
    return episodes, skipped


def _read(folder: Path, only_checked: bool) -> tuple[Published | None, str]:
    try:
        meta = load_json((folder / "episode.json").read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None, "no episode.json (incomplete)"
    except (OSError, ValueError) as exc:
        return None, f"episode.json unreadable ({exc})"
    if not isinstance(meta, dict) or not meta.get("guid"):
        return None, "episode.json has no guid"
    if only_checked and (state := check_state(folder)) != "passed":
        return None, f"not checked, or its check did not pass ({_CHECK_STATES[state]})"
    files = _files(folder, meta.get("files"))
    if "audio" not in files:
        return None, "no audio file"
    episode = Published(folder, folder.name, meta, files)
    episode.segments = _json(files.get("transcript_json"), "segments")
    episode.chapters = _json(files.get("chapters"), "chapters")
    return episode, ""


def _files(folder: Path, listed: object) -> dict[str, Path]:
    """Files named in episode.json (or the usual names), only those inside ``folder`` that exist."""
    names = dict(KNOWN_FILES)
    names.update({k: Path(str(v)).name for k, v in (listed.items() if isinstance(listed, dict) else [])})
    if "cover" not in names:
        names["cover"] = next((c for c in COVERS if (folder / c).is_file()), "")
    found = {key: folder / name for key, name in names.items() if name and (folder / name).is_file()}
    found.pop("metadata", None)
    return found


def _json(path: Path | None, key: str) -> list[dict]:
    if not path:
        return []
    try:
        items = load_json(path.read_text(encoding="utf-8")).get(key, [])
    except (OSError, ValueError, AttributeError):
        return []
    return [i for i in items if isinstance(i, dict)] if isinstance(items, list) else []
