"""Tables, figures and code listings on a page, so that what they hold is not read aloud.

- A figure is a cluster of pictures (images and drawings); the short lines inside it, and just
  around it, are its labels. A picture behind prose (a shaded box, a scanned page under its OCR
  text) is not a figure.
- A table is found from its caption ("Table 2", "Tabla 1", "[표 1]"), from ruled lines stacked
  over text, or from rows of three or more cells whose columns line up; a region is a table when
  its text is set like one (several cells to a row, or short cells and numbers).
- A code listing is two or more rows in a typewriter font.

Everything is measured against the body size of the document and the page's own lines.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

from .pdf_columns import Gutter
from .pdf_headings import Body, is_caption
from .pdf_lines import Line, is_code
from .pdf_read import Box, Page

TABLE_CAPTION_RE = re.compile(
    r"^(?:table|tabla|tabela|tableau|tabelle|tabel|tab\.)\s*[\dIVX]+[a-z]?\b|^\[?(?:표|表)\s*\d", re.I
)
PROSE_WORDS = 6
"""A line of at least this many words at the body's size is prose, not a label or a cell."""
DENSE = 0.28
"""Text lines covering this share of a picture's area make it a text box, not a figure."""


def drop_regions(page: Page, segments: list[Line], body: Body, gutters: list[Gutter]) -> tuple[list[Line], list[Box]]:
    """The segments that are neither figure labels, table cells nor code; and the page's text
    boxes (framed or shaded boxes of paragraphs, such as a sidebar)."""
    gone: set[int] = set()
    figures, boxes = _pictures(page, segments, body)
    for region in figures:
        gone |= {id(s) for s in _labels(region, segments, body)}
    for region in _tables(page, segments, body, gutters):
        gone |= {id(s) for s in segments if inside(s, region)}
    gone |= _code(segments) if not is_code(body.font) else set()  # a text set all in a typewriter font
    return [s for s in segments if id(s) not in gone], boxes


# --- figures ---------------------------------------------------------------------------------


def _pictures(page: Page, segments: list[Line], body: Body) -> tuple[list[Box], list[Box]]:
    """Clusters of pictures big enough to be a figure, that are not the backdrop of text (a band
    behind a heading, a shaded box of paragraphs, a scanned page under its OCR text); and the
    boxes of paragraphs."""
    size = body.size or 10.0
    figures, boxes = [], []
    for region in _clusters(page.pictures, 0.6 * size):
        within = [s for s in segments if inside(s, region)]
        tallest = max((s.height for s in within), default=size)
        if region.height < 2.5 * max(size, tallest) or region.width < 4 * size:
            continue
        if _text_box(region, within):
            boxes += [region] if len(within) >= 3 and _sidebar(region, page) else []
        elif not _banner(within, size):
            figures.append(region)
    return figures, boxes


def _sidebar(region: Box, page: Page) -> bool:
    """A box of paragraphs (three lines or more) set apart on the page: not a ruled table (rules
    across it), not the page itself (a scan under its text)."""
    across = [r for r in page.rules if r.width > 0.5 * region.width and _holds(region, r)]
    return len(across) < 2 and region.width * region.height < 0.6 * page.width * page.height


def _holds(outer: Box, inner: Box) -> bool:
    return (
        outer.x0 - 1 <= inner.x0 and inner.x1 <= outer.x1 + 1 and outer.y0 - 1 <= inner.y0 and inner.y1 <= outer.y1 + 1
    )


def _banner(lines: list[Line], body: float) -> bool:
    """One line of text at the body's size or larger, on a coloured bar: a slide's or a
    chapter's title, not a figure's label."""
    if not lines or min(x.size for x in lines) < body:
        return False
    return max(x.y0 for x in lines) < min(x.y1 for x in lines)  # they share one row


def _text_box(region: Box, lines: list[Line]) -> bool:
    """Paragraphs fill the region, or run down it: most of its text is in lines of five words or
    more, and those lines cover much of it or five of them start at one left edge (a figure's
    labels are short and scattered)."""
    letters = sum(len(s.text) for s in lines)
    if not letters:
        return False
    covered = sum((s.x1 - s.x0) * s.height for s in lines) / max(region.width * region.height, 1.0)
    long = [s for s in lines if len(s.text.split()) >= 5]
    if sum(len(s.text) for s in long) < 0.5 * letters:
        return False
    edges = Counter(round(s.x0 / 2) for s in long)
    return covered >= DENSE or max(edges.values(), default=0) >= 5


