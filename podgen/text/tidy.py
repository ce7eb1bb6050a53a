"""Tidying text after something was taken out of it: spaces, emptied brackets, stray punctuation."""

from __future__ import annotations

import re

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
