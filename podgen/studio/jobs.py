"""The studio's queue: jobs run one at a time on a worker thread, each saved as JSON.

A job is a library call (make, render, check, fix, publish) with a Progress callback. The
callback records each stage's (done, total) and is where a cancel lands: it raises
``Cancelled`` on the job's next report, and the library unwinds as it does on Ctrl-C. A job's
file is rewritten (atomically) as it changes, so a page reload, or a restart of the studio,
shows it; a job that was queued or running when the studio stopped shows as interrupted.
"""

from __future__ import annotations

import json
import logging
import queue
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from ..errors import Cancelled, FileSystemError, PodgenError
from ..files import copy_file, write_text
from ..folder import read_object

log = logging.getLogger(__name__)
FINISHED = ("done", "failed", "cancelled", "interrupted")
SAVE_EVERY = 0.5
"""Seconds between saves of a running job's progress (every change of state is saved at once)."""


@dataclass
class Job:
    id: str
    kind: str
    title: str
    state: str = "queued"
    created: float = field(default_factory=time.time)
    started: float | None = None
    finished: float | None = None
    stages: dict[str, dict[str, Any]] = field(default_factory=dict)
    """Each stage reported so far: its first and latest (done, total), and when it was first seen."""
    order: list[str] = field(default_factory=list)
    error: dict[str, str] | None = None
    result: dict[str, Any] = field(default_factory=dict)
    clips: list[str] = field(default_factory=list)
    """The names (in the studio's clip folder) of the episode's first lines spoken so far, in
    order: the page plays them while the job runs."""
    version: int = 0

    def public(self) -> dict[str, Any]:
        return asdict(self)

    def spoken(self) -> dict[str, int]:
        """Of the clips this job's speak stage needed (lines and backchannels), how many were
        spoken and how many came from the clip cache: the stage's first report counts those."""
        speak = self.stages.get("speak")
        if not speak:
            return {"spoken": 0, "cached": 0}
        return {"spoken": int(speak["total"] - speak["first"]), "cached": int(speak["first"])}


Action = Callable[[Callable[[str, int, int], None], Job], dict[str, Any]]


class Jobs:
    def __init__(self, folder: Path, clips: Path | None = None, shown: Callable[[str], str] = str):
        """``clips``: where a job's clips are copied as they are spoken (None: not kept).
        ``shown``: how an error's text is shown (the studio takes the server's paths out)."""
        self.folder, self.clips, self.shown = folder, clips, shown
        folder.mkdir(parents=True, exist_ok=True)
        self.jobs: dict[str, Job] = {}
        self.cancelled: set[str] = set()
        self.lock = threading.Lock()
        self.queue: queue.Queue[tuple[Job, Action] | None] = queue.Queue()
        self._load()
        self.worker = threading.Thread(target=self._work, name="studio-jobs", daemon=True)
        self.worker.start()

    def _load(self) -> None:
        for path in sorted(self.folder.glob("*.json")):
            data = read_object(path)
            try:
                job = Job(**{k: v for k, v in data.items() if k in Job.__dataclass_fields__})
            except TypeError:
                continue
            if job.state not in FINISHED:
                job.state, job.error = (
                    "interrupted",
                    {"message": f"The studio stopped while this job was {job.state}.", "hint": "Start it again."},
                )
                self._save(job)
            self.jobs[job.id] = job

    def submit(self, kind: str, title: str, action: Action) -> Job:
        job = Job(uuid.uuid4().hex[:12], kind, title)
        with self.lock:
            self.jobs[job.id] = job
        self._save(job)
        self.queue.put((job, action))
        return job

    def get(self, job_id: str) -> Job | None:
        return self.jobs.get(job_id)

    def all(self) -> list[Job]:
        return sorted(self.jobs.values(), key=lambda j: j.created, reverse=True)

    def cancel(self, job_id: str) -> Job | None:
        job = self.jobs.get(job_id)
        if job is None or job.state in FINISHED:
            return job
        self.cancelled.add(job_id)
        if job.state == "queued":
            self._finish(job, "cancelled", {"message": "Cancelled before it started.", "hint": ""})
        return job

    def stop(self) -> None:
        self.queue.put(None)

    def _work(self) -> None:
        while (item := self.queue.get()) is not None:
            job, action = item
            if job.state == "queued" and job.id not in self.cancelled:
                self._run(job, action)

    def _run(self, job: Job, action: Action) -> None:
        job.state, job.started = "running", time.time()
        self._changed(job, save=True)
        try:
            job.result = action(self._progress(job), job) or {}
        except Cancelled as exc:
            return self._finish(job, "cancelled", {"message": exc.message, "hint": exc.hint})
        except PodgenError as exc:
            return self._finish(job, "failed", {"message": exc.message, "hint": exc.hint})
        except OSError as exc:
            error = FileSystemError.of(exc)
            return self._finish(job, "failed", {"message": error.message, "hint": error.hint})
        except Exception as exc:  # a bug: one line, and the traceback in the log
            log.exception("studio job %s failed", job.id)
            return self._finish(
                job,
                "failed",
                {
                    "message": f"unexpected {type(exc).__name__}: {exc}",
                    "hint": "Run podgen studio with --debug for details.",
                },
            )
        self._finish(job, "done", None)

    def _progress(self, job: Job) -> Callable[[str, int, int], None]:
        saved = [time.monotonic()]

        def report(stage: str, done: int, total: int) -> None:
            if job.id in self.cancelled:
                raise Cancelled(f"Cancelled during {stage}.")
            with self.lock:
                if stage not in job.stages:
                    job.order.append(stage)
                    job.stages[stage] = {"first": done, "seen": round(time.time() - (job.started or 0), 3)}
                job.stages[stage].update(done=done, total=total)
            now = time.monotonic()
            self._changed(job, save=now - saved[0] > SAVE_EVERY)
            saved[0] = now if now - saved[0] > SAVE_EVERY else saved[0]

        report.clip = lambda index, path: self._clip(job, index, path)  # type: ignore[attr-defined]
        return report

    def _clip(self, job: Job, index: int, path: Path) -> None:
        """Line ``index``'s clip is ready (``preview.Early`` reports it): copied where the page can
        play it, and listed on the job."""
        if self.clips is None:
            return
        self.clips.mkdir(parents=True, exist_ok=True)
        target = self.clips / path.name
        if not target.is_file():
            copy_file(path, target)
        with self.lock:
            job.clips = [*job.clips[:index], target.name]
        self._changed(job, save=False)

    def _finish(self, job: Job, state: str, error: dict[str, str] | None) -> None:
        error = {key: self.shown(value) for key, value in error.items()} if error else None
        job.state, job.error, job.finished = state, error, time.time()
        self.cancelled.discard(job.id)
        self._changed(job, save=True)

    def _changed(self, job: Job, save: bool) -> None:
        with self.lock:
            job.version += 1
        if save:
            self._save(job)

    def _save(self, job: Job) -> None:
        with self.lock:
            text = json.dumps(job.public(), indent=1)
        write_text(self.folder / f"{job.id}.json", text)
