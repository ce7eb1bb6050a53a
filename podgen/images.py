"""Images from users and documents, opened with Pillow within its decompression-bomb limit.

Pillow refuses an image over ``PIL.Image.MAX_IMAGE_PIXELS`` (89.5 megapixels unless the host
program changed it) with a three-line warning or error; :func:`pixels_checked` makes that one
line of podgen's, for ingest (a scan to read) and mix (a cover) alike.
"""

from __future__ import annotations

import re
import warnings
from contextlib import contextmanager
from typing import Any

from .errors import TooLarge


@contextmanager
def pixels_checked(pil: Any, name: str, error: type[Exception] = TooLarge):
    """Around Pillow's ``open``: its decompression-bomb warning (or error) becomes ``error``, one line."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", pil.DecompressionBombWarning)
        try:
            yield
        except (pil.DecompressionBombWarning, pil.DecompressionBombError) as exc:
            found = re.search(r"\((\d+) pixels\)", str(exc))
            size = f"{int(found.group(1)) / 1e6:,.0f} megapixels" if found else "too large"
            raise error(
                f"{name} is {size}; podgen reads images of at most "
                f"{pil.MAX_IMAGE_PIXELS / 1e6:,.1f} megapixels (Pillow's decompression-bomb limit).",
                "Scale it down: 300 dpi is plenty for OCR, 3000x3000 for a cover.",
            ) from None
