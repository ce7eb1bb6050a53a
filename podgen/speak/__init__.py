"""Speak: each script line becomes a clip in its host's voice.

Voice backends come from the ``podgen.voices`` registry; ``auto`` picks edge-tts when its
service answers; offline, Kokoro where it is installed and speaks the language (two real
people), else Piper. Clips are cached by a hash of (backend, endpoint, model,
voice, settings, text), so a re-run only speaks what changed and a run that was killed half way
resumes where it stopped. Lines are spoken in parallel and delivered in script order.

Every voice gets its text here, and never more than ``MAX_SPOKEN_CHARS`` at once: a longer line
is said in pieces cut between sentences (a longer sentence after a clause, else at a space),
whatever its punctuation, and the pieces' audio joined. A voice's memory grows with the length
of what it says in one go (Piper's with one sentence's: ``bench/bench_speak_memory.py``).
"""

from __future__ import annotations

import importlib.util
import logging
from dataclasses import dataclass
from pathlib import Path

from ..config import Settings
from ..contracts import Progress, Voice, VoiceBackend
from ..errors import BackendError, EpisodeError
from ..models import HOST_HINT, Line, Script, not_a_host
from ..registry import voices
from ..text.sentences import split_long
from .cache import ClipCache
from .casting import cast
from .edge import probe
from .pace import run_all
from .pcm import silence
from .table import espeak_language

log = logging.getLogger(__name__)
MAX_SPOKEN_CHARS = 300
"""The most characters a voice is given at once."""
PIECE_GAP = 0.18
"""Seconds of silence between the pieces of a line said in pieces (Piper's own between sentences)."""


def backend_name(settings: Settings) -> str:
    """The backend to use: ``settings.tts``, with ``auto`` resolved (edge-tts online, else Piper)."""
    return backend_choice(settings)[0]


def backend_choice(settings: Settings) -> tuple[str, str]:
    """(backend, why): ``auto`` says what it found (edge-tts's service is probed once a process)."""
    if settings.tts != "auto":
        return settings.tts, "as set"

    answered, why = probe()
    if answered:
        log.info("voices: edge, because edge-tts's service %s", why)
        return "edge", f"auto: edge-tts's service {why}"
    name = "kokoro" if _kokoro_speaks(settings) else "piper"
    log.info("voices: %s, because edge-tts's service %s", name, why)
    return name, f"auto: edge-tts's service {why}; {name} speaks offline"


def _kokoro_speaks(settings: Settings) -> bool:
    """Whether the kokoro backend is installed and speaks the settings' language."""
    if "kokoro" not in voices.names() or importlib.util.find_spec("kokoro_onnx") is None:
        return False
    return espeak_language(settings.language) is not None


def open_backend(settings: Settings) -> VoiceBackend:
    return voices.create(backend_name(settings), settings)


def host_voices(script: Script, settings: Settings, backend: VoiceBackend) -> dict[str, Voice]:
    """Map each speaker of the script to a Voice, in host order. A voice named ``ENGINE:NAME``
    (``piper:joe``) is that backend's, so one episode can have hosts of several engines."""
    names = script.hosts or settings.host_names
    mapping = {name: _voice(backend, voice, settings) for name, voice in zip(names, cast(backend, names, settings))}
    for number, line in enumerate(script.lines):
        if problem := not_a_host(line.speaker, names):
            raise EpisodeError(f"script.json: line {number} is spoken by {problem}.", HOST_HINT)
    return mapping


def _voice(backend: VoiceBackend, name: str, settings: Settings) -> Voice:
    engine, colon, voice = name.partition(":")
    if not colon or engine not in voices.names():
        return backend.voice(name)
    return (backend if engine == backend.name else voices.create(engine, settings)).voice(voice)


@dataclass
class Plan:
    """What speaking a script takes: the backend (opened once), each line's voice and text, and
    where each line's clip is (or will be) cached."""

    backend: VoiceBackend
    jobs: list[tuple[Voice, str]]
    paths: list[Path]
    spoken: int = 0
    """How many lines :func:`speak_script` spoke (the others came from the cache)."""


