"""PDF files: pypdf checks, opens and decrypts them and reads their outline and metadata; PDFium
(``pdf_read``) reads the text of each page with its place, size and font; ``pdf_layout`` turns
that into sections. Scans go to OCR (``pdf_scan``).
"""

from __future__ import annotations

import logging
import re
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..config import Settings
from ..contracts import Extractor, Progress
from ..errors import CorruptDocument, EmptyDocument, EncryptedDocument, MissingDependency, NeedsOCR, TooLarge
from ..models import Document
from . import sniff
from .clean import letter_ratio, normalize_chars
from .pdf_forms import looping_pages
from .pdf_layout import document_lines, sections_of, text_title
from .pdf_quiet import pypdf_quiet
from .pdf_read import Page, Piece, read
from .pdf_scan import ocr_pages, read_scan
from .text import pretty_stem

log = logging.getLogger(__name__)

_BAD_META_TITLE_RE = re.compile(
    r"^(?:microsoft\s+\w+\s+-|untitled\b|document\d*$|doi:|title$)|\.(?:docx?|pdf|tex|dvi|txt|rtf|odt|pptx?|indd|ps)$",
    re.I,
)


def _open(path: Path) -> Any:
    from pypdf import PdfReader

    with open(path, "rb") as handle:
        if b"%PDF-" not in handle.read(1024):
            raise CorruptDocument(f"{path.name} is not a PDF: it lacks the %PDF- header.")
    try:
        reader = PdfReader(path, strict=False)
        _ = len(reader.pages) if not reader.is_encrypted else None
        return reader
    except Exception as exc:  # pypdf raises many types on damaged input
        raise CorruptDocument(f"{path.name} is not a readable PDF ({_reason(exc)}).") from None


def _reason(exc: Exception) -> str:
    text = str(exc).strip().rstrip(".") or type(exc).__name__
    return text.splitlines()[0][:120]


def _unlock(reader: Any, path: Path, password: str | None) -> None:
    """Try the empty password, then ``password``; raise EncryptedDocument if both fail."""
    if not reader.is_encrypted or reader.decrypt(""):
        return
    if password and reader.decrypt(password):
        return
    if password:
        raise EncryptedDocument(f"{path.name} is encrypted and the password given is wrong.")
    raise EncryptedDocument(f"{path.name} is encrypted and no password was given.")


def _load(path: Path, settings: Settings) -> Any:
    """The pypdf reader of a PDF that opens, decrypts and is within the page limit."""
    from pypdf.errors import DependencyError

    try:
        with pypdf_quiet():
            reader = _open(path)
            _unlock(reader, path, settings.password)
            _check_length(path, reader, settings)
            return reader
    except DependencyError as exc:
        raise MissingDependency(
            f"Reading {path.name} needs a library pypdf did not find ({_reason(exc)}).",
            "Install it: pip install 'pypdf[crypto]'",
        ) from None


def _pages(path: Path, reader: Any, settings: Settings) -> list[Page]:
    """PDFium's reading of every page (as many as pypdf counts, at most the page limit: the page
    tree may lie to one of them), pages whose drawings draw themselves read as pypdf's plain text;
    CorruptDocument when no page could be read."""
    count = min(len(reader.pages), settings.max_pages)
    with pypdf_quiet():
        looping = looping_pages(reader, count)
    pages = read(path, settings.password, count, looping)
    for number in sorted(looping):
        log.warning("%s: page %d draws a figure inside itself; reading its plain text", path.name, number + 1)
        pages[number] = _plain_page(reader, number)
    if pages and all(not p.width for p in pages):
        raise CorruptDocument(f"{path.name} is damaged: none of its {len(pages)} pages could be read.")
    return pages


def _plain_page(reader: Any, number: int) -> Page:
    """pypdf's text of a page, as one column."""
    box = reader.pages[number].mediabox
    try:
        with pypdf_quiet():
            text = reader.pages[number].extract_text() or ""
    except Exception as exc:  # pypdf raises many types on damaged input
        log.debug("page %d: no text: %s", number + 1, exc)
        text = ""
    return _text_page(Page(number, float(box.width), float(box.height)), "\n\n".join(text.splitlines()))


def _check_length(path: Path, reader: Any, settings: Settings) -> None:
    pages = len(reader.pages)
    if pages > settings.max_pages:
        raise TooLarge(
            f"{path.name} has {pages:,} pages; podgen reads at most {settings.max_pages:,} (--max-pages).",
            "Give podgen a part of it (qpdf in.pdf --pages . 1-200 -- part.pdf), or raise --max-pages.",
        )


def outline_titles(reader: Any) -> list[str]:
    """Titles of the PDF outline (bookmarks), depth first."""
    try:
        return [normalize_chars(t) for t in _flatten(reader.outline)]
    except Exception as exc:  # a broken outline is not worth failing for
        log.debug("outline unreadable: %s", exc)
        return []


def _flatten(items: list[Any]) -> Iterator[str]:
    for item in items:
        if isinstance(item, list):
            yield from _flatten(item)
        elif getattr(item, "title", None):
            yield str(item.title)


def _meta_title(info: dict[str, Any], path: Path) -> str | None:
    title = normalize_chars(str(info.get("/Title") or "")).strip()
    plausible = (
        len(title) >= 4
        and letter_ratio(title) >= 0.5
        and not _BAD_META_TITLE_RE.search(title)
        and title not in (path.stem, path.name)
    )
    return title if plausible else None


def _metadata(reader: Any) -> dict[str, Any]:
    try:
        return dict(reader.metadata or {})
    except Exception as exc:  # damaged /Info dictionaries are common
        log.debug("metadata unreadable: %s", exc)
        return {}


