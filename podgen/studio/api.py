"""The studio's HTTP API: every action of its pages, as JSON, for scripts too (see docs/studio-api.md).

Errors are JSON ``{"error": ..., "hint": ...}`` with a 4xx status, from the library's own
one-line messages.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import uuid
from pathlib import Path
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, StreamingResponse

from ..edit import Row, edited
from ..errors import EpisodeError, UsageError
from ..folder import SCRIPT, check_lines, listed_files, load_script, recorded_metadata, save_script
from ..models import MAX_LINE_CHARS, Line, not_a_host
from . import actions, join
from .jobs import FINISHED
from .security import episode_folder, served, stored_name
from .views import episode_view, library


class NotFound(EpisodeError):
    status = 404
    default_hint = "See the episodes listed at /api/episodes."


def _studio(request: Request):
    return request.app.state.studio


def folder_of(request: Request) -> Path:
    folder = episode_folder(_studio(request).root, request.path_params["slug"])
    if folder is None:
        raise NotFound(f"No episode {request.path_params['slug']!r} in the studio's folder.")
    return folder


async def _json(request: Request) -> dict[str, Any]:
    try:
        data = json.loads(await request.body() or b"{}")
    except (ValueError, RecursionError):  # RecursionError: nested deeper than the parser goes
        raise UsageError("The request body is not JSON (or is nested too deeply).", "Send a JSON object.") from None
    if not isinstance(data, dict):
        raise UsageError("The request body is not a JSON object.", "Send a JSON object.")
    return data


def _job(job, status: int = 202) -> JSONResponse:
    return JSONResponse(job.public(), status_code=status)


# --- jobs


async def jobs(request: Request) -> JSONResponse:
    return JSONResponse([job.public() for job in _studio(request).jobs.all()])


async def job(request: Request) -> JSONResponse:
    found = _studio(request).jobs.get(request.path_params["job"])
    if found is None:
        raise NotFound(f"No job {request.path_params['job']!r}.", "See the jobs listed at /api/jobs.")
    return _job(found, 200)


async def cancel(request: Request) -> JSONResponse:
    found = _studio(request).jobs.cancel(request.path_params["job"])
    if found is None:
        raise NotFound(f"No job {request.path_params['job']!r}.", "See the jobs listed at /api/jobs.")
    return _job(found, 200)


async def events(request: Request) -> StreamingResponse:
    """Server-sent events: the job as JSON each time it changes, until it is finished. (Starlette
    stops the stream when the client goes away.)"""
    queue = _studio(request).jobs
    if queue.get(request.path_params["job"]) is None:
        raise NotFound(f"No job {request.path_params['job']!r}.", "See the jobs listed at /api/jobs.")

    async def stream():
        seen = -1
        while True:
            current = queue.get(request.path_params["job"])
            if current.version != seen:
                seen = current.version
                yield f"event: job\ndata: {json.dumps(current.public())}\n\n"
                if current.state in FINISHED:
                    return
            await asyncio.sleep(0.05)

    return StreamingResponse(stream(), media_type="text/event-stream", headers={"cache-control": "no-store"})


# --- episodes


async def episodes(request: Request) -> JSONResponse:
    return JSONResponse(library(_studio(request).root))


async def episode(request: Request) -> JSONResponse:
    return JSONResponse(episode_view(folder_of(request)))


async def make(request: Request) -> JSONResponse:
    studio = _studio(request)
    form = await request.form(max_files=20, max_fields=50)
    settings, urls = actions.make_settings(studio.settings, form), actions.urls(str(form.get("urls") or ""))
    sources = [*await _uploads(studio.uploads, form.getlist("files")), *urls]
    if not sources:
        raise UsageError("Give at least one source: a file or a URL.", "Drop a file, or paste an http(s) URL.")
    title = str(form.get("title") or "") or ", ".join(Path(str(s)).name for s in sources)
    return _job(studio.jobs.submit("make", title, actions.make(sources, settings)))


async def _uploads(folder: Path, files: list) -> list[str]:
    """Each uploaded file under a name of the studio's choosing, in a folder named by its content:
    the same file uploaded again is the same source, so its episode re-uses its own folder."""
    saved = []
    for upload in files:
        if not getattr(upload, "filename", None):
            continue
        folder.mkdir(parents=True, exist_ok=True)
        digest, part = hashlib.sha256(), folder / f".{uuid.uuid4().hex}.part"
        with open(part, "wb") as handle:
            while block := await upload.read(1 << 20):
                digest.update(block)
                handle.write(block)
        target = folder / digest.hexdigest()[:16] / stored_name(upload.filename)
        target.parent.mkdir(exist_ok=True)
        os.replace(part, target)
        saved.append(str(target))
    return saved


async def save(request: Request) -> JSONResponse:
    """Replace the script's lines with the editor's (PUT)."""

    folder, data = folder_of(request), await _json(request)
    if not isinstance(data.get("lines"), list):
        raise UsageError('The body needs "lines": a list of {"speaker", "text", "was"}.')
    script = edited(load_script(folder), [Row.from_dict(row) for row in data["lines"]])
    check_lines(folder / SCRIPT, script)
    save_script(folder, script)
    return JSONResponse({"saved": len(script.lines)})


async def render(request: Request) -> JSONResponse:
    studio, folder = _studio(request), folder_of(request)
    load_script(folder)
    return _job(studio.jobs.submit("render", folder.name, actions.render(folder, studio.settings)))


async def check(request: Request) -> JSONResponse:
    studio, folder = _studio(request), folder_of(request)
    return _job(studio.jobs.submit("check", folder.name, actions.check(folder, studio.settings)))


async def fix(request: Request) -> JSONResponse:
    studio, folder = _studio(request), folder_of(request)
    return _job(studio.jobs.submit("fix", folder.name, actions.fix(folder, studio.settings)))


async def speak_line(request: Request) -> JSONResponse:
    """One line heard alone, in its host's voice: {"speaker", "text"} -> {"clips": [name]}."""

    studio, folder, data = _studio(request), folder_of(request), await _json(request)
    row = Row.from_dict(data)
    if not row.text:
        raise UsageError("The line has no text to speak.", "Type the line first.")
    if len(row.text) > MAX_LINE_CHARS:
        raise UsageError(
            f"The line is {len(row.text):,} characters long; a line may have at most {MAX_LINE_CHARS:,}.",
            "Split it into several lines, at the ends of sentences.",
        )
    hosts = load_script(folder).hosts
    if problem := not_a_host(row.speaker, hosts):
        raise UsageError(f"The line is spoken by {problem}.", "Choose one of the episode's hosts.")

    clips = await run_in_threadpool(studio.join.speak, [Line(row.speaker, row.text)], hosts)
    return JSONResponse({"clips": clips})


