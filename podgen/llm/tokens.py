"""A character-based token estimate: no tokenizer, nothing downloaded at run time."""
from __future__ import annotations

from typing import Any, Iterable

CHARS_PER_TOKEN = 3.5
"""English prose averages about 4 characters per token; 3.5 errs on the safe side."""
MESSAGE_OVERHEAD = 4
"""Tokens a chat message costs besides its text (role, separators)."""


def estimate_tokens(text: str) -> int:
    return int(len(text) / CHARS_PER_TOKEN) + 1


def message_tokens(messages: Iterable[dict[str, Any]]) -> int:
    return sum(estimate_tokens(str(m.get("content") or "")) + MESSAGE_OVERHEAD for m in messages)


def chars_for(tokens: int) -> int:
    """How many characters of text fit in ``tokens``."""
    return max(0, int(tokens * CHARS_PER_TOKEN))
