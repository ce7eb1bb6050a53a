"""The podcast RSS feed, built with lxml: RSS 2.0 + Apple's itunes tags + Podcasting 2.0.

Apple wants ``itunes:explicit`` as ``true``/``false``, enclosure ``length`` in bytes, a stable
``guid``, RFC 2822 dates and durations in seconds. Podcasting 2.0 adds ``podcast:guid`` (a UUIDv5
of the feed URL without its scheme), ``podcast:locked``, transcripts, chapters and persons.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime

from lxml import etree

from .episodes import Published

ITUNES = "http://www.itunes.com/dtds/podcast-1.0.dtd"
PODCAST = "https://podcastindex.org/namespace/1.0"
ATOM = "http://www.w3.org/2005/Atom"
NSMAP = {"itunes": ITUNES, "podcast": PODCAST, "atom": ATOM}
PODCAST_GUID_NAMESPACE = uuid.UUID("ead4c236-bf58-58c6-a2c6-a6b28d128cb6")
TRANSCRIPTS = {
    "transcript_vtt": "text/vtt",
    "transcript_srt": "application/x-subrip",
    "transcript_json": "application/json",
}
_NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


@dataclass
class Channel:
    """The show, with every URL absolute."""

    title: str
    description: str
    link: str
    feed_url: str
    language: str
    image_url: str | None
    author: str
    owner_name: str | None
    owner_email: str | None
    category: str
    explicit: bool
    locked: bool


def podcast_guid(feed_url: str) -> str:
    """UUIDv5 of the feed URL without its scheme and trailing slashes (Podcasting 2.0 ``podcast:guid``)."""
    bare = re.sub(r"^[A-Za-z][A-Za-z0-9+.-]*://", "", feed_url.strip()).rstrip("/")
    return str(uuid.uuid5(PODCAST_GUID_NAMESPACE, bare))


def build_feed(channel: Channel, episodes: list[Published], url: Callable[[Published, str], str]) -> bytes:
    """The feed as UTF-8 XML bytes; ``url(episode, key)`` gives a file's absolute URL ('' = page)."""
    rss = etree.Element("rss", nsmap=NSMAP, version="2.0")
    head = _sub(rss, "channel")
    _channel(head, channel)
    for episode in episodes:
        _item(_sub(head, "item"), episode, channel, url)
    return etree.tostring(rss, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _channel(head: etree._Element, c: Channel) -> None:
    _sub(head, "title", c.title)
    _sub(head, "link", c.link)
    _sub(head, "description", c.description)
    _sub(head, "language", c.language)
    _sub(head, "generator", "podgen")
    _sub(head, f"{{{ATOM}}}link", href=c.feed_url, rel="self", type="application/rss+xml")
    if c.image_url:
        image = _sub(head, "image")
        _sub(image, "url", c.image_url), _sub(image, "title", c.title), _sub(image, "link", c.link)
        _sub(head, f"{{{ITUNES}}}image", href=c.image_url)
    _sub(head, f"{{{ITUNES}}}category", text=c.category)
    _sub(head, f"{{{ITUNES}}}explicit", "true" if c.explicit else "false")
    _sub(head, f"{{{ITUNES}}}author", c.author)
    _owner(head, c)
    _sub(head, f"{{{ITUNES}}}type", "episodic")
    _sub(head, f"{{{PODCAST}}}guid", podcast_guid(c.feed_url))


def _owner(head: etree._Element, c: Channel) -> None:
    """``itunes:owner`` (its ``itunes:email`` first, then ``itunes:name``) and ``podcast:locked``
    with its ``owner``: both only with an owner e-mail. An owner without one is invalid (the W3C
    validator's "Missing itunes:owner element: itunes:email"), and a lock nobody can open is no use."""
    if not c.owner_email:
        return
    owner = _sub(head, f"{{{ITUNES}}}owner")
    _sub(owner, f"{{{ITUNES}}}name", c.owner_name or c.author)
    _sub(owner, f"{{{ITUNES}}}email", c.owner_email)
    _sub(head, f"{{{PODCAST}}}locked", "yes" if c.locked else "no", owner=c.owner_email)


def _item(item: etree._Element, ep: Published, c: Channel, url: Callable[[Published, str], str]) -> None:
    _sub(item, "title", ep.title)
    _sub(item, "description", ep.description or ep.title)
    _sub(item, "link", url(ep, ""))
    _sub(item, "guid", str(ep.meta["guid"]), isPermaLink="false")
    _sub(item, "pubDate", rfc2822(ep.created))
    audio = ep.files["audio"]
    _sub(item, "enclosure", url=url(ep, "audio"), length=str(audio.stat().st_size), type="audio/mpeg")
    if "video" in ep.files:  # Podcasting 2.0: the same episode as a video, for apps that play one
        video = _sub(
            item,
            f"{{{PODCAST}}}alternateEnclosure",
            type="video/mp4",
            length=str(ep.files["video"].stat().st_size),
            title="Video",
            height="1080",
        )
        _sub(video, f"{{{PODCAST}}}source", uri=url(ep, "video"))
    _sub(item, f"{{{ITUNES}}}duration", str(round(float(ep.meta.get("duration") or 0))))
    _sub(item, f"{{{ITUNES}}}explicit", "true" if c.explicit else "false")
    _sub(item, f"{{{ITUNES}}}episodeType", "full")
    image = url(ep, "cover") if "cover" in ep.files else c.image_url
    if image:
        _sub(item, f"{{{ITUNES}}}image", href=image)
    for key, mime in TRANSCRIPTS.items():
        if key in ep.files:
            extra = {"rel": "captions"} if key != "transcript_json" else {}
            _sub(item, f"{{{PODCAST}}}transcript", url=url(ep, key), type=mime, language=c.language, **extra)
    if "chapters" in ep.files:
        _sub(item, f"{{{PODCAST}}}chapters", url=url(ep, "chapters"), type="application/json+chapters")
    for host in ep.meta.get("hosts") or []:
        _sub(item, f"{{{PODCAST}}}person", str(host), role="host")


def rfc2822(iso: str) -> str:
    """An ISO 8601 time as an RFC 2822 date with its timezone (UTC when none is given)."""
    try:
        when = datetime.fromisoformat(iso)
    except (TypeError, ValueError):
        when = datetime.now(UTC)
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return format_datetime(when)


def _sub(parent: etree._Element, tag: str, text: str | None = None, /, **attrs: str) -> etree._Element:
    node = etree.SubElement(parent, tag, {k: xml_safe(v) for k, v in attrs.items()})
    if text is not None:
        node.text = xml_safe(text)
    return node


def xml_safe(text: str) -> str:
    """Drop the characters XML 1.0 cannot hold (NUL, most control characters); lxml escapes the rest."""
    return _NOT_XML.sub("", str(text))
