"""Optical character recognition, offline: RapidOCR (PP-OCR models in ONNX, shipped inside
the ``rapidocr-onnxruntime`` wheel). Pages run in parallel; text lines are put in reading
order, column by column, so a two-column page is not read across the gutter.
"""

from __future__ import annotations

import logging
import os
import re
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from ..contracts import Progress
from .clean import clean_text
from .extras import need

log = logging.getLogger(__name__)

EXTRA = "ocr"
MIN_SCORE = 0.6
GAP = 0.2
"""A gutter is crossed by at most this share of the lines that cross a typical column."""
MAX_SIDE = 2000
"""Larger page images are scaled down to this many pixels on the long side first (a 300 dpi
A4 scan becomes ~170 dpi: still sharp for body text, and about twice as fast)."""
_local = threading.local()


@dataclass
class Box:
    """One recognised line of text and where it is on the page (pixels)."""

    text: str
    x0: float
    y0: float
    x1: float
    y1: float

    @property
    def height(self) -> float:
        return self.y1 - self.y0

    @property
    def middle(self) -> float:
        return (self.y0 + self.y1) / 2


def _engine(threads: int) -> Any:
    """One RapidOCR engine per worker thread (its ONNX sessions are not shared)."""
    if getattr(_local, "engine", None) is None:
        rapidocr = need("rapidocr_onnxruntime", EXTRA, "Reading images (OCR)")
        kwargs = {
            f"{part}_{kind}_op_num_threads": threads for part in ("det", "cls", "rec") for kind in ("intra", "inter")
        }
        _local.engine = rapidocr.RapidOCR(**kwargs)
    return _local.engine


def recognise(image: Any, threads: int = 1) -> list[Box]:
    """Text lines found in ``image`` (a PIL image), confident ones only."""
    import numpy as np

    result, _ = _engine(threads)(np.asarray(image.convert("RGB")))
    boxes = []
    for points, text, score in result or []:
        if float(score) >= MIN_SCORE and text.strip():
            xs, ys = [p[0] for p in points], [p[1] for p in points]
            boxes.append(Box(text.strip(), min(xs), min(ys), max(xs), max(ys)))
    return boxes


