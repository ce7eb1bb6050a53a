"""Settings -> an ``openai.OpenAI`` client with retries, a request cache, counters and one-line errors."""
from __future__ import annotations

import logging
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, Iterable, Mapping, TypeVar

from ..contracts import Progress
from ..errors import BackendError, MissingDependency
from .cache import RequestCache, request_hash
from .endpoint import Endpoint, require_endpoint
from .tokens import estimate_tokens, message_tokens

if TYPE_CHECKING:
    from ..config import Settings

log = logging.getLogger(__name__)
T = TypeVar("T")
R = TypeVar("R")


class RequestRejected(BackendError):
    """The endpoint answered 400/422: it does not accept this request (often a response_format)."""


@dataclass
class Reply:
    text: str
    finish_reason: str
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

    def as_dict(self) -> dict[str, float]:
        return {k: round(v, 3) if isinstance(v, float) else v for k, v in self.__dict__.items()}


class _Redact(logging.Filter):
    """Masks API keys in the log records of the HTTP stack (they log at debug level)."""

    secrets: set[str] = set()
    PREFIXES = ("openai", "httpx", "httpcore")

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if any(secret in message for secret in self.secrets):
            for secret in self.secrets:
                message = message.replace(secret, "***")
            record.msg, record.args = message, None
        return True

    @classmethod
    def guard(cls, secret: str) -> None:
        """Mask ``secret`` in every logger of the HTTP stack (a logger's filter covers only its own records)."""
        cls.secrets.add(secret)
        names = [*logging.root.manager.loggerDict, *cls.PREFIXES]
        for name in names:
            logger = logging.getLogger(name)
            if name.startswith(cls.PREFIXES) and not any(isinstance(f, cls) for f in logger.filters):
                logger.addFilter(cls())


class ChatClient:
    """One endpoint and model; thread-safe; ``map`` runs calls ``llm_concurrency`` at a time."""

    def __init__(self, settings: Settings, environ: Mapping[str, str] | None = None):
        self.endpoint: Endpoint = require_endpoint(settings.llm_base_url, environ)
        self.model = settings.model
        self.context_tokens = settings.context_tokens
        self.concurrency = settings.llm_concurrency
        self.timeout, self.retries = settings.llm_timeout, settings.llm_retries
        self.cache = RequestCache(settings.cache_dir / "llm")
        self.usage = Usage()
        self.progress: Progress | None = None
        """Called with ("write", calls done, calls expected) after every call."""
        self._done = self._expected = 0
        self._lock = threading.Lock()
        self._openai = self._make_openai()

    def _make_openai(self) -> Any:
        try:
            import openai
        except ImportError:  # pragma: no cover - a declared dependency
            raise MissingDependency("The openai package is missing.", "pip install openai") from None
        if self.endpoint.has_key:
            _Redact.guard(self.endpoint.api_key)
        # The openai client retries 429, 5xx, timeouts and connection errors with exponential
        # backoff and honours Retry-After; podgen sets how often and how long, nothing more.
        return openai.OpenAI(api_key=self.endpoint.api_key, base_url=self.endpoint.base_url,
                             max_retries=self.retries, timeout=self.timeout)

    def chat(self, messages: list[dict[str, Any]], *, max_tokens: int, temperature: float = 0.7,
             response_format: dict[str, Any] | None = None) -> Reply:
        """One chat completion (from the cache when this exact request was answered before)."""
        self._check_budget(messages, max_tokens)
        params: dict[str, Any] = {"max_tokens": max_tokens, "temperature": temperature}
        if response_format:
            params["response_format"] = response_format
        key = request_hash({"endpoint": self.endpoint.base_url, "model": self.model,
                            "messages": messages, "params": params})
        hit = self.cache.get(key)
        if hit is not None:
            with self._lock:
                self.usage.cached += 1
            self._report()
            return Reply(hit["text"], hit.get("finish_reason", "stop"), True, key)
        reply = self._send(messages, params, key)
        self.cache.put(key, {"text": reply.text, "finish_reason": reply.finish_reason, "model": self.model})
        self._report()
        return reply

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

    def _check_budget(self, messages: list[dict[str, str]], max_tokens: int) -> None:
        size = message_tokens(messages)
        with self._lock:
            self.usage.largest_request = max(self.usage.largest_request, size)
        if size + max_tokens > self.context_tokens:
            raise BackendError(
                f"A chat request of about {size} tokens plus {max_tokens} for the answer exceeds "
                f"context_tokens={self.context_tokens}.",
                "Raise --context-tokens if the model's context window is larger.",
            )

    def _send(self, messages: list[dict[str, str]], params: dict[str, Any], key: str) -> Reply:
        start = time.perf_counter()
        try:
            response = self._openai.chat.completions.create(model=self.model, messages=messages, **params)
        except Exception as exc:
            raise self._error(exc) from None
        elapsed = time.perf_counter() - start
        choice = response.choices[0] if response.choices else None
        text = (choice.message.content or "") if choice else ""
        self._count(response, messages, text, elapsed)
        log.debug("chat answer in %.2fs (%d chars)", elapsed, len(text))
        return Reply(text, (choice.finish_reason if choice else None) or "stop", False, key)

    def _count(self, response: Any, messages: list[dict[str, str]], text: str, elapsed: float) -> None:
        used = getattr(response, "usage", None)
        tokens_in = getattr(used, "prompt_tokens", None) or message_tokens(messages)
        tokens_out = getattr(used, "completion_tokens", None) or estimate_tokens(text)
        with self._lock:
            self.usage.requests += 1
            self.usage.tokens_in += tokens_in
            self.usage.tokens_out += tokens_out
            self.usage.seconds += elapsed

    def _error(self, exc: Exception) -> Exception:
        from .errors import backend_error

        return backend_error(exc, self.endpoint.base_url, self.model, self.timeout, self.retries,
                             self.endpoint.api_key)

    def map(self, func: Callable[[T], R], items: Iterable[T]) -> list[R]:
        """``func`` over ``items``, at most ``llm_concurrency`` at a time, results in order."""
        items = list(items)
        if self.concurrency == 1 or len(items) < 2:
            return [func(item) for item in items]
        with ThreadPoolExecutor(max_workers=self.concurrency) as pool:
            return list(pool.map(func, items))
