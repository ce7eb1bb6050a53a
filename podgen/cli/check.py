"""The check command: measure finished episodes, print what passed and what did not."""
from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.markup import escape
from rich.table import Table

from ..config import Settings
from ..errors import CheckFailed
from ._app import _with_progress, app, err, out, shown
from .options import LISTEN, STUDIO, VOICE, with_settings

MARKS = {"pass": "[green]pass[/]", "fail": "[bold red]FAIL[/]", "warn": "[yellow]warn[/]"}


@app.command()
@with_settings(LISTEN, VOICE, STUDIO)
def check(
    episode_dirs: list[Path] = typer.Argument(..., help="Episode folders (the ones `podgen make` wrote).",
                                              show_default=False),
    fix: bool = typer.Option(False, "--fix", help="Speak flagged lines again, re-mix and check again (a few rounds)."),
    as_json: bool = typer.Option(False, "--json", help="Print the reports as JSON on stdout instead of tables."),
    *, settings: Settings,
) -> None:
    """Check that episodes say what their scripts say and meet podcast standards; write check.json.

    Exit code 0 when every episode passes, 6 when one failed a check.

    Examples:

    * `podgen check episodes/dense-passage-retrieval`

    * `podgen check episodes/dense-passage-retrieval --fix`

    * `podgen check episodes/*/ --json`
    """
    from ..check import check_episode, fix_episode

    action = fix_episode if fix else check_episode
    reports, codes = [], []
    for folder in episode_dirs:
        try:
            reports.append(_with_progress(lambda bars, folder=folder: action(folder, settings, bars)))
        except typer.Exit as stop:  # a folder that cannot be checked: its error is printed; go on
            codes.append(stop.exit_code)
    if as_json:
        data = [r.to_dict() for r in reports]
        out.print_json(json.dumps(data[0] if len(data) == 1 and len(episode_dirs) == 1 else data))
    else:
        for report in reports:
            show(report)
    if codes or not all(r.passed for r in reports):
        raise typer.Exit(codes[0] if codes else CheckFailed.exit_code)


def show(report) -> None:
    """A report as a table: one row per finding, failures first."""
    table = Table(title=f"podgen check: {report.folder}", title_justify="left", show_lines=False)
    for name in ("result", "check", "line", "time", "what was found"):
        table.add_column(name, overflow="fold")
    order = {"fail": 0, "warn": 1, "pass": 2}
    for f in sorted(report.findings, key=lambda f: (order[_result(f)], f.time if f.time is not None else -1)):
        mark = MARKS[_result(f)]
        text = f.message if _result(f) == "pass" else _detail(f)
        table.add_row(mark, f.check, "" if f.line is None else str(f.line),
                      "" if f.time is None else f"{f.time:.1f}s", text)
    out.print(table)
    if report.measured.get("remixed"):
        out.print(f"  re-mixed {report.measured['remixed']} time(s) by --fix")
    for fix in report.fixes:
        out.print(f"  fixed line {fix.line} ({fix.take}): word error rate {fix.wer_before:.0%} -> {fix.wer_after:.0%}")
    m = report.measured
    figures = f"WER {m.get('wer', 0):.1%}, {m.get('loudness')} LUFS, true peak {m.get('true_peak')} dBTP"
    failed = len(report.failures)
    verdict = "[bold green]PASSED[/]" if report.passed else f"[bold red]FAILED[/] ({failed} failed check{'s' * (failed != 1)})"
    out.print(f"{verdict}: {figures}; report in {report.path}", highlight=False)


def _result(f) -> str:
    return "fail" if not f.passed else "warn" if f.severity == "warning" else "pass"


def _detail(f) -> str:
    parts = [f.message]
    if f.expected is not None:
        parts.append(f"script: {f.expected}")
    if f.heard is not None and f.check != "speech.pause":
        parts.append(f"heard:  {f.heard or '(nothing)'}")
    if f.effect:
        parts.append(f"[dim]{f.effect}[/]")
    return "\n".join(parts)


def summary(path: Path) -> None:
    """One line after make/render --check; exit 6 when the episode failed."""
    data = json.loads(path.read_text(encoding="utf-8"))
    failed = [f for f in data["findings"] if not f["passed"]]
    if not failed:
        out.print(f"  check: [green]passed[/] ({path})", highlight=False)
        return
    for f in failed:
        err.print(f"[bold red]check failed:[/] {escape(shown(f['check'] + ': ' + f['message']))}", highlight=False)
    out.print(f"  check: [bold red]FAILED[/] ({len(failed)} problems; podgen check {path.parent} --fix)", highlight=False)
    raise typer.Exit(CheckFailed.exit_code)
