"""EPUB books: chapters in spine order become sections.

Read with zipfile and lxml rather than ebooklib: an EPUB is a ZIP of XHTML files listed by an
OPF package file, which takes a few dozen lines to walk, and ebooklib is AGPL-licensed,
which podgen (MIT) does not take on. Headings (h1-h6) split sections; navigation, link lists
(tables of contents), figure captions, page numbers and tables are left out.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..config import Settings
from ..contracts import Extractor, Progress
from ..errors import CorruptDocument, EmptyDocument, EncryptedDocument, TooLarge
from ..models import Document, Section
from . import sniff
from .clean import clean_paragraph, normalize_chars, spoken_heading
from .extras import need
from .text import pretty_stem
from .zips import Members

_NS = {
    "c": "urn:oasis:names:tc:opendocument:xmlns:container",
    "opf": "http://www.idpf.org/2007/opf",
    "dc": "http://purl.org/dc/elements/1.1/",
}
_BLOCKS = {"h1", "h2", "h3", "h4", "h5", "h6", "p", "li", "dd", "dt", "pre", "blockquote"}
_SKIP_TAGS = {"nav", "table", "figure", "figcaption", "script", "style", "aside", "sup", "head"}
_SKIP_CLASS_RE = re.compile(r"caption|figcenter|pageno|pagenum|boilerplate|\btoc\b|footnote", re.I)
_XHTML = ("application/xhtml+xml", "text/html")
_TEXT_MEMBERS = (".xhtml", ".html", ".htm", ".xml", ".opf", ".ncx")


def _xml(members: Members, name: str, path: Path) -> Any:
    etree = need("lxml.etree", "docs", "Reading EPUB books")
    try:
        return etree.fromstring(members.read(name))
    except (KeyError, etree.XMLSyntaxError) as exc:
        raise CorruptDocument(f"{path.name} is not a readable EPUB ({name}: {str(exc)[:80]}).") from None


def _package(members: Members, path: Path) -> tuple[str, Any]:
    names = set(members.archive.namelist())
    if "META-INF/encryption.xml" in names:
        raise EncryptedDocument(
            f"{path.name} is DRM-protected (it has META-INF/encryption.xml).", "Use a DRM-free copy of the book."
        )
    container = _xml(members, "META-INF/container.xml", path)
    opf = container.xpath("string(//c:rootfile/@full-path)", namespaces=_NS)
    if not opf:
        raise CorruptDocument(f"{path.name} is not a readable EPUB (no package file in container.xml).")
    return opf, _xml(members, opf, path)


def spine(package: Any, opf: str) -> list[str]:
    """Archive names of the spine's XHTML documents, in reading order (linear="no" left out)."""
    items = {i.get("id"): i for i in package.xpath("//opf:manifest/opf:item", namespaces=_NS)}
    base = posixpath.dirname(opf)
    names = []
    for ref in package.xpath("//opf:spine/opf:itemref", namespaces=_NS):
        item = items.get(ref.get("idref"))
        if item is None or ref.get("linear") == "no" or item.get("media-type") not in _XHTML:
            continue
        names.append(posixpath.normpath(posixpath.join(base, item.get("href", "").split("#")[0])))
    return names


def _skipped(element: Any) -> bool:
    tag = element.tag if isinstance(element.tag, str) else ""
    return tag.rsplit("}", 1)[-1] in _SKIP_TAGS or bool(_SKIP_CLASS_RE.search(element.get("class") or ""))


def _is_link_list(element: Any, text: str) -> bool:
    linked = sum(len(a.text_content()) for a in element.iter("{*}a"))
    return bool(text) and linked >= 0.8 * len(text)


def blocks(root: Any) -> Iterator[tuple[str, str]]:
    """("h2", text) or ("p", text) for each block element in document order."""

    def walk(element: Any) -> Iterator[tuple[str, str]]:
        for child in element:
            if not isinstance(child.tag, str) or _skipped(child):
                continue
            tag = child.tag.rsplit("}", 1)[-1]
            has_blocks = any(
                isinstance(d.tag, str) and d.tag.rsplit("}", 1)[-1] in _BLOCKS for d in child.iterdescendants()
            )
            if tag in _BLOCKS and not (tag in ("li", "blockquote") and has_blocks):
                text = re.sub(r"\s+", " ", _text(child)).strip()
                if text and not _is_link_list(child, text):
                    yield tag, text
            else:
                yield from walk(child)

    yield from walk(root)


def _text(element: Any) -> str:
    """Text of ``element`` without the text of skipped descendants (page numbers, notes)."""
    parts = [element.text or ""]
    for child in element:
        if isinstance(child.tag, str) and not _skipped(child):
            parts.append(_text(child))
        parts.append(child.tail or "")
    return "".join(parts)


def _sections(members: Members, names: list[str], path: Path) -> list[Section]:
    lxml_html = need("lxml.html", "docs", "Reading EPUB books")
    members.check(set(names))  # every chapter's size, before any is read
    parts: list[tuple[str, list[str]]] = [("", [])]
    for name in names:
        try:
            root = lxml_html.document_fromstring(members.read(name))
        except TooLarge:
            raise
        except (KeyError, ValueError, Exception) as exc:  # a missing or broken chapter: skip it, say so
            raise CorruptDocument(f"{path.name} has an unreadable chapter {name} ({str(exc)[:80]}).") from None
        for tag, text in blocks(root):
            if tag.startswith("h"):
                parts.append((spoken_heading(text), []))
            elif cleaned := clean_paragraph(text):
                parts[-1][1].append(cleaned)
    return [Section(heading, "\n\n".join(body)) for heading, body in parts if body]


def _meta(package: Any, tag: str) -> str:
    return normalize_chars(package.xpath(f"string(//dc:{tag})", namespaces=_NS)).strip()


class EpubExtractor(Extractor):
    """EPUB (.epub) through zipfile and lxml (extra: docs)."""

    name = "epub"
    priority = 15
    extensions = (".epub",)

    def accepts(self, path: Path) -> bool:
        return sniff.accepts(path, "epub", self.extensions)

    def check(self, path: Path, settings: Settings) -> None:
        """Refuse a zip bomb, or a book whose text unzips to more than ``max_unzipped_mb``
        (images, which podgen does not read, do not count)."""
        try:
            with zipfile.ZipFile(path) as archive:
                Members(archive, path, settings).check(
                    n for n in archive.namelist() if n.lower().endswith(_TEXT_MEMBERS)
                )
        except (zipfile.BadZipFile, OSError):
            pass  # not a ZIP: extract says so

    def extract(self, path: Path, settings: Settings, progress: Progress | None = None) -> Document:
        try:
            with zipfile.ZipFile(path) as archive:
                members = Members(archive, path, settings)
                opf, package = _package(members, path)
                sections = _sections(members, spine(package, opf), path)
        except zipfile.BadZipFile:
            raise CorruptDocument(f"{path.name} is not a readable EPUB (not a ZIP archive).") from None
        if not sections:
            raise EmptyDocument(f"{path.name} has no readable text in its chapters.")
        meta = {"format": "epub", "chapters": len(sections)}
        if _meta(package, "creator"):
            meta["author"] = _meta(package, "creator")
        return Document(
            title=_meta(package, "title") or pretty_stem(path), sections=sections, source=str(path), meta=meta
        )
