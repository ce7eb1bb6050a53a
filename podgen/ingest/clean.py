"""Text cleaning shared by extractors: remove what a listener would stumble on.

Line-level helpers work on raw lines (page furniture, tables, equations); paragraph-level
helpers work on joined text (citations, links, footnote markers, odd characters).
"""

from __future__ import annotations

import re
import statistics
import unicodedata
from collections import Counter
from collections.abc import Callable

from ..text.tidy import tidy

# Spacing accents that TeX-made PDFs emit before the letter they belong on ("O˘guz").
_SPACING_ACCENTS = {
    "\u00b4": "\u0301",
    "\u02dd": "\u030b",
    "\u02d8": "\u0306",
    "\u02c7": "\u030c",
    "\u00a8": "\u0308",
    "\u02c6": "\u0302",
    "\u02dc": "\u0303",
    "\u00b8": "\u0327",
    "\u02da": "\u030a",
    "\u00af": "\u0304",
    "\u02d9": "\u0307",
    "\u02db": "\u0328",
}
_ACCENT_RE = re.compile(f"([{''.join(_SPACING_ACCENTS)}])\\s?([A-Za-z\u0131])")
_INVISIBLE_RE = re.compile("[\u00ad\u200b\u200c\u200d\u2060\ufeff]")
_MARKS_RE = re.compile("[\u2217\u2020\u2021\u00a7\u00b6]")  # ∗ † ‡ § ¶ footnote symbols

_PAGE_NUMBER_RE = re.compile(r"^(?:page\s*)?[-–—(]?\s*\d{1,4}\s*[-–—)]?(?:\s*(?:of|/)\s*\d{1,4})?$", re.I)
_PAGE_OF_RE = re.compile(r"\bpage\s*\d{1,4}\s*(?:of|/)\s*\d{1,4}", re.I)
_ARXIV_RE = re.compile(r"\barXiv:\s?\d{4}\.\d{4,5}(?:v\d+)?(?:\s*\[[\w.-]+\])?(?:\s+\d{1,2}\s+\w{3,9}\s+\d{4})?")
_NOT_WORD_START_RE = re.compile(r"(?<!\S)[^\sA-Za-z]")
_MATH_RE = re.compile(r"[=<>≤≥≈∑∏∫∈∀∃→←⇒·×±√∞∂∇⊂⊆∪∩|]")

_YEAR = r"(?:19|20)\d{2}[a-z]?"
_CITE_ITEM = rf"[A-Z][^()\[\];]{{0,80}}?,?\s*\(?{_YEAR}\)?(?:,\s*(?:{_YEAR}|[a-z]\b))*"
_CITE_PAREN_RE = re.compile(
    rf"\s*\((?:(?:e\.g\.|i\.e\.|see|cf\.)\s*,?\s*)?{_CITE_ITEM}(?:\s*;\s*{_CITE_ITEM})*"
    rf"(?:,?\s*inter alia)?\)"
)
_ETAL_PAREN_RE = re.compile(r"\s*\((?:e\.g\.,?\s*)?[A-Z][^()\[\];]{0,40}? et al\.\)")
_NARRATIVE_YEAR_RE = re.compile(rf"(?<=[A-Za-z.])\s*\({_YEAR}(?:,\s*{_YEAR})*\)")
_CITE_BRACKET_RE = re.compile(r"\s*\[\d{1,3}(?:\s*[,–—-]\s*\d{1,3})*\]")
_URL_RE = re.compile(r"(?:https?://|www\.)\S*?(?=[.,;:!?)\]]*(?:\s|$))", re.I)
_EMAIL_RE = re.compile(r"(?:\{[^{}]*\}|[\w.+-]+)@[\w-]+(?:\.[\w-]+)+")
_MARKER_RE = re.compile(r"(?<=[a-z][.,;:!?)])\d{1,2}(?=\s|$)")
_REFERENCES_RE = re.compile(
    r"^(?:\d{1,2}\.?\s+|[A-Z]\.?\s+)?(?:references|bibliography|works cited|literature cited)$", re.I
)
_ABBREVIATION_END_RE = re.compile(r"\b(?:No|Nos|St|Dr|Mr|Mrs|Ms|Prof|vs|al|Fig|Eq|Sec|e\.g|i\.e|cf|Inc|Co|Jr)\.$")
_SENTENCE_END = (".", "!", "?", ":", '"', "”", "'", "’")


def normalize_chars(text: str) -> str:
    """Fix spacing accents, ligatures (NFKC), invisible characters and doubled quotes."""
    text = _ACCENT_RE.sub(lambda m: m.group(2) + _SPACING_ACCENTS[m.group(1)], text)
    text = unicodedata.normalize("NFKC", _INVISIBLE_RE.sub("", text))
    text = text.replace("‘‘", "“").replace("’’", "”").replace("``", "“").replace("''", "”")
    return unicodedata.normalize("NFC", text)


