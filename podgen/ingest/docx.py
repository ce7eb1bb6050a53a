"""Word documents (.docx) through python-docx: headings become sections, list items read as
sentences, tables are left out (a stream of cells is no way to listen), and so are headers,
footers, comments and footnotes (they are not part of the body python-docx walks)."""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..config import Settings
from ..contracts import Extractor, Progress
from ..errors import CorruptDocument, EmptyDocument, EncryptedDocument
from ..models import Document, Section
from . import sniff
from .clean import clean_paragraph, letter_ratio, normalize_chars, spoken_heading
from .extras import need
from .text import pretty_stem
from .zips import Members

_NUMBER_RE = re.compile(r"^\s*(?:[-•▪◦*]|\(?[0-9]{1,3}[.)]|\(?[a-zA-Z][.)]|[ivx]{1,4}[.)])\s+")
_WORDY_RE = re.compile(r"[A-Za-z]{3,}")
_SENTENCE_END = (".", "!", "?", ":", ";", '"', "”", "’")


def check_size(path: Path, settings: Settings) -> None:
    """Refuse a document whose parts unzip to more than ``max_unzipped_mb``, or that is a zip
    bomb, from the archive's directory alone: python-docx reads every part whole."""
    try:
        with zipfile.ZipFile(path) as archive:
            Members(archive, path, settings).check()
    except (zipfile.BadZipFile, OSError):
        pass  # not a ZIP: python-docx says so, in its words


def _open(path: Path, settings: Settings) -> Any:
    docx = need("docx", "docs", "Reading Word documents")
    if sniff.kind(path) == "ole":
        raise EncryptedDocument(
            f"{path.name} is password-protected or an old Word .doc file, not a .docx.",
            "Open it in Word and save it as an unprotected .docx.",
        )
    check_size(path, settings)
    try:
        return docx.Document(str(path))
    except Exception as exc:  # python-docx raises zip, XML and package errors
        reason = str(exc).splitlines()[0][:100] if str(exc) else type(exc).__name__
        raise CorruptDocument(f"{path.name} is not a readable Word document ({reason}).") from None


def _style_names(document: Any) -> dict[str, str]:
    """Style id -> name, read once (python-docx's per-paragraph ``style`` is slow on long documents)."""
    return {s.style_id: s.name or "" for s in document.styles}


def _heading_level(name: str) -> int | None:
    """1-9 for Heading styles, 0 for Title, None for body text."""
    if name == "Title":
        return 0
    match = re.match(r"Heading (\d)", name)
    return int(match.group(1)) if match else None


def _is_list_item(paragraph: Any, name: str) -> bool:
    ppr = paragraph._p.pPr
    styled = "List" in name
    return styled or (ppr is not None and ppr.numPr is not None) or bool(_NUMBER_RE.match(paragraph.text))


def as_sentence(text: str) -> str:
    """A list item read as a sentence: numbering off, a full stop on."""
    text = _NUMBER_RE.sub("", text).strip().rstrip(";,")
    text = re.sub(r"(?:\s+and|\s+or)$", "", text)
    return text if not text or text.endswith(_SENTENCE_END) else text + "."


def _blocks(document: Any) -> Iterator[tuple[str, Any]]:
    """("heading", (level, text)), ("para", text), ("item", text) or ("other", None) in order."""
    names = _style_names(document)
    for block in document.iter_inner_content():
        if not hasattr(block, "_p"):
            yield "other", None  # a table
            continue
        name = names.get(block._p.style or "", "")
        text, level = block.text, _heading_level(name)
        if level is not None and _WORDY_RE.search(text):
            yield "heading", (level, spoken_heading(text))
        elif text.strip():
            yield ("item" if _is_list_item(block, name) else "para"), text
        elif block._p.xpath(".//w:drawing|.//w:pict"):
            yield "other", None  # an image


def _parts(document: Any) -> tuple[str | None, list[tuple[str, list[str]]]]:
    title, parts = None, [("", [])]
    for kind, value in _blocks(document):
        body = parts[-1][1]
        if kind == "other" and body and body[-1].endswith(":"):
            body.pop()  # "Here is a table:" with nothing to read after it
        elif kind == "heading" and value[0] == 0 and title is None:
            title = value[1]
        elif kind == "heading":
            parts.append((value[1], []))
        elif kind in ("para", "item"):
            body.append(as_sentence(value) if kind == "item" else value)
    return title, parts


def cover_title(document: Any) -> str | None:
    """The largest text (16 pt or more) before the first heading: the title on a cover page."""
    names, best, lines = _style_names(document), 0.0, []
    for paragraph in document.paragraphs[:80]:
        if _heading_level(names.get(paragraph._p.style or "", "")) is not None:
            break
        size = max((r.font.size.pt for r in paragraph.runs if r.font.size and r.text.strip()), default=0.0)
        if size >= 16 and size > best:
            best, lines = size, [paragraph.text.strip()]
        elif size and size == best:
            lines.append(paragraph.text.strip())
    return spoken_heading(" ".join(lines)) if lines else None


def _prose(paragraph: str) -> bool:
    return len(paragraph.split()) >= 12 and paragraph.rstrip().endswith(_SENTENCE_END[:3])


def _sections(parts: list[tuple[str, list[str]]]) -> list[Section]:
    """Cleaned sections. Before the first heading only prose is kept: title pages, author
    lists and tables of contents live there."""
    sections = []
    for i, (heading, paragraphs) in enumerate(parts):
        if i == 0:
            paragraphs = [p for p in paragraphs if _prose(p)]
        cleaned = [clean_paragraph(p) for p in paragraphs if letter_ratio(p) >= 0.5]
        text = "\n\n".join(p for p in cleaned if p and not p.endswith(":"))
        if text:
            sections.append(Section(heading, text))
    return sections


class DocxExtractor(Extractor):
    """Word (.docx) through python-docx (extra: docs)."""

    name = "docx"
    priority = 15
    extensions = (".docx", ".docm")

    def accepts(self, path: Path) -> bool:
        return sniff.accepts(path, "docx", self.extensions)

    def check(self, path: Path, settings: Settings) -> None:
        """Refuse a zip bomb, or a document that unzips to more than ``max_unzipped_mb``."""
        check_size(path, settings)

    def extract(self, path: Path, settings: Settings, progress: Progress | None = None) -> Document:
        document = _open(path, settings)
        heading_title, parts = _parts(document)
        sections = _sections(parts)
        if not sections:
            raise EmptyDocument(f"{path.name} has no readable text.")
        props = document.core_properties
        title = (
            normalize_chars(props.title or "").strip() or heading_title or cover_title(document) or pretty_stem(path)
        )
        meta = {"format": "docx", "headings": sum(1 for s in sections if s.heading)}
        if (props.author or "").strip():
            meta["author"] = props.author.strip()
        return Document(title=title, sections=sections, source=str(path), meta=meta)
