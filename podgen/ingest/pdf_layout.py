"""From pypdf's text spans to sections: lines, page furniture, captions, headings.

Text much smaller than the body (footnotes, superscript markers, table cells) is dropped;
bold or larger lines are heading candidates. Sections come from the PDF outline when it has
one, else from detected headings (numbered, well-known names, short bold lines, even of one
word, as review articles set them at the body's size) and from run-in headings: a bold
"Fertility." that starts a paragraph set in regular type.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from ..models import Section
from .clean import (
    clean_paragraph,
    drop_tables,
    hyphenated_words,
    is_furniture,
    is_references_heading,
    join_lines,
    letter_ratio,
    normalize_chars,
    repeated_lines,
)
from .text import looks_like_title

SMALL = 0.85
"""Text below this share of the body font size is dropped (footnotes, markers, tables)."""

_NUMBERED_RE = re.compile(r"^(\d{1,2})((?:\.\d{1,2}){0,3})\.?\s+([A-Z][^=]{1,80})$")

_KNOWN_RE = re.compile(
    r"^(?:\d{1,2}\.?\s+)?(?:abstract|introduction|background|related work|conclusions?|discussion"
    r"|summary|acknowledge?ments?|references|bibliography|appendix|methods?|results|limitations)$",
    re.I,
)

_CAPTION_RE = re.compile(r"^(?:table|figure|fig\.)\s*\d+[:.]", re.I)
_RUN_IN_RE = re.compile(
    r"^(?!(?:notes?|sources?|abbreviations?|key|legend|table|figure|fig|box|panel)\b)"
    r"[A-Z][^\d.:;,!?()\[\]]{1,60}$",
    re.I,
)
"""What a run-in heading may say: a few words, no numbers or inner punctuation, and not the
lead-in of a table note ("Note.", "Source:")."""
RUN_IN_WORDS = 6

DISPLAY = 1.2
BOLD_HEADING = 1.35
"""Bold lines up to this much larger than the body may be headings: journals set unnumbered
section headings in bold a point or two above a 9-10 pt body."""
DISPLAY_HEADING = 1.6
"""Lines this much larger than the body may be chapter titles (used when few headings are found)."""
FEW_HEADINGS_WORDS = 3000
"""A document this long with fewer than three headings is searched again for display headings."""
"""Short non-heading lines above this share of the body size are figure labels or call-outs."""

Span = tuple[str, float, bool]  # text, font size in points, bold

Finder = Callable[["Line"], "tuple[str, bool] | None"]


@dataclass
class Line:
    text: str
    size: float
    bold: bool
    run_in: str = ""
    """The run-in heading the line starts with, without its full stop or colon; "" for none."""

    @property
    def after_run_in(self) -> str:
        """The line's text after its run-in heading."""
        return self.text[len(self.run_in) :].lstrip(" .:")


@dataclass
class Part:
    heading: str
    strong: bool = False
    """Numbered, well-known or outline heading (not just a bold line)."""
    lines: list[str] = field(default_factory=list)


def body_size(pages: list[list[Span]]) -> float:
    """The font size that carries the most characters."""
    sizes: Counter[float] = Counter()
    for spans in pages:
        for text, size, _ in spans:
            sizes[size] += len(text.strip())
    return sizes.most_common(1)[0][0] if sizes else 0.0


def _run_in_heading(spans: list[Span]) -> list[Span]:
    """A bold lead-in ("Encoders Although ...") gets a full stop so it is read as a title."""
    lead = 0
    while lead < len(spans) and spans[lead][2]:
        lead += 1
    head = "".join(s[0] for s in spans[:lead]).strip()
    if not 0 < lead < len(spans) or not head or len(head.split()) > 6 or head[-1] in ".:;,!?":
        return spans
    if not spans[lead][0].strip()[:1].isupper():
        return spans
    text, size, bold = spans[lead - 1]
    return spans[: lead - 1] + [(text.rstrip() + ". ", size, bold)] + spans[lead:]


def _run_in_head(spans: list[Span]) -> str:
    """A bold lead-in set off by a full stop or colon ("Fertility." then regular text that
    starts a sentence): a run-in heading. Unpunctuated lead-ins ("Encoders Although ...") are
    left to :func:`_run_in_heading`: bold terms start lines of running text too."""
    spans = [s for s in spans if s[0].strip()] if spans and not spans[0][0].strip() else spans
    lead = next((i for i, s in enumerate(spans) if not s[2]), len(spans))
    head = normalize_chars("".join(s[0] for s in spans[:lead])).strip()
    rest = "".join(s[0] for s in spans[lead:]).strip()
    if not 0 < lead < len(spans) or head[-1:] not in (".", ":") or not rest[:1].isupper():
        return ""
    name = head[:-1].strip()
    return name if _RUN_IN_RE.match(name) and len(name.split()) <= RUN_IN_WORDS else ""


