"""Batch: every supported document in a folder becomes an episode, in parallel processes or
on a Dask cluster. ``make_episode`` does the work per document; this module only finds the
documents, skips the unchanged ones and collects what happened.

What is done is recorded in ``<output_dir>/.podgen-batch.json`` (the document, a hash of its
bytes and of the settings that shape an episode, and the folder) after every document, so an
interrupted batch resumes and a re-run skips what is unchanged. The report of a run is written to
``<output_dir>/batch-report.json``.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from multiprocessing import get_context
from pathlib import Path

from .cluster import connect
from .config import Settings
from .contracts import Progress
from .errors import InputError, PodgenError
from .files import sha256, write_text
from .folder import METADATA, current_check, read_object
from .ingest import supported_extensions
from .marks import shaping
from .pipeline import make_episode
from .video import missing_videos

log = logging.getLogger(__name__)

STATE = ".podgen-batch.json"
REPORT = "batch-report.json"


@dataclass
class Outcome:
    """What happened to one document."""

    source: str
    status: str
    """made, skipped or failed"""
    folder: str | None = None
    title: str | None = None
    reason: str = ""
    seconds: float = 0.0
    failed_checks: list[str] = field(default_factory=list)
    key: str = ""


@dataclass
class BatchReport:
    folder: str
    started: str
    finished: str = ""
    outcomes: list[Outcome] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(o.status == status for o in self.outcomes)

    @property
    def failed(self) -> bool:
        return any(o.status == "failed" for o in self.outcomes)

    def to_json(self) -> str:
        counts = {s: self.count(s) for s in ("made", "skipped", "failed")}
        body = {
            "folder": self.folder,
            "started": self.started,
            "finished": self.finished,
            **counts,
            "documents": [asdict(o) for o in self.outcomes],
        }
        return json.dumps(body, indent=2, ensure_ascii=False) + "\n"


def find_documents(folder: Path, recursive: bool = False) -> list[Path]:
    """The supported documents in ``folder`` (and its subfolders with ``recursive``), sorted."""

    if not folder.is_dir():
        raise InputError(f"{folder} is not a folder.", "Give podgen batch a folder of documents.")
    extensions = {e.lower() for e in supported_extensions()}
    files = [
        p
        for p in (folder.rglob("*") if recursive else folder.iterdir())
        if p.is_file() and not any(part.startswith(".") for part in p.relative_to(folder).parts)
    ]
    found = sorted(p for p in files if p.suffix.lower() in extensions)
    if not found:
        what = f"{len(files)} files, none of them" if files else "nothing"
        deeper = "" if recursive else " Add -r to look in subfolders."
        raise InputError(
            f"No documents in {folder}: {what} podgen reads.", f"podgen reads: {', '.join(sorted(extensions))}.{deeper}"
        )
    return found


def document_key(path: Path, settings: Settings) -> str:
    """A hash of the document's bytes and the settings that shape its episode (as marked in config)."""
    key = sha256(path, json.dumps(shaping(settings), sort_keys=True).encode())  # never a secret
    if key is None:
        raise InputError(f"Cannot read {path}.", "Check that the file is there and readable.")
    return key


def make_one(source: str, settings: Settings, key: str) -> Outcome:
    """Make one document's episode; never raises: a failure is an Outcome with its reason."""

    start = time.perf_counter()
    try:
        episode = make_episode([source], settings)
    except PodgenError as exc:
        reason = f"{exc.message} {exc.hint}".strip()
        return Outcome(source, "failed", reason=reason, seconds=time.perf_counter() - start, key=key)
    except Exception as exc:  # one broken document must not stop the batch
        log.debug("unexpected error for %s", source, exc_info=True)
        reason = f"unexpected {type(exc).__name__}: {exc}"
        return Outcome(source, "failed", reason=reason, seconds=time.perf_counter() - start, key=key)
    return Outcome(
        source,
        "made",
        str(episode.folder),
        episode.title,
        seconds=time.perf_counter() - start,
        failed_checks=failed_checks(episode.folder),
        key=key,
    )


def failed_checks(folder: Path) -> list[str]:
    """The failed findings of ``folder/check.json`` ("check: message"), if there is a check of
    the audio the folder holds now (a check of audio rendered over since is no check)."""
    findings = (current_check(folder) or {}).get("findings", [])
    if not isinstance(findings, list):
        return []
    return [
        f"{f.get('check', '?')}: {f.get('message', '')}"
        for f in findings
        if isinstance(f, dict) and not f.get("passed", True)
    ]


