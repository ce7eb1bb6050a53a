"""From PDFium's pages to sections: each page's text in its reading direction, cut into segments,
running lines left out, tables and figures left out, columns read in order; then headings (from
the outline, else from styles) divide the lines into sections of clean paragraphs.

Text much smaller than the body (footnotes, table notes) is left out, and so are captions.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import NamedTuple

from ..models import Section
from .clean import (
    clean_paragraph,
    drop_tables,
    hyphenated_words,
    is_references_heading,
    join_lines,
    letter_ratio,
    normalize_chars,
)
from .pdf_columns import gutters, order, spacing
from .pdf_headings import RUN_IN_WORDS, Body, HeadingFinder, body_of, is_caption, run_in, style
from .pdf_lines import Line, join, page_segments
from .pdf_read import Box, Page, Piece
from .pdf_regions import drop_regions, inside
from .pdf_running import key, running
from .text import looks_like_title

SMALL = 0.85
"""Text below this share of the body size is left out (footnotes, table notes, superscripts
alone), except in a box of its own (a sidebar)."""
PARAGRAPH_GAP = 0.9
"""Space above a line, in multiples of its size, that starts a new paragraph."""
FRONT_MATTER_WORDS = 150
"""Text before the first heading is the title and author block when it has at most this many words."""


class Layout(NamedTuple):
    lines: list[Line]
    """Every page's lines in reading order."""
    body: Body
    running: list[str]
    """The running lines' keys (pdf_running.key), one of each."""


def document_lines(pages: list[Page]) -> Layout:
    """Every page's lines in reading order, without running lines, tables, figures or small print."""
    shown = [turned(page) for page in pages]
    _heavier_is_bold(shown)
    per_page = [page_segments(page) for page in shown]
    first = body_of([s for segments in per_page for s in segments])
    repeated = running(per_page, [page.height for page in shown], first)
    furniture = sorted({key(s.text) for segments in per_page for s in segments if id(s) in repeated})
    per_page = [[s for s in segments if id(s) not in repeated] for segments in per_page]
    body = body_of([s for segments in per_page for s in segments])  # running lines can outweigh a slide's text
    _leads_are_bold([s for segments in per_page for s in segments], body)
    lines: list[Line] = []
    for page, segments in zip(shown, per_page):
        found = gutters(segments, page.width, body.size)
        kept, boxes = drop_regions(page, segments, body, found)
        ordered = order(kept, found)
        spacing(ordered)
        lines += [x for x in ordered if x.size >= SMALL * body.size or any(inside(x, b) for b in boxes)]
    return Layout(lines, body, furniture)


HEAVIER = 200
"""A font this much heavier (PDFium's weight) than the body's font is bold."""


def _heavier_is_bold(pages: list[Page]) -> None:
    """Mark pieces bold whose font is clearly heavier than the body's, by PDFium's weights."""
    weights: Counter = Counter()
    for page in pages:
        for p in page.pieces:
            weights[p.weight] += len(p.text)
    if not weights:
        return
    body = weights.most_common(1)[0][0]
    if body <= 0:
        return
    for page in pages:
        for p in page.pieces:
            if p.weight >= body + HEAVIER:
                p.bold = True


def _leads_are_bold(segments: list[Line], body: Body) -> None:
    """A font other than the body's that only starts lines, a few words each time, and starts
    some before the line goes on in another font ("Methods Starting in May ..." in a structured
    abstract set in the headings' font), sets lead-ins: its leads are bold, whatever its name
    says. (A font for quotations starts lines too, but runs on for many words.)"""
    leads, short, opened, starts, uses = Counter(), Counter(), Counter(), Counter(), Counter()
    for s in segments:
        for p in s.pieces:
            uses[p.font] += 1
        font, count = _opening_run(s)
        opened[font] += 1
        starts[font] += count
        short[font] += len(join(s.pieces[:count]).split()) <= RUN_IN_WORDS
        leads[font] += count < len(s.pieces)
    fonts = {
        f
        for f, n in leads.items()
        if n >= 2 and starts[f] >= 0.8 * uses[f] and short[f] >= 0.8 * opened[f] and f != body.font
    }
    for s in segments:
        font, count = _opening_run(s)
        if font in fonts and count < len(s.pieces):
            for p in s.pieces[:count]:
                p.bold = True


def _opening_run(line: Line) -> tuple[str, int]:
    """The font a line starts in, and how many pieces in a row it sets there."""
    font = line.pieces[0].font
    count = next((i for i, p in enumerate(line.pieces) if p.font != font), len(line.pieces))
    return font, count


def _main_angle(page: Page) -> int:
    letters: Counter = Counter()
    for p in page.pieces:
        if p.angle >= 0:
            letters[p.angle] += len(p.text)
    return letters.most_common(1)[0][0] if letters else 0


