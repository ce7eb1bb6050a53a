"""Local OpenAI-compatible chat servers on this machine: which answer, and with which models.

``find_local_servers()`` asks each usual port (Ollama, llama.cpp server, LM Studio, vLLM) for
``GET /v1/models`` at the same time and keeps those that answer with an OpenAI model list.
Nothing is sent but the request itself: no key, no proxy, no ``.netrc`` credentials.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor, wait
from dataclasses import dataclass
from typing import Any

import httpx

from ..errors import BackendError

log = logging.getLogger(__name__)

KNOWN = (("ollama", 11434), ("llama.cpp", 8080), ("lm-studio", 1234), ("vllm", 8000))
"""The servers ``auto`` looks for, in order, and the port each listens on by default."""
_ARTICLES = {"ollama": "an Ollama", "llama.cpp": "a llama.cpp", "lm-studio": "an LM Studio", "vllm": "a vLLM"}
_EMBEDDING = re.compile(r"embed|bge|minilm|rerank", re.I)


@dataclass(frozen=True)
class Found:
    name: str
    base_url: str
    models: list[str]
    reason: str
    """Why it counts, for the user: which server answers where, with how many models."""


PROBE_SECONDS = 0.5
"""How long a local server has to answer ``GET /v1/models``."""


def find_local_servers(
    ports: Sequence[tuple[str, int]] = KNOWN, host: str = "127.0.0.1", timeout: float | None = None
) -> list[Found]:
    """The servers among ``ports`` that answer with a model list, in the order given.

    All are asked at once; one that has not answered within ``timeout`` seconds is skipped."""
    timeout = PROBE_SECONDS if timeout is None else timeout
    if not ports:
        return []
    pool = ThreadPoolExecutor(max_workers=len(ports), thread_name_prefix="podgen-discover")
    try:
        futures = [pool.submit(_probe, name, host, port, timeout) for name, port in ports]
        wait(futures, timeout=timeout + 0.1)
        return [f.result() for f in futures if f.done() and f.result() is not None]
    finally:
        pool.shutdown(wait=False, cancel_futures=True)


def pick_model(found: Found) -> str:
    """The model to chat with: the first listed that is not an embedding model (else the first)."""
    if not found.models:
        raise BackendError(
            f"The {found.name} server at {found.base_url} serves no models.",
            "Load or pull a chat model into it, or choose another writer with --llm.",
        )
    return next((m for m in found.models if not _EMBEDDING.search(m)), found.models[0])


def _probe(name: str, host: str, port: int, timeout: float) -> Found | None:
    base_url = f"http://{host}:{port}/v1"
    try:
        with httpx.Client(timeout=timeout, trust_env=False, follow_redirects=False) as client:
            response = client.get(f"{base_url}/models")
        models = _model_ids(response)
    except (httpx.HTTPError, ValueError) as exc:
        log.debug("no %s server on %s:%s: %s", name, host, port, type(exc).__name__)
        return None
    if not models:
        log.debug("%s:%s answers, but not with a model list (HTTP %s)", host, port, response.status_code)
        return None
    count = f"{len(models)} model{'s' if len(models) != 1 else ''}"
    reason = f"{_ARTICLES.get(name, 'a ' + name)} server answers on {host}:{port} with {count}"
    return Found(name, base_url, models, reason)


def _model_ids(response: httpx.Response) -> list[str]:
    """The ids of an OpenAI model list (``{"data": [{"id": ...}]}``); [] for anything else."""
    if response.status_code != 200:
        return []
    body: Any = response.json()
    entries = body.get("data") if isinstance(body, dict) else None
    if not isinstance(entries, list):
        return []
    return [e["id"] for e in entries if isinstance(e, dict) and isinstance(e.get("id"), str) and e["id"]]
