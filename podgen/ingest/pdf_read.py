"""A PDF's pages as PDFium sees them: pieces of text with their place, size, font and direction,
and the ruled lines and pictures (images, drawings) around them.

PDFium (through pypdfium2) does the parsing; this module only asks it, in as few calls as it can:
the characters of a page in one call, the text object behind each run of characters found by
halving, and each object's box, matrix and font once. Coordinates are the page as it is shown:
points from its top left corner, after its /Rotate. PDFium is not thread-safe, so one lock
guards every call into it.
"""

from __future__ import annotations

import math
import re
import sys
import threading
from collections.abc import Collection, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

from .pdf_pdfium import PDFIUM, Document

LOCK = threading.Lock()
"""PDFium keeps global state: one caller at a time, across every document."""

_SUBSET_RE = re.compile(r"^[A-Z]{6}\+")
_BOLD_RE = re.compile(r"bold|black|heavy|semibold|demi|medi|bx\d|\bbx|w[6-9]$|\.b(?:i)?$|,b(?:old)?", re.I)
_ITALIC_RE = re.compile(r"italic|oblique|cmti|cmsl|-it$|\bit\b|\.b?i$", re.I)
_FORCE_BOLD, _ITALIC_FLAG = 1 << 18, 1 << 6
RULE = 2.0
"""A drawing at most this thick (points) and at least five times as long is a ruled line."""


@dataclass(slots=True)
class Piece:
    """A run of text drawn by one text object."""

    text: str
    x0: float
    y0: float
    x1: float
    y1: float
    size: float
    font: str
    bold: bool
    italic: bool
    angle: int
    """Direction of the text on the shown page: 0 (reads left to right), 90, 180, 270, or -1 (slanted)."""
    base: float
    """Where its baseline starts: y on the shown page for upright text (x for text turned a quarter)."""
    weight: int = -1
    """The font's weight as PDFium reports it (-1: unknown); it is only worth comparing within a
    document (some producers' regular fonts report 800)."""


@dataclass(slots=True)
class Box:
    x0: float
    y0: float
    x1: float
    y1: float

    @property
    def width(self) -> float:
        return self.x1 - self.x0

    @property
    def height(self) -> float:
        return self.y1 - self.y0


@dataclass
class Page:
    number: int
    width: float
    height: float
    pieces: list[Piece] = field(default_factory=list)
    rules: list[Box] = field(default_factory=list)
    pictures: list[Box] = field(default_factory=list)
    """Images and drawings (paths that are not ruled lines)."""


class Affine:
    """A 2-D affine map (a, b, c, d, e, f) as PDF writes them."""

    __slots__ = ("a", "b", "c", "d", "e", "f")

    def __init__(self, a: float, b: float, c: float, d: float, e: float, f: float):
        self.a, self.b, self.c, self.d, self.e, self.f = a, b, c, d, e, f

    def then(self, other: Affine) -> Affine:
        """This map followed by ``other``."""
        o = other
        return Affine(
            self.a * o.a + self.b * o.c,
            self.a * o.b + self.b * o.d,
            self.c * o.a + self.d * o.c,
            self.c * o.b + self.d * o.d,
            self.e * o.a + self.f * o.c + o.e,
            self.e * o.b + self.f * o.d + o.f,
        )

    def point(self, x: float, y: float) -> tuple[float, float]:
        return self.a * x + self.c * y + self.e, self.b * x + self.d * y + self.f

    def box(self, left: float, bottom: float, right: float, top: float) -> Box:
        return Box(*self.corners(left, bottom, right, top))

    def corners(self, left: float, bottom: float, right: float, top: float) -> tuple[float, float, float, float]:
        """(x0, y0, x1, y1) of the mapped rectangle's bounding box."""
        a, b, c, d = self.a, self.b, self.c, self.d
        if b == 0 and c == 0:  # upright: no need to map all four corners
            x0, x1, y0, y1 = a * left + self.e, a * right + self.e, d * bottom + self.f, d * top + self.f
            return min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)
        xs = (a * left + c * bottom, a * right + c * bottom, a * left + c * top, a * right + c * top)
        ys = (b * left + d * bottom, b * right + d * bottom, b * left + d * top, b * right + d * top)
        return min(xs) + self.e, min(ys) + self.f, max(xs) + self.e, max(ys) + self.f


IDENTITY = Affine(1, 0, 0, 1, 0, 0)


def read(path: Path, password: str | None, limit: int | None = None, skip: Collection[int] = ()) -> list[Page]:
    """The pages of the PDF at ``path`` (the first ``limit``), those in ``skip`` left empty;
    CorruptDocument when PDFium cannot open it."""
    with LOCK:
        doc = PDFIUM.load(path, password)  # CorruptDocument or EncryptedDocument
        try:
            count = min(PDFIUM.page_count(doc), limit if limit is not None else sys.maxsize)
            return [Page(i, 0, 0) if i in skip else _page(doc, i) for i in range(count)]
        finally:
            PDFIUM.close_document(doc)


