"""Commands that show what podgen sees: extract, voices."""
from __future__ import annotations

import sys
import typer

from ..config import Settings
from ._app import with_progress, app, out, run
from .options import INGEST, SOURCES_HELP, with_settings


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

    document = with_progress(lambda bars: extract_all(sources, settings, bars))
    sys.stdout.write(document.to_json() if as_json else document.to_markdown())


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