def spoken_heading(text: str) -> str:
    """ "A.\tPURPOSE" -> "A. Purpose": whitespace collapsed, all-capital headings softened."""
    text = normalize_chars(re.sub(r"\s+", " ", text)).strip()
    if not (text.isupper() and len(text) > 4):
        return text
    words = text.split(" ")
    return " ".join(_soft(w, i == 0 or bool(_NUMBERING_RE.fullmatch(words[i - 1]))) for i, w in enumerate(words))


_SMALL_WORDS = frozenset({"a", "an", "and", "as", "at", "by", "for", "in", "of", "on", "or", "the", "to"})


_NUMBERING_RE = re.compile(r"[IVXLC]+[.:]?|[A-Z]\.?|\d+[.:]?")


def _soft(word: str, first: bool) -> str:
    if _NUMBERING_RE.fullmatch(word) and not word.isdigit():  # Roman numerals and letters stay
        return word
    lower = word.lower()
    return lower if lower in _SMALL_WORDS and not first else "-".join(p[:1].upper() + p[1:] for p in lower.split("-"))


def letter_ratio(text: str) -> float:
    """Share of letters among the non-space characters of ``text``."""
    chars = "".join(text.split())
    return sum(map(str.isalpha, chars)) / len(chars) if chars else 0.0


def is_page_number(line: str) -> bool:
    """A line that is only a page number ("12", "- 3 -", "Page 3 of 10")."""
    line = line.strip()
    return bool(_PAGE_NUMBER_RE.match(line)) or (len(line) < 80 and bool(_PAGE_OF_RE.search(line)))


def is_arxiv_stamp(line: str) -> bool:
    """The vertical arXiv identifier stamped on the side of preprints."""
    return len(line) < 80 and bool(_ARXIV_RE.search(line))


def is_symbolic(line: str) -> bool:
    """A line that is mostly numbers or symbols: a table row or an equation."""
    tokens = line.split()
    if len(tokens) < 2:
        return False
    if _MATH_RE.search(line) and letter_ratio(line) < 0.6:
        return True
    if len(_NOT_WORD_START_RE.findall(line)) < 3:  # fewer than 3 tokens could be letter-free: prose
        return False
    numeric = sum(1 for t in tokens if not any(map(str.isalpha, t)))
    return numeric >= 3 and (numeric >= 0.5 * len(tokens) or letter_ratio(line) < 0.5)


def _prose_like(line: str) -> bool:
    return sum(1 for t in line.split() if re.fullmatch(r"[a-z]{2,}[.,;:)]*", t)) >= 2


def drop_tables(lines: list[str]) -> list[str]:
    """Drop table rows and equations, and the label-only lines next to them."""
    symbolic = [is_symbolic(x) for x in lines]
    kept = []
    for i, line in enumerate(lines):
        near = (i > 0 and symbolic[i - 1]) or (i + 1 < len(lines) and symbolic[i + 1])
        if not symbolic[i] and not (near and line.strip() and not _prose_like(line)):
            kept.append(line)
    return kept


def is_references_heading(text: str) -> bool:
    """A heading that starts the reference list ("References", "7 Bibliography")."""
    return bool(_REFERENCES_RE.match(text.strip()))


def furniture_key(line: str) -> str:
    """A line's identity for header/footer detection: digits normalised, case folded."""
    return re.sub(r"\d+", "#", re.sub(r"\s+", " ", line.strip().casefold()))


def repeated_lines(pages: list[list[str]], share: float = 0.4) -> set[str]:
    """Keys of short lines that recur on many pages (running headers and footers)."""
    if len(pages) < 3:
        return set()
    counts: Counter[str] = Counter()
    for lines in pages:
        counts.update({furniture_key(x) for x in lines if 0 < len(x.strip()) <= 120})
    limit = max(3, share * len(pages))
    return {key for key, n in counts.items() if n >= limit}


def is_furniture(line: str, repeated: set[str]) -> bool:
    """Running header/footer, page number or arXiv stamp."""
    return furniture_key(line) in repeated or is_page_number(line) or is_arxiv_stamp(line)


def hyphenated_words(text: str) -> set[str]:
    """Words written with a hyphen inside a line ("dual-encoder"), lower-cased."""
    return {m.group(0).lower() for m in re.finditer(r"\b[A-Za-z]+-[A-Za-z]+\b", text)}


_SUSPENDED = frozenset({"and", "or", "nor", "to", "vs"})
_HYPHENATED_END_RE = re.compile(r"([A-Za-z]+)-$")
_TAIL = 200
"""Characters of a growing paragraph that the join rules look at: its last word, never all of it."""


