"""A reusable client for OpenAI-compatible chat endpoints (OpenAI, Ollama, llama.cpp, vLLM, ...).

``ChatClient(settings)`` talks to the endpoint through the ``openai`` package, which retries
429, 5xx and timeouts with backoff and honours ``Retry-After``. Every answer is cached on disk
by a hash of the request, so a re-run pays only for what changed. The API key comes from
``OPENAI_API_KEY`` only and never reaches a log, a cache file or an error.
"""
from __future__ import annotations

from .client import ChatClient, Reply, RequestRejected, Usage
from .endpoint import Endpoint, find_endpoint
from .tokens import estimate_tokens

__all__ = ["ChatClient", "Endpoint", "Reply", "RequestRejected", "Usage", "estimate_tokens", "find_endpoint"]
