"""Speaking many lines at once: a bound on requests in flight that backs off when a server
says "too many requests", retries with backoff, and results kept in script order.

Retries use tenacity: a transient failure (dropped connection, timeout, 5xx) is tried again
after an exponential, jittered wait; a 429 halves the number of requests in flight and holds
every new request until the server's Retry-After has passed, then the bound creeps back up.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from contextlib import contextmanager

from tenacity import RetryCallState, Retrying, retry_if_exception_type, wait_exponential_jitter

from ..errors import RateLimited, TransientError

log = logging.getLogger(__name__)

TRANSIENT_ATTEMPTS = 5  # a line that fails this many times in a row for other reasons than 429 fails for good
RATE_LIMITED_ATTEMPTS = 40
DEFAULT_RETRY_AFTER = 1.0  # seconds, when a 429 carries no Retry-After


class Pace:
    """How many requests may be in flight: up to ``limit``, fewer after a 429."""

    def __init__(self, limit: int):
        self.ceiling = self.limit = limit
        self.active = 0
        self.resume_at = 0.0
        self.successes = 0
        self._cond = threading.Condition()

    @contextmanager
    def slot(self) -> Iterator[None]:
        with self._cond:
            while (pause := self.resume_at - time.monotonic()) > 0 or self.active >= self.limit:
                self._cond.wait(timeout=pause if pause > 0 else None)
            self.active += 1
        try:
            yield
        finally:
            with self._cond:
                self.active -= 1
                self._cond.notify_all()

    def succeeded(self) -> None:
        """After ``limit`` answers in a row without a 429, allow one more request in flight."""
        with self._cond:
            self.successes += 1
            if self.limit < self.ceiling and self.successes >= self.limit:
                self.limit, self.successes = self.limit + 1, 0
                self._cond.notify_all()

    def slow_down(self, retry_after: float | None) -> None:
        with self._cond:
            self.limit, self.successes = max(1, self.limit // 2), 0
            self.resume_at = max(self.resume_at, time.monotonic() + (retry_after or DEFAULT_RETRY_AFTER))
        log.info(
            "server asked to slow down: %d request(s) in flight, pausing %.1fs",
            self.limit,
            retry_after or DEFAULT_RETRY_AFTER,
        )


def _stop(state: RetryCallState) -> bool:
    rate_limited = isinstance(state.outcome.exception(), RateLimited)
    return state.attempt_number >= (RATE_LIMITED_ATTEMPTS if rate_limited else TRANSIENT_ATTEMPTS)


def _wait(state: RetryCallState) -> float:
    """No wait of our own after a 429 (the Pace holds the request); backoff otherwise."""
    if isinstance(state.outcome.exception(), RateLimited):
        return 0.0
    return _backoff(state)


_backoff = wait_exponential_jitter(multiplier=0.5, max=8.0, jitter=0.5)


def attempt(pace: Pace, action: Callable[[], object]) -> object:
    """Run ``action`` in a slot of ``pace``, retrying transient failures."""

    def before_sleep(state: RetryCallState) -> None:
        error = state.outcome.exception()
        if isinstance(error, RateLimited):
            pace.slow_down(error.retry_after)
        else:
            log.info("retrying after a transient failure: %s", error)

    def once() -> object:
        with pace.slot():
            result = action()
        pace.succeeded()
        return result

    retrying = Retrying(
        retry=retry_if_exception_type(TransientError), stop=_stop, wait=_wait, before_sleep=before_sleep, reraise=True
    )
    return retrying(once)


class _Skipped(Exception):
    """A job not started because another one had failed for good."""


def run_all(jobs: Sequence[Callable[[], object]], limit: int, done: Callable[[int], None]) -> None:
    """Run every job (at most ``limit`` at once); call ``done(i)`` as each finishes.

    On a failure that retries did not cure, no new job starts, the ones in flight finish (their
    work is kept), and the failure is raised with the index of its job as ``error.line``."""
    pace, stop = Pace(limit), threading.Event()

    def guarded(job: Callable[[], object]) -> object:
        if stop.is_set():
            raise _Skipped
        try:
            return attempt(pace, job)
        except BaseException:
            stop.set()
            raise

    with ThreadPoolExecutor(max_workers=limit) as pool:
        futures: dict[Future, int] = {pool.submit(guarded, job): i for i, job in enumerate(jobs)}
        try:
            _collect(futures, stop, done)
        except BaseException:  # Ctrl-C included: start nothing new, let the lines in flight finish
            stop.set()
            raise


def _collect(futures: dict[Future, int], stop: threading.Event, done: Callable[[int], None]) -> None:
    pending = set(futures)
    while pending:
        finished, pending = wait(pending, return_when=FIRST_COMPLETED)
        for future in finished:
            if future.exception() is None:
                done(futures[future])
        if stop.is_set():
            wait(pending)
            failed = [f for f in futures if f.done() and f.exception() and not isinstance(f.exception(), _Skipped)]
            first = min(failed, key=futures.get)
            error = first.exception()
            error.line = futures[first]  # type: ignore[union-attr]
            raise error
