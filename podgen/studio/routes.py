"""The studio's pages (New episode, Episode, Library) and its route table."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates

from ..config import FORMATS, Settings
from ..contracts import PROGRESS_LABELS
from ..errors import PodgenError
from ..registry import writers
from . import api
from .actions import VIDEO_FLAGS
from .views import episode_view, library

HERE = Path(__file__).parent
SITE_TEMPLATES = HERE.parent / "publish" / "templates"
"""The site's player and style sheet, which the episode page uses as they are."""
templates = Jinja2Templates(directory=[str(HERE / "templates"), str(SITE_TEMPLATES)])  # the site's player.html too
templates.env.globals["progress_labels"] = PROGRESS_LABELS


def writer_choices() -> list[str]:
    """The writers the form offers: auto first, then every writer registered (plug-ins too)."""
    return ["auto", *(name for name in writers.names() if name != "auto")]


def _page(request: Request, name: str, status: int = 200, **context: Any) -> HTMLResponse:
    response = templates.TemplateResponse(request, name, {"page": name.split(".")[0], **context}, status_code=status)
    response.headers.update(
        {
            "content-security-policy": "default-src 'self'; media-src 'self' blob:; "
            "img-src 'self' data:; object-src 'none'; frame-ancestors 'none'",
            "referrer-policy": "no-referrer",
            "x-content-type-options": "nosniff",
        }
    )
    return response


async def new(request: Request) -> HTMLResponse:
    settings: Settings = request.app.state.studio.settings
    return _page(request, "new.html", settings=settings, formats=FORMATS, writers=writer_choices(), videos=VIDEO_FLAGS)


async def episode(request: Request) -> HTMLResponse:
    try:
        view = episode_view(api.folder_of(request))
    except PodgenError as exc:
        shown = request.app.state.studio.shown
        status = getattr(exc, "status", 400)
        return _page(request, "problem.html", status, error=shown(exc.message), hint=shown(exc.hint))
    return _page(request, "episode.html", ep=view)


async def library_page(request: Request) -> HTMLResponse:
    studio = request.app.state.studio
    return _page(
        request,
        "library.html",
        episodes=library(studio.root),
        published=(studio.site / "index.html").is_file(),
        base_url=studio.settings.show.base_url or "",
    )


def _site_file(name: str):
    async def send(request: Request) -> FileResponse:
        return FileResponse(SITE_TEMPLATES / name)

    return send


def routes(studio) -> list:
    studio.site.mkdir(parents=True, exist_ok=True)
    return [
        Route("/", new),
        Route("/library", library_page),
        Route("/episodes/{slug}", episode),
        Route("/episodes/{slug}/files/{key}", api.download),
        Route("/clips/{name}", api.clip),
        Route("/static/site/player.js", _site_file("player.js")),
        Route("/static/site/style.css", _site_file("style.css")),
        Mount("/static", StaticFiles(directory=HERE / "static", follow_symlink=False)),
        Mount("/site", StaticFiles(directory=studio.site, html=True, follow_symlink=False)),
        Route("/api/jobs", api.jobs),
        Route("/api/jobs/{job}", api.job),
        Route("/api/jobs/{job}/events", api.events),
        Route("/api/jobs/{job}/cancel", api.cancel, methods=["POST"]),
        Route("/api/episodes", api.episodes),
        Route("/api/episodes", api.make, methods=["POST"]),
        Route("/api/episodes/{slug}", api.episode),
        Route("/api/episodes/{slug}/script", api.save, methods=["PUT"]),
        Route("/api/episodes/{slug}/render", api.render, methods=["POST"]),
        Route("/api/episodes/{slug}/check", api.check, methods=["POST"]),
        Route("/api/episodes/{slug}/fix", api.fix, methods=["POST"]),
        Route("/api/episodes/{slug}/speak", api.speak_line, methods=["POST"]),
        Route("/api/episodes/{slug}/ask", api.ask, methods=["POST"]),
        Route("/api/episodes/{slug}/keep", api.keep, methods=["POST"]),
        Route("/api/publish", api.publish, methods=["POST"]),
    ]
