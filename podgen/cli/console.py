"""What every command shares: the two consoles, one-line errors, settings, progress bars.

The library never prints; these are the only places that do (with ``results`` for what a
command made, and the command modules for their own tables)."""

from __future__ import annotations

import os
import re
import signal
import threading
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, Progress, ProgressColumn, Task, TaskID, TextColumn, TimeElapsedColumn
from rich.text import Text

from .. import redact
from ..contracts import PROGRESS_LABELS
from ..contracts import Progress as Report
from ..errors import FileSystemError, PodgenError
from ..llm.client import TOKENS

out = Console(soft_wrap=True, emoji=False)
err = Console(stderr=True, soft_wrap=True, emoji=False)
state = {"debug": False}


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
        raise typer.Exit(exc.exit_code) from None
    except OSError as exc:  # the file system said no: a path, a permission, a full disk
        if state["debug"]:
            err.print_exception()
        error = FileSystemError.of(exc)
        fail(f"{error.message} {error.hint}")
        raise typer.Exit(1) from None
    except KeyboardInterrupt:
        err.print("[yellow]interrupted:[/] run the same command again to resume where it stopped.")
        raise typer.Exit(130) from None
    except _Terminated:
        err.print("[yellow]terminated:[/] run the same command again to resume where it stopped.")
        raise typer.Exit(143) from None
    except Exception as exc:  # a bug: say so in one line unless --debug
        if state["debug"]:
            raise
        fail(f"unexpected {type(exc).__name__}: {exc} (run with --debug for details)")
        raise typer.Exit(70) from None


def settings_from(config: Path | None, overrides: dict[str, Any]):
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
            self.tasks[stage] = self.progress.add_task(_label(stage), total=total, rate=stage == TOKENS)
        elif stage == TOKENS and done < self.progress.tasks[self.tasks[stage]].completed:
            self.progress.reset(self.tasks[stage], total=total, rate=True)  # the next answer
        self.progress.update(self.tasks[stage], completed=done, total=total)


class _Rate(ProgressColumn):
    """Tokens per second, on the bar of the answer being streamed."""

    def render(self, task: Task) -> Text:
        if not task.fields.get("rate") or not task.speed:
            return Text("")
        return Text(f"{task.speed:.1f} tokens/s")


def with_progress(action: Callable[[Report], Any]) -> Any:
    columns = [
        TextColumn("{task.description:<20}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(),
        _Rate(),
    ]
    with Progress(*columns, console=err, transient=False, disable=not err.is_terminal) as progress:
        return run(lambda: action(_Bars(progress)))


def _label(stage: str) -> str:
    """A progress bar's label; the model's answering is shown under the writing, indented."""
    label = PROGRESS_LABELS.get(stage, stage)
    return f"  {label[0].lower()}{label[1:]}" if stage == TOKENS else label
