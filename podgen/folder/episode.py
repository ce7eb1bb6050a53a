"""A finished episode, read back: its episode.json, script and transcript as an Episode."""

from __future__ import annotations

from pathlib import Path

from ..errors import EpisodeError
from ..models import Episode
from .metadata import read_metadata
from .names import REDO, listed_files
from .script import load_script
from .transcript import read_segments


def open_episode(folder: Path) -> Episode:
    """The finished episode in ``folder``: its episode.json, script and transcript. Anything that
    makes it unreadable (not an episode, still rendering, a broken file) is an EpisodeError."""
    folder = Path(folder)
    meta = read_metadata(folder)
    script = load_script(folder)
    files = listed_files(folder, meta)
    try:
        segments = read_segments(files["transcript_json"])
    except FileNotFoundError:
        raise EpisodeError(f"{folder} has no {files['transcript_json'].name}.", REDO.format(folder=folder)) from None
    except (OSError, ValueError) as exc:
        raise EpisodeError(
            f"{files['transcript_json']} is not a Podcasting 2.0 transcript ({exc}).", REDO.format(folder=folder)
        ) from None
    return Episode(
        folder.name,
        folder,
        str(meta.get("title", script.title)),
        str(meta.get("description", "")),
        float(meta.get("duration") or 0),
        segments,
        files,
        meta=meta,
        script=script,
    )
