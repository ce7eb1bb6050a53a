"""A reusable client for OpenAI-compatible chat endpoints (OpenAI, Ollama, llama.cpp, vLLM, ...).

``ChatClient(settings)`` talks to the endpoint through the ``openai`` package (``http.py``),
which retries 429, 5xx and timeouts with backoff and honours ``Retry-After``; or, given a
``LocalTransport`` (``local.py``), to a GGUF model run in process. Answers are streamed
(``stream.py``: tokens/s, loops stopped) and cached on disk by a hash of the request, so a
re-run pays only for what changed. The API key comes from ``OPENAI_API_KEY`` only and never
reaches a log, a cache file or an error (``podgen.redact``).
"""

from __future__ import annotations

from ..errors import RequestRejected
from .client import TOKENS, ChatClient, Reply, Transport, Usage
from .endpoint import Endpoint, find_endpoint
from .tokens import estimate_tokens

__all__ = [
    "TOKENS",
    "ChatClient",
    "Endpoint",
    "Reply",
    "RequestRejected",
    "Transport",
    "Usage",
    "estimate_tokens",
    "find_endpoint",
]