def _make_line(spans: list[Span]) -> Line | None:
    run_in = _run_in_head(spans)
    spans = _run_in_heading(spans)
    text = normalize_chars("".join(s[0] for s in spans)).strip()
    weights = [max(len(s[0].strip()), 0) for s in spans]
    total = sum(weights)
    if not text or not total:
        return None
    size = max(spans, key=lambda s: len(s[0].strip()))[1]
    bold = sum(w for w, s in zip(weights, spans) if s[2]) >= 0.8 * total
    return Line(text, size, bold, run_in if text.startswith(run_in) else "")


def page_lines(spans: list[Span], body: float) -> list[Line]:
    """Split spans into lines, dropping text much smaller than the body."""
    lines, current = [], []
    for text, size, bold in spans:
        for i, piece in enumerate(text.split("\n")):
            if i:
                lines.append(_make_line(current))
                current = []
            if piece and size >= SMALL * body:
                current.append((piece, size, bold))
    lines.append(_make_line(current))
    return [x for x in lines if x]


def drop_furniture(pages: list[list[Line]]) -> list[Line]:
    """All lines in reading order, without running headers, footers and page numbers."""
    repeated = repeated_lines([[x.text for x in lines] for lines in pages])
    return [x for lines in pages for x in lines if not is_furniture(x.text, repeated)]


def drop_captions(lines: list[Line], body: float) -> list[Line]:
    """Drop "Table 3: ..." and "Figure 1: ..." captions: the caption's own lines, which are
    set smaller than the body, or up to the first full stop when they are not."""
    kept, caption = [], None
    for line in lines:
        if _CAPTION_RE.match(line.text):
            caption = line
        elif caption and not _caption_goes_on(caption, line, body):
            caption = None
        if caption is None:
            kept.append(line)
        elif caption.size >= 0.97 * body and line.text.endswith("."):
            caption = None
    return kept


def _caption_goes_on(caption: Line, line: Line, body: float) -> bool:
    if caption.size < 0.97 * body:
        return abs(line.size - caption.size) < 0.2
    return True


class HeadingFinder:
    """Detect headings: numbered ("2.1 Related Work") in sequence, well-known names
    ("Abstract", "Conclusion"), and short bold lines at body size."""

    def __init__(self, body: float, styled: bool, display: bool = False):
        self.body, self.styled, self.display, self.last = body, styled, display, 0

    def __call__(self, line: Line) -> tuple[str, bool] | None:
        text = line.text
        if not (2 <= len(text) <= 90) or text.endswith((",", ";")) or letter_ratio(text) < 0.6:
            return None
        emphasized = line.bold or line.size > 1.1 * self.body or not self.styled
        numbered = _NUMBERED_RE.match(text)
        if _KNOWN_RE.match(text) and (emphasized or line.size >= 0.97 * self.body):
            self.last = int(numbered.group(1)) if numbered else self.last
            return text, True
        if numbered and emphasized and self._in_sequence(int(numbered.group(1)), numbered.group(2)):
            return text, True
        if line.bold and self._plain_bold(text, line.size):
            return text, False
        if self.display and self._display(text, line.size):
            return text, False
        return None

    def _display(self, text: str, size: float) -> bool:
        """A short line set far larger than the body: a chapter title in a booklet or report."""
        return (
            size >= DISPLAY_HEADING * self.body
            and 1 <= len(text.split()) <= 10
            and text[0].isupper()
            and not text.endswith((".", ",", ";", ":"))
        )

    def _in_sequence(self, top: int, sub: str) -> bool:
        """Top-level numbers go up by one; sub-sections stay under the current number."""
        ok = top == self.last + 1 or (top == self.last and bool(sub))
        self.last = top if ok else self.last
        return ok

    def _plain_bold(self, text: str, size: float) -> bool:
        words = text.split()
        acronyms = sum(1 for w in words if sum(c.isupper() for c in w) >= 2)
        return (
            0.97 * self.body <= size <= BOLD_HEADING * self.body
            and (2 <= len(words) <= 10 or _one_word_heading(text))
            and acronyms <= len(words) / 3
            and text[0].isupper()
            and not text.endswith((".", ":"))
            and not _CAPTION_RE.match(text)
        )


