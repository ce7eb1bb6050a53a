"""Speak: each script line becomes a clip in its host's voice.

Voice backends come from the ``podgen.voices`` registry. Clips are cached by a hash of
(backend, voice, settings, text), so a re-run only speaks what changed and a run that was
killed half way resumes where it stopped.
"""
from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from ..config import Settings
from ..contracts import Progress, Voice, VoiceBackend
from ..errors import EpisodeError
from ..models import Script
from ..registry import Registry
from .cache import ClipCache

log = logging.getLogger(__name__)
voices: Registry[VoiceBackend] = Registry("podgen.voices", "voice backend")


def host_voices(script: Script, settings: Settings) -> dict[str, Voice]:
    """Map each speaker of the script to a Voice, in host order."""
    backend = voices.create(settings.tts, settings)
    names = script.hosts or settings.host_names
    mapping = {name: backend.voice(host.voice) for name, host in zip(names, settings.hosts)}
    unknown = sorted({line.speaker for line in script.lines} - set(mapping))
    if unknown:
        raise EpisodeError(
            f"script.json has speaker(s) {', '.join(map(repr, unknown))} that are not hosts {names}.",
            "Use the host names listed under \"hosts\" in script.json.",
        )
    return mapping


def _plan(script: Script, settings: Settings) -> tuple[list[tuple[Voice, str]], list[Path]]:
    mapping = host_voices(script, settings)
    cache = ClipCache(settings.cache_dir / "clips")
    jobs = [(mapping[line.speaker], line.text) for line in script.lines]
    return jobs, [cache.path(voice.cache_key(), text) for voice, text in jobs]


def clip_paths(script: Script, settings: Settings) -> list[Path]:
    """Where each line's clip is (or will be) cached; nothing is spoken."""
    return _plan(script, settings)[1]


def speak_script(script: Script, settings: Settings, progress: Progress | None = None) -> list[Path]:
    """Return one WAV clip per script line, in order, speaking only lines not in the cache."""
    jobs, paths = _plan(script, settings)
    cache = ClipCache(settings.cache_dir / "clips")
    todo = [i for i, path in enumerate(paths) if not path.exists()]
    log.info("speaking %d of %d lines (%d cached)", len(todo), len(jobs), len(jobs) - len(todo))
    done = len(jobs) - len(todo)
    if progress:
        progress("speak", done, len(jobs))

    def run(i: int) -> None:
        voice, text = jobs[i]
        pcm, rate = voice.synthesize(text)
        cache.store(paths[i], pcm, rate)

    with ThreadPoolExecutor(max_workers=settings.workers) as pool:
        for _ in pool.map(run, todo):
            done += 1
            if progress:
                progress("speak", done, len(jobs))
    return paths