def _clusters(boxes: Iterable[Box], reach: float) -> list[Box]:
    """Boxes that touch or come within ``reach`` of each other, merged."""
    merged: list[Box] = []
    for box in sorted(boxes, key=lambda b: (b.y0, b.x0)):
        box = Box(box.x0, box.y0, box.x1, box.y1)
        changed = True
        while changed:
            changed = False
            for other in merged:
                if _near(box, other, reach):
                    merged.remove(other)
                    box = Box(
                        min(box.x0, other.x0), min(box.y0, other.y0), max(box.x1, other.x1), max(box.y1, other.y1)
                    )
                    changed = True
                    break
        merged.append(box)
    return merged


def _near(a: Box, b: Box, reach: float) -> bool:
    return a.x0 - reach <= b.x1 and b.x0 - reach <= a.x1 and a.y0 - reach <= b.y1 and b.y0 - reach <= a.y1


def _prose(line: Line, body: Body) -> bool:
    return len(line.text.split()) >= PROSE_WORDS and line.size >= 0.9 * body.size


def _labels(region: Box, segments: list[Line], body: Body) -> list[Line]:
    """Lines inside a figure, and short ones just around it (axis labels, legends) not set
    larger than the body (a heading just above a figure is no label); beside the figure, within
    its height, a label may reach further out."""
    reach = 1.5 * (body.size or 10.0)
    around = Box(region.x0 - reach, region.y0 - reach, region.x1 + reach, region.y1 + reach)
    return [
        s
        for s in segments
        if inside(s, region) or (_label_like(s, body) and (inside(s, around) or _beside(s, region, reach)))
    ]


def _beside(line: Line, region: Box, reach: float) -> bool:
    return region.y0 <= line.y0 and line.y1 <= region.y1 and _near(line, region, reach)


def _label_like(line: Line, body: Body) -> bool:
    """Short, not a sentence, not larger than the body, and not the start of a caption (which
    goes with the lines after it)."""
    short = len(line.text.split()) <= 3 and not line.text.endswith(".")
    return short and line.size <= 1.1 * (body.size or 10.0) and not is_caption(line.text)


def inside(line: Line, box: Box) -> bool:
    cx, cy = (line.x0 + line.x1) / 2, line.center
    return box.x0 - 1 <= cx <= box.x1 + 1 and box.y0 - 1 <= cy <= box.y1 + 1


# --- tables ----------------------------------------------------------------------------------


def _tables(page: Page, segments: list[Line], body: Body, gutters: list[Gutter]) -> list[Box]:
    candidates = _captioned(page, segments, body, gutters) + _ruled(page, body) + _aligned(segments, gutters)
    return [box for box in candidates if _tabular([s for s in segments if inside(s, box)], body)]


def _captioned(page: Page, segments: list[Line], body: Body, gutters: list[Gutter]) -> list[Box]:
    """Beside each table caption: the rows of its column that follow it closely below, or above it."""
    found = []
    for caption in (s for s in segments if is_caption(s.text, TABLE_CAPTION_RE)):
        left, right = _column(caption, gutters, page.width)
        near = [s for s in segments if s is not caption and left <= (s.x0 + s.x1) / 2 <= right]
        below = _block(sorted((s for s in near if s.y0 > caption.y1 - 1), key=lambda s: s.y0), caption, body)
        above = _block(sorted((s for s in near if s.y1 < caption.y0 + 1), key=lambda s: -s.y1), caption, body)
        found += [_bounds(rows) for rows in (below, above) if rows]
    return found


def _column(line: Line, gutters: list[Gutter], width: float) -> tuple[float, float]:
    """The column a line sits in (the whole page when it spans a gutter)."""
    left, right = 0.0, width
    for g in gutters:
        if line.x1 <= g.left + 1:
            right = min(right, g.left)
        elif g.right - 1 <= line.x0:
            left = max(left, g.right)
    return left, right


