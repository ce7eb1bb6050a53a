"""Publish: finished episode folders become a podcast feed and a static site in one folder
that can be uploaded as it is (``feed.xml``, ``index.html``, ``episodes/<slug>/...``)."""

from __future__ import annotations

import logging
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urlsplit

from ..config import Settings
from ..errors import PublishError, UsageError
from ..files import atomic_path, slugify
from ..folder import numbered
from .episodes import Published, collect
from .feed import Channel, build_feed
from .site import write_site

log = logging.getLogger(__name__)

FEED = "feed.xml"
IMAGE_TYPES = (".png", ".jpg", ".jpeg")


@dataclass
class PublishReport:
    feed: Path
    index: Path
    episodes: list[Published]
    skipped: list[tuple[str, str]] = field(default_factory=list)
    """Episode folders left out, with the reason."""


def publish(episodes_dir: Path, site_dir: Path, settings: Settings, only_checked: bool = False) -> PublishReport:
    """Copy (or hard-link) the complete episodes of ``episodes_dir`` into ``site_dir`` with a feed and pages."""
    base = base_url(settings.show.base_url)
    artwork = _artwork(settings.show.image)
    episodes, skipped = collect(episodes_dir, only_checked)
    _name_slugs(episodes)
    for ep in episodes:
        ep.files = {key: place(path, site_dir / "episodes" / ep.slug / path.name) for key, path in ep.files.items()}

    def url(ep: Published, key: str) -> str:
        return f"{base}/episodes/{ep.slug}/" + (quote(ep.files[key].name) if key else "")

    image = _show_image(artwork, site_dir, episodes)
    image_url = image if image is None or "://" in image else f"{base}/{quote(image)}"
    if image is None:
        log.warning("the show has no artwork (Apple Podcasts needs it): pass --image, or give episodes a cover")
    if not settings.show.owner_email:
        log.warning(
            "the show has no owner e-mail, so the feed has no itunes:owner (Apple Podcasts asks for it) and "
            "no podcast:locked: pass --owner-email, or set owner_email in the [show] table"
        )
    channel = _channel(settings, episodes_dir, base, image_url)
    feed = write_text_bytes(site_dir / FEED, build_feed(channel, episodes, url))
    index = write_site(site_dir, channel, episodes, image)
    return PublishReport(feed, index, episodes, skipped)


def base_url(value: str | None) -> str:
    """The site's absolute http(s) URL, without a trailing slash."""
    hint = "Pass --base-url https://example.org/podcast (or base_url in the [show] table of podgen.toml)."
    if not value:
        raise UsageError("No base URL: the feed needs the absolute URL the site will be published at.", hint)
    parts = urlsplit(value.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise UsageError(f"The base URL {value!r} is not an absolute http(s) URL.", hint)
    return value.strip().rstrip("/")


def _name_slugs(episodes: list[Published]) -> None:
    """Each episode's folder name in the site: a slug, unique, never leaving ``episodes/``."""
    taken: set[str] = set()
    for ep in sorted(episodes, key=lambda e: e.folder.name):
        ep.slug = next(name for name in numbered(slugify(ep.folder.name)) if name not in taken)
        taken.add(ep.slug)


def place(source: Path, target: Path) -> Path:
    """Put ``source`` at ``target`` as a hard link (a copy across file systems); unchanged ones stay."""
    if target.exists() and (target.samefile(source) or _same_file_data(source, target)):
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(target) as tmp:
        try:
            tmp.unlink()
            os.link(source, tmp)
        except OSError:
            shutil.copy2(source, tmp)
    return target


def _same_file_data(a: Path, b: Path) -> bool:
    sa, sb = a.stat(), b.stat()
    return sa.st_size == sb.st_size and sa.st_mtime_ns == sb.st_mtime_ns


def _artwork(setting: str | None) -> str | Path | None:
    """The show artwork setting: an absolute URL, an image file, or None."""
    if not setting or setting.startswith(("http://", "https://")):
        return setting
    source = Path(setting).expanduser()
    if not source.is_file() or source.suffix.lower() not in IMAGE_TYPES:
        raise PublishError(f"Show image {setting} is not a .png or .jpg file.", "Check the --image path.")
    return source


def _show_image(artwork: str | Path | None, site_dir: Path, episodes: list[Published]) -> str | None:
    """The show artwork as a URL or a path relative to the site: the setting, else the first cover."""
    if isinstance(artwork, Path):
        return place(artwork, site_dir / f"cover{artwork.suffix.lower()}").name
    if artwork:
        return artwork
    first = next((ep for ep in episodes if "cover" in ep.files), None)
    return f"episodes/{first.slug}/{first.files['cover'].name}" if first else None


def _channel(settings: Settings, episodes_dir: Path, base: str, image_url: str | None) -> Channel:
    show = settings.show
    title = show.title or episodes_dir.resolve().name.replace("-", " ").replace("_", " ").title()
    return Channel(
        title=title,
        description=show.description or title,
        link=f"{base}/",
        feed_url=f"{base}/{FEED}",
        language=show.language or settings.language,
        image_url=image_url,
        author=show.author,
        owner_name=show.owner_name,
        owner_email=show.owner_email,
        category=show.category,
        explicit=show.explicit,
        locked=show.locked,
    )


def write_text_bytes(target: Path, data: bytes) -> Path:
    with atomic_path(target) as tmp:
        tmp.write_bytes(data)
    return target