def gutters(boxes: list[Box], width: float) -> list[float]:
    """x positions of the gaps between columns: where far fewer lines cross than inside the
    columns (a centred heading or a line the detector ran across two columns may), with
    text on both sides."""
    narrow = [b for b in boxes if b.x1 - b.x0 < 0.6 * width]
    if len(narrow) < 8:
        return []
    step = max(1.0, width / 400)
    counts = [sum(b.x0 <= x * step <= b.x1 for b in narrow) for x in range(int(width / step) + 1)]
    filled = sorted(c for c in counts if c)
    allowed = max(1, int(GAP * filled[len(filled) // 2]))
    found, start = [], None
    for i, count in enumerate(counts + [len(narrow)]):
        if count <= allowed and start is None:
            start = i
        elif count > allowed and start is not None:
            middle = (start + i) / 2 * step
            if _both_sides(narrow, middle):
                found.append(middle)
            start = None
    return found


def split_at_gutters(box: Box, cuts: list[float], width: float) -> list[Box]:
    """A narrow line the detector ran across a gutter, cut there: at the space nearest to
    where the gutter falls in proportion to the text."""
    inside = [c for c in cuts if box.x0 < c < box.x1]
    if not inside or box.x1 - box.x0 >= 0.6 * width:
        return [box]
    cut = inside[0]
    share = (cut - box.x0) / (box.x1 - box.x0)
    if share > 0.85 or share < 0.15:  # only the box's padding crosses: it belongs to one side
        return [
            Box(box.text, box.x0, box.y0, cut - 1, box.y1)
            if share > 0.85
            else Box(box.text, cut + 1, box.y0, box.x1, box.y1)
        ]
    at = round(len(box.text) * share)
    spaces = [i for i, c in enumerate(box.text) if c == " " and abs(i - at) <= 6]
    if not spaces:
        return [box]
    i = min(spaces, key=lambda j: abs(j - at))
    left, right = (
        Box(box.text[:i].strip(), box.x0, box.y0, cut - 1, box.y1),
        Box(box.text[i:].strip(), cut + 1, box.y0, box.x1, box.y1),
    )
    return [left] + split_at_gutters(right, cuts, width)


def _both_sides(boxes: list[Box], x: float) -> bool:
    left = sum(1 for b in boxes if b.x1 < x)
    right = sum(1 for b in boxes if b.x0 > x)
    return min(left, right) >= max(3, 0.15 * len(boxes))


def reading_order(boxes: list[Box], width: float) -> list[list[Box]]:
    """Boxes in reading order, grouped into blocks: a line that spans the columns ends the
    block above it; inside a block, each column is read top to bottom, left to right."""
    cuts = gutters(boxes, width)
    boxes = [piece for box in boxes for piece in split_at_gutters(box, cuts, width)]
    blocks: list[list[Box]] = []
    columns: dict[int, list[Box]] = {}
    for box in sorted(boxes, key=lambda b: b.y0):
        spans = [c for c in cuts if box.x0 < c < box.x1]
        if spans:
            blocks.extend(columns[k] for k in sorted(columns))
            blocks.append([box])
            columns = {}
            continue
        columns.setdefault(sum(1 for c in cuts if c < box.x0), []).append(box)
    blocks.extend(columns[k] for k in sorted(columns))
    return blocks


def block_lines(block: list[Box]) -> list[str]:
    """A column's boxes as text lines; a blank line where the gap says a new paragraph starts."""
    rows: list[list[Box]] = []
    for box in sorted(block, key=lambda b: b.middle):
        if rows and abs(box.middle - rows[-1][0].middle) < 0.5 * rows[-1][0].height:
            rows[-1].append(box)
        else:
            rows.append([box])
    lines, last = [], None
    for row in rows:
        if last is not None and row[0].y0 - last.y1 > 1.2 * max(last.height, 1):
            lines.append("")
        lines.append(" ".join(respace(b.text) for b in sorted(row, key=lambda b: b.x0)))
        last = row[0]
    return lines + [""]


def respace(text: str) -> str:
    """Put back spaces the recogniser lost ("shallmeanbasic" -> "shall mean basic"), with
    wordninja's English word frequencies; only long runs that split into three or more words."""

    def split(match: re.Match[str]) -> str:
        import wordninja

        pieces = wordninja.split(match.group(0))
        return " ".join(pieces) if len(pieces) >= 3 else match.group(0)

    need("wordninja", EXTRA, "Reading images (OCR)")
    text = re.sub(r"(?<=[a-z]{2})(,|;|\.(?=[A-Z]))(?=[A-Za-z(“])", r"\1 ", text)
    return re.sub(r"[A-Za-z]{13,}", split, text)


def page_text(image: Any, threads: int = 1) -> str:
    """The cleaned text of one page image, in reading order."""
    scale = MAX_SIDE / max(image.width, image.height)
    if scale < 1:
        image = image.resize((round(image.width * scale), round(image.height * scale)))
    boxes = recognise(image, threads)
    lines = [line for block in reading_order(boxes, image.width) for line in block_lines(block)]
    return clean_text("\n".join(lines)) if lines else ""


def read_pages(images: Sequence[Callable[[], Any]], progress: Progress | None = None) -> list[str]:
    """OCR every page (each given as a function that loads its image), pages in parallel."""
    workers = max(1, min(len(images), os.cpu_count() or 1))
    threads = max(1, (os.cpu_count() or 1) // workers)
    done = 0

    def one(load: Callable[[], Any]) -> str:
        nonlocal done
        text = page_text(load(), threads)
        done += 1
        if progress:
            progress("ocr", done, len(images))
        return text

    if progress:
        progress("ocr", 0, len(images))
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="podgen-ocr") as pool:
        return list(pool.map(one, images))
