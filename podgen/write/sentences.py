"""Sentences fit to be spoken, for the offline writer: paragraphs, the clean sentences of each,
ranked by TF-IDF centrality (``podgen.text.centrality``) and by how well each stands alone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ..prompts import load_toml
from ..text.centrality import Centrality
from ..text.sentences import is_abbreviation, split_sentences
from ..text.tidy import tidy
from .spoken import plain_symbols, unlink

MIN_WORDS = 6
MAX_WORDS = 45

_BULLET = re.compile(r"^\s*(?:[-*+•·▪]|\d{1,2}[.)])\s+")
_TABLE_LINE = re.compile(r"^\s*\|.*\|\s*$|^\s*[:|\- ]{3,}\s*$")
_HEADING_LINE = re.compile(r"^\s*#{1,6}\s")

_LEANS_BACK = re.compile(
    r"^(?:this|these|that|those|it|its|they|their|he|she|his|her|such|however|moreover|furthermore"
    r"|additionally|in addition|also|but|and|so|thus|hence|therefore|finally|similarly|likewise"
    r"|instead|otherwise|meanwhile|then|in particular|in practice|first|second|third|fourth|lastly|next)\b"
    r"|^(?:\S+\s+){0,3}(?:of|in|from|for|on|with) (?:this|these|those|such)\b",
    re.IGNORECASE,
)
_POINTS_ELSEWHERE = re.compile(
    r"\b(?:in|see) (?:the|this|our) (?:accompanying )?(?:paper|appendix|section|chapter|report|blog)\b"
    r"|\b(?:is|are) (?:provided|presented|given|described|found) in\b|\bcan be found\b"
    r"|\bsection \d|\bappendix\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Sentence:
    text: str
    """The sentence as it will be spoken (markup removed, otherwise verbatim)."""
    position: int
    """Order within its section."""

    @property
    def words(self) -> int:
        return len(self.text.split())


# --- splitting -----------------------------------------------------------------------------


def paragraphs(text: str) -> list[str]:
    """Prose units: blank lines, headings, table rows, list items and short unpunctuated
    lines (captions, headings in plain text) each end a unit; wrapped lines are joined."""
    width = _line_width(text)
    lines = text.splitlines()
    units: list[list[str]] = [[]]
    for number, line in enumerate(lines):
        if not line.strip() or _TABLE_LINE.match(line) or _HEADING_LINE.match(line):
            units.append([])
            continue
        if _BULLET.match(line):
            units.append([])
            line = _BULLET.sub("", line)
        units[-1].append(line.strip())
        if _stands_alone(line.strip(), lines[number + 1] if number + 1 < len(lines) else "", width):
            units.append([])
    return [" ".join(unit) for unit in units if unit]


def _stands_alone(line: str, following: str, width: int) -> bool:
    """A short line that does not run on into the next one: a heading or a caption."""
    if len(line) >= 0.6 * width or line[-1] in '.,;:!?"”)-':
        return False
    last_word = line.split()[-1].lower()
    return last_word not in english_function_words() and following.strip()[:1].isupper()


def _line_width(text: str) -> int:
    """The usual length of a full line (hard-wrapped text has many of about the same length)."""
    lengths = sorted(len(line.strip()) for line in text.splitlines() if line.strip())
    return lengths[int(0.8 * (len(lengths) - 1))] if lengths else 0


# --- cleaning for speech -------------------------------------------------------------------

_CITATION = re.compile(r"\s?\[(?:\d+(?:\s*[,–-]\s*\d+)*|[a-z ]{3,30})\]")
_PARENTHETICAL = re.compile(r"\s*\(([^()]{1,80})\)")
_DROPPED_ASIDE = re.compile(
    r"^(?:[A-Z][A-Z0-9-]{1,9}s?|\d{4}[a-z]?|.*\bet al\b.*|[A-Z][^()]*,? (?:19|20)\d{2}[a-z]?(?:;.*)?|see .*|cf\. .*|e\.g\.,? [A-Z]\w+ \d{4})$"
)
_MOJIBAKE = re.compile(r"[\x80-\x9f\ufffd]|â€|Ã.|Â")
_FRAGMENT_START = re.compile(r"^\d[\d,.]*,?\s+[a-z]|^\d+,\s")
_MERGED_HEADING = re.compile(r"[a-z] (?:We|Our|This|These|It|They) [a-z]")
_SHOUTING = re.compile(r"\b[A-Z]{3,}\s+[A-Z]{3,}\b")
"""Two capitalised words in a row: a table header or a form's heading, not prose."""
_INNER_STOP = re.compile(r"(\S+)\.\s+[a-z]")
_GLUED = re.compile(
    r"\b(?!(?:non|anti|pre|post|pro|un|co|mid|pan|neo|trans|inter|sub|ex|self|all|semi|multi|cross|de|re)-)"
    r"[a-z]{2,}-[A-Z][a-z]"
)
"""A word broken at a line end and glued to the next column's heading ("pas-Positive")."""
_DANGLING = re.compile(r"^Following,|\b(?:by|of|from|than|see|as in|following)\s*[.,;:]")
"""A preposition left hanging where a citation was removed ("as in.", "Following, we")."""
_URL = re.compile(r"https?://|ttps?://|www\.|\w\.(?:com|org|net|html?)\b|/\w+/|\S+@\S+\.\w")
_BIBLIOGRAPHY = re.compile(
    r"\bpages? \d+\s*[–-]\s*\d+|\bpp\. \d|\bIn (?:Proceedings|Advances in)\b|\barXiv\b|\bdoi\b"
    r"|\bISBN\b|\bRetrieved \d|\bAccessed\b|\bArchived\b|\bfrom the original on\b",
)


