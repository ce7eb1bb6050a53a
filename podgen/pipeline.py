"""The whole flow, in one place: sources -> Document -> Script -> clips -> Episode.

``make_episode`` is what ``podgen make`` and the Python API call; ``render_episode`` is its
second half (speak + mix), which ``podgen render`` calls on an edited ``script.json``.
"""
from __future__ import annotations

import hashlib
import json
import logging
import os
import time
import uuid
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator, Sequence

from .config import Settings
from .contracts import Progress
from .errors import EpisodeError
from .files import locked, slugify, write_text
from .models import Episode, Script, Segment

log = logging.getLogger(__name__)

SCRIPT = "script.json"
METADATA = "episode.json"
KEPT_METADATA = ".episode.previous.json"


@contextmanager
def _timed(timings: dict[str, float], stage: str, progress: Progress | None) -> Iterator[None]:
    if progress:
        progress(stage, 0, 1)
    start = time.perf_counter()
    yield
    timings[stage] = timings.get(stage, 0.0) + time.perf_counter() - start
    if progress:
        progress(stage, 1, 1)


def make_episode(sources: Sequence[str | Path], settings: Settings, progress: Progress | None = None) -> Episode:
    """Read the sources, write a script, and render it into ``<output_dir>/<slug>/``."""
    from .mix import check_inputs

    check_inputs(settings)  # a bad music or cover file stops the run before anything is read
    timings: dict[str, float] = {}
    folder, script = make_script(sources, settings, progress, timings)
    episode = render_episode(folder, settings, progress, timings, keep_studio=False)
    episode.stats = script.stats
    return episode


def make_script(
    sources: Sequence[str | Path], settings: Settings, progress: Progress | None = None,
    timings: dict[str, float] | None = None,
) -> tuple[Path, Script]:
    """Read the sources and write ``<output_dir>/<slug>/script.json``; no audio."""
    from .ingest import credits, extract_all
    from .write import write_script

    timings = {} if timings is None else timings
    with _timed(timings, "ingest", progress):
        document = extract_all(sources, settings, progress)
    with _timed(timings, "write", progress):
        script = write_script(document, settings, progress)
    script.sources = [str(source) for source in sources]
    script.credits = credits(document)
    script.stats["write_seconds"] = round(timings["write"], 3)
    folder = _claim_folder(settings.output_dir, script)
    return folder, script


def _claim_folder(parent: Path, script: Script) -> Path:
    """``<parent>/<slug>``, or ``<slug>-2``, ... when that folder holds an episode of other sources:
    two documents with one title get two episodes, and a re-run of a document finds its own."""
    base = slugify(script.title)
    with locked(parent):
        for n in range(1, 10_000):
            folder = parent / (base if n == 1 else f"{base}-{n}")
            if not folder.exists() or _made_from(folder, script.sources):
                _save_script(folder, script)
                return folder
    raise EpisodeError(f"Too many episodes named {base} in {parent}.", "Give this one a --title.")


def _made_from(folder: Path, sources: list[str]) -> bool:
    """Whether ``folder`` is the episode of ``sources`` (or an empty folder)."""
    path = folder / SCRIPT
    if not path.is_file():
        return not any(folder.iterdir())
    try:
        theirs = json.loads(path.read_text(encoding="utf-8")).get("sources", [])
    except (ValueError, UnicodeDecodeError, AttributeError):
        return False
    return [os.path.abspath(s) for s in theirs] == [os.path.abspath(s) for s in sources]


def _save_script(folder: Path, script: Script) -> None:
    """Write script.json; a different one already there (perhaps edited by hand) is kept."""
    path, text = folder / SCRIPT, script.to_json()
    if path.is_file() and path.read_text(encoding="utf-8") == text:
        return  # the same script: an unchanged episode stays untouched
    if path.is_file():
        backup = folder / "script.previous.json"
        os.replace(path, backup)
        log.warning("%s was different from the new script; the old one is kept as %s", path, backup.name)
    write_text(path, text)


def load_script(folder: Path) -> Script:
    path = folder / SCRIPT
    if not path.is_file():
        raise EpisodeError(f"No {SCRIPT} in {folder}.")
    try:
        script = Script.from_dict(json.loads(path.read_text(encoding="utf-8")))
    except (ValueError, KeyError, TypeError) as exc:
        raise EpisodeError(f"{path} is not a valid script ({exc}).", "Fix the JSON, or run podgen make again.") from None
    if not script.lines:
        raise EpisodeError(f"{path} has no lines.", "Add lines, or run podgen make again.")
    empty = [i for i, line in enumerate(script.lines) if not line.text.strip()]
    if empty:
        raise EpisodeError(f"{path}: line {empty[0]} has no text.", "Give it some text or delete it.")
    return script


def render_episode(
    folder: Path, settings: Settings, progress: Progress | None = None, timings: dict[str, float] | None = None,
    keep_studio: bool = True,
) -> Episode:
    """Speak ``folder/script.json`` (only lines not already cached) and mix the episode.

    An episode whose script, clips, music, cover and settings are what it was made from is
    left as it is: nothing is spoken, mixed or rewritten. With ``keep_studio``, the music,
    stereo and cover the episode was made with are kept unless ``settings`` set them."""
    from .mix import check_inputs, mix_episode
    from .speak import clip_paths, speak_script

    timings = {} if timings is None else timings
    script = load_script(folder)
    settings = studio_choices(folder, settings) if keep_studio else settings
    check_inputs(settings)
    complete = (folder / METADATA).is_file()  # not a render that failed half way
    previous = _take_metadata(folder)
    made_from = _fingerprint(script, clip_paths(script, settings), settings)
    done = _unchanged(folder, previous, made_from, timings) if complete and settings.cache else None
    if done is not None:
        return _checked(done, settings, progress)
    start = time.perf_counter()
    clips = speak_script(script, settings, progress)
    timings["speak"] = time.perf_counter() - start
    made_from = _fingerprint(script, clips, settings)  # the clips as they are now, spoken or not
    created = previous.get("created") or datetime.now(timezone.utc).isoformat(timespec="seconds")
    with _timed(timings, "mix", None):
        duration, segments, files = mix_episode(script, clips, folder, settings, progress, created[:10])
    episode = Episode(folder.name, folder, script.title, script.description, duration, segments, files, timings)
    _write_metadata(episode, script, {**previous, "created": created}, made_from, settings)
    return _checked(episode, settings, progress)


