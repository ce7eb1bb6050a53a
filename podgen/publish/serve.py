"""``podgen serve``: the site on 127.0.0.1, for a preview before uploading.

Starlette's ``StaticFiles`` does the HTTP: MIME types, ``Range`` requests (206, which players
use to seek), ETags, and it refuses paths that resolve outside the folder. uvicorn runs it.
"""

from __future__ import annotations

import logging
import mimetypes
import socket
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..about import pip_install
from ..errors import MissingDependency, PublishError, UsageError

log = logging.getLogger(__name__)
HOST = "127.0.0.1"
MIME_TYPES = {".srt": "application/x-subrip", ".vtt": "text/vtt", ".mp3": "audio/mpeg", ".js": "text/javascript"}


def site_app(site_dir: Path) -> Any:
    """The ASGI app that serves ``site_dir`` (``index.html`` for a folder)."""
    try:
        from starlette.applications import Starlette
        from starlette.routing import Mount
        from starlette.staticfiles import StaticFiles
    except ImportError:
        raise MissingDependency("podgen serve needs starlette and uvicorn.", pip_install("serve")) from None
    if not site_dir.is_dir():
        raise PublishError(f"{site_dir} is not a folder.", "Give the folder podgen feed wrote (-o).")
    for suffix, mime in MIME_TYPES.items():
        mimetypes.add_type(mime, suffix)
    files = StaticFiles(directory=site_dir, html=True, follow_symlink=False)
    return Starlette(routes=[Mount("/", app=files)])  # turns a refused or missing path into a 404


def serve(site_dir: Path, port: int, on_ready: Callable[[str], None] | None = None) -> None:
    """Serve ``site_dir`` at http://127.0.0.1:PORT until interrupted (port 0: any free port)."""
    app = site_app(site_dir)
    try:
        import uvicorn
    except ImportError:
        raise MissingDependency("podgen serve needs starlette and uvicorn.", pip_install("serve")) from None
    sock = bind(port)
    url = f"http://{HOST}:{sock.getsockname()[1]}/"
    config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off")
    server = uvicorn.Server(config)
    if on_ready:
        on_ready(url)
    server.run(sockets=[sock])


def bind(port: int, host: str = HOST) -> socket.socket:
    """A listening TCP socket on ``host``:``port`` (port 0: any free port); a port that is taken
    or not a port is a UsageError. ``podgen serve`` and ``podgen studio`` both listen with it."""
    if not 0 <= port <= 65535:
        raise UsageError(f"Port {port} is not a TCP port.", "Give a number from 1 to 65535.")
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise UsageError(f"Cannot listen on {host}:{port}: {exc.strerror}.", "Choose another --port.") from None
    sock.listen(128)
    return sock
