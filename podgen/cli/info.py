"""Commands that show what podgen sees: extract, voices."""
from __future__ import annotations

import sys
from pathlib import Path

import typer

from ..config import Settings
from ._app import app, out, run
from .options import INGEST, with_settings


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
@with_settings()
def voices(*, settings: Settings) -> None:
    """List the voice backends and their voices.

    Example: `podgen voices`
    """
    from ..speak import voices as registry

    for name in registry.names():
        backend = run(lambda: registry.create(name, settings))
        out.print(f"[bold]{name}[/]: {', '.join(backend.voices())}", highlight=False)
