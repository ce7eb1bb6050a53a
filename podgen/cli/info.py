"""Commands that show what podgen sees: extract, voices."""
from __future__ import annotations

import sys
from pathlib import Path

import typer

from ..config import Settings
from ._app import app, out, run
from .options import INGEST, LANGUAGE, TTS, TTS_BASE_URL, with_settings


@app.command()
@with_settings(INGEST)
def extract(
    source: Path = typer.Argument(..., help="A document: .pdf, .md, .txt.", show_default=False),
    *, settings: Settings,
) -> None:
    """Print the cleaned text podgen reads from a document, as Markdown.

    Example: `podgen extract paper.pdf > paper.md`
    """
    from ..ingest import extract as extract_document

    document = run(lambda: extract_document(source, settings))
    sys.stdout.write(document.to_markdown())


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
