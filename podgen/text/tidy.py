"""Tidying text after something was taken out of it: spaces, emptied brackets, stray punctuation;
and text without the characters no one sees (controls, bidirectional overrides)."""

from __future__ import annotations

import re
import unicodedata

_EMPTY_BRACKETS = re.compile(r"\(\s*[,;]?\s*\)|\[\s*\]")
_SPACE_AFTER_OPENING = re.compile(r"([(\[]) +")
_COMMA_BEFORE_STOP = re.compile(r",\s*([,.;:!?])")
_SPACE_BEFORE_STOP = re.compile(r" +([.,;:!?)])")
_DOUBLED = re.compile(r"([.,;:!?])\1+")
ENDS = " ,;:-"
"""What a spoken fragment may not start or end with: a stray comma, colon or dash."""


def tidy(text: str, ends: str = "") -> str:
    """One space for every run of whitespace; no emptied brackets, no space after an opening
    bracket or before punctuation, no comma before a stop, no doubled punctuation; stripped of
    spaces and of ``ends`` (e.g. :data:`ENDS`) at both ends."""
    text = " ".join(text.split())  # str.split knows every Unicode space
    if "(" in text or "[" in text:
        text = _SPACE_AFTER_OPENING.sub(r"\1", _EMPTY_BRACKETS.sub("", text))
    text = _SPACE_BEFORE_STOP.sub(r"\1", _COMMA_BEFORE_STOP.sub(r"\1", text))
    text = _DOUBLED.sub(r"\1", text)
    return text.strip(" " + ends)


_KEPT_FORMAT = {"\u200c", "\u200d"}
"""Format characters that words need (zero-width non-joiner and joiner: Persian, Indic scripts)."""


def strip_invisible(text: str) -> str:
    """Control characters but the line break become spaces; format characters (the
    bidirectional overrides such as U+202E, zero-width spaces, soft hyphens) and unassigned or
    private-use code points are dropped, but for the joiners words need."""
    return "".join(
        " " if ch != "\n" and unicodedata.category(ch) == "Cc" else ch
        for ch in text
        if ch in _KEPT_FORMAT or unicodedata.category(ch) not in ("Cf", "Co", "Cs", "Cn")
    )


def one_line(text: str) -> str:
    """``text`` as one line of plain text: :func:`strip_invisible`, then one space for every run."""
    return " ".join(strip_invisible(text).split())
