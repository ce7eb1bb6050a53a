"""The app: the typer application, its global options (--debug, --version) and the log handler.

Commands register themselves on ``app`` from their own modules; what they share is in ``console``.
"""

from __future__ import annotations

import logging

import typer

from ..about import __version__
from .console import err, out, shown, state

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
    if not debug:  # a download's progress: the only info lines shown
        logging.getLogger("podgen.hub").setLevel(logging.INFO)


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


def main() -> None:
    app()
