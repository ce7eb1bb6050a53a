"""An embedded model: a GGUF file run in process by llama-cpp-python, behind the chat client.

The request is the same as for an OpenAI-compatible server; llama-cpp-python formats it with
the GGUF's own chat template and turns the JSON schema into a grammar, so the answer cannot
leave the schema. One model is loaded per process and serves one request at a time; a
request that shares its beginning with the one before (the system prompt and the source)
reuses what the model already read.
"""

from __future__ import annotations

import logging
import math
import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..about import pip_install
from ..errors import BackendError, MissingDependency, UsageError
from .gguf import DEFAULT_GGUF, check_gguf, fetch_gguf, is_spec
from .stream import Delta

if TYPE_CHECKING:
    from ..config import Settings

log = logging.getLogger(__name__)
EXTRA = pip_install("local")
_MODELS: dict[tuple[str, int, int], Any] = {}
_LOAD = threading.Lock()


SAMPLE_SECONDS = 0.3
SPARE = 0.25
"""A core counts as free when it is idle 75% of the time or more."""


def default_threads(sample: float = SAMPLE_SECONDS) -> int:
    """The cores idle now: two threads on a core another program uses slow both down, and the
    load average lags by minutes (an idle machine still looks busy after a test run). Measured
    from the CPU's idle time over ``sample`` seconds; the load average where that cannot be read."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    idle = idle_cores(sample)
    if idle is None:
        busy = round(os.getloadavg()[0]) if hasattr(os, "getloadavg") else 0
        return max(1, min(cores - busy, cores, 8))
    return max(1, min(math.floor(idle + SPARE), cores, 8))


def idle_cores(sample: float = SAMPLE_SECONDS) -> float | None:
    """How many cores' worth of time went idle over ``sample`` seconds (Linux's /proc/stat)."""
    first = _cpu_times()
    if first is None:
        return None
    time.sleep(sample)
    second = _cpu_times()
    if second is None:
        return None
    total = sum(second) - sum(first)
    idle = (second[3] + second[4]) - (first[3] + first[4])  # idle and iowait
    count = os.cpu_count() or 1
    return count * idle / total if total > 0 else None


def _cpu_times() -> list[int] | None:
    try:
        with open("/proc/stat", encoding="ascii") as handle:
            fields = handle.readline().split()
    except OSError:
        return None
    if not fields or fields[0] != "cpu" or len(fields) < 6:
        return None
    return [int(v) for v in fields[1:8]]


def model_file(settings: Settings) -> Path:
    """The GGUF to run: --model-file, else --model as REPO/FILE.gguf (downloaded once), else the default."""

    if settings.model_file is not None:
        return check_gguf(settings.model_file)
    spec = settings.model if is_spec(settings.model) else DEFAULT_GGUF
    if Path(spec).expanduser().is_file():
        return check_gguf(Path(spec).expanduser())
    return fetch_gguf(spec)  # the snapshot's path, which keeps the file's name (the blob's is a hash)


class LocalTransport:
    name = "local"

    def __init__(self, settings: Settings, path: Path | None = None):
        self.path = path or model_file(settings)
        self.model = self.path.name
        self.threads = settings.llm_threads or default_threads()
        self.context = settings.context_tokens
        self.repeat_penalty = settings.sampling.repeat_penalty
        self.reason = f"local model {self.model} in process ({self.threads} threads)"
        self._lock = threading.Lock()

    def identity(self) -> dict[str, str]:
        stat = self.path.stat()
        return {"endpoint": "local", "model": f"{self.model}:{stat.st_size}"}

    def stream(self, messages: list[dict[str, Any]], params: dict[str, Any]) -> Iterator[Delta]:
        llm = self._load()
        kwargs = {**params, "repeat_penalty": self.repeat_penalty}
        fmt = kwargs.pop("response_format", None)
        if fmt and fmt.get("type") == "json_schema":  # llama-cpp-python's form of the same thing
            fmt = {"type": "json_object", "schema": fmt["json_schema"]["schema"]}
        if fmt:
            kwargs["response_format"] = fmt
        with self._lock:
            try:
                for chunk in llm.create_chat_completion(messages=messages, stream=True, **kwargs):
                    choice = chunk["choices"][0]
                    yield choice.get("delta", {}).get("content") or "", choice.get("finish_reason")
            except ValueError as exc:  # llama.cpp's own refusals: a prompt longer than the context
                raise BackendError(
                    f"The local model refused a request: {exc}.",
                    "Raise --context-tokens, or use a model with a larger context.",
                ) from None

    def _load(self) -> Any:
        key = (str(self.path), self.context, self.threads)
        with _LOAD:
            if key not in _MODELS:
                _MODELS.clear()  # one model in memory at a time
                _MODELS[key] = load(self.path, self.context, self.threads)
            return _MODELS[key]


DRAFT_TOKENS = 0
"""Tokens drafted by prompt lookup (llama-cpp-python's ``LlamaPromptLookupDecoding``): a podcast
line reuses the source's phrases and the JSON's keys, so the model may check several at once.
0: off. bench/bench_local_llm.py measures it against plain decoding on the same request."""


def _drafter() -> Any:
    if not DRAFT_TOKENS:
        return None
    from llama_cpp.llama_speculative import LlamaPromptLookupDecoding

    return LlamaPromptLookupDecoding(num_pred_tokens=DRAFT_TOKENS)


def load(path: Path, context: int, threads: int) -> Any:
    try:
        from llama_cpp import Llama
    except ImportError:
        raise MissingDependency("The local writer needs llama-cpp-python.", EXTRA) from None
    log.info("loading %s (%d threads, context %d)", path.name, threads, context)
    try:
        llm = Llama(
            model_path=str(path),
            n_ctx=context,
            n_threads=threads,
            n_threads_batch=threads,
            draft_model=_drafter(),
            verbose=False,
        )
    except (ValueError, RuntimeError) as exc:
        raise UsageError(
            f"llama.cpp cannot load {path.name}: {exc}.",
            "Check that the file is a complete GGUF model (a download that stopped half way is not).",
        ) from None
    trained = int(llm.metadata.get(f"{llm.metadata.get('general.architecture', '')}.context_length", 0) or 0)
    if trained and context > trained:
        log.warning(
            "%s was trained on %d tokens of context; context_tokens=%d may give poor answers",
            path.name,
            trained,
            context,
        )
    return llm
