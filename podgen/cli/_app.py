"""The app, its consoles, and what every command shares: one-line errors, settings, progress."""
from __future__ import annotations

import logging
import os
import re
import signal
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable, Optional

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, Progress, ProgressColumn, Task, TaskID, TextColumn, TimeElapsedColumn
from rich.text import Text

from .. import redact
from ..about import __version__
from ..contracts import Progress as Report
from ..errors import PodgenError
from ..llm.client import TOKENS

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    rich_markup_mode="markdown",
    help="Turn documents into a finished two-host podcast episode.\n\n"
    "Examples:\n\n"
    "* `podgen make paper.pdf` — make `episodes/<slug>/episode.mp3` and friends\n\n"
    "* `podgen render episodes/<slug>` — re-make the audio after editing script.json\n\n"
    "* `podgen extract paper.pdf` — print the text podgen reads, as Markdown",
)
out = Console(soft_wrap=True, emoji=False)
err = Console(stderr=True, soft_wrap=True, emoji=False)
state = {"debug": False}

STAGES = {"batch": "Documents", "ingest": "Reading sources", "pages": "Reading PDF pages", "ocr": "OCR (pages)",
          "download": "Downloading (KB)", "text": "Cleaning text (KB)",
          "transcribe": "Transcribing (min)", "write": "Writing the script", "tokens": "  model answering",
          "speak": "Speaking lines",
          "mix": "Mixing audio", "check": "Checking"}


def _version(value: bool) -> None:
    if value:
        out.print(f"podgen {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    debug: bool = typer.Option(False, "--debug", help="Show debug logs and full tracebacks."),
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Show the version."),
) -> None:
    state["debug"] = debug
    handler = _ConsoleHandler()
    handler.setFormatter(_LogFormat(debug))
    logging.basicConfig(level=logging.DEBUG if debug else logging.WARNING, handlers=[handler], force=True)


class _ConsoleHandler(logging.Handler):
    """Log lines go through the same console as the progress bars, so they print above them."""

    def emit(self, record: logging.LogRecord) -> None:
        err.print(shown(self.format(record)), highlight=False, markup=False)


class _LogFormat(logging.Formatter):
    """`warning: message` for users; level, logger and message with --debug."""

    def __init__(self, debug: bool):
        super().__init__("%(levelname)s %(name)s: %(message)s" if debug else None)
        self.debug = debug

    def format(self, record: logging.LogRecord) -> str:
        if self.debug:
            return super().format(record)
        return f"{record.levelname.lower()}: {record.getMessage()}"


_UNPRINTABLE_RE = re.compile("[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2066-\u2069\ufeff]")


def shown(text: str) -> str:
    """``text`` as it may reach a terminal: control characters (a newline or an escape sequence
    in a file name) written as Python writes them (``\\n``, ``\\x1b``), so an error stays one line
    and cannot clear the screen; URL credentials and the API key left out. (Only those: the
    key-like patterns of ``redact.text`` would also mask file names such as "sk-...".)"""
    key = os.environ.get("OPENAI_API_KEY", "")
    text = redact.url(text)
    text = text.replace(key, redact.MASK) if len(key) >= 8 else text
    return _UNPRINTABLE_RE.sub(lambda m: repr(m.group(0))[1:-1], text)


def fail(message: str) -> None:
    """Print ``message`` as podgen's one-line error."""
    err.print(f"[bold red]error:[/] {escape(shown(message))}", highlight=False, soft_wrap=True)


class _Terminated(BaseException):
    """SIGTERM, as an exception: temporary files and folders are removed on the way out."""


def _on_sigterm(signum: int, frame: Any) -> None:
    raise _Terminated()


