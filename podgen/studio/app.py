"""``podgen studio``: a local web app over the library: make, edit, listen to, question and publish episodes.

The app is Starlette with Jinja2 templates and plain JavaScript (no build step, nothing loaded
from elsewhere). The episode page's player is the site's own (``publish/templates/player.js``).
The studio keeps its state beside the episodes, in ``<episodes>/.studio/``: jobs, uploads,
recorded questions, answer clips and the published site.
"""

from __future__ import annotations

import ipaddress
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..about import pip_install
from ..config import Settings
from ..errors import MissingDependency, PodgenError, UsageError
from ..publish.serve import bind
from .jobs import Jobs
from .join import Join
from .routes import routes
from .security import Guard, new_token, shown_paths

log = logging.getLogger(__name__)
STATE = ".studio"


@dataclass
class Studio:
    settings: Settings
    token: str
    root: Path = field(init=False)
    folder: Path = field(init=False)

    def __post_init__(self) -> None:

        self.root = Path(self.settings.output_dir)
        self.folder = self.root / STATE
        self.jobs = Jobs(self.folder / "jobs", self.clips, self.shown)
        self.join = Join(self.settings, self.clips)

    def shown(self, text: str) -> str:
        """``text`` as the studio shows it: files named inside the episodes folder, no server paths."""
        return shown_paths(text, self.root, {Path(self.settings.cache_dir): "<cache>", Path.home(): "~"})

    @property
    def uploads(self) -> Path:
        return self.folder / "uploads"

    @property
    def clips(self) -> Path:
        return self.folder / "clips"

    @property
    def site(self) -> Path:
        return self.folder / "site"

    def site_url(self, request: Any) -> str:
        return f"{request.url.scheme}://{request.url.netloc}/site"


def studio_app(settings: Settings, token: str, hosts: set[str] | None) -> Any:
    """The ASGI app: the studio's routes behind its guard (token, CSRF, Host, body limit)."""
    try:
        from starlette.applications import Starlette
    except ImportError:
        raise MissingDependency("podgen studio needs starlette and uvicorn.", pip_install("serve")) from None

    from starlette.exceptions import HTTPException

    studio = Studio(settings, token)
    handlers = {PodgenError: _error, HTTPException: _http_error, 404: _not_found}
    app = Starlette(routes=routes(studio), exception_handlers=handlers)
    app.state.studio = studio
    return Guard(app, token, hosts, int(settings.max_download_mb * 1_000_000))  # the limit of a URL download


async def _error(request: Any, exc: PodgenError) -> Any:
    from starlette.responses import JSONResponse

    shown = request.app.state.studio.shown
    return JSONResponse({"error": shown(exc.message), "hint": shown(exc.hint)}, status_code=getattr(exc, "status", 400))


async def _http_error(request: Any, exc: Any) -> Any:
    """Starlette's own refusals (a form it cannot parse, a method not allowed) in the same JSON."""
    from starlette.responses import JSONResponse

    detail = " ".join(str(exc.detail).split())[:300].rstrip(".")
    return JSONResponse(
        {"error": f"{detail}.", "hint": "See the studio's HTTP API in docs/studio-api.md."},
        status_code=exc.status_code,
        headers=getattr(exc, "headers", None),
    )


async def _not_found(request: Any, exc: Exception) -> Any:
    from starlette.responses import JSONResponse

    return JSONResponse(
        {"error": f"Nothing at {request.url.path}.", "hint": "Open the studio's first page."}, status_code=404
    )


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def serve(
    settings: Settings, host: str, port: int, allow_remote: bool, on_ready: Callable[[str], None] | None = None
) -> None:
    """Run the studio at http://HOST:PORT/ until interrupted (port 0: any free port)."""
    if not is_loopback(host) and not allow_remote:
        raise UsageError(
            f"--host {host} would let other machines reach the studio.",
            "Add --allow-remote if that is what you want (anyone with the token can use it).",
        )
    try:
        import uvicorn
    except ImportError:
        raise MissingDependency("podgen studio needs starlette and uvicorn.", pip_install("serve")) from None

    sock = bind(port, host)
    bound = sock.getsockname()[1]
    token = new_token()
    names = None if host in ("0.0.0.0", "::") else {f"{host}:{bound}", f"127.0.0.1:{bound}", f"localhost:{bound}"}
    app = studio_app(settings, token, names)
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off"))
    if on_ready:
        on_ready(f"http://{host}:{bound}/?token={token}")
    try:
        server.run(sockets=[sock])
    finally:
        app.app.state.studio.jobs.stop()
