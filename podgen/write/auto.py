"""Writer backend "auto": the best writer this machine already has, and why.

In order: an API key or base URL (``openai``); a local OpenAI-compatible server answering on
127.0.0.1 at the usual ports (Ollama, llama.cpp, LM Studio, vLLM), with the model it serves;
a GGUF model configured or already downloaded (``local``); otherwise ``offline``. Under
auto, a segment the model cannot write is read from the source by the offline writer
(``fallback = "offline"``) instead of failing the run.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..contracts import Progress, Writer
from ..llm import discover, find_endpoint
from ..llm.gguf import DEFAULT_GGUF, cached_gguf, is_spec
from ..llm.recommend import advice
from ..models import Document, Script
from . import writers
from .offline import OfflineWriter

if TYPE_CHECKING:
    from ..config import Settings

log = logging.getLogger(__name__)


@dataclass
class Choice:
    writer: str
    reason: str
    updates: dict[str, Any] = field(default_factory=dict)
    """Settings the chosen writer runs with (a found server's URL and model, a GGUF file)."""


def choose(
    settings: Settings, environ: Mapping[str, str] | None = None, ports: Sequence[tuple[str, int]] | None = None
) -> Choice:
    endpoint = find_endpoint(settings.llm_base_url, os.environ if environ is None else environ)
    if endpoint is not None:
        return Choice("openai", endpoint.reason)
    server = _local_server(settings, ports)
    if server is not None:
        return server
    gguf = local_model(settings)
    if gguf is not None:
        return Choice(
            "local",
            f"the GGUF model {gguf.name} is {'configured' if settings.model_file else 'cached'}",
            {"model_file": gguf},
        )
    return Choice("offline", "no API key, base URL, local chat server or GGUF model was found")


def _local_server(settings: Settings, ports: Sequence[tuple[str, int]] | None) -> Choice | None:

    for found in discover.find_local_servers(discover.KNOWN if ports is None else ports):
        if not found.models:
            continue
        model = settings.model if "model" in settings.model_fields_set else discover.pick_model(found)
        return Choice("openai", f"{found.reason}; using {model}", {"llm_base_url": found.base_url, "model": model})
    return None


def local_model(settings: Settings) -> Path | None:
    """The GGUF the local writer would run without downloading anything, if there is one."""
    if settings.model_file is not None:
        return Path(settings.model_file)
    spec = settings.model if is_spec(settings.model) else DEFAULT_GGUF
    if Path(spec).expanduser().is_file():
        return Path(spec).expanduser()
    return cached_gguf(spec)


class AutoWriter(Writer):
    name = "auto"

    def write(self, document: Document, settings: Settings, progress: Progress | None = None) -> Script:
        choice = choose(settings)
        log.info("writer auto: %s, because %s", choice.writer, choice.reason)
        fallback = "offline" if settings.fallback == "auto" else settings.fallback
        chosen = settings.model_copy(update={**choice.updates, "writer": choice.writer, "fallback": fallback})
        if choice.writer == "offline":
            script = OfflineWriter().write(document, chosen)
            script.stats["advice"] = advice()
        else:
            script = writers.create(choice.writer).write(document, chosen, progress)
        script.stats["writer_reason"] = f"auto: {choice.reason}"
        return script
