"""The check command: measure finished episodes, print what passed and what did not."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from ..config import Settings
from ..errors import CheckFailed
from ._app import app
from .console import out, with_progress
from .options import LISTEN, STUDIO, VOICE, with_settings
from .results import check_table


@app.command()
@with_settings(LISTEN, VOICE, STUDIO)
def check(
    episode_dirs: list[Path] = typer.Argument(
        ..., help="Episode folders (the ones `podgen make` wrote).", show_default=False
    ),
    fix: bool = typer.Option(False, "--fix", help="Speak flagged lines again, re-mix and check again (a few rounds)."),
    as_json: bool = typer.Option(False, "--json", help="Print the reports as JSON on stdout instead of tables."),
    *,
    settings: Settings,
) -> None:
    """Check that episodes say what their scripts say and meet podcast standards; write check.json.

    Exit code 0 when every episode passes, 6 when one failed a check.

    Examples:

    * `podgen check episodes/dense-passage-retrieval`

    * `podgen check episodes/dense-passage-retrieval --fix`

    * `podgen check episodes/*/ --json`
    """
    from ..check import check_episode
    from ..fix import fix_episode

    action = fix_episode if fix else check_episode
    reports, codes = [], []
    for folder in episode_dirs:
        try:
            reports.append(with_progress(lambda bars, folder=folder: action(folder, settings, bars)))
        except typer.Exit as stop:  # a folder that cannot be checked: its error is printed; go on
            codes.append(stop.exit_code)
    if as_json:
        data = [r.to_dict() for r in reports]
        out.print_json(json.dumps(data[0] if len(data) == 1 and len(episode_dirs) == 1 else data))
    else:
        for report in reports:
            check_table(report)
    if codes or not all(r.passed for r in reports):
        raise typer.Exit(codes[0] if codes else CheckFailed.exit_code)