def turned(page: Page) -> Page:
    """The page turned so that its main text reads left to right; text in other directions is
    left out (stamps along the edge, axis labels, headers of table columns set upright)."""
    angle = _main_angle(page)
    pieces = [_turn(p, angle, page.width, page.height) for p in page.pieces if p.angle == angle]
    if not angle:
        return Page(page.number, page.width, page.height, pieces, page.rules, page.pictures)
    width, height = (page.height, page.width) if angle in (90, 270) else (page.width, page.height)
    rules = [_turn_box(b, angle, page.width, page.height) for b in page.rules]
    pictures = [_turn_box(b, angle, page.width, page.height) for b in page.pictures]
    return Page(page.number, width, height, pieces, rules, pictures)


def _turn(p: Piece, angle: int, width: float, height: float) -> Piece:
    if not angle:
        return p
    box = _turn_box(p, angle, width, height)
    base = {90: width - p.base, 180: height - p.base, 270: p.base}[angle]
    return Piece(p.text, box.x0, box.y0, box.x1, box.y1, p.size, p.font, p.bold, p.italic, 0, base, p.weight)


def _turn_box(b: Box | Piece, angle: int, width: float, height: float) -> Box:
    if angle == 90:  # reads downward: the page's top edge becomes its right edge
        return Box(b.y0, width - b.x1, b.y1, width - b.x0)
    if angle == 180:
        return Box(width - b.x1, height - b.y1, width - b.x0, height - b.y0)
    return Box(height - b.y1, b.x0, height - b.y0, b.x1)  # 270: reads upward


@dataclass
class Part:
    heading: str
    style: tuple = ()
    """The style of the heading's line ((), for a run-in heading)."""
    lines: list[str] = field(default_factory=list)


Finder = Callable[[Line, "Line | None", "Line | None"], bool]


def split_parts(lines: list[Line], find: Finder, body: Body, run_ins: bool = True) -> list[Part]:
    """Cut lines into parts at headings (and run-in headings); stop at the references."""
    parts = [Part("")]
    joining = None
    for i, line in enumerate(lines):
        previous, following = (lines[i - 1] if i else None), (lines[i + 1] if i + 1 < len(lines) else None)
        if find(line, previous, following):
            if is_references_heading(line.text):
                break
            if joining is not None and not parts[-1].lines and _wraps(find, joining, line):
                parts[-1].heading += " " + line.text
            else:
                parts.append(Part(line.text, style(line)))
            joining = line
            continue
        joining = None
        found = run_in(line, previous, body) if run_ins else None
        if found:
            parts.append(Part(found[0], (), [found[1]]))
            continue
        if line.gap >= PARAGRAPH_GAP and parts[-1].lines:
            parts[-1].lines.append("")
        parts[-1].lines.append(line.text)
    return parts


def _wraps(find: Finder, previous: Line, line: Line) -> bool:
    """A heading set on two lines (the finder knows how its headings wrap)."""
    wraps = getattr(find, "wraps", None)
    return bool(wraps and wraps(previous, line))


_OPENING_RE = re.compile(
    r"^(?:(?:chapter|chapitre|kapitel|cap[ií]tulo|capitolo|part|teil)\s+[\dIVXLC]+\b|第\s*\d+\s*章|abstract|summary|introduction|background|preface|foreword|résumé|resumen|resumo|zusammenfassung|"
    r"einleitung|einführung|introducción|introdução|introduzione|sommario|riassunto|要旨|概要|はじめに|초록|요약|서론|"
    r"들어가며|摘要|引言)\b",
    re.I,
)


def _anchored(parts: list[Part]) -> list[Part]:
    """Headings before the document's first true section heading belong to its title block
    (title, authors, affiliations): they become lines of an untitled first part. The first true
    section heading is the first that is numbered, opens documents by name ("Abstract",
    "Introduction", "Chapter 3"), or shares its style with another heading."""
    styles = Counter(p.style for p in parts if p.heading and p.style)
    first = next((i for i, p in enumerate(parts) if p.heading and (_opening(p.heading) or styles[p.style] >= 2)), None)
    if not first:
        return parts
    front = Part("")
    for part in parts[:first]:
        front.lines += ([part.heading] if part.heading else []) + part.lines
    return [front] + parts[first:]


def _opening(heading: str) -> bool:
    """Numbered, or a name that opens documents ("Abstract", "1 Introduction", "I. INTRODUCTION")."""
    text = heading.strip()
    numbered = re.match(r"^(?:\(?\d{1,2}(?:\.\d{1,2})*[.)]?|[IVX]{1,4}\.)\s+(\S.*)", text)
    return bool(numbered) or bool(_OPENING_RE.match(text))


