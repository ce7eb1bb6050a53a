"""Plain text files: decode carefully, join wrapped lines, clean."""

from __future__ import annotations

import logging
import re
from pathlib import Path

from ..config import Settings
from ..contracts import Extractor, Progress
from ..errors import CorruptDocument, EmptyDocument, TooLarge
from ..models import Document, Section
from . import sniff
from .clean import clean_text, is_references_heading, letter_ratio, normalize_chars

log = logging.getLogger(__name__)
_BOMS = {b"\xff\xfe": "utf-16", b"\xfe\xff": "utf-16"}


def decode(data: bytes, path: Path) -> str:
    """Bytes to text in whatever encoding they are in (a BOM, else UTF-8, else what
    charset-normalizer detects), with mojibake repaired (ftfy). Raises CorruptDocument for
    binary data and EmptyDocument for blank files."""
    encoding = next((enc for bom, enc in _BOMS.items() if data.startswith(bom)), None)
    if encoding is None and b"\x00" in data[:65536]:
        raise CorruptDocument(f"{path.name} is binary data, not text (it contains NUL bytes).")
    text = repair(_decode_text(data, encoding))
    if not text.strip():
        raise EmptyDocument(f"{path.name} is empty: it has no text.")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def repair(text: str) -> str:
    """Undo mojibake (UTF-8 read as cp1252 or latin-1, once or twice) with ftfy."""
    import ftfy

    return ftfy.fix_encoding(text)


def _decode_text(data: bytes, encoding: str | None) -> str:
    for candidate in filter(None, (encoding, "utf-8-sig")):
        try:
            return data.decode(candidate)
        except UnicodeDecodeError:
            continue
    from charset_normalizer import from_bytes

    results = list(from_bytes(data[:262144]))
    best = min(results, key=lambda m: m.chaos, default=None)
    western = next((m for m in results if m.encoding == "cp1252"), None)
    if best is None or (western and western.chaos <= best.chaos + 0.05):  # short texts fool the detector
        best = western
    detected = best.encoding if best else "cp1252"
    log.debug("decoding as %s (detected)", detected)
    return data.decode(detected, errors="replace")


def check_size(path: Path, settings: Settings) -> None:
    """Refuse a text file larger than ``max_text_mb`` before reading any of it."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise CorruptDocument(f"Cannot read {path.name}: {exc.strerror or exc}.") from None
    limit = settings.max_text_mb * 1024 * 1024
    if size > limit:
        raise TooLarge(
            f"{path.name} is {megabytes(size)} MB; podgen reads text files of at most "
            f"{settings.max_text_mb:g} MB (max_text_mb).",
            "Split it, or raise max_text_mb.",
        )


def megabytes(size: int) -> str:
    """A size in MB for a message: "11.0", "0.0042"."""
    mb = size / 1048576
    return f"{mb:,.1f}" if mb >= 0.1 else f"{mb:.2g}"


def read_bytes(path: Path, settings: Settings) -> bytes:
    """The bytes of a text file, after :func:`check_size`."""
    check_size(path, settings)
    try:
        return path.read_bytes()
    except OSError as exc:
        raise CorruptDocument(f"Cannot read {path.name}: {exc.strerror or exc}.") from None


def read_text(path: Path, settings: Settings) -> str:
    """Read and decode a text file (see :func:`check_size` and :func:`decode`)."""
    return decode(read_bytes(path, settings), path)


def pretty_stem(path: Path) -> str:
    """A title made from a file name: "my_notes-v2.txt" -> "My notes v2"."""
    words = re.sub(r"[_\-.]+", " ", path.stem).strip() or path.name
    return words[0].upper() + words[1:] if words.islower() else words


def looks_like_title(line: str) -> bool:
    """A short line of words without closing punctuation."""
    line = line.strip()
    return (
        2 <= len(line) <= 120
        and len(line.split()) <= 14
        and not line.endswith((".", ",", ";", ":"))
        and letter_ratio(line) >= 0.6
    )


def first_line_title(text: str) -> str | None:
    """The first non-blank line, if it reads like a title."""
    first = next((x.strip() for x in text.splitlines() if x.strip()), "")
    return normalize_chars(first) if looks_like_title(first) else None


_RESIDUE_RE = re.compile(
    r"^\s*(?:toggle the table of contents|jump to content|from wikipedia, the free encyclopedia)\s*$", re.I | re.M
)


def drop_page_residue(text: str) -> str:
    """Text copied from a web page: navigation residue lines go, and when one comes early
    ("Toggle the table of contents" after an infobox), so does everything above it but the title."""
    match = _RESIDUE_RE.search(text)
    if match and match.start() < 0.25 * len(text):
        first = text.lstrip().split("\n", 1)[0]
        text = first + "\n\n" + text[match.end() :]
    return _RESIDUE_RE.sub("", text)


def drop_references(text: str) -> str:
    """Cut everything from a "References" / "Bibliography" line on, if it comes after the body."""
    lines = text.split("\n")
    for i, line in enumerate(lines):
        if i > len(lines) * 0.3 and is_references_heading(line):
            return "\n".join(lines[:i])
    return text


class TextExtractor(Extractor):
    """Plain text (.txt): one section of cleaned paragraphs."""

    name = "text"
    priority = 50
    extensions = (".txt", ".text")

    def accepts(self, path: Path) -> bool:
        return sniff.accepts(path, "text", self.extensions)

    def check(self, path: Path, settings: Settings) -> None:
        """Refuse a file larger than ``max_text_mb``."""
        check_size(path, settings)

    def extract(self, path: Path, settings: Settings, progress: Progress | None = None) -> Document:
        raw = drop_page_residue(read_text(path, settings))
        title = first_line_title(raw)
        if title:  # the title line is not read twice
            raw = raw.lstrip().split("\n", 1)[1] if "\n" in raw.strip() else ""
        body = clean_text(drop_references(raw), progress)
        if not body:
            raise EmptyDocument(f"{path.name} has no readable text after cleaning.")
        title = title or pretty_stem(path)
        meta = {"format": "text", "characters": len(body)}
        return Document(title=title, sections=[Section("", body)], source=str(path), meta=meta)