def _page(doc: Document, number: int) -> Page:
    page = PDFIUM.load_page(doc, number)
    if not page:  # PDFium could not parse the page: it reads as empty
        return Page(number, 0, 0)
    text = PDFIUM.load_text(page)
    try:
        return _read_page(page, text, number)
    finally:
        PDFIUM.close_text(text)
        PDFIUM.close_page(page)


def _read_page(page: int, text: int, number: int) -> Page:
    width, height, device = _device(page)
    result = Page(number, width, height)
    containers: dict[int, Affine] = {}
    for obj, kind, where in _objects(page, PDFIUM.count_objects, PDFIUM.get_object, IDENTITY, 0):
        if kind == PDFIUM.TEXT:
            if where is not IDENTITY:
                containers[obj] = where.then(device)
        elif kind == PDFIUM.IMAGE:
            result.pictures.append(where.then(device).box(*PDFIUM.bounds(obj)))
        elif kind == PDFIUM.PATH:
            _path(result, where.then(device).box(*PDFIUM.bounds(obj)))
    result.pieces = [p for p in _pieces(text, containers, device) if _shown(p, width, height)]
    return result


def _shown(p: Piece, width: float, height: float) -> bool:
    """On the page as shown: printers' slugs and marks outside the crop box are not."""
    return p.x1 > 0 and p.y1 > 0 and p.x0 < width and p.y0 < height


DEVICE = 2**24
"""The longer side of the page on the device PDFium maps onto: PDFium rounds device
coordinates to whole numbers, and a 32-bit number holds this for any page size."""


def _device(page: int) -> tuple[float, float, Affine]:
    """The page's shown size and the map from its user space to the shown page (y down), found
    by mapping three corners. PDFium applies the page's /Rotate itself: no extra rotation."""
    width, height, _ = PDFIUM.page_geometry(page)
    span = max(width, height, 1e-6)
    scale = DEVICE / span
    size = (width * scale, height * scale, 0)
    left, bottom = PDFIUM.page_corner(page)
    corner = PDFIUM.to_device(page, *size, left, bottom)
    x_axis = PDFIUM.to_device(page, *size, left + span, bottom)
    y_axis = PDFIUM.to_device(page, *size, left, bottom + span)
    a, b = ((x_axis[i] - corner[i]) / span / scale for i in (0, 1))
    c, d = ((y_axis[i] - corner[i]) / span / scale for i in (0, 1))
    e, f = corner[0] / scale - a * left - c * bottom, corner[1] / scale - b * left - d * bottom
    return width, height, Affine(a, b, c, d, e, f)


def _objects(container, count, get, where: Affine, depth: int) -> Iterator[tuple[int, int, Affine]]:
    """(object, type, map from its space to the page's user space) for every object, forms opened."""
    for i in range(count(container)):
        obj = get(container, i)
        kind = PDFIUM.object_type(obj)
        if kind == PDFIUM.FORM and depth < 12:
            inner = Affine(*PDFIUM.matrix(obj)).then(where)
            yield from _objects(obj, PDFIUM.count_form_objects, PDFIUM.get_form_object, inner, depth + 1)
        else:
            yield obj, kind, where


def _path(page: Page, box: Box) -> None:
    thin, long = min(box.width, box.height), max(box.width, box.height)
    if thin <= RULE and long >= 5 * max(thin, 1.0):
        page.rules.append(box)
    elif box.width * box.height < 0.9 * page.width * page.height:  # not a page background
        page.pictures.append(box)


def _pieces(text: int, containers: dict[int, Affine], device: Affine) -> Iterator[Piece]:
    count = PDFIUM.char_count(text)
    fonts: dict[int, tuple[str, bool, bool]] = {}
    i = 0
    while i < count:
        obj = PDFIUM.text_object(text, i)
        if not obj:
            i += 1
            continue
        end = _run_end(text, obj, i, count)
        chars = PDFIUM.text_range(text, i, end - i)
        if end - i == 1 and not chars.strip():  # PDFium's text blanks out a glyph with no character
            chars = chr(PDFIUM.unicode(text, i)) or chars
        piece = _piece(obj, chars, containers.get(obj, device), fonts)
        if piece and _spread(piece):
            yield from _cells(text, i, end, piece, device)
        elif piece:
            yield piece
        i = end


CELL_GAP = 0.9
"""A gap wider than this many font sizes stands between cells, columns or words set apart."""


