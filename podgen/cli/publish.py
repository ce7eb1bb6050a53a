"""Commands that publish episodes: feed (feed + site), serve (a local preview)."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.markup import escape

from ..config import Settings
from ._app import app
from .console import err, out, run, shown
from .options import SHOW, with_settings


@app.command()
@with_settings(SHOW)
def feed(
    episodes_dir: Path = typer.Argument(
        ..., help="Folder of episode folders (podgen make/batch -o).", show_default=False
    ),
    site_dir: Path = typer.Option(Path("site"), "-o", "--output", help="Folder to write the feed and site into."),
    only_checked: bool = typer.Option(
        False, "--only-checked", help="Leave out episodes whose check.json is missing or did not pass."
    ),
    *,
    settings: Settings,
) -> None:
    """Write a podcast feed (feed.xml) and a web site of the episodes, ready to upload as they are.

    Examples:

    * `podgen feed episodes/ --base-url https://pods.example.org/ml -o site/`

    * `podgen feed episodes/ --base-url https://pods.example.org/ml --only-checked --show-title "ML papers"`
    """
    from ..publish import publish

    report = run(lambda: publish(episodes_dir, site_dir, settings, only_checked))
    for name, reason in report.skipped:
        err.print(f"[yellow]left out[/] {escape(shown(name))}: {escape(shown(reason))}", highlight=False)
    out.print(f"[bold green]Published[/] {len(report.episodes)} episodes into {escape(str(site_dir))}", highlight=False)
    out.print(
        f"  feed: {report.feed}\n  site: {report.index}  (preview: podgen serve {site_dir})",
        highlight=False,
        markup=False,
    )


@app.command()
def serve(
    site_dir: Path = typer.Argument(Path("site"), help="The folder podgen feed wrote."),
    port: int = typer.Option(8000, "--port", "-p", help="Port on 127.0.0.1 (0: any free port)."),
) -> None:
    """Serve the site on 127.0.0.1 for a preview (range requests, so players can seek). Ctrl-C stops.

    Example: `podgen serve site/ --port 8000`
    """
    from ..publish.serve import serve as serve_site

    def ready(url: str) -> None:
        out.print(f"Serving {site_dir} at {url}", highlight=False, markup=False)

    run(lambda: serve_site(site_dir, port, ready))