def drop_captions(lines: list[Line]) -> list[Line]:
    """Drop "Table 3: ..." and "Figure 1. ..." captions: the caption line and the lines that
    follow it closely at its size (the label may be bold and the rest not). Captions side by
    side under two figures may come interleaved: each goes on where it is."""
    kept: list[Line] = []
    last: list[Line] = []  # the last line of each caption on this page
    every: list[Line] = []  # all their lines
    for line in lines:
        if every and every[-1].page != line.page:
            last, every = [], []
        before = next((c for c in last if _goes_on(c, line)), None)
        if is_caption(line.text) and len(line.text.split()) > 1:
            last.append(line)
        elif before is not None:
            last[last.index(before)] = line
        elif not any(_beside(c, line) for c in every):
            kept.append(line)
            continue
        every.append(line)
    return kept


def _beside(caption: Line, line: Line) -> bool:
    """A bit of a caption's row set apart from it (an exponent, a bracket after a formula): a
    word or two, just right of it."""
    overlap = min(line.y1, caption.y1) - max(line.y0, caption.y0)
    near = 0 <= line.x0 - caption.x1 < 2 * line.size and len(line.text.split()) <= 2
    return line.page == caption.page and overlap >= 0.5 * min(line.height, caption.height) and near


def _goes_on(caption: Line, line: Line) -> bool:
    """The next line of a caption: at its size, just below it and under it."""
    below = line.page == caption.page and -0.3 * line.size <= line.y0 - caption.y1 < 0.8 * line.size
    under = min(line.x1, caption.x1) > max(line.x0, caption.x0)
    return abs(line.size - caption.size) <= 0.3 and below and under


_CONTENTS_RE = re.compile(
    r"^(?:table of )?contents|^inhalt(?:sverzeichnis)?|^índice|^sumário|^sommaire|^table des matières|^목\s*차|^目\s*次",
    re.I,
)
_ENTRY_RE = re.compile(r"(?:\s|\.)\d{1,4}$")


def drop_contents(lines: list[Line]) -> list[Line]:
    """A table of contents is not read: runs of three or more lines that end in a page number
    (after a title that is not a number itself), and the "Contents" line over them."""
    entry = [bool(_ENTRY_RE.search(x.text)) and letter_ratio(x.text) >= 0.5 for x in lines]
    gone: set[int] = set()
    i = 0
    while i < len(lines):
        j = i
        while j < len(lines) and entry[j]:
            j += 1
        if j - i >= 3:
            gone |= set(range(i, j))
            if i and _CONTENTS_RE.match(lines[i - 1].text.strip()):
                gone.add(i - 1)
        i = max(j, i + 1)
    return [x for k, x in enumerate(lines) if k not in gone]


def drop_front_matter(parts: list[Part], limit: int = FRONT_MATTER_WORDS) -> list[Part]:
    """Drop the title and author block before the first heading, when it is short."""
    first = next((i for i, p in enumerate(parts) if p.heading), None)
    if not first:
        return parts
    words = sum(len(x.split()) for p in parts[:first] for x in p.lines)
    return parts[first:] if words <= limit else parts


def paragraphs(lines: list[str], keep: set[str]) -> str:
    """A part's lines as cleaned, spoken-ready paragraphs."""
    cleaned = (clean_paragraph(p) for p in join_lines(drop_tables(lines), keep))
    return "\n\n".join(p for p in cleaned if len(p.split()) > 1 and not is_caption(p))


def _key(title: str) -> str:
    return re.sub(r"[^a-z]", "", re.sub(r"^\s*(?:[\dA-Z]{1,2}(?:\.\d+)*\.?\s+)", "", title.casefold()))


class OutlineFinder:
    """Headings are the lines whose text matches the next outline titles, in order."""

    def __init__(self, titles: list[str]):
        self.keys = [k for k in map(_key, titles) if k]
        self.matched = 0

    def __call__(self, line: Line, previous: Line | None = None, following: Line | None = None) -> bool:
        key = _key(line.text)
        if len(line.text) > 160 or key not in self.keys:
            return False
        self.keys = self.keys[self.keys.index(key) + 1 :]
        self.matched += 1
        return True


class EitherFinder:
    """A heading by the outline's titles, or by its style."""

    def __init__(self, outline: OutlineFinder, styles: HeadingFinder):
        self.outline, self.styles = outline, styles
        self.wraps = styles.wraps

    def __call__(self, line: Line, previous: Line | None, following: Line | None) -> bool:
        by_style = self.styles(line, previous, following)
        return self.outline(line) or by_style


def _parts(lines: list[Line], outline: list[str], body: Body) -> list[Part]:
    finder: Finder = HeadingFinder(lines, body)
    if len(outline) >= 2:
        finder = EitherFinder(OutlineFinder(outline), finder)
    return _anchored(split_parts(lines, finder, body))


