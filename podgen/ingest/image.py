"""Images of text (PNG, JPEG, WebP, TIFF; every frame of a multi-page TIFF) read with OCR.

An image larger than Pillow's limit (``PIL.Image.MAX_IMAGE_PIXELS``, 89.5 megapixels unless
the host program changed it: a 9459 x 9459 scan, far more than OCR needs) is refused from its
header with one line, where Pillow would print a three-line DecompressionBombWarning and go on.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..config import Settings
from ..contracts import Extractor, Progress
from ..errors import CorruptDocument, EmptyDocument, TooLarge
from ..images import pixels_checked
from ..models import Document, Section
from . import describe, ocr, sniff
from .clean import clean_paragraph
from .extras import need
from .text import pretty_stem


def _frames(path: Path, settings: Settings) -> list[Callable[[], Any]]:
    """One loader per frame (page) of the image; the size and count are checked before any OCR."""
    pil = need("PIL.Image", ocr.EXTRA, "Reading images (OCR)")
    try:
        with pixels_checked(pil, path.name), pil.open(path) as image:
            frames = getattr(image, "n_frames", 1)
            if frames == 1:
                image.verify()
    except TooLarge:
        raise
    except Exception as exc:  # Pillow raises many types for damaged files
        raise CorruptDocument(
            f"{path.name} is not a readable image ({str(exc)[:100] or type(exc).__name__})."
        ) from None
    if frames > settings.max_pages:
        raise TooLarge(
            f"{path.name} has {frames:,} pages; podgen reads at most {settings.max_pages:,} (--max-pages).",
            "Split it, or raise --max-pages.",
        )
    return [_loader(pil, path, i) for i in range(frames)]


def _loader(pil: Any, path: Path, frame: int) -> Callable[[], Any]:
    def load() -> Any:
        try:
            with pil.open(path) as image:
                image.seek(frame)
                image.load()
                return image.copy()
        except Exception as exc:  # damage that verify() does not see shows when decoding
            raise CorruptDocument(
                f"{path.name} is damaged: page {frame + 1} cannot be decoded ({str(exc)[:80]})."
            ) from None

    return load


def ocr_document(path: Path, pages: list[str], meta: dict) -> Document:
    """Pages of OCR text as a Document (one section per page with text)."""
    sections = [Section("" if len(pages) == 1 else f"Page {i}", text) for i, text in enumerate(pages, 1) if text]
    if not sections:
        raise EmptyDocument(
            f"{path.name} has no text that OCR could read (or the model described nothing).",
            "Give podgen a sharper scan (300 dpi or more) of a page with text.",
        )
    return Document(title=pretty_stem(path), sections=sections, source=str(path), meta=meta)


class ImageExtractor(Extractor):
    """Images (.png .jpg .jpeg .webp .tif .tiff) through RapidOCR (extra: ocr)."""

    name = "image"
    priority = 30
    extensions = (".png", ".jpg", ".jpeg", ".webp", ".tif", ".tiff")

    def accepts(self, path: Path) -> bool:
        return sniff.accepts(path, "image", self.extensions)

    def check(self, path: Path, settings: Settings) -> None:
        """Refuse an image with more than ``max_pages`` frames."""
        _frames(path, settings)

    def extract(self, path: Path, settings: Settings, progress: Progress | None = None) -> Document:
        frames = _frames(path, settings)
        if describe.wanted(settings):
            pages = [clean_paragraph(text) for text in describe.describe_all(frames, settings)]
            return ocr_document(path, pages, {"format": "image", "pages": len(frames), "described": True})
        pages = ocr.read_pages(frames, progress)
        return ocr_document(path, pages, {"format": "image", "pages": len(frames), "ocr": True})
