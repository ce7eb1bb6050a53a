"""What a file is, from its first bytes: extractors accept by extension AND by content, so a
PDF named .txt or an HTML page saved with no extension still finds its reader."""

from __future__ import annotations

import re
import zipfile
from functools import lru_cache
from pathlib import Path

from .zips import read_head

HEAD = 4096

_MAGIC = [
    (re.compile(rb"%PDF-"), "pdf"),
    (re.compile(rb"\A\x89PNG\r\n\x1a\n"), "image"),
    (re.compile(rb"\A\xff\xd8\xff"), "image"),
    (re.compile(rb"\ARIFF....WEBP", re.S), "image"),
    (re.compile(rb"\A(?:II\*\x00|MM\x00\*)"), "image"),
    (re.compile(rb"\A(?:ID3|\xff[\xf2\xf3\xfa\xfb]|fLaC|OggS|\x1aE\xdf\xa3)"), "media"),
    (re.compile(rb"\ARIFF....WAVE", re.S), "media"),
    (re.compile(rb"\A....ftyp", re.S), "media"),
    (re.compile(rb"\A\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"), "ole"),  # old .doc, or an encrypted .docx
]
_HTML_RE = re.compile(
    rb"\A(?:\xef\xbb\xbf)?\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html)[\s>]", re.I | re.S
)


def head(path: Path, size: int = HEAD) -> bytes:
    """The first ``size`` bytes of ``path`` (empty if it cannot be read)."""
    try:
        with open(path, "rb") as handle:
            return handle.read(size)
    except OSError:
        return b""


def _zip_kind(path: Path) -> str | None:

    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            if "mimetype" in names and (read_head(archive, "mimetype", 64) or b"").strip() == b"application/epub+zip":
                return "epub"  # (only the first 64 bytes are inflated: a mimetype member can be a bomb too)
            return "docx" if "word/document.xml" in names else "zip"
    except Exception:  # BadZipFile, an encrypted or damaged member...: not a container podgen knows
        return None


@lru_cache(maxsize=64)
def _kind(path: Path, mtime: float) -> str | None:
    data = head(path)
    if data.startswith(b"PK\x03\x04"):
        return _zip_kind(path)
    for pattern, kind in _MAGIC:
        if pattern.match(data) if kind != "pdf" else pattern.search(data[:1024]):
            return kind
    return "html" if _HTML_RE.match(data) else None


def kind(path: Path) -> str | None:
    """ "pdf", "docx", "epub", "zip", "ole", "html", "image", "media", or None (unknown or text)."""
    try:
        mtime = path.stat().st_mtime
    except OSError:
        return None
    return _kind(path, mtime)


def accepts(path: Path, own: str, extensions: tuple[str, ...]) -> bool:
    """The shared rule: the content says ``own``, or the extension matches. A file whose
    content and name disagree is accepted by both readers; the registry tries them in
    priority order and, if both fail, says what each found."""
    return path.suffix.lower() in extensions or kind(path) == own
