"""Headings, told by what sets them apart from the body text of the same document: a larger size,
a bolder weight, another font, capitals, numbering, space above, and being short and followed by
body text. Nothing here is measured in points: every test compares a line with the document's
own body text.

A style (size, font, bold, italic) is a heading style when its lines are short, begin blocks,
carry little of the text, and stand out from the body. A run-in heading is a bold or italic
lead at the start of a paragraph ("Fertility. Most women ...").
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import lru_cache

from .clean import letter_ratio
from .pdf_lines import Line, is_code

CAPTION_RE = re.compile(
    r"^(?:table|tabla|tabela|tableau|tabelle|tab\.|figure|figura|fig\.|abbildung|abb\.|chart|exhibit|plate|"
    r"example|listing|algorithm|box)\s*[\dIVX]+(?:[.\-–]\d+)*[a-z]?\s*[:.\-–—]?(?:\s|$)|^\[?(?:표|그림|図|表)\s*\d",
    re.I,
)


def is_caption(text: str, pattern: re.Pattern = CAPTION_RE) -> bool:
    """ "Figure 2: ...", "Table 2-1 FUNCTION_USAGE view"; not prose that names a table ("Table 2
    compares ..."): without a stop after the label, the caption's words do not start in lower case."""
    found = pattern.match(text)
    if not found:
        return False
    label, rest = text[: found.end()].rstrip(), text[found.end() :].lstrip()
    return label[-1:] in ":.-–—" or not rest[:1].islower()


NUMBERED_RE = re.compile(r"^(?:\(?\d{1,2}(?:\.\d{1,2}){0,3}[.)]?|[IVXLC]{1,5}\.|[A-Z]\.|\(\d{1,2}\))\s+\S")
_BULLET = ("•", "▪", "◦", "■", "-", "–", "—", "*", "●", "○", "□", "►", "➢")
_OPENERS = "({[\"'“‘<"
_FAMILY_END_RE = re.compile(r"[-,+.]")
_LABEL_RE = re.compile(r"^[^:]{1,40}:\s*[\d.\-/]{4,}$")
_MATH_RE = re.compile(r"[=<>≤≥≈∑∏∫∈∉∀∃→←⇒⇔·×±√∞∂∇⊂⊆⊃⊇∪∩∅|]|:=")
MAX_WORDS = 14
"""A heading has at most this many words (long headings are numbered ones, which are not held to it)."""
RUN_IN_WORDS = 8


@dataclass(frozen=True)
class Body:
    size: float
    font: str
    bold: bool
    italic: bool


def body_of(lines: list[Line]) -> Body:
    """The style that carries the most characters."""
    weight: Counter = Counter()
    for line in lines:
        weight[(line.size, line.font, line.bold, line.italic)] += len(line.text)
    if not weight:
        return Body(0.0, "", False, False)
    return Body(*weight.most_common(1)[0][0])


@lru_cache(maxsize=1024)
def family(font: str) -> str:
    """A font's family: its name without style suffixes ("Minion-Regular" -> "minion")."""
    return _FAMILY_END_RE.split(font, 1)[0].casefold()


def stands_out(line: Line, body: Body) -> bool:
    """Set apart from the body by size, weight, capitals or font. A heading may be set a little
    smaller than the body when it is bold or in capitals (as physics journals set theirs)."""
    if line.size >= 1.08 * body.size:
        return True
    if line.size < 0.8 * body.size:
        return False
    if line.size < 0.92 * body.size:  # smaller: capitals or a number must mark it
        return _capitals(line.text) or bool(NUMBERED_RE.match(line.text) and line.bold and not body.bold)
    if (line.bold and not body.bold) or _capitals(line.text):
        return True
    return family(line.font) != family(body.font) and not _odd_font(line)


def _capitals(text: str) -> bool:
    """In capitals: four letters or more, none of them lowercase."""
    return text.upper() == text and text.lower() != text and sum(map(str.isalpha, text)) >= 4


_SYMBOL_FONTS = ("cmmi", "cmsy", "cmex", "cmr", "msbm", "msam", "symbol", "math", "stix")


def _odd_font(line: Line) -> bool:
    """Italic, code and symbol fonts set inside body text (a listing line, a formula) are not a
    heading's mark."""
    name = line.font.casefold()
    return line.italic or is_code(line.font) or any(t in name for t in _SYMBOL_FONTS)


def shape_ok(line: Line) -> bool:
    """Short, with letters, not a list item, caption, sentence or clause."""
    text = line.text.strip()
    words = text.split()
    if not words or len(text) > 160 or letter_ratio(text) < 0.5:
        return False
    if len(words) > MAX_WORDS and not NUMBERED_RE.match(text):
        return False
    if text.startswith(_BULLET) or is_caption(text) or text.endswith((",", ";", ":")):
        return False
    if NUMBERED_RE.match(text) and text.split(maxsplit=1)[1][:1].islower():  # "1. the organisation of ..."
        return False
    if (text[0] in _OPENERS and not NUMBERED_RE.match(text)) or "@" in text:  # code, a quotation, an address
        return False
    if len(_MATH_RE.findall(text)) >= 2 or _LABEL_RE.match(text):  # a formula; "ArXiv ePrint: 0807.3577"
        return False
    if text.count(",") >= 2 and sum(w[:1].isupper() for w in words) >= 0.7 * len(words):  # a list of names
        return False
    return not (text.endswith(".") and len(words) > 6 and not NUMBERED_RE.match(text))


def style(line: Line) -> tuple:
    return (line.size, family(line.font), line.bold, line.italic)


def heading_styles(lines: list[Line], body: Body) -> set[tuple]:
    """Styles that stand out from the body and whose lines are short, come one or two at a time
    (a heading, not a run of text set apart like an abstract) and hold little of the text."""
    total = sum(len(x.text) for x in lines) or 1
    groups: dict[tuple, list[Line]] = defaultdict(list)
    runs: dict[tuple, list[int]] = defaultdict(list)
    for i, line in enumerate(lines):
        groups[style(line)].append(line)
        if i == 0 or style(lines[i - 1]) != style(line):
            runs[style(line)].append(0)
        runs[style(line)][-1] += 1
    found = set()
    for key, members in groups.items():
        if _is_body(key, body) or not stands_out(members[0], body):
            continue
        chars = sum(len(x.text) for x in members)
        short = sum(1 for x in members if shape_ok(x))
        if chars <= 0.2 * total and short >= 0.6 * len(members) and sum(runs[key]) <= 2.5 * len(runs[key]):
            found.add(key)
    return found


def _is_body(key: tuple, body: Body) -> bool:
    return key == (body.size, family(body.font), body.bold, body.italic)


class HeadingFinder:
    """Decides, line by line in reading order, whether a line is a heading (or the next line of
    one set on two lines)."""

    def __init__(self, lines: list[Line], body: Body):
        self.body = body
        self.styles = heading_styles(lines, body)
        widths = sorted(x.x1 - x.x0 for x in lines if _is_body(style(x), body))
        self.column = widths[len(widths) * 3 // 4] if widths else 0.0
        self.last: Line | None = None

    def __call__(self, line: Line, previous: Line | None, following: Line | None) -> bool:
        found = self._heading(line, previous, following)
        self.last = line if found else None
        return found

    def _heading(self, line: Line, previous: Line | None, following: Line | None) -> bool:
        if not shape_ok(line) or not stands_out(line, self.body):
            return False
        if self.last is not None and previous is self.last and self.wraps(previous, line):
            return True
        if style(line) not in self.styles and not NUMBERED_RE.match(line.text):
            return False
        if not _starts_block(line, previous):
            return False
        return _ends_block(line, following) or (following is not None and self.wraps(line, following))

    def wraps(self, first: Line, second: Line) -> bool:
        """The second line carries on the heading of the first: same style, just below, and the
        first is nearly a full line or the second goes on in lower case (or both are capitals)."""
        if style(first) != style(second) or first.page != second.page or not 0 <= second.gap < 0.8:
            return False
        capitals = first.text.isupper() and second.text.isupper()
        return second.text[:1].islower() or capitals or first.x1 - first.x0 >= 0.6 * self.column


def _starts_block(line: Line, previous: Line | None) -> bool:
    if previous is None or previous.page != line.page or line.gap == 0.0:
        return True
    return line.gap >= 0.3 or previous.text.rstrip().endswith((".", ":", "!", "?", "”", '"'))


def _ends_block(line: Line, following: Line | None) -> bool:
    """What follows a heading starts afresh: not a lower-case continuation of its sentence."""
    return following is None or not following.text[:1].islower()


def run_in(line: Line, previous: Line | None, body: Body) -> tuple[str, str] | None:
    """(heading, rest of the line) for a paragraph that opens with a bold or italic lead-in."""
    lead, rest = line.lead()
    if not lead or not rest or len(lead.split()) > RUN_IN_WORDS or not _starts_paragraph(line, previous):
        return None
    first = line.pieces[0]
    if (first.italic and body.italic) or (first.bold and body.bold) or is_caption(lead):
        return None
    name = lead.rstrip(" .:—–−-")
    if name[:1].islower() or name.startswith(_BULLET):  # emphasis inside a sentence, a list item
        return None
    stopped = lead.rstrip()[-1:] in (".", ":", "—", "–", "−") or rest.lstrip()[:1] in (".", ":")
    if len(name) < 3 or letter_ratio(name) < 0.6 or NUMBERED_RE.fullmatch(name + " x"):
        return None
    if stopped or (first.bold and rest.lstrip(" .:")[:1].isupper()):
        return name, rest.lstrip(" .:—–−")
    return None


def _starts_paragraph(line: Line, previous: Line | None) -> bool:
    if previous is None or previous.page != line.page or line.gap == 0.0:
        return True
    if line.gap >= 0.4 or line.x0 > previous.x0 + 0.8 * line.size:
        return True
    return previous.text.rstrip().endswith((".", "!", "?", ":"))
