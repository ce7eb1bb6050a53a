"""Commands that show what podgen sees: extract, voices, writers, doctor."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Sequence
from functools import partial
from typing import TYPE_CHECKING

import typer

from ..config import Settings
from ._app import app
from .console import out, run, with_progress
from .options import INGEST, LANGUAGE, LLM_BASE_URL, MODEL_FILE, SOURCES_HELP, TTS, TTS_BASE_URL, with_settings

if TYPE_CHECKING:
    from ..llm import Endpoint


@app.command()
@with_settings(INGEST)
def extract(
    sources: list[str] = typer.Argument(..., help=SOURCES_HELP, show_default=False),
    as_json: bool = typer.Option(False, "--json", help="Print the Document as JSON (title, sections, source, meta)."),
    *,
    settings: Settings,
) -> None:
    """Print the cleaned text podgen reads from documents, as Markdown (or JSON).

    Examples:

    * `podgen extract paper.pdf > paper.md`

    * `podgen extract https://example.org/article --json`
    """
    from ..ingest import extract_all

    document = with_progress(lambda bars: extract_all(sources, settings, bars))
    sys.stdout.write(document.to_json() if as_json else document.to_markdown())


@app.command()
@with_settings((TTS, TTS_BASE_URL, LANGUAGE))
def voices(*, settings: Settings) -> None:
    """List the voice backends, their voices for the language, and the hosts' default voices.
    Voices that speak without a download (Piper, Kokoro) are marked "(cached)".

    Examples:

    * `podgen voices`

    * `podgen voices --tts edge --language de`
    """
    from ..registry import voices as registry

    names = registry.names() if settings.tts == "auto" else [settings.tts]
    for name in names:
        backend = run(partial(registry.create, name, settings))
        listed, cast = run(backend.voices), run(partial(backend.default_voices, settings.language))
        here = getattr(backend, "is_cached", None)
        listed = [f"{voice} (cached)" if here and run(partial(here, voice)) else voice for voice in listed]
        why = getattr(backend, "why_none", None)
        none = f"(none for {settings.language}{': ' + run(why) if why and run(why) else ''})"
        out.print(f"[bold]{name}[/]: {', '.join(listed) or none}", highlight=False)
        if cast:
            out.print(f"  hosts' default voices: {', '.join(cast)}", highlight=False)


@app.command()
@with_settings((LLM_BASE_URL, MODEL_FILE))
def writers(*, settings: Settings) -> None:
    """List the script writers, and what `--llm auto` finds, in the order it tries them.

    Examples:

    * `podgen writers`

    * `podgen writers --llm-base-url http://localhost:11434/v1`
    """
    for line in run(lambda: writer_lines(settings)):
        out.print(line, highlight=False, markup=False)


def writer_lines(settings: Settings, ports: Sequence[tuple[str, int]] | None = None) -> list[str]:
    """The listing: the registry's writers, then each writer `auto` could use, its first choice marked.

    ``ports``: the local servers to look for [default: the usual ones, ``discover.KNOWN``]."""
    from ..llm import find_endpoint
    from ..redact import text
    from ..registry import writers as registry

    endpoint = find_endpoint(settings.llm_base_url, os.environ)
    choices = [*_endpoint_lines(endpoint), *_server_lines(ports), *_gguf_lines(settings), "offline: always available"]
    choices[0] += "  <- auto's choice"
    lines = [f"writers: {', '.join(registry.names())}", "auto tries, in order:", *(f"  {c}" for c in choices)]
    lines += _model_lines()
    return [text(line, [endpoint.api_key] if endpoint and endpoint.has_key else []) for line in lines]


def _model_lines() -> list[str]:
    """GGUF models for the local writer (or Ollama), and the one this machine should run."""
    from ..llm import recommend

    free, count = recommend.free_memory_gb(), recommend.cores()
    best = recommend.recommended(free, count)
    return [
        f"models for --llm local or Ollama (this machine: {count} cores, {free:.1f} GB free):",
        *(f"  {line}" for line in recommend.table(free, count)),
        f"recommended here: {best.name}; {recommend.advice(free, count)}",
    ]


def _endpoint_lines(endpoint: Endpoint | None) -> list[str]:
    """The configured endpoint (API key or base URL), if any; never the key itself."""
    from ..redact import url

    if endpoint is None:
        return []
    if endpoint.display in endpoint.reason:
        detail = "an API key is set" if endpoint.has_key else "no API key"
    else:
        detail = endpoint.base_url
    return [f"openai: {url(endpoint.reason)} ({url(detail)})"]


def _gguf_lines(settings: Settings) -> list[str]:
    """The GGUF model the local writer would run without a download, if any."""
    from ..write.auto import local_model

    found = local_model(settings)
    return (
        [f"local: {found} ({'--model-file' if settings.model_file else 'in the Hugging Face cache'})"] if found else []
    )


def _server_lines(ports: Sequence[tuple[str, int]] | None) -> list[str]:
    """Each local OpenAI-compatible server that answers, with its models and the one auto would use."""
    from ..llm.discover import KNOWN, find_local_servers, pick_model

    return [
        f"{found.name}: {found.base_url} serves {', '.join(found.models)} (chat model: {pick_model(found)})"
        for found in find_local_servers(KNOWN if ports is None else ports)
    ]


@app.command()
@with_settings((LLM_BASE_URL, MODEL_FILE, TTS_BASE_URL, LANGUAGE))
def doctor(
    as_json: bool = typer.Option(False, "--json", help="Print the report as JSON, for a bug report."),
    *,
    settings: Settings,
) -> None:
    """Show what this machine has for podgen and what it could have: versions, extras, writers,
    voices, ffmpeg, Whisper models, Chromium and the caches, with the command for what is missing.

    Examples:

    * `podgen doctor`

    * `podgen doctor --json > doctor.json`

    * `podgen doctor --language de --llm-base-url http://localhost:11434/v1`
    """

    from ..doctor import diagnose

    report = run(lambda: diagnose(settings))
    if as_json:
        sys.stdout.write(json.dumps(report.to_dict(), indent=2) + "\n")
        return
    for line in doctor_lines(report):
        out.print(line, highlight=False, markup=False)


def doctor_lines(report) -> list[str]:
    """The report as text: a heading per part, a line per finding, what to do under each missing one."""
    from ..doctor import size

    v = report.versions
    lines = [
        f"podgen {v['podgen']} on Python {v['python']} ({v['implementation']}), {v['platform']}, {v['cores']} cores",
        f"  {v['executable']}",
        "",
        "libraries",
    ]
    have = [f"{name} {version}" for name, version in report.libraries.items() if version]
    lines += [f"  {chunk}" for chunk in _wrap(have)]
    missing = [name for name, version in report.libraries.items() if not version]
    if missing:
        lines += [f"  not installed: {chunk}" for chunk in _wrap(missing)]
    for title, findings in (
        ("extras", report.extras),
        ("writers", report.writers),
        ("voices", report.voices),
        ("tools", report.tools),
    ):
        lines += ["", title]
        for finding in findings:
            lines.append(f"  {'ok ' if finding.ok else 'no '} {finding.name}: {finding.detail}")
            if finding.fix and not finding.ok:
                lines.append(f"       -> {finding.fix}")
    lines += ["", "caches"] + [f"  {c['name']}: {c['path']} ({size(c['bytes'])})" for c in report.caches]
    return lines


def _wrap(words: list[str], width: int = 100) -> list[str]:
    lines, line = [], ""
    for word in words:
        if line and len(line) + len(word) + 2 > width:
            lines.append(line + ",")
            line = ""
        line = f"{line}, {word}" if line else word
    return [*lines, line] if line else lines
