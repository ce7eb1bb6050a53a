"""A streamed answer, read piece by piece: tokens counted and timed, a looping answer cut short,
and the token budget kept on this side too.

Small models fall into loops: the same few lines again and again until ``max_tokens``. The
guard stops the stream as soon as the last ``WINDOW`` characters have already appeared
earlier in the answer, so no time is spent on the repeats; the answer so far is kept and
its finish reason is ``"repeat"`` (a cut answer is salvaged by the writer, not thrown away).

A server that ignores ``max_tokens`` (and writes on without repeating itself) is cut off once
the answer holds ``OVER_BUDGET`` times the tokens asked for, counted both as pieces and as
estimated tokens (so a server that streams a character at a time is not cut early); its finish
reason is then ``"length"``, as if the server had stopped there itself.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from .tokens import estimate_tokens

WINDOW = 200
"""Characters of the tail that, seen once before in the same answer, mean a loop."""
EVERY = 32
"""Characters between two looks for a loop."""
REPEAT = "repeat"
LENGTH = "length"
OVER_BUDGET = 2.0
"""How many times its ``max_tokens`` an answer may run before it is cut off."""

log = logging.getLogger(__name__)
Delta = tuple[str, "str | None"]
"""One piece of a streamed answer: (text, finish reason or None)."""
OnToken = Callable[[int], None]
"""Called with the number of tokens received so far."""


class RepeatGuard:
    def __init__(self, window: int = WINDOW, every: int = EVERY):
        self.window, self.every = window, every
        self._checked = 0

    def looping(self, text: str) -> bool:
        """True once the tail of ``text`` occurs earlier in ``text``."""
        if len(text) < 2 * self.window or len(text) - self._checked < self.every:
            return False
        self._checked = len(text)
        tail = text[-self.window :]
        return text.find(tail, 0, len(text) - self.window) >= 0


@dataclass
class Streamed:
    text: str
    finish_reason: str
    tokens: int
    first_token: float
    """Seconds until the first piece arrived (the time the server spent reading the prompt)."""
    seconds: float


def consume(
    deltas: Iterable[Delta],
    on_token: OnToken | None = None,
    guard: RepeatGuard | None = None,
    most: int | None = None,
) -> Streamed:
    """Read ``deltas`` to the end, or until the answer starts repeating itself, or runs far past
    ``most`` tokens (the request's max_tokens)."""
    start = time.perf_counter()
    guard = guard or RepeatGuard()
    ceiling = None if most is None else OVER_BUDGET * most + 16
    text, finish, tokens, first = "", "stop", 0, 0.0
    try:
        for piece, reason in deltas:
            if piece:
                first = first or time.perf_counter() - start
                tokens += 1
                text += piece
                if on_token:
                    on_token(tokens)
                if guard.looping(text):
                    finish = REPEAT
                    break
                if ceiling is not None and tokens > ceiling and estimate_tokens(text) > ceiling:
                    log.warning(
                        "the chat server ignored max_tokens=%d: its answer was cut off at %d pieces", most, tokens
                    )
                    finish = LENGTH
                    break
            if reason:
                finish = reason
    finally:
        close = getattr(deltas, "close", None)
        if close:  # stops the server generating (the connection is closed)
            close()
    return Streamed(text, finish, tokens, first, time.perf_counter() - start)
