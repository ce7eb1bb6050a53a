"""An episode folder's file names, and the facts about its files that several stages read.

What a check heard: ``check.json`` records the identity of the audio it listened to (its size
and SHA-256, and the episode's ``made_from``), and :func:`current_check` returns a check only
while the folder still holds that audio. A check of audio rendered over since counts as no
check at all, for ``podgen feed --only-checked`` and ``podgen batch`` alike.
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

SCRIPT = "script.json"
METADATA = "episode.json"
AUDIO = "episode.mp3"
CHECK = "check.json"


def load_json(text: str) -> Any:
    """``json.loads`` that raises ValueError for every bad document, including one nested so
    deeply that the parser runs out of stack (which would otherwise be a RecursionError)."""
    try:
        return json.loads(text)
    except RecursionError:
        raise ValueError("it is nested too deeply") from None


def read_object(path: Path) -> dict:
    """The JSON object in ``path``; {} when it is missing, unreadable or not an object."""
    try:
        data = load_json(path.read_text(encoding="utf-8")) if path.is_file() else {}
    except (OSError, ValueError, UnicodeDecodeError):
        return {}
    return data if isinstance(data, dict) else {}


def audio_path(folder: Path, meta: dict | None = None) -> Path:
    """The episode's MP3: as episode.json names it, else episode.mp3."""
    meta = read_object(folder / METADATA) if meta is None else meta
    files = meta.get("files") if isinstance(meta.get("files"), dict) else {}
    return folder / Path(str(files.get("audio") or AUDIO)).name


def sha256(path: Path) -> str | None:
    """The file's SHA-256 (hex), read in 1 MB blocks; None when it cannot be read."""
    digest = hashlib.sha256()
    try:
        with open(path, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    except OSError:
        return None
    return digest.hexdigest()


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
    """"passed", "failed", "stale" (a check of other audio) or "none"."""
    check = current_check(folder)
    if check is not None:
        return "passed" if check.get("passed") is True else "failed"
    return "stale" if (folder / CHECK).is_file() else "none"


def _size(path: Path) -> int | None:
    try:
        return path.stat().st_size
    except OSError:
        return None
