"""Chat answers cached on disk by a hash of the request (endpoint, model, messages, parameters).

The key is never part of the hash or the file: an answer cached with one key is reused with
another, and nothing secret is written.
"""

from __future__ import annotations

import hashlib
import json
import logging
from pathlib import Path
from typing import Any

from ..files import write_text

log = logging.getLogger(__name__)


def request_hash(request: dict[str, Any]) -> str:
    blob = json.dumps(request, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


class RequestCache:
    def __init__(self, folder: Path):
        self.folder = folder

    def _path(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key}.json"

    def get(self, key: str) -> dict[str, Any] | None:
        path = self._path(key)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except (ValueError, UnicodeDecodeError):
            log.warning("ignoring a damaged cached answer %s", path)
            return None
        return data if isinstance(data, dict) and isinstance(data.get("text"), str) else None

    def put(self, key: str, entry: dict[str, Any]) -> None:
        write_text(self._path(key), json.dumps(entry, ensure_ascii=False) + "\n")

    def forget(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)
