"""The batch command: a folder of documents becomes episodes, here or on a Dask cluster."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.markup import escape
from rich.table import Table

from ..config import Settings
from ._app import app
from .console import err, out, shown, with_progress
from .options import EPISODE, with_settings

STYLE = {"made": "green", "skipped": "dim", "failed": "bold red"}


@app.command()
@with_settings(EPISODE)
def batch(
    folder: Path = typer.Argument(..., help="Folder of documents.", show_default=False),
    recursive: bool = typer.Option(False, "-r", "--recursive", help="Also look in subfolders."),
    jobs: int = typer.Option(1, "-j", "--jobs", min=1, max=64, help="Documents made at the same time (processes)."),
    scheduler: str | None = typer.Option(
        None,
        "--scheduler",
        help="Run on the Dask cluster at this address, e.g. tcp://10.0.0.5:8786.",
        show_default=False,
    ),
    *,
    settings: Settings,
) -> None:
    """Make an episode of every document in a folder; re-runs skip the unchanged ones.

    Takes every option of `podgen make`. Prints a line per document and a table at the end, and
    writes it to `<output>/batch-report.json`. Exits 1 if any document failed.

    Examples:

    * `podgen batch papers/ -o episodes/ --jobs 2`

    * `podgen batch papers/ -r --minutes 3`

    * `podgen batch papers/ --scheduler tcp://10.0.0.5:8786`
    """
    from ..batch import REPORT, run_batch

    report = with_progress(
        lambda bars: run_batch(
            folder, settings, recursive=recursive, jobs=jobs, scheduler=scheduler, progress=bars, on_outcome=_line
        )
    )
    _table(report)
    out.print(f"Report: {settings.output_dir / REPORT}", highlight=False)
    if report.failed:
        raise typer.Exit(1)


def _line(outcome) -> None:
    where = outcome.reason if outcome.status == "failed" else outcome.folder
    if outcome.status == "made":
        where = f"{where} ({outcome.seconds:.1f}s)"
    err.print(
        f"[{STYLE[outcome.status]}]{outcome.status:>7}[/] {escape(shown(Path(outcome.source).name))}: "
        f"{escape(shown(where or ''))}",
        highlight=False,
    )


def _table(report) -> None:
    table = Table(
        title=f"{report.count('made')} made, {report.count('skipped')} skipped, {report.count('failed')} failed"
    )
    for column in ("", "document", "episode or reason"):
        table.add_column(column, overflow="fold")
    for o in report.outcomes:
        detail = shown(o.reason if o.status == "failed" else o.folder or "")
        if o.failed_checks:
            detail += "\nchecks failed: " + shown("; ".join(o.failed_checks))
        table.add_row(f"[{STYLE[o.status]}]{o.status}[/]", escape(shown(Path(o.source).name)), escape(detail))
    out.print(table)
