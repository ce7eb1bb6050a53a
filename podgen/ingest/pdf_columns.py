"""Reading order on a page: columns found from the gutters between them, read left to right
within bands that lines spanning the gutters (titles, wide figures, footers) divide.

A gutter is a vertical strip that almost no segment covers, with text on both sides. Segments of
one row in one column are joined into one line; lines get the space above them.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import Counter
from dataclasses import dataclass
from itertools import accumulate

from .pdf_lines import Line, is_code, merge

BIN = 2.0
"""Width of the strips the page is measured in (points)..."""
STRIPS = 4096
"""...and at most this many strips across a page (a page of a million points is no column)."""
LOW = 0.7
"""A strip is a gutter candidate when fewer segments cover it than this share of the most covered."""
TALL = 0.3
"""A gutter runs empty down at least this share of the height of the page's text..."""
ROWS = 8
"""...or past at least this many segments on each side (two columns under a wide listing)."""
NEAR = 3.0
"""The text beside a gutter comes within this many font sizes of it."""
GUTTER = 5.0
"""The narrowest gutter (points)."""


@dataclass(frozen=True)
class Gutter:
    left: float
    right: float


def gutters(segments: list[Line], width: float, body: float = 0.0) -> list[Gutter]:
    """Vertical strips between columns: empty for a good part of the page's height, with text on
    both sides along that stretch. Only text near the body's size counts (titles set large and
    tiny table cells would bridge gutters); and a title or a wide table across the top or bottom
    of a page does not fill a gutter below or above it."""
    text, words = _running_text(segments, body)
    if not text or width <= 0:
        return []
    near = NEAR * (body or sorted(s.size for s in text)[len(text) // 2])
    step = max(BIN, width / STRIPS)
    cover = _coverage(text, width, step)
    peak = max(cover)
    top, bottom = min(s.y0 for s in text), max(s.y1 for s in text)
    ends, starts = sorted(s.x1 for s in text), sorted(s.x0 for s in text)
    runs = {
        i: _empty_run(text, words, (i * step, (i + 1) * step), top, bottom, near)
        for i, c in enumerate(cover)
        if c <= LOW * peak and _between(ends, starts, i * step, (i + 1) * step)
    }
    tall = {i: r[:2] for i, r in runs.items() if r and (r[1] - r[0] >= TALL * (bottom - top) or r[2] >= ROWS)}
    return [g for g in _strips(tall, step) if g.right - g.left >= GUTTER]


def _running_text(segments: list[Line], body: float) -> tuple[list[Line], list[Line]]:
    """The segments near the body's size of two words or more, and those of one word (a
    table's cells)."""
    if not body:
        sizes = Counter(round(s.size * 2) / 2 for s in segments for _ in s.text.split())
        body = sizes.most_common(1)[0][0] if sizes else 0.0
    near = [s for s in segments if 0.75 * body <= s.size <= 1.35 * body]
    prose = [s for s in near if not is_code(s.font)]  # listings, unless the page is all typewriter
    near = prose if 2 * len(prose) >= len(near) else near
    return [s for s in near if len(s.text.split()) >= 2], [s for s in near if len(s.text.split()) < 2]


def _coverage(segments: list[Line], width: float, step: float) -> list[int]:
    """How many segments cover each strip across the page."""
    change = [0] * (int(width / step) + 3)
    for s in segments:
        start, end = max(int(s.x0 / step), 0), min(int(s.x1 / step) + 1, len(change) - 1)
        if start < end:
            change[start] += 1
            change[end] -= 1
    return list(accumulate(change[:-1]))


def _between(ends: list[float], starts: list[float], left: float, right: float) -> bool:
    """Whether at least three segments end left of the strip and three start right of it (with
    the segments' right ends and left starts sorted): a page's margins are no gutters."""
    return bisect_right(ends, left) >= 3 and len(starts) - bisect_left(starts, right) >= 3


def _empty_run(
    text: list[Line], words: list[Line], strip: tuple[float, float], top: float, bottom: float, near: float
) -> tuple[float, float, int] | None:
    """The longest stretch down the page along which no segment crosses the strip and text
    stands close by on both sides: (top, bottom, the fewer segments on one side)."""
    left, right = strip
    crossing = sorted((s.y0, s.y1) for s in text if s.x0 < right and s.x1 > left)
    sides = ([s for s in text if s.x1 <= left], [s for s in text if s.x0 >= right])
    best, start = None, top
    for y0, y1 in crossing + [(bottom, bottom)]:
        if y0 > start and (best is None or y0 - start > best[1] - best[0]):
            rows = _rows_beside(sides, words, (start, y0), near)
            best = (start, y0, rows) if rows >= 3 else best
        start = max(start, y1)
    return best


def _rows_beside(
    sides: tuple[list[Line], list[Line]], words: list[Line], stretch: tuple[float, float], near: float
) -> int:
    """Along the stretch, the segments left of the strip whose ends line up just left of the gap
    around it, and those right of it whose starts line up just right of the gap: the fewer of
    the two. None when a word stands in that gap (a table's cells: the gap between them is no
    gutter)."""
    top, bottom = stretch
    lefts = [s for s in sides[0] if s.y1 > top and s.y0 < bottom]
    rights = [s for s in sides[1] if s.y1 > top and s.y0 < bottom]
    if not lefts or not rights:
        return 0
    edge_left, edge_right = max(s.x1 for s in lefts), min(s.x0 for s in rights)
    if any(s.y1 > top and s.y0 < bottom and _within(s, edge_left, edge_right) for s in words):
        return 0
    before = sum(1 for s in lefts if s.x1 >= edge_left - near)
    after = sum(1 for s in rights if s.x0 <= edge_right + near)
    return min(before, after)


def _within(word: Line, left: float, right: float) -> bool:
    middle = (word.x0 + word.x1) / 2
    return left + word.size / 2 < middle < right - word.size / 2


def _strips(runs: dict[int, tuple[float, float]], step: float) -> list[Gutter]:
    """Neighbouring strips that run empty down a tall stretch, joined; in each group only the
    strips that run nearly as far as its longest (a gutter beside a figure's white space is
    narrower than the two together)."""
    length = {i: r[1] - r[0] for i, r in runs.items()}
    found: list[Gutter] = []
    for group in _consecutive(sorted(length)):
        best = max(length[i] for i in group)
        core = max(_consecutive([i for i in group if length[i] >= 0.8 * best]), key=len)
        found.append(Gutter(core[0] * step, (core[-1] + 1) * step))
    return found


def _consecutive(numbers: list[int]) -> list[list[int]]:
    groups: list[list[int]] = []
    for n in numbers:
        if groups and n == groups[-1][-1] + 1:
            groups[-1].append(n)
        else:
            groups.append([n])
    return groups


def order(segments: list[Line], found: list[Gutter]) -> list[Line]:
    """Lines in reading order: band by band, and in each band column by column, top to bottom."""
    result: list[Line] = []
    band: list[list[Line]] = [[] for _ in range(len(found) + 1)]
    for s in sorted(segments, key=lambda s: (s.y0, s.x0)):
        if _spans(s, found):
            result += _flush(band)
            result.append(s)
        else:
            band[sum(1 for g in found if s.x0 >= g.right - BIN)].append(s)
    result += _flush(band)
    return result


def _spans(s: Line, found: list[Gutter]) -> bool:
    return any(s.x0 < g.left and s.x1 > g.right for g in found)


def _flush(band: list[list[Line]]) -> list[Line]:
    lines = [line for column in band for line in _rejoin(column)]
    for column in band:
        column.clear()
    return lines


def _rejoin(column: list[Line]) -> list[Line]:
    """Segments of one row within a column become one line again, top to bottom."""
    lines: list[Line] = []
    group: list[Line] = []
    for s in sorted(column, key=lambda s: (s.center, s.x0)):
        if group and _same_row(group[0], s):
            group.append(s)
            continue
        if group:
            lines.append(group[0] if len(group) == 1 else merge(group, group[0].page))
        group = [s]
    if group:
        lines.append(group[0] if len(group) == 1 else merge(group, group[0].page))
    return sorted(lines, key=lambda line: line.y0)


def _same_row(a: Line, b: Line) -> bool:
    overlap = min(a.y1, b.y1) - max(a.y0, b.y0)
    return overlap >= 0.5 * min(a.height, b.height)


def spacing(lines: list[Line]) -> None:
    """Set each line's gap: the space above it within its column, in multiples of its size."""
    previous = None
    for line in lines:
        same_column = previous is not None and previous.x0 - 2 * line.size < line.x0 < previous.x1
        below = previous is not None and line.y0 >= previous.y1 - 0.5 * line.size
        if same_column and below:
            line.gap = (line.y0 - previous.y1) / max(line.size, 1.0)
        else:
            line.gap = 0.0
        previous = line
