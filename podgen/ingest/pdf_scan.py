"""PDF pages without a text layer (scans): each page's largest image, read with OCR."""
from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import Any, Callable

from ..contracts import Progress
from ..errors import EmptyDocument
from ..models import Document
from . import ocr
from .extras import need
from .image import ocr_document

log = logging.getLogger(__name__)


_reading = threading.Lock()
"""pypdf reads from one shared file handle: OCR threads take turns to pull their page's image."""


def _page_image(reader: Any, index: int) -> Callable[[], Any]:
    def load() -> Any:
        with _reading:
            images = list(reader.pages[index].images)
            if not images:
                return None
            return max((i.image for i in images), key=lambda im: im.width * im.height)
    return load


def read_scan(path: Path, reader: Any, progress: Progress | None = None) -> Document:
    """OCR every page of a scanned PDF (needs the ocr extra)."""
    need("rapidocr_onnxruntime", ocr.EXTRA, "Reading a scanned PDF")
    need("PIL.Image", ocr.EXTRA, "Reading a scanned PDF")
    count = len(reader.pages)
    log.warning("%s has no text layer: reading its %d page%s with OCR (slower; recognition errors possible)",
                path.name, count, "" if count == 1 else "s")
    loaders = [_page_image(reader, i) for i in range(count)]
    pages = ocr.read_pages([_or_blank(load) for load in loaders], progress)
    if not any(pages):
        raise EmptyDocument(f"{path.name} has no text that OCR could read.")
    return ocr_document(path, pages, {"format": "pdf", "pages": count, "encrypted": bool(reader.is_encrypted)})


def _or_blank(load: Callable[[], Any]) -> Callable[[], Any]:
    def safe() -> Any:
        from PIL import Image

        return load() or Image.new("RGB", (16, 16), "white")
    return safe