STUDIO = ("music", "stereo", "cover")


def studio_choices(folder: Path, settings: Settings) -> Settings:
    """``settings`` with the music, stereo and cover recorded in ``folder``'s episode.json for
    each of them that no flag, variable or podgen.toml set. A cover file that has gone since
    falls back to the episode's own copy of it."""
    unset = [name for name in STUDIO if name not in settings.model_fields_set]
    meta = _read_json(folder / METADATA) or _read_json(folder / KEPT_METADATA)
    if not unset or not meta:
        return settings
    recorded = {name: meta.get(name) for name in unset if meta.get(name) is not None}
    if recorded.get("cover"):
        copy = folder / str(meta.get("files", {}).get("cover", ""))
        given = Path(recorded["cover"])
        recorded["cover"] = given if given.is_file() else copy if copy.is_file() and copy != folder else None
    return settings.model_copy(update=recorded) if recorded else settings


def _read_json(path: Path) -> dict:
    try:
        data = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
    except (ValueError, UnicodeDecodeError):
        return {}
    return data if isinstance(data, dict) else {}


def _checked(episode: Episode, settings: Settings, progress: Progress | None) -> Episode:
    """With ``settings.check``: podgen check on the finished episode (check.json beside it)."""
    if settings.check:
        from .check import check_episode

        with _timed(episode.timings, "check", None):
            episode.files["check"] = check_episode(episode.folder, settings, progress).path
    return episode


def _digest(path: Path | None) -> str | None:
    if path is None or not Path(path).is_file():
        return None
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def _clip_stamp(path: Path) -> list:
    """A clip's name, size and modification time: a clip replaced under its name (a better
    take stored by podgen check --fix) changes it, without reading any audio."""
    try:
        stat = path.stat()
    except OSError:
        return [path.name, None, None]
    return [path.name, stat.st_size, stat.st_mtime_ns]


def _fingerprint(script: Script, clips: list[Path], settings: Settings) -> str:
    """A hash of everything the episode's files are made from."""
    from . import __version__
    from .mix import FORMAT, show_name

    music = settings.music if settings.music in (None, "default") else _digest(Path(settings.music).expanduser())
    parts = {
        "version": __version__, "format": FORMAT, "script": script.to_dict(), "clips": [_clip_stamp(p) for p in clips],
        "mix": settings.model_dump(mode="json", include={"pause_ms", "bitrate", "sample_rate", "stereo"}),
        "show": show_name(settings),
        "music": music, "cover": _digest(settings.cover),
    }
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode("utf-8")).hexdigest()


def _unchanged(folder: Path, meta: dict, made_from: str, timings: dict[str, float]) -> Episode | None:
    """The finished episode in ``folder`` if it was made from exactly ``made_from`` (its
    episode.json, set aside, goes back untouched), else None."""
    try:
        files = {name: folder / value for name, value in meta["files"].items()}
        if meta.get("made_from") != made_from or not all(p.is_file() for p in files.values()):
            return None
        body = json.loads(files["transcript_json"].read_text(encoding="utf-8"))["segments"]
        segments = [Segment(s["speaker"], s["body"], s["startTime"], s["endTime"]) for s in body]
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None
    os.replace(folder / KEPT_METADATA, folder / METADATA)
    log.info("%s is up to date: nothing to do", folder)
    timings.update(speak=0.0, mix=0.0)
    files["metadata"] = folder / METADATA
    return Episode(folder.name, folder, meta["title"], meta["description"], meta["duration"], segments, files, timings)


def _take_metadata(folder: Path) -> dict:
    """Set episode.json aside: until a render writes it again, the folder is not complete.
    It is kept (hidden) so that a failed render does not lose the episode's guid."""
    path, kept = folder / METADATA, folder / KEPT_METADATA
    if path.is_file():
        os.replace(path, kept)
    return _read_json(kept)


def _write_metadata(episode: Episode, script: Script, old: dict, made_from: str, settings: Settings) -> None:
    """episode.json: written last, so its presence means the episode is complete. The guid
    and creation time of an earlier render are kept: podcast apps know an episode by its guid."""
    path = episode.folder / METADATA
    meta = {
        "title": episode.title,
        "description": episode.description,
        "duration": round(episode.duration, 3),
        "sources": script.sources,
        "credits": script.credits,
        "guid": old.get("guid") or str(uuid.uuid4()),
        "created": old.get("created") or datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "rendered": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "writer": script.writer,
        "hosts": script.hosts,
        "files": {name: p.name for name, p in episode.files.items()},
        "music": None if not settings.music else settings.music if settings.music == "default" else str(settings.music),
        "stereo": settings.stereo,
        "cover": str(Path(settings.cover).expanduser().resolve()) if settings.cover else None,
        "made_from": made_from,
    }
    if script.unsupported_claims:
        meta["unsupported_claims"] = script.unsupported_claims
    write_text(path, json.dumps(meta, indent=2, ensure_ascii=False) + "\n")
    (episode.folder / KEPT_METADATA).unlink(missing_ok=True)
    episode.files["metadata"] = path
