"""Running lines: headers, footers, page numbers and stamps ("Downloaded from ...", licence
notices, print-shop slugs) that repeat from page to page.

A line is running when its words (digits aside) come back on other pages near the page's top or
bottom edge, or at the same place on most pages, wherever that is. Scanned pages read by OCR
spell their running head differently each time: near the edges, lines alike in nine letters of
ten count as the same. Text set across or against the reading direction never reaches this
module: the layout leaves it out.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator
from difflib import SequenceMatcher

from .clean import is_page_number
from .pdf_headings import Body, is_caption
from .pdf_lines import Line

EDGE = 0.12
"""Lines within this share of the page height from its top or bottom are at the edge."""
EDGE_ROWS = 3
"""The first and last rows of a page are at its edge too, however far in they sit."""
ALIKE = 0.9
"""OCR'd running lines this similar (difflib ratio) count as the same line."""

_DIGITS_RE = re.compile(r"\d+")


def key(text: str) -> str:
    """A line's identity: case folded, numbers as '#', spaces collapsed."""
    return _DIGITS_RE.sub("#", " ".join(text.casefold().split()))


def running(pages: list[list[Line]], heights: list[float], body: Body) -> set[int]:
    """ids of the lines that are running lines, over all pages. A line set larger than the body
    that comes back on fewer than half the pages is a title said again (slides), not running;
    captions, "Figure 2" and "Figure 3" at the tops of two pages, are not running either; nor
    are lines in the body's own type away from the edges, the same words in the same place on
    two pages of a short text."""
    edges = [_edge_lines(lines, height) for lines, height in zip(pages, heights)]
    numbers = {id(x) for lines in edges for x in lines if _is_page_number(x.text)}
    margins = [[x for x in lines if _in_margin(x, height)] for lines, height in zip(edges, heights)]
    found = set(numbers) | _beside_numbers(margins, numbers)
    if len(pages) < 2:
        return found
    keys = {id(x): key(x.text) if not is_caption(x.text) else f"{id(x)}" for lines in pages for x in lines}
    at_edges = {id(x) for lines in edges for x in lines}
    prose = {id(x) for lines in pages for x in lines if (x.size, x.font) == (body.size, body.font)} - at_edges
    in_place = _repeated_in_place(len(pages), _places(pages, keys)) - prose
    repeated = _repeated_at_edges(edges, len(pages), keys) | in_place
    large = {id(x) for lines in pages for x in lines if x.size > 1.15 * body.size} - in_place
    return found | (repeated - large)


def _in_margin(line: Line, height: float) -> bool:
    return line.y1 <= EDGE * height or line.y0 >= (1 - EDGE) * height


def _beside_numbers(margins: list[list[Line]], numbers: set[int]) -> set[int]:
    """Short lines in the same row as a page number, in the top or bottom margin: a header or footer."""
    found = set()
    for lines in margins:
        rows = {round(x.center / 3) for x in lines if id(x) in numbers}
        found |= {id(x) for x in lines if round(x.center / 3) in rows and len(x.text) <= 80}
    return found


def _edge_lines(lines: list[Line], height: float) -> list[Line]:
    if not lines:
        return []
    rows = sorted({round(x.y0) for x in lines})
    top, bottom = set(rows[:EDGE_ROWS]), set(rows[-EDGE_ROWS:])
    return [x for x in lines if x.y1 <= EDGE * height or x.y0 >= (1 - EDGE) * height or round(x.y0) in top | bottom]


def _is_page_number(text: str) -> bool:
    return is_page_number(text) or bool(re.fullmatch(r"[ivxlcdm]{1,6}", text.strip(), re.I))


def _minimum(pages: int) -> int:
    """A line must come back on this many pages to be running."""
    return 2 if pages <= 4 else max(2, round(0.3 * pages))


def _repeated_at_edges(edges: list[list[Line]], pages: int, keys: dict[int, str]) -> set[int]:
    groups: dict[str, set[int]] = defaultdict(set)
    for number, lines in enumerate(edges):
        for line in lines:
            groups[keys[id(line)]].add(number)
    alike = _alike(groups)
    return {id(x) for lines in edges for x in lines if len(alike.get(keys[id(x)], ())) >= _minimum(pages)}


def _alike(groups: dict[str, set[int]]) -> dict[str, set[int]]:
    """Pages of each key, with the pages of keys alike enough merged in (OCR spelling)."""
    merged = {k: set(v) for k, v in groups.items()}
    for a, b in _pairs([k for k in groups if len(k) >= 8]):
        if abs(len(a) - len(b)) > 2 or groups[a] & groups[b]:
            continue
        matcher = SequenceMatcher(None, a, b)
        if matcher.real_quick_ratio() >= ALIKE and matcher.quick_ratio() >= ALIKE and matcher.ratio() >= ALIKE:
            merged[a] |= groups[b]
            merged[b] |= groups[a]
    return merged


def _pairs(keys: list[str]) -> Iterator[tuple[str, str]]:
    """Pairs of keys that could be alike: one spelling mistake in ten letters leaves two of them a
    word of four letters or more, their first four letters or their last four in common."""
    buckets: dict[str, list[str]] = defaultdict(list)
    for k in keys:
        for mark in {w for w in k.split() if len(w) >= 4} | {"^" + k[:4], "$" + k[-4:]}:
            buckets[mark].append(k)
    seen: set[tuple[str, str]] = set()
    for members in buckets.values():
        for i, a in enumerate(members):
            for b in members[i + 1 :]:
                if (a, b) not in seen:
                    seen.add((a, b))
                    yield a, b


def _places(pages: list[list[Line]], keys: dict[int, str]) -> dict[int, set[int]]:
    """For each line (by id), the pages that hold its words at its place."""
    pages_at: dict[tuple[str, int, int], set[int]] = defaultdict(set)
    place = {id(x): (keys[id(x)], round(x.x0 / 20), round(x.y0 / 20)) for lines in pages for x in lines}
    for number, lines in enumerate(pages):
        for line in lines:
            pages_at[place[id(line)]].add(number)
    return {i: pages_at[p] for i, p in place.items()}


def _repeated_in_place(pages: int, places: dict[int, set[int]]) -> set[int]:
    """Lines of the same words at the same place on half the pages or more (at least two)."""
    needed = max(2, round(0.5 * pages + 0.01))
    return {i for i, found in places.items() if len(found) >= needed}
