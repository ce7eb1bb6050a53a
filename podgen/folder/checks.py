"""check.json: what a check heard, and whether it is about the audio the folder holds now.

``check.json`` records the identity of the audio it listened to (its size and SHA-256, and the
episode's ``made_from``), and :func:`current_check` returns a check only while the folder still
holds that audio. A check of audio rendered over since counts as no check at all, for
``podgen feed --only-checked`` and ``podgen batch`` alike.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..files import sha256
from .jsonio import read_object
from .names import CHECK, audio_path


def audio_identity(path: Path, made_from: str | None = None) -> dict[str, Any]:
    """What check.json records about the audio it heard."""
    size = path.stat().st_size if path.is_file() else None
    return {"file": path.name, "bytes": size, "sha256": sha256(path), "made_from": made_from}


def current_check(folder: Path) -> dict | None:
    """``folder``'s check.json if it is about the audio the folder holds now, else None (no
    check, an unreadable one, one from before checks recorded their audio, or one of audio
    that has been rendered over since)."""
    check = read_object(folder / CHECK)
    heard = check.get("audio")
    if not isinstance(heard, dict) or not heard.get("sha256"):
        return None
    path = audio_path(folder)
    if heard.get("file") != path.name or heard.get("bytes") != _size(path) or heard["sha256"] != sha256(path):
        return None
    return check


def check_state(folder: Path) -> str:
    """ "passed", "failed", "stale" (a check of other audio) or "none"."""
    check = current_check(folder)
    if check is not None:
        return "passed" if check.get("passed") is True else "failed"
    return "stale" if (folder / CHECK).is_file() else "none"


def _size(path: Path) -> int | None:
    try:
        return path.stat().st_size
    except OSError:
        return None