def _spread(piece: Piece) -> bool:
    """Upright text with spaces, much wider than its characters need: one text object that sets
    a table's row, its cells placed far apart."""
    width = piece.x1 - piece.x0
    return piece.angle == 0 and " " in piece.text.strip() and width > 0.7 * piece.size * len(piece.text)


def _cells(text: int, start: int, end: int, piece: Piece, device: Affine) -> Iterator[Piece]:
    """A spread piece cut where its characters stand more than CELL_GAP apart."""
    group: list[tuple[str, float, float]] = []
    right = None  # where the group's last character that is no space ends
    for k in range(start, end):
        char = chr(PDFIUM.unicode(text, k)).translate(_CONTROLS)
        x0, _, x1, _ = device.corners(*PDFIUM.char_box(text, k))
        if not char.strip():
            group.append((char, x0, x1))
            continue
        if right is not None and x0 - right > CELL_GAP * piece.size:
            yield _part(piece, group)
            group = []
        group.append((char, x0, x1))
        right = x1
    if group:
        yield _part(piece, group)


def _part(piece: Piece, group: list[tuple[str, float, float]]) -> Piece:
    seen = [g for g in group if g[0].strip()] or group
    return replace(piece, text="".join(g[0] for g in group), x0=min(g[1] for g in seen), x1=max(g[2] for g in seen))


def _run_end(text: int, obj: int, start: int, count: int) -> int:
    """The end of the run of characters drawn by ``obj`` from ``start``: a text object's characters
    come one after another, so the end is found by doubling the step, then halving it."""
    low, step = start, 1
    while low + step < count and PDFIUM.text_object(text, low + step) == obj:
        low += step
        step *= 2
    high = min(low + step, count)
    while high - low > 1:
        middle = (low + high) // 2
        if PDFIUM.text_object(text, middle) == obj:
            low = middle
        else:
            high = middle
    return high


_CONTROLS = str.maketrans({"\r": None, "\n": " ", "\t": " ", "\ufffe": "-"})
"""PDFium's generated line ends, tabs, and its marks for hyphens that end a line."""
_UNMAPPED_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ue000-\uf8ff]")
"""Characters PDFium gives for glyphs whose font maps them to no text: their codes in the font
(control characters) or private-use characters (symbol and dingbat fonts)."""
GLYPH = "\ufffc"
"""The text of a piece that is one such glyph: a bullet, a dingbat, a symbol of a formula."""


def _piece(obj: int, chars: str, where: Affine, fonts: dict) -> Piece | None:
    chars = chars.translate(_CONTROLS)
    if _UNMAPPED_RE.search(chars):
        chars = GLYPH if _UNMAPPED_RE.fullmatch(chars.strip()) else _UNMAPPED_RE.sub("", chars)
    if not chars.strip():
        return None
    ma, mb, mc, md, me, mf = PDFIUM.matrix(obj)
    w = where  # the object's own matrix, then the map to the shown page
    a, b = ma * w.a + mb * w.c, ma * w.b + mb * w.d
    c, d = mc * w.a + md * w.c, mc * w.b + md * w.d
    x0, y0, x1, y1 = where.corners(*PDFIUM.bounds(obj))
    size = PDFIUM.font_size(obj) * math.hypot(c, d)
    font, bold, italic, weight = _font(PDFIUM.font(obj), fonts)
    angle = _angle(a, b)
    base = me * w.a + mf * w.c + w.e if angle in (90, 270) else me * w.b + mf * w.d + w.f
    return Piece(chars, x0, y0, x1, y1, round(size, 1), font, bold, italic, angle, base, weight)


def _font(handle: int, fonts: dict) -> tuple[str, bool, bool, int]:
    """(name without its subset prefix, bold, italic, weight): bold and italic as the font's name
    and flags say (its weight is compared with the body's later)."""
    found = fonts.get(handle)
    if found is None:
        name, weight, flags = PDFIUM.font_info(handle)
        name = _SUBSET_RE.sub("", name)
        bold = bool(flags & _FORCE_BOLD) or bool(_BOLD_RE.search(name))
        italic = bool(flags & _ITALIC_FLAG) or bool(_ITALIC_RE.search(name))
        found = fonts[handle] = (name, bold, italic, weight)
    return found


def _angle(a: float, b: float) -> int:
    """The direction of the text's baseline on the shown page, in whole quarter turns, from the
    first row (a, b) of its map to the page."""
    if a > 0 and abs(b) < 0.01 * a:
        return 0
    degrees = math.degrees(math.atan2(b, a)) % 360
    nearest = round(degrees / 90) * 90 % 360
    return nearest if abs((degrees - nearest + 180) % 360 - 180) < 10 else -1
