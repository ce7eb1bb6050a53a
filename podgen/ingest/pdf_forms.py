"""Pages whose drawings (form XObjects) draw themselves, or each other so many times that
drawing the page would never end: PDFium expands forms as it loads a page, so these pages are
found first from pypdf's view of the resources, and never given to PDFium.

A form drawn inside itself loops; a chain of forms that each draw the next twice doubles at
every step. Both are counted the same way: how many forms drawing the page would expand,
each form's content searched once for the names it draws (``/Fm1 Do``).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from functools import partial
from typing import Any

log = logging.getLogger(__name__)

MAX_FORMS = 10_000
"""A page that would expand more forms than this is not read by PDFium."""

_DRAW_RE = re.compile(rb"/([^\s/\[\]()<>{}%]+)\s*Do\b")


def looping_pages(reader: Any, count: int) -> set[int]:
    """Numbers of the first ``count`` pages that would expand more than MAX_FORMS forms."""
    memo: dict[int, int] = {}
    found = set()
    for number in range(count):
        try:
            page = reader.pages[number]
            if _expansion(page.get("/Resources"), partial(_page_data, page), memo, set()) > MAX_FORMS:
                found.add(number)
        except Exception as exc:  # an unreadable page is PDFium's to judge
            log.debug("page %d: resources unreadable: %s", number + 1, exc)
    return found


def _expansion(resources: Any, content: Callable[[], bytes], memo: dict[int, int], inside: set[int]) -> int:
    """Forms drawn, in all, by the content drawn with ``resources`` (MAX_FORMS + 1 for a loop);
    the content is only read when the resources hold forms."""
    forms = _forms(resources)
    if not forms:
        return 0
    total = 0
    for name, times in _drawn(content()).items():
        ref = forms.get(name)
        if ref is not None:
            total += times * (1 + _form(ref, memo, inside))
        if total > MAX_FORMS:
            return MAX_FORMS + 1
    return total


def _form(ref: Any, memo: dict[int, int], inside: set[int]) -> int:
    number = getattr(ref, "idnum", None)
    if number in inside:  # the form draws itself
        return MAX_FORMS + 1
    if number is not None and number in memo:
        return memo[number]
    form = ref.get_object()
    inside = inside | {number} if number is not None else inside
    found = _expansion(form.get("/Resources"), form.get_data, memo, inside)
    if number is not None:
        memo[number] = found
    return found


def _forms(resources: Any) -> dict[bytes, Any]:
    """The form XObjects the resources name (names as bytes), as references where they are."""
    xobjects = (resources.get_object() if resources is not None else {}).get("/XObject")
    if xobjects is None:
        return {}
    xobjects = xobjects.get_object()
    found = {}
    for name in xobjects:
        ref = xobjects.raw_get(name) if hasattr(xobjects, "raw_get") else xobjects[name]
        if ref.get_object().get("/Subtype") == "/Form":
            found[str(name)[1:].encode("latin-1", "replace")] = ref
    return found


def _page_data(page: Any) -> bytes:
    """A page's content, its streams one after another."""
    contents = page.get("/Contents")
    if contents is None:
        return b""
    contents = contents.get_object()
    streams = contents if isinstance(contents, list) else [contents]
    return b"\n".join(s.get_object().get_data() for s in streams)


def _drawn(data: bytes) -> dict[bytes, int]:
    """How often each name is drawn (``Do``) in content."""
    counts: dict[bytes, int] = {}
    for name in _DRAW_RE.findall(data):
        counts[name] = counts.get(name, 0) + 1
    return counts
