"""Where the Hub's files live on this machine: the Hugging Face cache, laid out as
huggingface_hub lays it out, so a file either of them downloaded is found by the other.

    $HF_HUB_CACHE/models--OWNER--NAME/
        refs/main                  the commit ``main`` pointed at
        blobs/ETAG                 each file's bytes, named by its ETag (sha256 for LFS files)
        snapshots/COMMIT/PATH      a relative symlink to the blob

``HF_HUB_CACHE``, else ``$HF_HOME/hub``, else ``~/.cache/huggingface/hub``. The endpoint is
``HF_ENDPOINT`` (else https://huggingface.co); the token ``HF_TOKEN``, else the one
``hf auth login`` saved; ``HF_HUB_OFFLINE=1`` forbids every request. All are read at each call.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

DEFAULT_ENDPOINT = "https://huggingface.co"
_NAME = re.compile(r"[\w.-]+")
_TRUE = {"1", "on", "yes", "true"}


def endpoint() -> str:
    return (os.environ.get("HF_ENDPOINT") or DEFAULT_ENDPOINT).rstrip("/")


def offline() -> bool:
    return os.environ.get("HF_HUB_OFFLINE", "").strip().lower() in _TRUE


def home() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(os.environ.get("HF_HOME") or Path(base) / "huggingface").expanduser()


def cache_root() -> Path:
    return Path(os.environ.get("HF_HUB_CACHE") or home() / "hub").expanduser()


def token() -> str | None:
    """HF_TOKEN, else the token ``hf auth login`` saved (HF_TOKEN_PATH, else $HF_HOME/token)."""
    if found := os.environ.get("HF_TOKEN", "").strip():
        return found
    saved = Path(os.environ.get("HF_TOKEN_PATH") or home() / "token").expanduser()
    try:
        return saved.read_text(encoding="utf-8").strip() or None
    except OSError:
        return None


def valid_name(part: str) -> bool:
    """One part of a repository name or file path: letters, digits, ``_ . -``; never ``.`` or ``..``."""
    return bool(_NAME.fullmatch(part)) and part not in (".", "..")


@dataclass(frozen=True)
class Repo:
    """One model repository's folder in the cache."""

    name: str  # "owner/name"

    @property
    def folder(self) -> Path:
        return cache_root() / ("models--" + self.name.replace("/", "--"))

    def commit(self, revision: str = "main") -> str | None:
        try:
            return (self.folder / "refs" / revision).read_text(encoding="utf-8").strip() or None
        except OSError:
            return None

    def snapshot(self, commit: str, path: str) -> Path:
        return self.folder / "snapshots" / commit / path

    def blob(self, etag: str) -> Path:
        return self.folder / "blobs" / etag

    def cached(self, path: str) -> Path | None:
        """The file as ``main`` last had it, if its snapshot link leads to a blob."""
        commit = self.commit()
        found = self.snapshot(commit, path) if commit else None
        return found if found is not None and found.is_file() else None

    def link(self, commit: str, path: str, etag: str) -> Path:
        """Point the snapshot of ``path`` at its blob, and ``refs/main`` at ``commit``."""
        snapshot = self.snapshot(commit, path)
        snapshot.parent.mkdir(parents=True, exist_ok=True)
        target = os.path.relpath(self.blob(etag), snapshot.parent)
        temporary = snapshot.with_name(f".{snapshot.name}.{os.getpid()}.link")
        temporary.unlink(missing_ok=True)
        temporary.symlink_to(target)
        os.replace(temporary, snapshot)
        refs = self.folder / "refs"
        refs.mkdir(parents=True, exist_ok=True)
        ref = refs / f".main.{os.getpid()}"
        ref.write_text(commit, encoding="utf-8")
        os.replace(ref, refs / "main")
        return snapshot
