"""What an episode is made from: its fingerprint, and the production choices it keeps.

The fingerprint (episode.json's ``made_from``) hashes the script, the clips and every setting
that shapes the mix, so a render of an unchanged episode does nothing at all. The production
choices (music, stereo, cover, style) recorded in episode.json stay with the episode when it is
rendered again, unless a flag, variable or podgen.toml sets them.
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import asdict
from pathlib import Path

from .about import __version__
from .config import STYLES, Settings
from .files import sha256
from .folder import recorded_metadata
from .marks import shaping
from .mix import FORMAT
from .mix.conversation import load_rules
from .models import Script

log = logging.getLogger(__name__)

PRODUCTION = ("music", "stereo", "cover", "style", "language")
"""The settings of how an episode sounds and looks that it keeps from render to render."""


def production_choices(folder: Path, settings: Settings) -> Settings:
    """``settings`` with the music, stereo, cover, style and language recorded in ``folder``'s episode.json for
    each of them that no flag, variable or podgen.toml set. A cover file that has gone since
    falls back to the episode's own copy of it."""
    unset = [name for name in PRODUCTION if name not in settings.model_fields_set]
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
    return None if path is None else sha256(Path(path))


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

    return json.dumps(
        asdict(load_rules(settings)), sort_keys=True, default=sorted
    )  # sets sorted: the same in every process
