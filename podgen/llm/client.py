"""The chat client every model-based writer uses: a transport, a request cache, a budget, counters.

A transport streams answer pieces: ``HttpTransport`` (any OpenAI-compatible endpoint) or
``LocalTransport`` (a GGUF run in process by llama-cpp-python). The client is the same for
both: answers are cached on disk by a hash of the request, every request is checked against
the context budget before it is sent, each answer is streamed (tokens and tokens/s are
reported while it comes, and a looping answer is stopped), and usage is counted.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from ..contracts import Progress
from ..errors import BackendError
from .cache import RequestCache, request_hash
from .http import HttpTransport
from .stream import Streamed, consume
from .tokens import message_tokens

if TYPE_CHECKING:
    from ..config import Settings

log = logging.getLogger(__name__)
T = TypeVar("T")
R = TypeVar("R")
TOKENS = "tokens"
"""The progress stage of the answer being streamed: (tokens so far, max_tokens)."""


class Transport(Protocol):
    name: str
    model: str
    reason: str
    """Why this transport and model, for the summary."""

    def identity(self) -> dict[str, str]: ...

    def stream(self, messages: list[dict[str, Any]], params: dict[str, Any]) -> Iterable[tuple[str, str | None]]: ...


@dataclass
class Reply:
    text: str
    finish_reason: str
    """stop, length (max_tokens reached) or repeat (stopped: the answer was repeating itself)."""
    cached: bool
    key: str


@dataclass
class Usage:
    requests: int = 0
    cached: int = 0
    tokens_in: int = 0
    tokens_out: int = 0
    seconds: float = 0.0
    largest_request: int = 0
    """The largest request sent or looked up, in estimated tokens."""
    prompt_seconds: float = 0.0
    """Time until the first token, summed: the server reading prompts."""
    stopped_repeating: int = 0

    def add(self, tokens_in: int, got: Streamed) -> None:
        self.requests += 1
        self.tokens_in += tokens_in
        self.tokens_out += got.tokens
        self.seconds += got.seconds
        self.prompt_seconds += got.first_token
        self.stopped_repeating += got.finish_reason == "repeat"

    @property
    def generation_rate(self) -> float:
        """Tokens written per second of writing (after the first token)."""
        writing = self.seconds - self.prompt_seconds
        return self.tokens_out / writing if writing > 0 else 0.0

    def as_dict(self) -> dict[str, float]:
        data = {k: round(v, 3) if isinstance(v, float) else v for k, v in self.__dict__.items()}
        data["tokens_per_second"] = round(self.generation_rate, 2)
        return data


def http_transport(settings: Settings, environ: Mapping[str, str] | None = None) -> Transport:

    return HttpTransport(settings, environ)


class ChatClient:
    """One transport; thread-safe; ``map`` runs calls ``llm_concurrency`` at a time."""

    def __init__(
        self, settings: Settings, environ: Mapping[str, str] | None = None, transport: Transport | None = None
    ):
        self.transport = transport or http_transport(settings, environ)
        self.model = self.transport.model
        self.sampling = settings.sampling
        self.context_tokens = settings.context_tokens
        self.concurrency = 1 if self.transport.name == "local" else settings.llm_concurrency
        self.cache = RequestCache(settings.cache_dir / "llm")
        self.usage = Usage()
        self.progress: Progress | None = None
        """Called with ("write", calls done, calls expected) after every call, and with
        (TOKENS, tokens so far, max_tokens) while an answer streams."""
        self._done = self._expected = 0
        self._lock = threading.Lock()

    @property
    def reason(self) -> str:
        return self.transport.reason

    def params(self, max_tokens: int, kind: str, response_format: dict[str, Any] | None) -> dict[str, Any]:
        sampling = self.sampling
        params: dict[str, Any] = {"max_tokens": max_tokens, "temperature": sampling.temperature(kind)}
        if sampling.frequency_penalty:
            params["frequency_penalty"] = sampling.frequency_penalty
        if sampling.presence_penalty:
            params["presence_penalty"] = sampling.presence_penalty
        if sampling.seed is not None:
            params["seed"] = sampling.seed
        if response_format:
            params["response_format"] = response_format
        return params

    def chat(
        self,
        messages: list[dict[str, Any]],
        *,
        max_tokens: int,
        kind: str = "segment",
        response_format: dict[str, Any] | None = None,
    ) -> Reply:
        """One chat completion (from the cache when this exact request was answered before)."""
        size = self._check_budget(messages, max_tokens)
        params = self.params(max_tokens, kind, response_format)
        key = request_hash({**self.transport.identity(), "messages": messages, "params": params})
        hit = self.cache.get(key)
        if hit is not None:
            with self._lock:
                self.usage.cached += 1
            self._report()
            return Reply(hit["text"], hit.get("finish_reason", "stop"), True, key)
        got = consume(self.transport.stream(messages, params), self._tokens(max_tokens), most=max_tokens)
        with self._lock:
            self.usage.add(size, got)
        log.debug("chat answer: %d tokens in %.1fs (%s)", got.tokens, got.seconds, got.finish_reason)
        self.cache.put(key, {"text": got.text, "finish_reason": got.finish_reason, "model": self.model})
        self._report()
        return Reply(got.text, got.finish_reason, False, key)

    def _tokens(self, most: int) -> Callable[[int], None] | None:
        if not self.progress or self.concurrency > 1:
            return None
        progress = self.progress
        return lambda n: progress(TOKENS, n, most) if n % 4 == 1 else None

    def expect(self, calls: int) -> None:
        """Planning code announces calls it is about to make, for the progress bar's total."""
        with self._lock:
            self._expected += calls

    def _report(self) -> None:
        with self._lock:
            self._done += 1
            self._expected = max(self._expected, self._done)
            done, expected = self._done, self._expected
        if self.progress:
            self.progress("write", done, expected)

    def forget(self, reply: Reply) -> None:
        """Drop a cached answer (one that proved useless), so a re-run asks again."""
        self.cache.forget(reply.key)

    def _check_budget(self, messages: list[dict[str, Any]], max_tokens: int) -> int:
        size = message_tokens(messages)
        with self._lock:
            self.usage.largest_request = max(self.usage.largest_request, size)
        if size + max_tokens > self.context_tokens:
            raise BackendError(
                f"A chat request of about {size} tokens plus {max_tokens} for the answer exceeds "
                f"context_tokens={self.context_tokens}.",
                "Raise --context-tokens if the model's context window is larger.",
            )
        return size

    def map(self, func: Callable[[T], R], items: Iterable[T]) -> list[R]:
        """``func`` over ``items``, at most ``llm_concurrency`` at a time, results in order."""
        items = list(items)
        if self.concurrency == 1 or len(items) < 2:
            return [func(item) for item in items]
        with ThreadPoolExecutor(max_workers=self.concurrency) as pool:
            return list(pool.map(func, items))