def _joint(left: str, right: str, keep: set[str]) -> tuple[int, str]:
    """How ``right`` joins text ending in ``left``: how many characters to drop from the end
    of the text (1 for an end-of-line hyphen, "retrie-" + "val"), and what goes between."""
    if left.endswith(("–", "—", "://", "@", "/")):
        return 0, ""
    match = _HYPHENATED_END_RE.search(left[-_TAIL:]) if left.endswith("-") else None
    if not match or not right:
        return 0, " " if left else ""
    head, tail = match.group(1), re.match(r"[A-Za-z]*", right).group(0)
    if tail.lower() in _SUSPENDED:  # "single- and multi-dataset" keeps its hyphen and space
        return 0, " "
    if right[0].islower() and f"{head}-{tail}".lower() not in keep:
        return 1, ""
    return 0, ""


class _Paragraph:
    """Lines joined into one paragraph in time linear in its length: the pieces are kept in a
    list and joined once, and only the last few characters are looked at for each new line."""

    def __init__(self, first: str = ""):
        self.pieces, self.tail = ([first], first[-_TAIL:]) if first else ([], "")

    def add(self, line: str, keep: set[str]) -> None:
        drop, between = _joint(self.tail, line, keep)
        if drop:
            self.pieces[-1] = self.pieces[-1][:-drop]
            self.tail = self.tail[:-drop]
        self.pieces.append(between + line)
        self.tail = (self.tail + between + line)[-_TAIL:]

    def text(self) -> str:
        return "".join(self.pieces)


def _ends_paragraph(line: str, typical: float) -> bool:
    return line.endswith(_SENTENCE_END) and len(line) < 0.85 * typical and not _ABBREVIATION_END_RE.search(line)


def join_lines(lines: list[str], keep: set[str] | None = None) -> list[str]:
    """Join hard-wrapped lines into paragraphs; a blank line, a bullet or a short line
    that ends a sentence closes a paragraph."""
    keep = keep or set()
    stripped = [x.strip() for x in lines]
    typical = statistics.median([len(x) for x in stripped if x] or [0])
    paragraphs, current = [], _Paragraph()
    for line in stripped:
        if not line or line.startswith(("•", "▪", "◦")):
            paragraphs.append(current.text())
            current = _Paragraph(line.lstrip("•▪◦ "))
            continue
        current.add(line, keep)
        if _ends_paragraph(line, typical):
            paragraphs.append(current.text())
            current = _Paragraph()
    paragraphs.append(current.text())
    return [p for p in paragraphs if p.strip()]


# Each pattern below runs only on text holding the character it needs (a cheap test in C),
# which keeps cleaning of plain prose fast.


def strip_citations(text: str) -> str:
    """Remove [12], [3, 4], (Lee et al., 2019; Guu et al., 2020) and "Lee (2019)" years."""
    if "[" in text:
        text = _CITE_BRACKET_RE.sub("", text)
    if "(" in text:
        text = _ETAL_PAREN_RE.sub("", _CITE_PAREN_RE.sub("", text))
        text = _NARRATIVE_YEAR_RE.sub("", text)
    return text


def strip_links(text: str) -> str:
    """Remove URLs, e-mail addresses and arXiv identifiers."""
    if "@" in text:
        text = _EMAIL_RE.sub("", text)
    text = _URL_RE.sub("", text)
    return _ARXIV_RE.sub("", text) if "arXiv" in text else text


def strip_footnote_markers(text: str) -> str:
    """Remove footnote symbols and digits glued after punctuation ("benchmarks.1")."""
    text = _MARKS_RE.sub("", text)
    return _MARKER_RE.sub("", text) if _DIGIT_RE.search(text) else text


_DIGIT_RE = re.compile(r"\d")


def clean_paragraph(text: str) -> str:
    """Everything a listener would trip over inside one paragraph, removed."""
    text = normalize_chars(text)
    text = strip_links(strip_citations(text))
    return tidy(strip_footnote_markers(text))


def clean_text(text: str, progress: Callable[[str, int, int], None] | None = None) -> str:
    """Clean free text (blank-line separated, possibly hard-wrapped) into paragraphs. With
    ``progress``, reports ("text", kilobytes cleaned, kilobytes in all) along the way."""
    total, done, step = len(text) // 1024 + 1, 0, 256 * 1024
    report = progress or (lambda stage, done, total: None)
    report("text", 0, total)
    text = normalize_chars(text)
    keep = hyphenated_words(text)
    lines = drop_tables([x for x in text.splitlines() if not is_page_number(x)])
    cleaned = []
    for paragraph in join_lines(lines, keep):
        if (done + len(paragraph)) // step > done // step:
            report("text", min(total, (done + len(paragraph)) // 1024), total)
        done += len(paragraph)
        if paragraph := clean_paragraph(paragraph):
            cleaned.append(paragraph)
    report("text", total, total)
    return "\n\n".join(cleaned)
