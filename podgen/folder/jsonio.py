"""JSON files of an episode folder, read so that no bad file can raise anything but ValueError."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


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
