"""The openai package's exceptions as podgen's one-line errors that say what to do."""

from __future__ import annotations

from .. import redact
from ..errors import BackendError, RequestRejected

# (openai exception class name, message, hint); the first that matches wins.
_KNOWN = (
    (
        "AuthenticationError",
        "The chat endpoint {url} refused the API key (HTTP {status}).",
        "Check OPENAI_API_KEY (and that it belongs to this endpoint).",
    ),
    (
        "PermissionDeniedError",
        "The chat endpoint {url} refused the API key (HTTP {status}).",
        "Check OPENAI_API_KEY (and that it belongs to this endpoint).",
    ),
    (
        "NotFoundError",
        "The chat endpoint {url} does not know model {model!r} (HTTP 404).",
        "Check --model (for Ollama: `ollama list`) and --llm-base-url.",
    ),
    (
        "APITimeoutError",
        "The chat endpoint {url} did not answer within {timeout:g}s, {tries} tries.",
        "Check that the server is running and not overloaded, or raise llm_timeout.",
    ),
    (
        "APIConnectionError",
        "Cannot reach the chat endpoint {url}.",
        "Start the server, or fix --llm-base-url / OPENAI_BASE_URL.",
    ),
    (
        "RateLimitError",
        "The chat endpoint {url} still refused with HTTP 429 after {retries} retries.",
        "Wait and run the same command again (answers so far are cached), or lower --llm-concurrency.",
    ),
)


def backend_error(exc: Exception, url: str, model: str, timeout: float, retries: int, secret: str) -> Exception:
    import openai

    status = getattr(exc, "status_code", None)
    values = {
        "url": url,
        "model": model,
        "timeout": timeout,
        "tries": retries + 1,
        "retries": retries,
        "status": status,
    }
    for name, message, hint in _KNOWN:
        if isinstance(exc, getattr(openai, name)):
            return BackendError(message.format(**values), hint)
    if status in (400, 422) or (status == 500 and "response_format" in _said(exc, secret)):
        # llama-cpp-python's server answers a response_format it does not know with HTTP 500
        return RequestRejected(
            f"The chat endpoint {url} rejected a request (HTTP {status}): {_said(exc, secret)}.",
            "Check --model and --context-tokens.",
        )
    if isinstance(exc, openai.APIStatusError):
        return BackendError(
            f"The chat endpoint {url} failed with HTTP {status} after {retries} retries.",
            "Try again later; answers so far are cached.",
        )
    return BackendError(f"The chat request to {url} failed: {type(exc).__name__}.", "Run with --debug for details.")


def _said(exc: Exception, secret: str) -> str:
    """The server's own message, on one line, short, and never with the key in it."""
    text = " ".join(str(getattr(exc, "message", "") or exc).split())[:200]
    return redact.text(text, [secret])
