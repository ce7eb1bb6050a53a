"""Where the chat endpoint is and how podgen authenticates: settings first, then the environment."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field

from .. import redact
from ..errors import UsageError

DEFAULT_BASE_URL = "https://api.openai.com/v1"
NO_KEY = "no-key"
"""Sent to servers that need no key (Ollama, llama.cpp); the openai client requires one."""


@dataclass(frozen=True)
class Endpoint:
    base_url: str
    api_key: str = field(repr=False)
    reason: str
    """Why this endpoint was chosen, for the user (never contains the key)."""

    @property
    def has_key(self) -> bool:
        return self.api_key != NO_KEY

    @property
    def display(self) -> str:
        """The base URL as shown and cached: without ``user:password@``."""
        return redact.url(self.base_url)


def find_endpoint(base_url: str | None, environ: Mapping[str, str] | None = None) -> Endpoint | None:
    """The configured endpoint, or None when neither a key nor a base URL is set."""
    env = os.environ if environ is None else environ
    key = env.get("OPENAI_API_KEY", "").strip()
    url = (base_url or env.get("OPENAI_BASE_URL", "")).strip()
    if not key and not url:
        return None
    source = "llm_base_url" if base_url else "OPENAI_BASE_URL"
    reason = f"{source} is {redact.url(url)}" if url else "OPENAI_API_KEY is set"
    return Endpoint(url.rstrip("/") or DEFAULT_BASE_URL, key or NO_KEY, reason)


def retry_after(headers: Mapping[str, str]) -> float | None:
    """A server's Retry-After, in seconds (the seconds form; an HTTP date counts as unknown)."""
    try:
        return max(0.0, float(headers.get("retry-after")))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None


def require_endpoint(base_url: str | None, environ: Mapping[str, str] | None = None) -> Endpoint:
    found = find_endpoint(base_url, environ)
    if found is None:
        raise UsageError(
            "The openai writer needs an API key or an endpoint, and neither is set.",
            "Export OPENAI_API_KEY=..., or point --llm-base-url (or OPENAI_BASE_URL) at an "
            "OpenAI-compatible server such as http://localhost:11434/v1, or use --llm offline.",
        )
    return found