@lru_cache(maxsize=1)
def english_function_words() -> frozenset[str]:
    """The English ``function_words`` of the built-in ``prompts/offline.toml``."""
    return frozenset(load_toml("offline.toml")["function_words"])


_UNSPEAKABLE = re.compile(r"[^\w\s.,;:!?'\"“”‘’()\-–—%$£€/]")
_VISUAL_REFERENCE = re.compile(
    r"\b(?:table|figure|fig\.|eq\.|equation|algorithm|listing)\s*\(?\d|\bfollowing (?:table|figure|chart)"
    r"|\bsee (?:below|above)\b|\bshown (?:below|above)\b|^see (?:appendix|section|supplementary)\b",
    re.IGNORECASE,
)


def speakable(raw: str, function_words: frozenset[str] | None = None) -> str | None:
    """The sentence with markup removed, or None when it is not fit to be read aloud.
    ``function_words``: the language's (a sentence has one; a title or a caption may not)
    [default: English's]."""
    text = _CITATION.sub("", unlink(raw))
    text = plain_symbols(text)
    text = _PARENTHETICAL.sub(_aside, text)
    text = tidy(text, " ,;:")
    return None if _is_noisy(text, function_words or english_function_words()) else text


def _aside(match: re.Match[str]) -> str:
    """A parenthetical becomes a spoken aside; acronyms, years and citations are dropped."""
    inner = match.group(1).strip()
    if _DROPPED_ASIDE.match(inner):
        return ""
    if re.fullmatch(r"[a-z0-9]{1,3}|[ivx]{1,4}", inner):  # "paragraph (q)(1)" reads "paragraph q 1"
        return f" {inner}"
    return f", {inner},"


def _is_noisy(text: str, function_words: frozenset[str]) -> bool:
    words = text.split()
    if not MIN_WORDS <= len(words) <= MAX_WORDS:
        return True
    if not (text[0].isupper() or text[0].isdigit() or text[0] in '"“') or text[-1] not in ".!?\"”'’":
        return True
    if _MOJIBAKE.search(text) or _URL.search(text) or _VISUAL_REFERENCE.search(text) or _BIBLIOGRAPHY.search(text):
        return True
    if not any(w.lower().strip(",;:") in function_words for w in words):  # a title or a caption
        return True
    if _looks_cut(text) or _SHOUTING.search(text):
        return True
    if _UNSPEAKABLE.search(text) or re.search(r"[\[\]{}<>|]", text):
        return True
    letters = sum(ch.isalpha() for ch in text)
    return letters < 0.6 * len(text.replace(" ", "")) or sum(w[:1].isalpha() for w in words) < 0.6 * len(words)


def _looks_cut(text: str) -> bool:
    """Pieces of text glued together across a page break, a heading or a caption."""
    if _FRAGMENT_START.match(text) or _MERGED_HEADING.search(text) or _GLUED.search(text) or _DANGLING.search(text):
        return True
    return any(not is_abbreviation(m.group(1)) for m in _INNER_STOP.finditer(text))


def candidates(text: str, function_words: frozenset[str] | None = None) -> list[Sentence]:
    """Every sentence of ``text`` that is fit to be spoken, in document order (``function_words``:
    the language's, see :func:`speakable`)."""
    found: list[Sentence] = []
    for paragraph in paragraphs(text):
        for raw in split_sentences(paragraph):
            clean = speakable(raw, function_words)
            if clean:
                found.append(Sentence(clean, len(found)))
    return found


def ranked(sentences: list[Sentence], centrality: Centrality, reference: list[str] | None = None) -> list[Sentence]:
    """Most central first (to ``reference``, default the sentences themselves); ties keep order.

    Centrality is nudged by how well a sentence stands on its own when read aloud: a section's
    first sentences usually say what it is about; a sentence that leans on the one before it
    ("This ...", "However, ...") or points elsewhere ("see the paper") makes a poor excerpt.
    """
    scores = centrality.scores([s.text for s in sentences], reference)
    adjusted = [score + standalone_bonus(s) for score, s in zip(scores, sentences)]
    order = sorted(range(len(sentences)), key=lambda i: (-adjusted[i], i))
    return [sentences[i] for i in order]


def standalone_bonus(sentence: Sentence) -> float:
    bonus = {0: 0.15, 1: 0.07}.get(sentence.position, 0.0)
    if _LEANS_BACK.match(sentence.text):
        bonus -= 0.1
    if _POINTS_ELSEWHERE.search(sentence.text):
        bonus -= 0.2
    return bonus