@contextmanager
def _sigterm_unwinds():
    """While the library works, SIGTERM unwinds the stack (``finally`` blocks run) instead of
    ending the process on the spot."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, _on_sigterm)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def run(action: Callable[[], Any]) -> Any:
    """Call the library; map its errors to one line on stderr and an exit code."""
    try:
        with _sigterm_unwinds():
            return action()
    except PodgenError as exc:
        if state["debug"]:
            err.print_exception()
        fail(exc.message + (f" {exc.hint}" if exc.hint else ""))
        raise typer.Exit(exc.exit_code)
    except OSError as exc:  # the file system said no: a path, a permission, a full disk
        if state["debug"]:
            err.print_exception()
        where = f": {exc.filename}" if exc.filename else ""
        fail(f"{exc.strerror or exc}{where}. Check the path, its permissions and free space.")
        raise typer.Exit(1)
    except KeyboardInterrupt:
        err.print("[yellow]interrupted:[/] run the same command again to resume where it stopped.")
        raise typer.Exit(130)
    except _Terminated:
        err.print("[yellow]terminated:[/] run the same command again to resume where it stopped.")
        raise typer.Exit(143)
    except Exception as exc:  # a bug: say so in one line unless --debug
        if state["debug"]:
            raise
        fail(f"unexpected {type(exc).__name__}: {exc} (run with --debug for details)")
        raise typer.Exit(70)


def settings_from(config: Optional[Path], overrides: dict[str, Any]):
    """Settings from flags (``overrides``; None = not given) > environment > file > defaults."""
    from ..config import load_settings

    return run(lambda: load_settings(overrides, config))


class _Bars:
    """Rich progress bars driven by the library's (stage, done, total) callback."""

    def __init__(self, progress: Progress):
        self.progress = progress
        self.tasks: dict[str, TaskID] = {}

    def __call__(self, stage: str, done: int, total: int) -> None:
        if stage not in self.tasks:
            self.tasks[stage] = self.progress.add_task(STAGES.get(stage, stage), total=total, rate=stage == TOKENS)
        elif stage == TOKENS and done < self.progress.tasks[self.tasks[stage]].completed:
            self.progress.reset(self.tasks[stage], total=total, rate=True)  # the next answer
        self.progress.update(self.tasks[stage], completed=done, total=total)


class _Rate(ProgressColumn):
    """Tokens per second, on the bar of the answer being streamed."""

    def render(self, task: Task) -> Text:
        if not task.fields.get("rate") or not task.speed:
            return Text("")
        return Text(f"{task.speed:.1f} tokens/s")


def _with_progress(action: Callable[[Report], Any]) -> Any:
    columns = [TextColumn("{task.description:<20}"), BarColumn(), TextColumn("{task.completed}/{task.total}"),
               TimeElapsedColumn(), _Rate()]
    with Progress(*columns, console=err, transient=False, disable=not err.is_terminal) as progress:
        return run(lambda: action(_Bars(progress)))


def produce(action: Callable[[Report], Any]) -> None:
    """Run an episode-making ``action`` under progress bars, then print the summary."""
    start = time.perf_counter()
    episode = _with_progress(action)
    _summary(episode, time.perf_counter() - start)


def _summary(episode, elapsed: float) -> None:
    minutes, seconds = divmod(round(episode.duration), 60)
    done = "Up to date" if episode.timings.get("mix") == 0.0 else "Made"  # nothing had changed
    out.print(f"[bold green]{done}[/] {episode.title!r}: {minutes}:{seconds:02d} of audio in {elapsed:.1f}s")
    for name in ("audio", "metadata"):
        if name in episode.files:
            out.print(f"  {episode.files[name]}", highlight=False)
    out.print(f"  script: {episode.folder / 'script.json'} (edit it, then: podgen render {episode.folder})",
              highlight=False)
    cover = episode.files["cover"].name if "cover" in episode.files else "cover.png"
    out.print(f"  transcripts: transcript.vtt, transcript.srt, transcript.json; chapters.json; {cover}",
              highlight=False)
    if "voices" in episode.stats:
        out.print(f"  voices: {episode.stats['voices']}", highlight=False)
    _writing(episode.stats)
    if "check" in episode.files:
        from .check import summary

        summary(episode.files["check"])


def produce_script(action: Callable[[Report], Any], words_per_minute: int) -> None:
    """Run a script-writing ``action`` under progress bars, then say where the script is."""
    folder, script = _with_progress(action)
    minutes = script.word_count() / words_per_minute
    out.print(f"[bold green]Wrote[/] {script.title!r}: {len(script.lines)} lines, {script.word_count()} words "
              f"(about {minutes:.1f} minutes)")
    out.print(f"  {folder / 'script.json'} (read or edit it, then: podgen render {folder})", highlight=False)
    _writing(script.stats)


def _writing(stats: dict[str, Any]) -> None:
    """The writer's line of the summary: which writer and why, requests, tokens, time."""
    if not stats:
        return
    line = f"  writer: {stats.get('writer_reason', '')}"
    if "requests" in stats:
        line += (f"; {stats['requests']} requests ({stats['cached']} from cache), {stats['tokens_in']:,} tokens in, "
                 f"{stats['tokens_out']:,} out")
    if stats.get("tokens_per_second"):
        line += f"; the model wrote {stats['tokens_per_second']:.1f} tokens/s"
    if "write_seconds" in stats:
        line += f"; writing took {stats['write_seconds']:.1f}s"
    out.print(line, highlight=False)
    if stats.get("fallback_segments"):
        out.print(f"  fallback: {stats['fallback_segments']} chapter(s) the model could not write were read from "
                  "the source by the offline writer (listed in script.json)", highlight=False)


def main() -> None:
    app()
