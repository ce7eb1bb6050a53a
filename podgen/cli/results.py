"""What a command made, printed: an episode's summary, a script's, a check's table and verdict."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import typer
from rich.markup import escape
from rich.table import Table

from ..contracts import Progress as Report
from ..errors import CheckFailed
from ..folder import CHAPTERS, COVER, SCRIPT, TRANSCRIPTS
from .console import err, out, shown, with_progress

MARKS = {"pass": "[green]pass[/]", "fail": "[bold red]FAIL[/]", "warn": "[yellow]warn[/]"}


def produce(action: Callable[[Report], Any]) -> None:
    """Run an episode-making ``action`` under progress bars, then print the summary."""
    start = time.perf_counter()
    episode = with_progress(action)
    _summary(episode, time.perf_counter() - start)


def _summary(episode, elapsed: float) -> None:
    minutes, seconds = divmod(round(episode.duration), 60)
    done = "Up to date" if episode.timings.get("mix") == 0.0 else "Made"  # nothing had changed
    out.print(f"[bold green]{done}[/] {episode.title!r}: {minutes}:{seconds:02d} of audio in {elapsed:.1f}s")
    for name in ("audio", "metadata"):
        if name in episode.files:
            out.print(f"  {episode.files[name]}", highlight=False)
    out.print(f"  script: {episode.folder / SCRIPT} (edit it, then: podgen render {episode.folder})", highlight=False)
    cover = episode.files["cover"].name if "cover" in episode.files else COVER
    out.print(f"  transcripts: {', '.join(TRANSCRIPTS)}; {CHAPTERS}; {cover}", highlight=False)
    for kind in ("video", "short"):
        if kind in episode.files:
            out.print(f"  {kind}: {episode.files[kind]}", highlight=False)
    if "voices" in episode.stats:
        out.print(f"  voices: {episode.stats['voices']}", highlight=False)
    _writing(episode.stats)
    if "check" in episode.files:
        check_summary(episode.files["check"])


def produce_script(action: Callable[[Report], Any], words_per_minute: int) -> None:
    """Run a script-writing ``action`` under progress bars, then say where the script is."""
    folder, script = with_progress(action)
    minutes = script.word_count() / words_per_minute
    out.print(
        f"[bold green]Wrote[/] {script.title!r}: {len(script.lines)} lines, {script.word_count()} words "
        f"(about {minutes:.1f} minutes)"
    )
    out.print(f"  {folder / SCRIPT} (read or edit it, then: podgen render {folder})", highlight=False)
    _writing(script.stats)


def _writing(stats: dict[str, Any]) -> None:
    """The writer's line of the summary: which writer and why, requests, tokens, time."""
    if not stats:
        return
    line = f"  writer: {stats.get('writer_reason', '')}"
    if "requests" in stats:
        line += (
            f"; {stats['requests']} requests ({stats['cached']} from cache), {stats['tokens_in']:,} tokens in, "
            f"{stats['tokens_out']:,} out"
        )
    if stats.get("tokens_per_second"):
        line += f"; the model wrote {stats['tokens_per_second']:.1f} tokens/s"
    if "write_seconds" in stats:
        line += f"; writing took {stats['write_seconds']:.1f}s"
    if "first_audio_seconds" in stats:
        line += f"; first audio after {stats['first_audio_seconds']:.1f}s"
    out.print(line, highlight=False)
    coverage = stats.get("coverage") or {}
    if coverage.get("key_sections"):
        missing = f" (left out: {', '.join(coverage['missing'])})" if coverage.get("missing") else ""
        out.print(
            f"  coverage: {coverage['covered']} of the document's {coverage['key_sections']} key sections{missing}",
            highlight=False,
        )
    if stats.get("unsupported_claims"):
        out.print(
            f"  unsupported: {stats['unsupported_claims']} line(s) say what the source does not "
            "(listed in script.json as unsupported_claims): check them before publishing",
            highlight=False,
        )
    if stats.get("advice"):
        out.print(f"  for a real conversation: {stats['advice']}", highlight=False)
    if stats.get("fallback_segments"):
        out.print(
            f"  fallback: {stats['fallback_segments']} chapter(s) the model could not write were read from "
            "the source by the offline writer (listed in script.json)",
            highlight=False,
        )


def check_table(report) -> None:
    """A report as a table: one row per finding, failures first."""
    table = Table(title=f"podgen check: {report.folder}", title_justify="left", show_lines=False)
    for name in ("result", "check", "line", "time", "what was found"):
        table.add_column(name, overflow="fold")
    order = {"fail": 0, "warn": 1, "pass": 2}
    for f in sorted(report.findings, key=lambda f: (order[_result(f)], f.time if f.time is not None else -1)):
        mark = MARKS[_result(f)]
        text = f.message if _result(f) == "pass" else _detail(f)
        table.add_row(
            mark, f.check, "" if f.line is None else str(f.line), "" if f.time is None else f"{f.time:.1f}s", text
        )
    out.print(table)
    if report.measured.get("remixed"):
        out.print(f"  re-mixed {report.measured['remixed']} time(s) by --fix")
    for fix in report.fixes:
        out.print(f"  fixed line {fix.line} ({fix.take}): word error rate {fix.wer_before:.0%} -> {fix.wer_after:.0%}")
    m = report.measured
    figures = f"WER {m.get('wer', 0):.1%}, {m.get('loudness')} LUFS, true peak {m.get('true_peak')} dBTP"
    failed = len(report.failures)
    verdict = (
        "[bold green]PASSED[/]"
        if report.passed
        else f"[bold red]FAILED[/] ({failed} failed check{'s' * (failed != 1)})"
    )
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


def check_summary(path: Path) -> None:
    """One line after make/render --check; exit 6 when the episode failed."""
    data = json.loads(path.read_text(encoding="utf-8"))
    failed = [f for f in data["findings"] if not f["passed"]]
    if not failed:
        out.print(f"  check: [green]passed[/] ({path})", highlight=False)
        return
    for f in failed:
        err.print(f"[bold red]check failed:[/] {escape(shown(f['check'] + ': ' + f['message']))}", highlight=False)
    out.print(
        f"  check: [bold red]FAILED[/] ({len(failed)} problems; podgen check {path.parent} --fix)", highlight=False
    )
    raise typer.Exit(CheckFailed.exit_code)
