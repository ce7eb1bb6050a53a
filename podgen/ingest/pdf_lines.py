"""From pieces of text to lines: pieces that share a baseline band are a row; a row splits at
wide gaps into segments, the unit that columns, tables and headings are made of.

A segment keeps what later stages ask of it: its box, its text, the size and font that carry
most of its characters, whether it is bold or italic throughout, and where a bold lead-in ends.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .pdf_read import CELL_GAP, GLYPH, Box, Page, Piece

SPLIT = CELL_GAP
"""A gap wider than this many font sizes splits a row into segments (a column gutter, a table
cell); segments of one column are joined again once the columns are known."""


@dataclass(eq=False)
class Line:
    text: str
    x0: float
    y0: float
    x1: float
    y1: float
    size: float
    font: str
    bold: bool
    italic: bool
    page: int
    pieces: list[Piece] = field(default_factory=list, repr=False)
    gap: float = 0.0
    """Space above the line, in multiples of its own size (0 when it starts a column or page)."""

    @property
    def height(self) -> float:
        return self.y1 - self.y0

    @property
    def center(self) -> float:
        return (self.y0 + self.y1) / 2

    def lead(self) -> tuple[str, str]:
        """(bold or italic lead-in, the rest) when the line starts in a style it then leaves."""
        first = self.pieces[0]
        styled = first.bold or first.italic
        if not styled or len(self.pieces) < 2:
            return "", self.text
        cut = next((i for i, p in enumerate(self.pieces) if (p.bold, p.italic) != (first.bold, first.italic)), 0)
        if not cut:
            return "", self.text
        return join(self.pieces[:cut]).strip(), join(self.pieces[cut:]).strip()


def rows(pieces: list[Piece]) -> list[list[Piece]]:
    """Pieces grouped into rows by their baselines; then rows of smaller text (superscripts,
    footnote markers) join the row beside them that they overlap."""
    found: list[list[Piece]] = []
    for piece in sorted(pieces, key=lambda p: p.base):
        last = found[-1] if found else None
        if last and abs(piece.base - last[0].base) <= 0.25 * max(piece.size, last[0].size):
            last.append(piece)
        else:
            found.append([piece])
    return _attach_small(found)


def _attach_small(found: list[list[Piece]]) -> list[list[Piece]]:
    kept: list[list[Piece]] = []
    for i, row in enumerate(found):
        size = max(p.size for p in row)
        beside = [r for r in (kept[-1] if kept else None, found[i + 1] if i + 1 < len(found) else None) if r]
        host = next((r for r in beside if size < 0.85 * max(p.size for p in r) and _overlaps(row, r)), None)
        if host is not None:
            host.extend(row)
        else:
            kept.append(row)
    return kept


def _overlaps(row: list[Piece], other: list[Piece]) -> bool:
    top, bottom = min(p.y0 for p in row), max(p.y1 for p in row)
    overlap = min(bottom, max(p.y1 for p in other)) - max(top, min(p.y0 for p in other))
    return overlap >= 0.3 * (bottom - top)


def segments(row: list[Piece], page: int, walls: list[Box] = ()) -> list[Line]:
    """A row cut at gaps wider than SPLIT font sizes, and at ruled lines standing between its
    pieces (the walls of a table's cells), left to right."""
    row = sorted(row, key=lambda p: p.x0)
    top, bottom = min(p.y0 for p in row), max(p.y1 for p in row)
    standing = [w for w in walls if w.y0 < bottom and w.y1 > top]
    parts, current, end = [], [row[0]], row[0].x1
    for piece in row[1:]:
        size = max(piece.size, current[-1].size, 1.0)
        if piece.x0 - end > SPLIT * size or any(end - 1 <= (w.x0 + w.x1) / 2 <= piece.x0 + 1 for w in standing):
            parts.append(current)
            current, end = [], piece.x1
        current.append(piece)
        end = max(end, piece.x1)
    parts.append(current)
    return [make_line(part, page) for part in parts]


def make_line(pieces: list[Piece], page: int) -> Line:
    pieces = sorted(pieces, key=lambda p: p.x0)
    weights: dict[tuple[float, str], int] = {}
    letters = bold = italic = 0
    for p in pieces:
        n = len(p.text.strip())
        weights[p.size, p.font] = weights.get((p.size, p.font), 0) + n
        letters += n
        bold += n if p.bold else 0
        italic += n if p.italic else 0
    size, font = max(weights, key=weights.__getitem__)
    letters = letters or 1
    return Line(
        join(pieces).strip(),
        min(p.x0 for p in pieces),
        min(p.y0 for p in pieces),
        max(p.x1 for p in pieces),
        max(p.y1 for p in pieces),
        size,
        font,
        bold >= 0.8 * letters,
        italic >= 0.8 * letters,
        page,
        pieces,
    )


CODE_FONTS = ("mono", "courier", "cmtt", "consol", "menlo", "typewriter", "lucidaconsole")


def is_code(font: str) -> bool:
    """A font for code: monospaced by its name."""
    name = font.casefold()
    return any(t in name for t in CODE_FONTS)


def join(pieces: list[Piece]) -> str:
    """Pieces' text with a space where they stand apart, none where they touch ("O˘guz", "word1").
    A glyph with no text is a bullet when it starts the line, and is left out anywhere else."""
    out, last = [], None
    for p in pieces:
        text = p.text
        if text == GLYPH:
            if last is not None:
                continue
            text = "• "
        if last is not None and p.x0 - last.x1 > 0.15 * max(min(p.size, last.size), 1.0):
            if not out[-1].endswith(" ") and not text.startswith(" "):
                out.append(" ")
        out.append(text)
        last = p
    return "".join(out)


def merge(parts: list[Line], page: int) -> Line:
    """Segments of one row and one column, joined again."""
    return make_line([p for line in parts for p in line.pieces], page)


def page_segments(page: Page, angle: int = 0) -> list[Line]:
    """The segments of a page's text that reads in direction ``angle``, top to bottom."""
    upright = [p for p in page.pieces if p.angle == angle]
    walls = [r for r in page.rules if r.height > r.width]
    found = [s for row in rows(upright) for s in segments(row, page.number, walls)]
    return sorted(found, key=lambda s: (s.y0, s.x0))
