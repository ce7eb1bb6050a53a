"""Atomic file writes and names: a crash never leaves a file that looks finished."""

from __future__ import annotations

import fcntl
import hashlib
import os
import re
import shutil
import tempfile
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

_UMASK = os.umask(0)
os.umask(_UMASK)


@contextmanager
def atomic_path(target: Path, replace: bool = True) -> Iterator[Path]:
    """Yield a temporary path beside ``target``; rename it over ``target`` on success.

    With ``replace`` False a ``target`` that exists (perhaps written by another process while
    this one worked) is kept and the new file dropped: the first writer wins, atomically."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part" + target.suffix, dir=target.parent)
    os.close(fd)
    tmp_path = Path(tmp)
    os.chmod(tmp_path, 0o666 & ~_UMASK)  # mkstemp makes 0600; finished files get the usual mode
    try:
        yield tmp_path
        if replace:
            os.replace(tmp_path, target)
        else:
            _link_unless_exists(tmp_path, target)
    finally:
        tmp_path.unlink(missing_ok=True)


def _link_unless_exists(tmp_path: Path, target: Path) -> None:
    try:
        os.link(tmp_path, target)  # fails, rather than replaces, when target exists
    except FileExistsError:
        pass
    except OSError:  # a file system without hard links: a plain rename, last writer wins
        os.replace(tmp_path, target)


def write_text(target: Path, text: str) -> Path:
    with atomic_path(target) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return target


def copy_file(source: Path, target: Path) -> Path:
    """``source`` copied to ``target`` atomically."""
    with atomic_path(target) as tmp:
        shutil.copyfile(source, tmp)
    return target


def slugify(text: str, max_len: int = 60) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    if len(slug) > max_len:
        slug = slug[:max_len].rsplit("-", 1)[0]
    return slug or "episode"


@contextmanager
def locked(folder: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``folder`` (a ``.podgen.lock`` file in it) across processes."""
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / ".podgen.lock", "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def sha256(path: Path, extra: bytes = b"") -> str | None:
    """The SHA-256 (hex) of the file's bytes, then ``extra``; read in 1 MB blocks. None when the
    file cannot be read. The one file hash of podgen: checks, recorded covers and music, batches."""
    digest = hashlib.sha256()
    try:
        with open(path, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    except OSError:
        return None
    digest.update(extra)
    return digest.hexdigest()
