"""The studio command: a local web app over the same library the other commands call."""

from __future__ import annotations

import webbrowser

import typer

from ..config import Settings
from ._app import app
from .console import err, out, run
from .options import OUTPUT, VOICE, with_settings


@app.command()
@with_settings(OUTPUT, VOICE)
def studio(
    host: str = typer.Option(
        "127.0.0.1", "--host", help="Address to listen on; another than loopback needs --allow-remote."
    ),
    port: int = typer.Option(8765, "--port", "-p", help="Port (0: any free port)."),
    open_browser: bool = typer.Option(False, "--open", help="Also open the studio in the web browser."),
    allow_remote: bool = typer.Option(
        False,
        "--allow-remote",
        help="Allow a --host other machines can reach (anyone with the token can then use the studio).",
    ),
    *,
    settings: Settings,
) -> None:
    """Make, edit, listen to, question and publish episodes in a local web app. Ctrl-C stops.

    It prints the address to open, with its token: `http://127.0.0.1:8765/?token=...`

    Examples:

    * `podgen studio`

    * `podgen studio --open -o episodes/`
    """
    from ..studio import serve

    def ready(url: str) -> None:
        out.print(f"podgen studio: {url}", highlight=False, markup=False, soft_wrap=True)
        if host not in ("127.0.0.1", "localhost", "::1"):
            err.print(
                f"[yellow]warning:[/] the studio listens on {host}: other machines can reach it.", highlight=False
            )
        if open_browser:
            webbrowser.open(url)

    run(lambda: serve(settings, host, port, allow_remote, ready))
