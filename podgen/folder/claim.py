"""Claiming an episode's folder: ``<parent>/<slug>``, or ``<slug>-2``... for another document of the same title."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

from ..errors import EpisodeError
from ..files import locked, slugify
from ..models import Script
from .jsonio import load_json
from .names import SCRIPT
from .script import save_script


def numbered(base: str, limit: int = 10_000) -> Iterator[str]:
    """``base``, ``base-2``, ``base-3``, ...: the names an episode's folder or page may take."""
    yield base
    for n in range(2, limit):
        yield f"{base}-{n}"


def folder_for(parent: Path, title: str, sources: list[str]) -> Path:
    """The folder the episode of ``sources`` titled ``title`` has, or would get: ``<parent>/<slug>``,
    or ``<slug>-2``, ... when that one holds an episode of other sources (two documents with one
    title get two episodes, and a re-run of a document finds its own)."""
    base = slugify(title)
    for name in numbered(base):
        folder = parent / name
        if not folder.exists() or _made_from(folder, sources):
            return folder
    raise EpisodeError(f"Too many episodes named {base} in {parent}.", "Give this one a --title.")


def claim(parent: Path, script: Script) -> Path:
    """Find the folder of ``script`` (see :func:`folder_for`) and save the script into it, under
    a lock: two processes never claim one folder for different sources."""
    with locked(parent):
        folder = folder_for(parent, script.title, script.sources)
        save_script(folder, script)
    return folder


def _made_from(folder: Path, sources: list[str]) -> bool:
    """Whether ``folder`` is the episode of ``sources`` (or an empty folder)."""
    path = folder / SCRIPT
    if not path.is_file():
        return not any(folder.iterdir())
    try:
        theirs = load_json(path.read_text(encoding="utf-8")).get("sources", [])
        return [os.path.abspath(s) for s in theirs] == [os.path.abspath(s) for s in sources]
    except (ValueError, UnicodeDecodeError, AttributeError, TypeError):
        return False