def _one_word_heading(text: str) -> bool:
    """A heading of one word ("Epidemiology", "Follow-up"): letters only, four at least."""
    return len(text) >= 4 and text.replace("-", "").isalpha()


def _key(title: str) -> str:
    return re.sub(r"[^a-z]", "", re.sub(r"^\s*(?:[\dA-Z]{1,2}(?:\.\d+)*\.?\s+)", "", title).lower())


class OutlineFinder:
    """Headings are the lines whose text matches the next outline titles, in order."""

    def __init__(self, titles: list[str]):
        self.keys = [k for k in map(_key, titles) if k]
        self.matched = 0

    def __call__(self, line: Line) -> tuple[str, bool] | None:
        key = _key(line.text)
        if len(line.text) > 120 or key not in self.keys:
            return None
        self.keys = self.keys[self.keys.index(key) + 1 :]
        self.matched += 1
        return line.text, True


def split_parts(lines: list[Line], find: Finder, body: float, run_ins: bool = False) -> list[Part]:
    """Cut lines into parts at headings (and, with ``run_ins``, at run-in headings); stop at
    the references. Short lines set much larger than the body that are not headings (figure
    labels, call-outs) are dropped."""
    parts = [Part("")]
    for line in lines:
        found = find(line)
        if found is None and run_ins and line.run_in:
            parts.append(Part(line.run_in, False, [line.after_run_in]))
        elif found is None:
            if line.size <= DISPLAY * body or len(line.text.split()) >= 8:
                parts[-1].lines.append(line.text)
            elif parts[-1].heading and not parts[-1].lines and not parts[-1].strong and line.text[0].islower():
                parts[-1].heading += " " + line.text  # a display title wrapped onto a second line
        elif is_references_heading(found[0]):
            break
        elif not found[1] and not parts[-1].strong and parts[-1].heading and not parts[-1].lines:
            parts[-1].heading += " " + found[0]  # a bold heading wrapped onto two lines
        else:
            parts.append(Part(found[0], found[1]))
    return parts


def drop_front_matter(parts: list[Part], limit: int = 120) -> list[Part]:
    """Drop the title and author block before the first real heading, when it is short."""
    first = next((i for i, p in enumerate(parts) if p.strong), None)
    if not first:
        return parts
    words = sum(len(x.split()) for p in parts[:first] for x in p.lines)
    return parts[first:] if words <= limit else parts


def paragraphs(lines: list[str], keep: set[str]) -> str:
    """A part's lines as cleaned, spoken-ready paragraphs."""
    cleaned = (clean_paragraph(p) for p in join_lines(drop_tables(lines), keep))
    return "\n\n".join(p for p in cleaned if len(p.split()) > 1 and not _CAPTION_RE.match(p))


def _parts(lines: list[Line], outline: list[str], body: float) -> list[Part]:
    if len(outline) >= 2:
        finder = OutlineFinder(outline)
        parts = split_parts(lines, finder, body)
        if finder.matched >= len(outline) / 2:
            return parts
    styled = any(x.bold or x.size > 1.1 * body for x in lines)
    parts = split_parts(lines, HeadingFinder(body, styled), body, run_ins=True)
    words = sum(len(x.text.split()) for x in lines)
    if sum(1 for p in parts if p.heading) < 3 and words >= FEW_HEADINGS_WORDS:
        display = split_parts(lines, HeadingFinder(body, styled, display=True), body, run_ins=True)
        parts = display if len(display) > len(parts) else parts
    return parts


def sections_of(lines: list[Line], outline: list[str], body: float) -> list[Section]:
    lines = drop_captions(lines, body)
    keep = hyphenated_words(" ".join(x.text for x in lines))
    parts = drop_front_matter(_parts(lines, outline, body))
    sections = [Section(p.heading, paragraphs(p.lines, keep)) for p in parts]
    return [s for s in sections if s.text]


def text_title(first_page: list[Line], body: float) -> str | None:
    """The largest line(s) at the top of the first page, else its first title-like line."""
    candidates = [x for x in first_page[:20] if looks_like_title(x.text) and len(x.text) >= 12]
    if not candidates:
        return None
    top = [x for x in first_page[:10] if x in candidates]
    biggest = max((x.size for x in top), default=0.0)
    if biggest > 1.15 * body:
        start = next(i for i, x in enumerate(first_page) if x.size == biggest and x in top)
        run = [first_page[start]] + [x for x in first_page[start + 1 : start + 3] if x.size == biggest]
        return " ".join(x.text for x in run)
    bold = [x for x in candidates if x.bold and x.size >= body and not x.text.isupper()]
    chosen = bold or top
    return chosen[0].text if chosen else None