def _has_images(reader: Any) -> bool:
    try:
        return any("/XObject" in (page.get("/Resources") or {}) for page in reader.pages)
    except Exception:  # unreadable resources: assume a scan, the likelier case
        return True


def _letters(page: Page, enough: int) -> int:
    """The page's letters, counted until there are ``enough``."""
    found = 0
    for piece in page.pieces:
        found += sum(map(str.isalpha, piece.text))
        if found >= enough:
            break
    return found


def _needs_ocr(path: Path, reader: Any, pages: list[Page]) -> bool:
    """True for a scan (images, no text layer); EmptyDocument for blank pages."""
    if not pages:
        raise EmptyDocument(f"{path.name} has no pages.")
    letters = 0
    for page in pages:
        letters += _letters(page, 10 * len(pages) - letters)
        if letters >= 10 * len(pages):
            break
    if letters < 10 * len(pages) and not _has_images(reader):
        raise EmptyDocument(f"{path.name} has no text: its pages are blank.")
    return letters < 10 * len(pages)


def _fill_scanned_pages(path: Path, reader: Any, pages: list[Page], progress: Progress | None) -> list[Page]:
    """Image-only pages inside a text PDF, read with OCR when the ocr extra is installed."""
    scanned = [p.number for p in pages if _letters(p, 10) < 10 and p.pictures]
    if not scanned:
        return pages
    with pypdf_quiet():
        texts = ocr_pages(path, reader, scanned, progress)
    return [_text_page(p, texts[p.number]) if p.number in texts else p for p in pages]


def _text_page(page: Page, text: str) -> Page:
    """Text read another way (OCR, pypdf) as pieces of one column, a paragraph per piece, at a common size."""
    pieces, y = [], 0.0
    for paragraph in (p for p in text.split("\n\n") if p.strip()):
        pieces.append(Piece(" ".join(paragraph.split()), 0, y, page.width, y + 10, 10.0, "", False, False, 0, y + 8))
        y += 24
    return Page(page.number, page.width, page.height, pieces)


def _read_scan(path: Path, reader: Any, settings: Settings, progress: Progress | None) -> Document:

    noun = "page has" if len(reader.pages) == 1 else f"{len(reader.pages)} pages have"
    try:
        return read_scan(path, reader, progress)
    except MissingDependency as exc:
        raise NeedsOCR(
            f"{path.name} has no text layer (its {noun} only images): it needs OCR.",
            f"{exc.hint}, or run OCR first (ocrmypdf in.pdf out.pdf).",
        ) from None


def _content_streams(page: Any) -> list[Any]:
    contents = page.get("/Contents")
    if contents is None:
        return []
    contents = contents.get_object()
    return [c.get_object() for c in contents] if isinstance(contents, list) else [contents]


def damaged_streams(reader: Any) -> int:
    """How many Flate-compressed page content streams fail zlib's checks. pypdf reads on past
    the damage without a word, so a damaged file would otherwise pass for a whole one. Only a
    stream whose first filter is Flate holds zlib data as stored (reportlab, for one, stores
    ASCII85 of it: ``[/ASCII85Decode /FlateDecode]``)."""
    damaged = 0
    for page in reader.pages:
        for stream in _content_streams(page):
            flt = stream.get("/Filter")
            if (flt if isinstance(flt, list) else [flt])[:1] != ["/FlateDecode"]:
                continue
            try:
                zlib.decompress(stream._data)
            except zlib.error:
                damaged += 1
    return damaged


def _warn_if_damaged(path: Path, reader: Any, sections: list) -> int:
    try:
        damaged = damaged_streams(reader)
    except Exception as exc:  # an odd structure is not worth failing a readable file for
        log.debug("%s: could not check content streams: %s", path.name, exc)
        return 0
    if damaged:
        chars = sum(len(s.text) for s in sections)
        log.warning(
            "%s is damaged (%d page content stream%s corrupt); podgen read what it could, %d characters. "
            "Check the text with: podgen extract %s",
            path.name,
            damaged,
            "" if damaged == 1 else "s",
            chars,
            path,
        )
    return damaged


class PdfExtractor(Extractor):
    """PDF (.pdf) through pypdf and PDFium."""

    name = "pdf"
    priority = 10
    extensions = (".pdf",)

    def accepts(self, path: Path) -> bool:
        return sniff.accepts(path, "pdf", self.extensions)

    def check(self, path: Path, settings: Settings) -> None:
        """Refuse a PDF longer than ``max_pages`` (reads the page tree only)."""
        with pypdf_quiet():
            reader = _open(path)
            _unlock(reader, path, settings.password)
            _check_length(path, reader, settings)

    def extract(self, path: Path, settings: Settings, progress: Progress | None = None) -> Document:
        reader = _load(path, settings)
        pages = _pages(path, reader, settings)
        with pypdf_quiet():
            if _needs_ocr(path, reader, pages):
                return _read_scan(path, reader, settings, progress)
            info, outline = _metadata(reader), outline_titles(reader)
        pages = _fill_scanned_pages(path, reader, pages, progress)
        lines, body, running = document_lines(pages)
        first = [x for x in lines if x.page == 0]
        title = _meta_title(info, path) or text_title(first, body, running) or pretty_stem(path)
        sections = sections_of(lines, outline, body, title)
        if not sections:
            raise EmptyDocument(f"{path.name} has no readable text after cleaning.")
        meta = {
            "format": "pdf",
            "pages": len(pages),
            "encrypted": bool(reader.is_encrypted),
            "damaged_streams": _warn_if_damaged(path, reader, sections),
        }
        if str(info.get("/Author") or "").strip():
            meta["author"] = normalize_chars(str(info["/Author"])).strip()
        return Document(title=title, sections=sections, source=str(path), meta=meta)