def _block(ordered: list[Line], start: Line, body: Body) -> list[Line]:
    """Lines that follow ``start`` (in ``ordered``, away from it) with no wide gap between, up to
    the first line of prose."""
    rows: list[Line] = []
    edge = start
    for s in ordered:
        gap = s.y0 - edge.y1 if s.y0 >= edge.y0 else edge.y0 - s.y1
        if gap > 1.5 * (body.size or 10.0) or _prose(s, body):
            break
        rows.append(s)
        edge = s
    return rows


def _ruled(page: Page, body: Body) -> list[Box]:
    """From the first to the last of two or more horizontal rules of about the same span, each
    not far below the one before (a table's top, middle and bottom rules, or its grid)."""
    size = body.size or 10.0
    rules = sorted((r for r in page.rules if r.width > r.height and r.width >= 6 * size), key=lambda r: r.y0)
    found, used = [], set()
    for i, top in enumerate(rules):
        if i in used:
            continue
        stack = [top]
        for j in range(i + 1, len(rules)):
            if j not in used and _same_span(top, rules[j]) and rules[j].y0 - stack[-1].y1 <= 6 * size:
                stack.append(rules[j])
                used.add(j)
        if len(stack) >= 2:
            found.append(Box(top.x0, top.y0, top.x1, stack[-1].y1))
    return found


def _same_span(a: Box, b: Box) -> bool:
    overlap = min(a.x1, b.x1) - max(a.x0, b.x0)
    return overlap >= 0.8 * max(a.width, b.width)


def _aligned(segments: list[Line], gutters: list[Gutter]) -> list[Box]:
    """Runs of three or more rows of three or more cells, within one column."""
    edges = [0.0] + [(g.left + g.right) / 2 for g in gutters] + [float("inf")]
    found = []
    for left, right in zip(edges, edges[1:]):
        found += _aligned_rows([s for s in segments if left <= (s.x0 + s.x1) / 2 < right])
    return found


def _aligned_rows(segments: list[Line]) -> list[Box]:
    found, run = [], []
    for row in _rows(segments):
        if len(row) >= 3:
            run.append(row)
            continue
        if len(run) >= 3:
            found.append(_bounds([s for r in run for s in r]))
        run = []
    if len(run) >= 3:
        found.append(_bounds([s for r in run for s in r]))
    return found


def _rows(segments: list[Line]) -> list[list[Line]]:
    rows: list[list[Line]] = []
    for s in sorted(segments, key=lambda s: s.center):
        if rows and abs(rows[-1][0].center - s.center) < 0.4 * max(s.height, 1.0):
            rows[-1].append(s)
        else:
            rows.append([s])
    return rows


def _tabular(lines: list[Line], body: Body) -> bool:
    """Set like a table: most rows hold several cells, or the cells are short and many are numbers."""
    if len(lines) < 3:
        return False
    rows = _rows(lines)
    multi = sum(1 for r in rows if len(r) >= 2) / len(rows)
    short = sum(1 for s in lines if len(s.text.split()) <= 4) / len(lines)
    numbers = sum(1 for s in lines if _numeric(s.text)) / len(lines)
    prose = sum(1 for s in lines if _prose(s, body)) / len(lines)
    return (multi >= 0.5 and prose < 0.5) or (short >= 0.7 and numbers >= 0.3)


def _numeric(text: str) -> bool:
    chars = [c for c in text if not c.isspace()]
    return bool(chars) and sum(c.isdigit() or c in ".,%±<>=()-–−+/" for c in chars) >= 0.6 * len(chars)


def _bounds(lines: list[Line]) -> Box:
    return Box(min(s.x0 for s in lines), min(s.y0 for s in lines), max(s.x1 for s in lines), max(s.y1 for s in lines))


# --- code ------------------------------------------------------------------------------------


def _code(segments: list[Line]) -> set[int]:
    """Rows set in a typewriter font, two or more together."""
    code = sorted((s for s in segments if is_code(s.font)), key=lambda s: s.y0)
    found: set[int] = set()
    for a, b in zip(code, code[1:]):
        if 0 <= b.y0 - a.y1 < 1.5 * max(a.height, 1.0) and abs(a.x0 - b.x0) < 20 * max(a.size, 1.0):
            found |= {id(a), id(b)}
    return found
