"""The whole flow, in one place: sources -> Document -> Script -> clips -> Episode.

``make_episode`` is what ``podgen make`` and the Python API call; ``render_episode`` is its
second half (speak + mix), which ``podgen render`` calls on an edited ``script.json``.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from . import redact
from .check import check_episode
from .config import Settings
from .contracts import Progress
from .folder import (
    METADATA,
    claim,
    load_script,
    restore_metadata,
    set_aside_metadata,
    stamp_files,
    unchanged,
    write_metadata,
)
from .ingest import credits, extract_all
from .mix import check_inputs, mix_episode
from .mix.conversation import backchannels
from .models import Episode, Line, Script
from .preview import Early, Player
from .record import fingerprint, production_choices
from .speak import backend_choice, plan_speech, speak_script
from .video import make_videos
from .write import write_script
from .write.finish import subject_sentence

if TYPE_CHECKING:
    from .speak import Plan

log = logging.getLogger(__name__)
__all__ = ["make_episode", "make_script", "render_episode", "load_script"]


@contextmanager
def _timed(timings: dict[str, float], stage: str, progress: Progress | None) -> Iterator[None]:
    if progress:
        progress(stage, 0, 1)
    start = time.perf_counter()
    yield
    timings[stage] = timings.get(stage, 0.0) + time.perf_counter() - start
    if progress:
        progress(stage, 1, 1)


def make_episode(
    sources: Sequence[str | Path], settings: Settings, progress: Progress | None = None, play: bool = False
) -> Episode:
    """Read the sources, write a script, and render it into ``<output_dir>/<slug>/``.

    Lines are spoken as soon as the writer has written them (``preview.Early``); with ``play``,
    they are played as they are ready, and this returns when the last has been played."""

    check_inputs(settings)  # a bad music or cover file stops the run before anything is read
    player = Player.find(settings.player) if play else None
    early = Early(settings, progress, player)
    timings: dict[str, float] = {}
    try:
        folder, script = make_script(sources, settings, early, timings)
        early.close()
        episode = _render(folder, settings, early, timings, False, False)
    finally:
        early.close()
        if player is not None:
            player.finish()
    episode.stats = {**script.stats, **episode.stats}
    if early.first_audio is not None:
        episode.stats["first_audio_seconds"] = round(early.first_audio, 2)
    return episode


def make_script(
    sources: Sequence[str | Path],
    settings: Settings,
    progress: Progress | None = None,
    timings: dict[str, float] | None = None,
) -> tuple[Path, Script]:
    """Read the sources and write ``<output_dir>/<slug>/script.json``; no audio."""

    timings = {} if timings is None else timings
    with _timed(timings, "ingest", progress):
        document = extract_all(sources, settings, progress)
    if isinstance(progress, Early):
        progress.subject = subject_sentence(document, document.title, settings)
    with _timed(timings, "write", progress):
        script = write_script(document, settings, progress)
    script.sources = [redact.url(str(source)) for source in sources]
    script.credits = credits(document)
    script.stats["write_seconds"] = round(timings["write"], 3)
    folder = claim(settings.output_dir, script)
    return folder, script


def render_episode(
    folder: Path,
    settings: Settings,
    progress: Progress | None = None,
    timings: dict[str, float] | None = None,
    keep_production: bool = True,
    force: bool = False,
) -> Episode:
    """Speak ``folder/script.json`` (only lines not already cached) and mix the episode.

    An episode whose script, clips, music, cover and settings are what it was made from is
    left as it is: nothing is spoken, mixed or rewritten, unless ``force`` (mix it again from
    the same clips). With ``keep_production``, the music, stereo, cover, style and language the episode
    was made with are kept unless ``settings`` set them."""

    settings = production_choices(folder, settings) if keep_production else settings
    check_inputs(settings)
    return _render(folder, settings, progress, {} if timings is None else timings, force, True)


def _render(
    folder: Path,
    settings: Settings,
    progress: Progress | None,
    timings: dict[str, float],
    force: bool,
    inputs_checked: bool,
) -> Episode:
    """render_episode once the settings are final (``inputs_checked``: music and cover are)."""

    if not inputs_checked:
        check_inputs(settings)
    script = load_script(folder)
    backchannels = _backchannels(script, settings)
    plan = plan_speech(_voiced(script, backchannels), settings)  # every speaker has a voice: checked first
    complete = (folder / METADATA).is_file()  # not a render that failed half way
    previous = set_aside_metadata(folder)
    made_from = fingerprint(script, plan.paths, settings)
    done = unchanged(folder, previous, made_from, timings) if complete and settings.cache and not force else None
    if done is not None:
        return _checked(done, settings, progress)
    stamps = stamp_files(folder, previous) if complete else None
    try:
        episode = _speak_and_mix(folder, script, backchannels, plan, made_from, previous, settings, progress, timings)
    except BaseException:  # an error, Ctrl-C, SIGTERM: a finished episode whose files are untouched stays
        restore_metadata(folder, stamps)
        raise
    return _checked(episode, settings, progress)


def _backchannels(script: Script, settings: Settings) -> list:
    """What the listeners say during long lines (natural style only): the script's reactions
    and the mix's own backchannels."""

    return backchannels(script, settings) if settings.style == "natural" else []


def _voiced(script: Script, backchannels: list) -> Script:
    """The script with one more line per backchannel: what the voices must say."""
    extra = [Line(b.speaker, b.text) for b in backchannels]
    return replace(script, lines=[*script.lines, *extra], chapters=[]) if extra else script


def _speak_and_mix(
    folder: Path,
    script: Script,
    backchannels: list,
    plan: Plan,
    made_from: str,
    previous: dict,
    settings: Settings,
    progress: Progress | None,
    timings: dict[str, float],
) -> Episode:

    start = time.perf_counter()
    if isinstance(progress, Early):
        progress.expect(plan.paths[: len(script.lines)])
    clips = speak_script(_voiced(script, backchannels), settings, progress, plan)
    timings["speak"] = time.perf_counter() - start
    if plan.spoken:  # clips were added or replaced: the fingerprint of the clips as they are now
        made_from = fingerprint(script, clips, settings)
    created = previous.get("created") or datetime.now(UTC).isoformat(timespec="seconds")
    lines, said = clips[: len(script.lines)], list(zip(backchannels, clips[len(script.lines) :]))
    with _timed(timings, "mix", None):
        duration, segments, files = mix_episode(script, lines, folder, settings, progress, created[:10], said)
    episode = Episode(folder.name, folder, script.title, script.description, duration, segments, files, timings)
    episode.stats["voices"] = "{} ({})".format(*backend_choice(settings))
    write_metadata(episode, script, {**previous, "created": created}, made_from, settings)
    return episode


def _checked(episode: Episode, settings: Settings, progress: Progress | None) -> Episode:
    """With ``settings.video`` / ``settings.short``: the episode's videos (those not up to date).
    With ``settings.check``: podgen check on the finished episode (check.json beside it)."""
    if settings.video or settings.short:
        with _timed(episode.timings, "video", None):
            made = make_videos(episode.folder, settings, progress, long=settings.video, short=settings.short)
        episode.files.update({kind: episode.folder / entry["file"] for kind, entry in made.items()})
    if settings.check:
        with _timed(episode.timings, "check", None):
            episode.files["check"] = check_episode(episode.folder, settings, progress).path
    return episode
