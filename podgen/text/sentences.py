"""Sentences: where they end, and text cut at them.

One splitter for every stage: a sentence ends after ``.``, ``!`` or ``?`` (and any closing quote
or bracket) when the next text starts with a capital or a digit, unless the full stop ends an
abbreviation ("e.g.", "Fig.", "Dr."), an initial ("J. Smith") or a dotted short form ("U.S.").
"""

from __future__ import annotations

import re

ABBREVIATIONS = frozenset(
    "e.g i.e al cf vs fig figs eq eqs sec secs ch dr mr mrs ms prof st jr sr approx resp "
    "no nos vol pp ref refs ca est dept univ jan feb mar apr jun jul aug sep sept oct nov dec".split()
)
_CANDIDATE_END = re.compile(r"[.!?]+[\"'”’)\]]*(?=\s)")
OPENERS = "\"'“‘(["
_NON_SPACE = re.compile(r"\S")
_WINDOW = 80
"""Characters on each side of a candidate sentence end that decide it: the word before it and
the first characters after the spaces that follow (bounded, so splitting stays linear)."""


def sentence_ends(text: str) -> list[int]:
    """Where each sentence of ``text`` ends (character offsets), all but the last."""
    ends: list[int] = []
    for match in _CANDIDATE_END.finditer(text):
        following = _NON_SPACE.search(text, match.end())
        if following is None:
            break
        before = text[max(ends[-1] if ends else 0, match.start() - _WINDOW) : match.start()]
        after = text[following.start() : following.start() + _WINDOW]
        if _is_boundary(before, match.group(), after):
            ends.append(match.end())
    return ends


def split_sentences(text: str) -> list[str]:
    """``text``'s sentences, stripped, in order."""
    return cut(text, sentence_ends(text))


def cut(text: str, ends: list[int]) -> list[str]:
    """``text`` cut at the character offsets ``ends``; the pieces rejoined with spaces say it all."""
    bounds = [0, *ends, len(text)]
    return [piece for a, b in zip(bounds, bounds[1:]) if (piece := text[a:b].strip())]


def split_long(text: str, limit: int) -> list[str]:
    """``text`` in pieces of at most ``limit`` characters, cut between sentences (a sentence
    longer than ``limit`` is cut after a clause (a comma, semicolon, colon or dash), else at a
    space, else anywhere); ``[text]`` when it is short enough. Whatever the punctuation, no piece
    is longer than ``limit``."""
    if len(text) <= limit:
        return [text]
    pieces: list[str] = []
    for sentence in split_sentences(text):
        while len(sentence) > limit:
            at = _cut_at(sentence, limit)
            pieces.append(sentence[:at].strip())
            sentence = sentence[at:].strip()
        if pieces and len(pieces[-1]) + 1 + len(sentence) <= limit:
            pieces[-1] += " " + sentence
        elif sentence:
            pieces.append(sentence)
    return pieces


_CLAUSE_END = re.compile(r"[,;:—–](?=\s)|\s[—–-](?=\s)")


def _cut_at(sentence: str, limit: int) -> int:
    """Where to cut a sentence longer than ``limit``: after its last clause within the limit when
    that leaves a piece of some length, else at its last space within it, else at the limit."""
    window = sentence[: limit + 1]
    clause = max((m.end() for m in _CLAUSE_END.finditer(window) if m.end() <= limit), default=0)
    if clause >= limit // 3:
        return clause
    space = window.rfind(" ")
    return space if space > 0 else limit


def _is_boundary(before: str, punct: str, after: str) -> bool:
    if punct.startswith(".") and is_abbreviation(before):
        return False
    first = after.lstrip(OPENERS)[:1]
    return bool(first) and (first.isupper() or first.isdigit())


def is_abbreviation(before: str) -> bool:
    """Whether the last word of ``before`` (the text up to a full stop) is an abbreviation."""
    words = before.split()
    if not words:
        return False
    word = words[-1].lstrip(OPENERS).lower()
    if word in ABBREVIATIONS:
        return True
    if len(word) == 1 and word.isalpha():  # an initial: "J. Smith", "U.S."
        return True
    parts = word.split(".")
    return len(parts) > 1 and all(0 < len(p) <= 2 and p.isalpha() for p in parts)  # "e.g", "a.m"
