"""The context budget: how much source text a request may carry, and cutting text to fit.

A request plus its answer must fit ``context_tokens``, and so must a repair request (the
request, the bad answer, the error and a new answer), so each request leaves room for two
answers. Token counts are estimated from characters (``podgen.llm.tokens``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ...llm.tokens import chars_for, estimate_tokens
from ...text.sentences import split_long

SUMMARY_TOKENS = 700
"""Largest summary answer."""
CHUNK_TOKENS = 1500
"""Source per summary request: small enough for a focused summary and many parallel requests."""
MIN_SOURCE_TOKENS = 300
REPAIR_TOKENS = 300
"""Room a repair request needs beyond the original request and the bad answer."""


TOKENS_PER_WORD = 1.7
"""Tokens a word of dialogue takes in the answer's JSON (Qwen2.5's tokenizer: 1,358 tokens for a
script of 808 words, 1,001 of them the text itself)."""
SPARE_TOKENS = 100


def answer_tokens(words: int, context: int) -> int:
    """Room for an answer of about ``words`` words of dialogue in JSON, and little more: a small
    model asked for 190 words wrote 520, which the length fit then cut (writing them cost 2.6
    times the time). An answer cut at this limit keeps its complete lines."""
    return min(int(words * TOKENS_PER_WORD) + SPARE_TOKENS, context // 4)


def room(context: int, answer: int, *fixed: str) -> int:
    """Tokens left for source text in a request whose other text is ``fixed``."""
    used = sum(estimate_tokens(text) + 4 for text in fixed)
    return context - 2 * answer - REPAIR_TOKENS - used


@dataclass
class Chunk:
    number: int
    heading: str
    text: str
    sections: list[int] = field(default_factory=list)
    """The positions in ``document.sections`` of the sections it holds text of."""


def split_text(text: str, max_chars: int) -> list[str]:
    """``text`` in pieces of at most ``max_chars``, cut at paragraphs, else sentences, else words."""
    pieces: list[str] = []
    current = ""
    for unit in _units(text, max_chars):
        if current and len(current) + len(unit) + 2 > max_chars:
            pieces.append(current)
            current = ""
        current = f"{current}\n\n{unit}" if current else unit
    return pieces + ([current] if current else [])


def _units(text: str, max_chars: int) -> list[str]:
    """The paragraphs of ``text``; one longer than ``max_chars`` cut between its sentences."""
    units = []
    for paragraph in re.split(r"\n\s*\n", text):
        units.extend(split_long(paragraph.strip(), max_chars))
    return [u for u in units if u]


def fit(texts: list[str], max_chars: int) -> str:
    """The texts joined; each is shortened in proportion when together they are too long."""
    total = sum(len(t) for t in texts) or 1
    if total <= max_chars:
        return "\n\n".join(texts)
    share = max_chars / total
    kept = []
    for text in texts:
        cut = text[: max(0, int(len(text) * share) - 2)]
        kept.append(cut.rsplit(" ", 1)[0] if " " in cut else cut)
    return "\n\n".join(kept)


def source_chars(context: int, answer: int, *fixed: str) -> int:
    return chars_for(max(room(context, answer, *fixed), 0))
