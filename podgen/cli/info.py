"""Commands that show what podgen sees: extract, voices."""
from __future__ import annotations

import sys

import typer

from ..config import Settings
from ._app import _with_progress, app, out, run
from .options import INGEST, LANGUAGE, SOURCES_HELP, TTS, TTS_BASE_URL, with_settings


@app.command()
@with_settings(INGEST)
def extract(
    sources: list[str] = typer.Argument(..., help=SOURCES_HELP, show_default=False),
    as_json: bool = typer.Option(False, "--json", help="Print the Document as JSON (title, sections, source, meta)."),
    *, settings: Settings,
) -> None:
    """Print the cleaned text podgen reads from documents, as Markdown (or JSON).

    Examples:

    * `podgen extract paper.pdf > paper.md`

    * `podgen extract https://example.org/article --json`
    """
    from ..ingest import extract_all

    document = _with_progress(lambda bars: extract_all(sources, settings, bars))
    sys.stdout.write(document.to_json() if as_json else document.to_markdown())


@app.command()
@with_settings((TTS, TTS_BASE_URL, LANGUAGE))
def voices(*, settings: Settings) -> None:
    """List the voice backends, their voices for the language, and the hosts' default voices.

    Examples:

    * `podgen voices`

    * `podgen voices --tts edge --language de`
    """
    from ..speak import voices as registry

    names = registry.names() if settings.tts == "auto" else [settings.tts]
    for name in names:
        backend = run(lambda: registry.create(name, settings))
        listed, cast = run(backend.voices), run(lambda: backend.default_voices(settings.language))
        out.print(f"[bold]{name}[/]: {', '.join(listed) or '(none for ' + settings.language + ')'}", highlight=False)
        if cast:
            out.print(f"  hosts' default voices: {', '.join(cast)}", highlight=False)
