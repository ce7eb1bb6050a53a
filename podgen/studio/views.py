"""What the studio's pages and API show of an episode folder, read with ``podgen.folder``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..errors import EpisodeError
from ..folder import (
    CHECK,
    METADATA,
    chapter_starts,
    check_state,
    is_current,
    listed_files,
    load_script,
    read_object,
    read_segments,
    recorded_metadata,
    recorded_videos,
    split_backchannels,
)
from ..models import Segment
from ..publish.site import DOWNLOADS, clock


def downloads(folder: Path, meta: dict) -> list[dict[str, str]]:
    files = listed_files(folder, meta)
    found = [(key, label) for key, label in DOWNLOADS.items() if key in files]
    return [{"key": key, "label": label, "name": files[key].name} for key, label in found if files[key].is_file()]


def segments(folder: Path, meta: dict) -> list[dict[str, Any]]:
    """The transcript's segments; each script line's carries its line number."""
    try:
        all_segments = read_segments(listed_files(folder, meta)["transcript_json"])
    except (OSError, ValueError):
        return []
    lines, _ = split_backchannels(all_segments)
    number = {id(seg): i for i, seg in enumerate(lines)}
    return [
        {
            "start": round(s.start, 3),
            "end": round(s.end, 3),
            "speaker": s.speaker,
            "body": s.text,
            "line": number.get(id(s)),
        }
        for s in all_segments
    ]


def findings(folder: Path) -> dict[str, Any]:
    """check.json's findings that did not pass, and whether the check is of the audio there now."""
    report = read_object(folder / CHECK)
    failed = [
        f
        for f in report.get("findings", [])
        if isinstance(f, dict) and (not f.get("passed") or f.get("severity") == "warning")
    ]
    return {"state": check_state(folder), "findings": failed}


def episode_view(folder: Path) -> dict[str, Any]:
    """Everything the episode page shows. Raises EpisodeError for a folder without a script."""
    script = load_script(folder)
    meta = recorded_metadata(folder)
    cover = listed_files(folder, meta).get("cover")
    timeline = segments(folder, meta)
    lines = [Segment(s["speaker"], s["body"], s["start"], s["end"]) for s in timeline if s["line"] is not None]
    chapters = [
        {"title": c.title, "line": c.line, "start": start or 0.0, "clock": clock(start or 0.0)}
        for c, start in zip(script.chapters, chapter_starts(script.chapters, lines))
    ]
    return {
        "slug": folder.name,
        "title": str(meta.get("title") or script.title),
        "description": str(meta.get("description") or script.description),
        "complete": (folder / METADATA).is_file(),
        "duration": clock(float(meta.get("duration") or 0)),
        "hosts": script.hosts,
        "lines": [line.to_dict() for line in script.lines],
        "chapters": chapters,
        "segments": timeline,
        "downloads": downloads(folder, meta),
        "check": findings(folder),
        "cover": cover.name if cover and cover.is_file() else None,
        "writer": script.writer,
        "sources": script.sources,
        "video": _current_video(meta),
    }


def _current_video(meta: dict) -> bool:
    """Whether the episode has a video of the audio it holds now (the page then plays it)."""

    entry = recorded_videos(meta).get("video")
    return bool(entry) and is_current(entry, meta)


def library(root: Path) -> list[dict[str, Any]]:
    """Every episode folder in ``root``, newest first."""
    found = []
    folders = sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")) if root.is_dir() else []
    for folder in folders:
        try:
            script = load_script(folder)
        except EpisodeError:
            continue
        meta = recorded_metadata(folder)
        found.append(
            {
                "slug": folder.name,
                "title": str(meta.get("title") or script.title),
                "created": str(meta.get("created") or ""),
                "duration": clock(float(meta.get("duration") or 0)),
                "complete": (folder / METADATA).is_file(),
                "check": check_state(folder),
                "lines": len(script.lines),
            }
        )
    return sorted(found, key=lambda e: e["created"], reverse=True)
