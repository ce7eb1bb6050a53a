"""Checks of downloaded files by kind, for ``podgen.hub.fetch``: each says what keeps a file from
being of its kind, or None. Cheap: they read a file's first bytes, or parse a small JSON file."""

from __future__ import annotations

import json
from pathlib import Path


def onnx_problem(path: Path) -> str | None:
    """An ONNX model is a protobuf ModelProto that starts with its ir_version: field 1, a varint
    (the byte 0x08), of a version onnxruntime knows (3 to 20)."""
    with path.open("rb") as file:
        head = file.read(2)
    if len(head) < 2 or head[0] != 0x08 or not 3 <= head[1] <= 20:
        return "it is not an ONNX model"
    return None


def json_problem(path: Path, needs: tuple[str, ...] = ()) -> str | None:
    """A JSON object (at most 50 MB) with the keys ``needs``."""
    if path.stat().st_size > 50_000_000:
        return "it is too large for a JSON file"
    try:
        data = json.loads(path.read_bytes())
    except (ValueError, UnicodeDecodeError):
        return "it is not JSON"
    if not isinstance(data, dict):
        return "it is not a JSON object"
    missing = [key for key in needs if key not in data]
    return f"it has no {', '.join(missing)}" if missing else None
