"""PDF pages without a text layer (scans): each page's largest image, read with OCR."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..contracts import Progress
from ..errors import EmptyDocument, TooLarge
from ..images import pixels_checked
from ..models import Document
from . import ocr
from .extras import need
from .image import ocr_document

log = logging.getLogger(__name__)


_reading = threading.Lock()
"""pypdf reads from one shared file handle: OCR threads take turns to pull their page's image."""


def _page_image(reader: Any, index: int, name: str) -> Callable[[], Any]:
    """The largest image of a page, loaded when asked; TooLarge, one line, for an image over
    Pillow's or pypdf's size limit."""

    def load() -> Any:
        from PIL import Image
        from pypdf.errors import LimitReachedError

        where = f"The image on page {index + 1} of {name}"
        with _reading:
            try:
                with pixels_checked(Image, where):
                    images = list(reader.pages[index].images)
                    return max((i.image for i in images), key=lambda im: im.width * im.height) if images else None
            except LimitReachedError as exc:
                reason = str(exc).strip().rstrip(".")
                raise TooLarge(f"{where} is too large to read ({reason}).", _SCALE_DOWN) from None

    return load


_SCALE_DOWN = "Scale the scan down: 300 dpi is plenty for OCR."


def read_scan(path: Path, reader: Any, progress: Progress | None = None) -> Document:
    """OCR every page of a scanned PDF (needs the ocr extra)."""
    need("rapidocr_onnxruntime", ocr.EXTRA, "Reading a scanned PDF")
    need("PIL.Image", ocr.EXTRA, "Reading a scanned PDF")
    count = len(reader.pages)
    log.warning(
        "%s has no text layer: reading its %d page%s with OCR (slower; recognition errors possible)",
        path.name,
        count,
        "" if count == 1 else "s",
    )
    loaders = [_page_image(reader, i, path.name) for i in range(count)]
    pages = ocr.read_pages([_or_blank(load) for load in loaders], progress)
    if not any(pages):
        raise EmptyDocument(f"{path.name} has no text that OCR could read.")
    return ocr_document(
        path, pages, {"format": "pdf", "pages": count, "encrypted": bool(reader.is_encrypted), "ocr": True}
    )


def _or_blank(load: Callable[[], Any]) -> Callable[[], Any]:
    def safe() -> Any:
        from PIL import Image

        return load() or Image.new("RGB", (16, 16), "white")

    return safe


def ocr_pages(path: Path, reader: Any, numbers: list[int], progress: Progress | None = None) -> dict[int, str]:
    """OCR text of the pages ``numbers`` of a text PDF (image-only pages: a scanned insert), or
    nothing, with a warning, when the ocr extra is missing."""
    noun = "page" if len(numbers) == 1 else "pages"
    try:
        need("rapidocr_onnxruntime", ocr.EXTRA, "Reading scanned pages")
    except Exception as exc:  # MissingDependency: read the rest, and say what is left out
        log.warning(
            "%s: %d %s without a text layer left out (%s)", path.name, len(numbers), noun, getattr(exc, "hint", exc)
        )
        return {}
    log.warning("%s: reading %d %s without a text layer with OCR", path.name, len(numbers), noun)
    texts = ocr.read_pages([_or_blank(_page_image(reader, i, path.name)) for i in numbers], progress)
    return dict(zip(numbers, texts))