def plan_speech(script: Script, settings: Settings) -> Plan:
    """Open the backend, give every speaker a voice and every line its clip's path; nothing is spoken."""
    backend = open_backend(settings)
    mapping = host_voices(script, settings, backend)
    cache = ClipCache(settings.cache_dir / "clips")
    jobs = [(mapping[line.speaker], line.text) for line in script.lines]
    return Plan(backend, jobs, [cache.path(voice.cache_key(), text) for voice, text in jobs])


def clip_paths(script: Script, settings: Settings) -> list[Path]:
    """Where each line's clip is (or will be) cached; nothing is spoken."""
    return plan_speech(script, settings).paths


def speak_script(
    script: Script, settings: Settings, progress: Progress | None = None, plan: Plan | None = None
) -> list[Path]:
    """Return one WAV clip per script line, in order, speaking only lines not in the cache.
    ``plan``: the script's :func:`plan_speech`, when the caller made it already."""

    plan = plan or plan_speech(script, settings)
    backend, jobs, paths = plan.backend, plan.jobs, plan.paths
    cache = ClipCache(settings.cache_dir / "clips")
    todo = _to_speak(paths, settings.cache)
    plan.spoken = len(todo)
    log.info("speaking %d of %d lines with %s (%d cached)", len(todo), len(jobs), backend.name, len(jobs) - len(todo))
    count = _Tally(progress, len(jobs) - len(todo), len(jobs))

    def speak(i: int) -> None:
        if settings.cache and paths[i].exists():  # another process spoke this line meanwhile
            return
        voice, text = jobs[i]
        cache.store(paths[i], *say(voice, text), replace=not settings.cache)

    try:
        run_all([lambda i=i: speak(i) for i in todo], settings.tts_concurrency or backend.concurrency, count)
    except BackendError as exc:
        raise _line_failed(exc, todo, script, backend.name) from None
    return paths


def spoken_pieces(text: str) -> list[str]:
    """``text`` as a voice is given it: pieces of at most MAX_SPOKEN_CHARS characters."""
    return [piece for piece in split_long(text, MAX_SPOKEN_CHARS) if piece]


def say(voice: Voice, text: str) -> tuple[bytes, int]:
    """``voice`` saying ``text``, one piece at a time: mono 16-bit PCM and its sample rate."""
    said = [voice.synthesize(piece) for piece in spoken_pieces(text)] or [voice.synthesize(text)]
    rates = {rate for pcm, rate in said if pcm}
    if len(rates) > 1:
        raise BackendError(f"The voice answered the pieces of one line at different sample rates {sorted(rates)}.")
    rate = rates.pop() if rates else said[0][1]
    return silence(PIECE_GAP, rate).join(pcm for pcm, _ in said if pcm), rate


def speak_lines(
    lines: list[Line], hosts: list[str], settings: Settings, progress: Progress | None = None
) -> list[Path]:
    """The clips of a few lines heard on their own (one line of a script, an answer), each in
    its host's voice as the episode of ``hosts`` gives it; cached like every clip."""
    return speak_script(Script("", "", list(lines), hosts=list(hosts)), settings, progress)


def _to_speak(paths: list[Path], use_cache: bool) -> list[int]:
    """Indexes of the clips to speak: each missing clip once (two equal lines share one)."""
    first = {path: i for i, path in reversed(list(enumerate(paths)))}
    return sorted(i for path, i in first.items() if not (use_cache and path.exists()))


class _Tally:
    """Reports ("speak", done, total): once at the start, then as each clip is finished."""

    def __init__(self, progress: Progress | None, done: int, total: int):
        self.progress, self.done, self.total = progress, done, total
        self.report()

    def __call__(self, index: int) -> None:
        self.done += 1
        self.report()

    def report(self) -> None:
        if self.progress:
            self.progress("speak", self.done, self.total)


def _line_failed(exc: BackendError, todo: list[int], script: Script, backend: str) -> BackendError:
    index = todo[getattr(exc, "line", 0)]
    line = script.lines[index]
    text = line.text if len(line.text) <= 40 else line.text[:40] + "..."
    return BackendError(
        f"Line {index + 1} ({line.speaker}: {text!r}) could not be spoken by {backend}: {exc.message}",
        exc.hint or "Clips already spoken are kept: run the same command again to resume.",
    )