_ABSTRACT_RE = re.compile(
    r"^(?:abstract|summary|résumé|resumen|resumo|zusammenfassung|sommario|riassunto|要旨|概要|초록|요약|摘要|"
    r"key\s?words|schlüsselwörter|palabras clave|mots[- ]clés)\b",
    re.I,
)


def _titled(parts: list[Part], title: str) -> list[Part]:
    """A first heading that is the document's title, over a few lines (the authors, a date) and
    not numbered or named as a section ("Chapter 1", "Introduction"), is the title block's."""
    first = next((i for i, p in enumerate(parts) if p.heading), None)
    if first is None or not title or _key(parts[first].heading) != _key(title) or _opening(title):
        return parts
    words = sum(len(x.split()) for x in parts[first].lines)
    if not 0 < words <= FRONT_MATTER_WORDS:
        return parts
    front = Part("", (), [line for p in parts[: first + 1] for line in ([p.heading] if p.heading else []) + p.lines])
    return [front] + parts[first + 1 :]


def _fold_run_ins(parts: list[Part]) -> list[Part]:
    """Run-in headings in the first part or under an abstract's heading label a structured
    abstract's parts ("Methods", "Results") or its keywords: they stay in the text, as a word
    with a stop ("Methods. Starting in May ..."), not sections of their own."""
    kept = [parts[0]]
    host = parts[0]
    for part in parts[1:]:
        inside = host is parts[0] or _ABSTRACT_RE.match(host.heading) or _ABSTRACT_RE.match(part.heading)
        if part.style or not part.lines or not inside:
            kept.append(part)
            host = part if part.style else host
            continue
        label = part.heading if part.heading[-1:] in "?!." else part.heading + "."
        kept[-1].lines += ([""] if kept[-1].lines else []) + [f"{label} {part.lines[0]}"] + part.lines[1:]
    return kept


def sections_of(lines: list[Line], outline: list[str], body: Body, title: str = "") -> list[Section]:
    """The document's sections; a first heading that only says the document's ``title`` again
    (on a title slide, a cover) belongs to the title block."""
    lines = drop_contents(drop_captions(lines))
    keep = hyphenated_words(" ".join(x.text for x in lines))
    parts = _fold_run_ins(drop_front_matter(_titled(_parts(lines, outline, body), title)))
    return _nested([(p, Section(_spoken(p.heading), paragraphs(p.lines, keep))) for p in parts])


def _nested(parts: list[tuple[Part, Section]]) -> list[Section]:
    """A heading with no text of its own before the next heading ("Methods", then "Search
    strategy") is joined to that heading: "Methods — Search strategy"; unless it is set smaller
    than the next (a "Key points" box at a chapter's end, before the next chapter's title): then
    it is left out. A heading said twice in a row (slides that build up) is said once."""
    kept: list[Section] = []
    waiting, above = "", None
    for part, section in parts:
        if waiting and part.heading and not _smaller(above, part):
            said = waiting.split(" — ")[-1] == section.heading  # a slide shown again as it builds up
            heading = waiting if said else f"{waiting} — {section.heading}"
        else:
            heading = section.heading or waiting
        if section.text and kept and heading == kept[-1].heading:  # the next slide, the same title
            kept[-1] = Section(heading, f"{kept[-1].text}\n\n{section.text}")
            waiting, above = "", None
        elif section.text:
            kept.append(Section(heading, section.text))
            waiting, above = "", None
        elif section.heading:
            waiting, above = heading, (above or part)
    return kept


def _smaller(above: Part | None, part: Part) -> bool:
    return above is not None and bool(above.style and part.style) and above.style[0] < part.style[0]


def _spoken(heading: str) -> str:
    return normalize_chars(" ".join(heading.split()))


def text_title(first_page: list[Line], body: Body, running: list[str] = ()) -> str | None:
    """The largest line(s) at the top of the first page, else its first title-like line; not
    one that the running lines repeat (a journal's section, "Proposed Rules", set large on the
    first page and small in every page's header)."""
    candidates = [
        x
        for x in first_page[:20]
        if looks_like_title(x.text) and len(x.text) >= 12 and not any(key(x.text) in r for r in running)
    ]
    if not candidates:
        return None
    top = [x for x in first_page[:12] if x in candidates]
    biggest = max((x.size for x in top), default=0.0)
    if biggest > 1.15 * body.size:
        start = next(i for i, x in enumerate(first_page) if x.size == biggest and x in top)
        run = [first_page[start]] + [x for x in first_page[start + 1 : start + 4] if x.size == biggest]
        return normalize_chars(" ".join(x.text for x in run))
    bold = [x for x in candidates if x.bold and x.size >= body.size and not x.text.isupper()]
    chosen = bold or top
    return normalize_chars(chosen[0].text) if chosen else None