async def ask(request: Request) -> JSONResponse:
    """A question, typed (JSON {"question", "time"}) or spoken (a form with an "audio" file and
    "time"); the answer, and "after": the line it would be kept after (with a time given)."""
    studio, folder = _studio(request), folder_of(request)
    if request.headers.get("content-type", "").startswith("multipart/"):
        form = await request.form(max_files=1, max_fields=5)
        question, at = await _heard(form, studio), form.get("time")
    else:
        data = await _json(request)
        question, at = str(data.get("question") or ""), data.get("time")
    answer = await run_in_threadpool(studio.join.ask, folder, question)
    return JSONResponse({**answer, "after": None if at in (None, "") else join.line_at(folder, _seconds(at))})


def _seconds(value: Any) -> float:
    try:
        return max(0.0, float(value))
    except (TypeError, ValueError):
        raise UsageError(f"The time {repr(value)[:40]} is not a number of seconds.") from None


async def _heard(form, studio) -> str:
    audio = form.get("audio")
    if not getattr(audio, "filename", None):
        raise UsageError("The form has no audio file.", 'Send the recording as the "audio" field.')
    saved = await _uploads(studio.folder / "questions", [audio])
    text = await run_in_threadpool(join.transcribe, Path(saved[0]), studio.settings)
    if not text:
        raise UsageError("No words were heard in the recording.", "Speak closer to the microphone, or type it.")
    return text


async def keep(request: Request) -> JSONResponse:
    """Put an exchange into script.json where the episode was paused, then re-render it."""
    studio, folder, data = _studio(request), folder_of(request), await _json(request)
    lines = data.get("lines")
    if not isinstance(lines, list) or not lines:
        raise UsageError('The body needs "lines" (the exchange) and "time" (seconds) or "after" (a line).')
    after = (
        data["after"] if isinstance(data.get("after"), int) else join.line_at(folder, _seconds(data.get("time") or 0))
    )
    try:
        first = join.keep(folder, after, lines)
    except (ValueError, KeyError, TypeError, RecursionError) as exc:
        raise UsageError(f"The exchange's lines are not valid ({str(exc)[:200]}).") from None
    submitted = studio.jobs.submit("render", folder.name, actions.render(folder, studio.settings))
    return JSONResponse({"inserted_at": first, "count": len(lines), "job": submitted.public()}, status_code=202)


async def publish(request: Request) -> JSONResponse:
    studio, data = _studio(request), await _json(request)
    base = str(data.get("base_url") or "") or studio.site_url(request)
    return _job(
        studio.jobs.submit("publish", "feed and site", actions.publish(studio.root, studio.site, studio.settings, base))
    )


# --- files


async def download(request: Request) -> FileResponse:
    folder = folder_of(request)
    files = listed_files(folder, recorded_metadata(folder))
    path = files.get(request.path_params["key"])
    if path is None or not served(path, folder):
        raise NotFound(f"The episode has no {request.path_params['key']!r} file.", "See its downloads.")
    return FileResponse(path)


async def clip(request: Request) -> FileResponse:
    name = request.path_params["name"]
    folder = _studio(request).clips
    if not join.clip_name(name) or not served(folder / name, folder):
        raise NotFound(f"No clip {name!r}.", "Speak the line first.")
    return FileResponse(folder / name, media_type="audio/wav")
