"""An OpenAI-compatible endpoint as a stream of answer pieces, through the ``openai`` package.

The openai client retries 429, 5xx, timeouts and dropped connections with backoff and honours
``Retry-After``; podgen sets how often and how long. The read timeout applies to every read,
so it bounds the wait for the first token and every gap between two tokens: a server that
stops mid-answer fails after ``llm_timeout`` seconds, not never. Keys and URL credentials
are masked in every log record of the HTTP stack.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

from .. import redact
from ..errors import BackendError, MissingDependency
from .endpoint import Endpoint, require_endpoint
from .errors import backend_error
from .stream import Delta

if TYPE_CHECKING:
    from ..config import Settings

CONNECT_TIMEOUT = 10.0


class _Redact(logging.Filter):
    """Masks API keys in the log records of the HTTP stack (they log at debug level)."""

    secrets: set[str] = set()
    PREFIXES = ("openai", "httpx", "httpcore")

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = redact.text(message, self.secrets)
        if masked != message:
            record.msg, record.args = masked, None
        return True

    @classmethod
    def guard(cls, secret: str | None) -> None:
        """Mask ``secret`` in every logger of the HTTP stack (a logger's filter covers only its own records)."""
        if secret:
            cls.secrets.add(secret)
        for name in [*logging.root.manager.loggerDict, *cls.PREFIXES]:
            logger = logging.getLogger(name)
            if name.startswith(cls.PREFIXES) and not any(isinstance(f, cls) for f in logger.filters):
                logger.addFilter(cls())


def guard_logs(secret: str | None) -> None:
    """Mask ``secret`` and URL credentials in the HTTP stack's log records (chat and speech alike)."""
    _Redact.guard(secret)


def stream_errors() -> tuple[tuple[type[BaseException], ...], tuple[type[BaseException], ...]]:
    """The (timeout, transport) exception classes a stream's reads may raise.

    openai raises its own classes for a request, but a read in the middle of a stream reaches the
    caller as an exception of the HTTP library openai is built on: httpx up to openai 2, httpx2
    from openai 3. Both are taken wherever installed; podgen never hands their objects to openai.
    """
    timeouts: list[type[BaseException]] = []
    transport: list[type[BaseException]] = []
    for name in ("httpx", "httpx2"):
        try:
            library = importlib.import_module(name)
        except ImportError:
            continue
        timeouts.append(library.TimeoutException)
        transport.append(library.TransportError)
    return tuple(timeouts), tuple(transport)


class HttpTransport:
    """One OpenAI-compatible endpoint and model."""

    name = "openai"

    def __init__(self, settings: Settings, environ: Mapping[str, str] | None = None):
        self.endpoint: Endpoint = require_endpoint(settings.llm_base_url, environ)
        self.model = settings.model
        self.where = self.endpoint.display
        self.timeout, self.retries = settings.llm_timeout, settings.llm_retries
        self.reason = f"{self.endpoint.reason}, model {self.model}"
        guard_logs(self.endpoint.api_key if self.endpoint.has_key else None)
        self._openai = self._make_openai()

    def _make_openai(self) -> Any:
        try:
            import openai
        except ImportError:  # pragma: no cover - a declared dependency
            raise MissingDependency("The openai package is missing.", "pip install openai") from None
        # openai's own Timeout type: an httpx.Timeout is refused by openai 3, which is built on httpx2
        timeout = openai.Timeout(self.timeout, connect=min(CONNECT_TIMEOUT, self.timeout))
        return openai.OpenAI(
            api_key=self.endpoint.api_key, base_url=self.endpoint.base_url, max_retries=self.retries, timeout=timeout
        )

    def identity(self) -> dict[str, str]:
        """What the cache key holds of the endpoint (never the key or URL credentials)."""
        return {"endpoint": self.where, "model": self.model}

    def stream(self, messages: list[dict[str, Any]], params: dict[str, Any]) -> _Pieces:
        try:
            response = self._openai.chat.completions.create(model=self.model, messages=messages, stream=True, **params)
        except Exception as exc:
            raise self.error(exc) from None
        return _Pieces(response, self)

    def error(self, exc: Exception) -> Exception:
        return backend_error(exc, self.where, self.model, self.timeout, self.retries, self.endpoint.api_key)


class _Pieces:
    """The chunks of a streamed completion as (text, finish reason); closing it closes the connection."""

    def __init__(self, response: Any, transport: HttpTransport):
        self.response, self.transport = response, transport

    def __iter__(self) -> Iterator[Delta]:
        import openai

        timeouts, broken = stream_errors()
        started = False
        try:
            for chunk in self.response:
                started = True
                for choice in getattr(chunk, "choices", None) or []:
                    delta = getattr(choice, "delta", None)
                    yield (getattr(delta, "content", None) or ""), getattr(choice, "finish_reason", None)
        except (*timeouts, openai.APITimeoutError) as exc:
            if not started:
                raise self.transport.error(exc) from None
            raise BackendError(
                f"The chat endpoint {self.transport.where} stopped sending in the middle of an "
                f"answer (nothing for {self.transport.timeout:g}s).",
                "Check the server; run the same command again to resume (finished calls are "
                "cached), or raise llm_timeout.",
            ) from None
        except (*broken, ValueError, AttributeError, TypeError) as exc:
            raise BackendError(
                f"The chat endpoint {self.transport.where} sent a stream that is not the "
                f"chat-completions protocol ({type(exc).__name__}).",
                "Check --llm-base-url: it must be an OpenAI-compatible /v1 endpoint.",
            ) from None
        except Exception as exc:
            raise self.transport.error(exc) from None

    def close(self) -> None:
        self.response.close()
