"""A character-based token estimate: no tokenizer, nothing downloaded at run time."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

CHARS_PER_TOKEN = 3.5
"""English prose averages about 4 characters per token; 3.5 errs on the safe side."""
MESSAGE_OVERHEAD = 4
"""Tokens a chat message costs besides its text (role, separators)."""


def estimate_tokens(text: str) -> int:
    return int(len(text) / CHARS_PER_TOKEN) + 1


IMAGE_TOKENS = 800
"""What an image part of a message costs (a 1024-pixel image at OpenAI's high detail is ~765)."""


def message_tokens(messages: Iterable[dict[str, Any]]) -> int:
    return sum(_content_tokens(m.get("content")) + MESSAGE_OVERHEAD for m in messages)


def _content_tokens(content: Any) -> int:
    """A message's text, or its list of parts (text, and images counted at IMAGE_TOKENS)."""
    if isinstance(content, list):
        return sum(
            IMAGE_TOKENS if part.get("type") == "image_url" else estimate_tokens(str(part.get("text") or ""))
            for part in content
        )
    return estimate_tokens(str(content or ""))


def chars_for(tokens: int) -> int:
    """How many characters of text fit in ``tokens``."""
    return max(0, int(tokens * CHARS_PER_TOKEN))
