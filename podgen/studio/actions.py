"""What the studio's jobs run: the library calls the CLI makes, with the form's choices as settings.

Each action takes the job's Progress callback and the job, and returns what the page shows
when it is done (the episode's folder name, the lines spoken). Nothing is decided here that the
CLI does not decide the same way: ``make`` is ``podgen make``, ``render`` is ``podgen render``.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ..check import check_episode
from ..config import Settings, settings_error
from ..errors import UsageError
from ..fix import fix_episode
from ..ingest.fetch import is_url
from ..pipeline import make_episode, render_episode
from ..publish import publish as publish_site
from .jobs import Action

FORM_FIELDS = ("minutes", "format", "language", "focus", "writer", "model", "voices", "music", "title", "tts")
VIDEO_FLAGS = {"video": "Video", "short": "Short video"}
"""The video stage's check boxes: episode.mp4 and short.mp4, as --video and --short."""
FLAGS = ("stereo", *VIDEO_FLAGS)
FIELD_CHARS = 1000
"""The longest value of a form field (the settings then have their own, shorter limits: the
title 300 characters, the focus 500)."""
MUSIC = {"none": None, "default": "default"}
"""The music the form offers: none or the built-in bed (a file of one's own: podgen make --music)."""
MAX_URLS = 20
URL_CHARS = 2000


def make_settings(base: Settings, form: Mapping[str, Any]) -> Settings:
    """``base`` (built once, from flags, environment and podgen.toml) with the form's choices.
    An empty field counts as not given; a bad value is a ConfigError naming the field."""
    for key in (*FORM_FIELDS, *FLAGS):
        if len(str(form.get(key) or "")) > FIELD_CHARS:
            raise UsageError(
                f"The form's {key} is {len(str(form[key])):,} characters long; the studio takes at most {FIELD_CHARS:,}.",
                "Shorten it and start again.",
            )
    overrides: dict[str, Any] = {k: str(form[k]).strip() for k in FORM_FIELDS if str(form.get(k) or "").strip()}
    if "music" in overrides:
        if overrides["music"] not in MUSIC:
            raise UsageError(
                "The form's music is none or default (the built-in bed).",
                "Choose one of the form's choices; for music of your own, run podgen make --music FILE.",
            )
        overrides["music"] = MUSIC[overrides["music"]]
    for name in FLAGS:
        if name in form:
            overrides[name] = str(form[name]).lower() in ("1", "on", "true", "yes")
    try:
        return Settings.model_validate({**base.model_dump(exclude_unset=True), **overrides})
    except ValidationError as exc:
        raise settings_error(exc, hint="Change that field and start again.") from None


def urls(text: str) -> list[str]:
    """The form's URLs, one a line: each an http(s) address, at most MAX_URLS of them."""
    hint = f"Give at most {MAX_URLS} addresses of at most {URL_CHARS:,} characters each."
    if len(text) > MAX_URLS * URL_CHARS:
        raise UsageError(f"The form's urls is {len(text):,} characters long.", hint)
    found = [line.strip() for line in text.splitlines() if line.strip()]
    if len(found) > MAX_URLS or any(len(url) > URL_CHARS for url in found):
        raise UsageError(f"The form's urls has {len(found)} addresses, or one too long.", hint)
    for url in found:
        if not is_url(url):
            raise UsageError(f"{url!r} is not an http(s) URL.", "Paste addresses that start with http:// or https://.")
    return found


def make(sources: list[str], settings: Settings) -> Action:
    def run(progress, job) -> dict[str, Any]:

        episode = make_episode(sources, settings, progress)
        return {
            "slug": episode.folder.name,
            "title": episode.title,
            **job.spoken(),
            "duration": round(episode.duration, 2),
        }

    return run


def render(folder: Path, settings: Settings) -> Action:
    def run(progress, job) -> dict[str, Any]:

        episode = render_episode(folder, settings, progress)
        return {"slug": folder.name, **job.spoken(), "duration": round(episode.duration, 2)}

    return run


def check(folder: Path, settings: Settings) -> Action:
    def run(progress, job) -> dict[str, Any]:

        report = check_episode(folder, settings, progress)
        return {"slug": folder.name, "passed": report.passed, "failures": len(report.failures)}

    return run


def fix(folder: Path, settings: Settings) -> Action:
    def run(progress, job) -> dict[str, Any]:

        report = fix_episode(folder, settings, progress)
        return {"slug": folder.name, "passed": report.passed, "fixed": len(report.fixes)}

    return run


def publish(episodes: Path, site: Path, settings: Settings, base_url: str) -> Action:
    def run(progress, job) -> dict[str, Any]:

        show = settings.show.model_copy(update={"base_url": base_url or settings.show.base_url})
        report = publish_site(episodes, site, settings.model_copy(update={"show": show}))
        progress("publish", 1, 1)
        return {
            "episodes": len(report.episodes),
            "skipped": [name for name, _ in report.skipped],
            "feed": report.feed.name,
        }

    return run
