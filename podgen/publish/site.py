"""The static site: ``index.html`` and one page per episode, from Jinja2 templates that escape
everything. Plain files with relative links and no outside scripts, fonts or styles: the
folder works from ``file://`` and from any static web host."""

from __future__ import annotations

import shutil
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape

from ..files import atomic_path, write_text
from .episodes import Published
from .feed import Channel

TEMPLATES = Path(__file__).with_name("templates")
STATIC = ("player.js", "style.css")
DOWNLOADS = {
    "audio": "MP3",
    "video": "video (MP4)",
    "short": "short (vertical MP4)",
    "transcript_vtt": "WebVTT",
    "transcript_srt": "SRT",
    "transcript_json": "JSON transcript",
    "chapters": "chapters",
}


def write_site(site_dir: Path, channel: Channel, episodes: list[Published], show_image: str | None) -> Path:
    """Write the pages into ``site_dir`` (the episode files are already there); return index.html."""
    env = Environment(
        loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]), trim_blocks=True, lstrip_blocks=True
    )
    pages = [_page(ep) for ep in episodes]
    for ep, page in zip(episodes, pages):
        html = env.get_template("episode.html").render(channel=channel, ep=page, root="../../")
        write_text(site_dir / "episodes" / ep.slug / "index.html", html)
    for name in STATIC:
        with atomic_path(site_dir / name) as tmp:
            shutil.copyfile(TEMPLATES / name, tmp)
    index = env.get_template("index.html").render(channel=channel, episodes=pages, show_image=show_image, root="")
    return write_text(site_dir / "index.html", index)


def _page(ep: Published) -> dict:
    files = {key: path.name for key, path in ep.files.items()}
    return {
        "slug": ep.slug,
        "title": ep.title,
        "description": ep.description,
        "date": ep.created[:10],
        "length": clock(float(ep.meta.get("duration") or 0)),
        "hosts": [str(h) for h in ep.meta.get("hosts") or []],
        "audio": files["audio"],
        "cover": files.get("cover"),
        "video": files.get("video"),
        "captions": files.get("transcript_vtt"),
        "chapters": [
            {
                "start": _seconds(c.get("startTime")),
                "clock": clock(_seconds(c.get("startTime"))),
                "title": str(c.get("title", "")),
            }
            for c in ep.chapters
        ],
        "segments": [
            {"start": round(s.start, 3), "end": round(s.end, 3), "speaker": s.speaker, "body": s.text}
            for s in ep.segments
        ],
        "downloads": [(label, files[key]) for key, label in DOWNLOADS.items() if key in files],
    }


def _seconds(value: object) -> float:
    try:
        return round(float(value), 3)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return 0.0


def clock(seconds: float) -> str:
    minutes, secs = divmod(round(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"