class _State:
    """The record of finished documents, rewritten atomically after each one."""

    def __init__(self, output_dir: Path):
        self.path = output_dir / STATE
        self.done: dict[str, dict] = read_object(self.path)

    def unchanged(self, source: str, key: str) -> dict | None:
        entry = self.done.get(source)
        if entry and entry.get("key") == key and Path(entry.get("folder", ""), METADATA).is_file():
            return entry
        return None

    def record(self, outcome: Outcome) -> None:
        if outcome.status == "made":
            self.done[outcome.source] = {"key": outcome.key, "folder": outcome.folder, "title": outcome.title}
            write_text(self.path, json.dumps(self.done, indent=2, ensure_ascii=False) + "\n")


def run_batch(
    folder: Path,
    settings: Settings,
    *,
    recursive: bool = False,
    jobs: int = 1,
    scheduler: str | None = None,
    progress: Progress | None = None,
    on_outcome: Callable[[Outcome], None] | None = None,
) -> BatchReport:
    """Make an episode of every changed document in ``folder``; report made, skipped, failed."""
    sources = [str(p.resolve()) for p in find_documents(folder, recursive)]
    # absolute paths: worker processes (perhaps on other machines) do not share our working folder
    settings = settings.model_copy(
        update={"output_dir": settings.output_dir.resolve(), "cache_dir": settings.cache_dir.expanduser().resolve()}
    )
    report = BatchReport(str(folder), _now())
    state = _State(settings.output_dir)
    skipped, todo = _plan(sources, settings, state)
    for outcome in skipped:
        _note(report, outcome, len(sources), progress, on_outcome)
    _note_progress(report, len(sources), progress)
    run = _on_dask(scheduler) if scheduler else _in_processes(jobs)
    for outcome in run(todo, settings):
        state.record(outcome)
        _note(report, outcome, len(sources), progress, on_outcome)
    report.finished = _now()
    report.outcomes.sort(key=lambda o: sources.index(o.source))
    write_text(settings.output_dir / REPORT, report.to_json())
    return report


def _plan(sources: list[str], settings: Settings, state: _State) -> tuple[list[Outcome], list[tuple[str, str]]]:
    """The unchanged documents (skipped) and the (source, key) pairs to make."""
    skipped, todo = [], []
    for source in sources:
        key = document_key(Path(source), settings)
        entry = state.unchanged(source, key)
        if entry and not _videos_missing(Path(entry["folder"]), settings):
            skipped.append(Outcome(source, "skipped", entry["folder"], entry.get("title"), "unchanged", key=key))
        else:
            todo.append((source, key))
    return skipped, todo


Runner = Callable[[list[tuple[str, str]], Settings], Iterable[Outcome]]


def _videos_missing(folder: Path, settings: Settings) -> bool:
    """Whether --video or --short asks for a video the episode does not have (up to date)."""

    return bool(missing_videos(folder, settings))


def _in_processes(jobs: int) -> Runner:
    def run(todo: list[tuple[str, str]], settings: Settings) -> Iterator[Outcome]:
        if jobs <= 1 or len(todo) <= 1:
            yield from (make_one(source, settings, key) for source, key in todo)
            return
        with ProcessPoolExecutor(min(jobs, len(todo)), mp_context=get_context("spawn")) as pool:
            futures = {pool.submit(make_one, source, settings, key): (source, key) for source, key in todo}
            try:
                yield from _results(futures, as_completed(futures))
            except BaseException:
                pool.shutdown(wait=False, cancel_futures=True)
                raise

    return run


def _on_dask(address: str) -> Runner:
    def run(todo: list[tuple[str, str]], settings: Settings) -> Iterator[Outcome]:

        if not todo:
            return
        with connect(address) as client:
            from distributed import as_completed as completed

            futures = {
                client.submit(make_one, source, settings, key, pure=False): (source, key) for source, key in todo
            }
            yield from _results(futures, completed(list(futures)))

    return run


def _results(futures: dict, done: Iterable) -> Iterator[Outcome]:
    """Each finished future's Outcome; a worker that died is that document's failure, not the batch's."""
    for future in done:
        source, key = futures[future]
        try:
            yield future.result()
        except Exception as exc:
            yield Outcome(source, "failed", reason=f"the worker failed: {type(exc).__name__}: {exc}", key=key)


def _note(
    report: BatchReport,
    outcome: Outcome,
    total: int,
    progress: Progress | None,
    on_outcome: Callable[[Outcome], None] | None,
) -> None:
    report.outcomes.append(outcome)
    if on_outcome:
        on_outcome(outcome)
    _note_progress(report, total, progress)


def _note_progress(report: BatchReport, total: int, progress: Progress | None) -> None:
    if progress:
        progress("batch", len(report.outcomes), total)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
