"""podgen feed: the RSS feed parses in feedparser and gPodder's podcastparser, carries Apple's and
Podcasting 2.0's tags with absolute URLs and true file sizes, keeps guids, escapes everything."""

from __future__ import annotations

import io
import json
import re
import shutil
from email.utils import parsedate_to_datetime
from pathlib import Path
from urllib.parse import unquote, urlsplit

import feedparser
import podcastparser
import pytest
from conftest import run_podgen
from lxml import etree
from publishing import BASE, HOSTILE_DESCRIPTION, HOSTILE_TITLE, SHOW_TITLE, episode_meta

from podgen.folder import audio_identity
from podgen.publish.feed import ITUNES, PODCAST, podcast_guid

pytestmark = pytest.mark.slow
NS = {"itunes": ITUNES, "podcast": PODCAST, "atom": "http://www.w3.org/2005/Atom"}


def _site_file(site: Path, url: str) -> Path:
    assert url.startswith(BASE + "/"), url
    path = unquote(urlsplit(url).path)[len(urlsplit(BASE).path) + 1 :]
    return site / (path + "index.html" if path.endswith("/") or not path else path)


def test_feed_command_reports_what_it_left_out(published):
    _, site, proc = published
    assert proc.returncode == 0, proc.stderr
    assert "left out half: no episode.json (incomplete)" in proc.stderr
    assert "Published 3 episodes" in proc.stdout
    assert not list(site.rglob("*.part*"))


def test_feed_parses_in_feedparser_without_errors(published):
    eps, site, _ = published
    parsed = feedparser.parse((site / "feed.xml").read_bytes())
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    assert parsed.feed.title == SHOW_TITLE
    assert len(parsed.entries) == 3
    hostile = parsed.entries[0]  # the newest
    assert hostile.title == HOSTILE_TITLE
    assert {e.id for e in parsed.entries} == set(episode_meta(eps))


def test_podcastparser_sees_true_sizes_and_durations(published):
    eps, site, _ = published
    parsed = podcastparser.parse(BASE + "/feed.xml", io.BytesIO((site / "feed.xml").read_bytes()))
    metas = episode_meta(eps)
    assert len(parsed["episodes"]) == 3
    for episode in parsed["episodes"]:
        enclosure = episode["enclosures"][0]
        assert enclosure["mime_type"] == "audio/mpeg"
        assert enclosure["file_size"] == _site_file(site, enclosure["url"]).stat().st_size
        assert episode["total_time"] == round(metas[episode["guid"]]["duration"])
        assert episode["published"] > 0
    assert parsed["title"] == SHOW_TITLE
    assert parsed["cover_url"].startswith(BASE + "/episodes/hostile/cover.png")


def test_every_url_is_absolute_and_points_at_a_published_file(published):
    _, site, _ = published
    tree = etree.parse(str(site / "feed.xml"))
    urls = [v for el in tree.iter() for k, v in el.attrib.items() if k in ("url", "href")]
    urls += [el.text for el in tree.iter("link", "url")]
    assert len(urls) > 20
    for url in urls:
        assert _site_file(site, url).is_file(), url


def test_channel_and_item_tags(published):
    eps, site, _ = published
    tree = etree.parse(str(site / "feed.xml"))
    channel = tree.find("channel")
    assert channel.findtext("itunes:explicit", namespaces=NS) == "false"
    assert channel.find("atom:link", NS).attrib == {
        "href": BASE + "/feed.xml",
        "rel": "self",
        "type": "application/rss+xml",
    }
    assert channel.findtext("podcast:guid", namespaces=NS) == podcast_guid(BASE + "/feed.xml")
    locked = channel.find("podcast:locked", NS)
    assert (locked.text, locked.get("owner")) == ("yes", "owner@example.org")
    assert channel.find("itunes:owner/itunes:email", NS).text == "owner@example.org"
    assert channel.find("itunes:category", NS).get("text") == "Technology"
    assert channel.find("itunes:image", NS).get("href") == BASE + "/episodes/hostile/cover.png"
    for item in channel.iter("item"):
        assert parsedate_to_datetime(item.findtext("pubDate")).tzinfo is not None
        assert item.find("guid").get("isPermaLink") == "false"
        types = {t.get("type") for t in item.findall("podcast:transcript", NS)}
        assert types == {"text/vtt", "application/x-subrip", "application/json"}
        assert item.find("podcast:chapters", NS).get("type") == "application/json+chapters"
        assert [p.text for p in item.findall("podcast:person", NS)] == ["Alex", "Sam"]
        assert all(p.get("role") == "host" for p in item.findall("podcast:person", NS))
        assert item.find("itunes:image", NS).get("href").endswith(".png")
    hostile = channel.find("item")
    assert hostile.findtext("title") == HOSTILE_TITLE and hostile.findtext("description") == HOSTILE_DESCRIPTION


def test_podcast_guid_follows_the_podcasting_2_0_example():
    # the example in the podcast namespace's documentation of <podcast:guid>
    assert podcast_guid("https://mp3s.nashownotes.com/pc20rss.xml") == "917393e3-1b1e-5cef-ace4-edaa54e1f810"
    assert podcast_guid("http://mp3s.nashownotes.com/pc20rss.xml/") == "917393e3-1b1e-5cef-ace4-edaa54e1f810"


def test_rebuilding_keeps_every_guid_and_links_the_audio(published, tmp_path):
    eps, site, _ = published
    first = feedparser.parse((site / "feed.xml").read_bytes())
    proc = run_podgen(
        "feed",
        str(eps),
        "--base-url",
        BASE,
        "-o",
        str(site),
        "--owner-email",
        "owner@example.org",
        "--show-title",
        SHOW_TITLE,
    )
    assert proc.returncode == 0, proc.stderr
    again = feedparser.parse((site / "feed.xml").read_bytes())
    assert [e.id for e in again.entries] == [e.id for e in first.entries]
    assert [e.enclosures[0].href for e in again.entries] == [e.enclosures[0].href for e in first.entries]
    published_mp3 = site / "episodes" / "iwan-roberts" / "episode.mp3"
    assert published_mp3.read_bytes() == (eps / "iwan-roberts" / "episode.mp3").read_bytes()


def test_only_checked_leaves_out_unchecked_and_failed_episodes(published, tmp_path):
    eps, _, _ = published
    copy = tmp_path / "eps"
    shutil.copytree(eps, copy)
    finding = {"check": "loudness", "passed": False, "message": "too loud", "line": None, "time": None}
    heard = {name: audio_identity(copy / name / "episode.mp3") for name in ("iwan-roberts", "hostile")}
    (copy / "iwan-roberts" / "check.json").write_text(
        json.dumps({"passed": True, "findings": [], "audio": heard["iwan-roberts"]})
    )
    (copy / "hostile" / "check.json").write_text(
        json.dumps({"passed": False, "findings": [finding], "audio": heard["hostile"]})
    )
    proc = run_podgen("feed", str(copy), "--base-url", BASE, "-o", str(tmp_path / "site"), "--only-checked")
    assert proc.returncode == 0, proc.stderr
    parsed = feedparser.parse((tmp_path / "site" / "feed.xml").read_bytes())
    assert [e.title for e in parsed.entries] == ["Iwan Roberts"]
    assert "left out hostile: not checked, or its check did not pass (it failed)" in proc.stderr


@pytest.mark.parametrize(
    "args, code, says",
    [
        ([], 2, "No base URL"),
        (["--base-url", "pods.example.org/ml"], 2, "is not an absolute http(s) URL"),
        (["--base-url", "/ml"], 2, "is not an absolute http(s) URL"),
        (["--base-url", "ftp://pods.example.org/"], 2, "is not an absolute http(s) URL"),
    ],
)
def test_a_missing_or_relative_base_url_is_a_one_line_error(published, tmp_path, args, code, says):
    eps, _, _ = published
    proc = run_podgen("feed", str(eps), "-o", str(tmp_path / "site"), *args)
    assert proc.returncode == code and says in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "site").exists()


def test_a_folder_without_episodes_is_a_one_line_error(tmp_path):
    (tmp_path / "eps" / "half").mkdir(parents=True)
    proc = run_podgen("feed", str(tmp_path / "eps"), "--base-url", BASE, "-o", str(tmp_path / "site"))
    assert proc.returncode == 3 and "No episodes to publish" in proc.stderr
    assert not (tmp_path / "site" / "feed.xml").exists()
    proc = run_podgen("feed", str(tmp_path / "nothing"), "--base-url", BASE, "-o", str(tmp_path / "site"))
    assert proc.returncode == 3 and "is not a folder" in proc.stderr


def test_show_settings_come_from_the_show_table(published, tmp_path):
    eps, _, _ = published
    config = tmp_path / "podgen.toml"
    config.write_text(
        '[show]\nbase_url = "https://example.net/pod"\ntitle = "From the file"\nexplicit = true\n'
        'author = "Ann"\ncategory = "Science"\n'
    )
    proc = run_podgen("feed", str(eps), "-o", str(tmp_path / "site"), "--config", str(config), "--author", "Bo")
    assert proc.returncode == 0, proc.stderr
    tree = etree.parse(str(tmp_path / "site" / "feed.xml")).find("channel")
    assert tree.findtext("title") == "From the file"
    assert tree.findtext("itunes:explicit", namespaces=NS) == "true"
    assert tree.findtext("itunes:author", namespaces=NS) == "Bo"  # the flag wins over the file
    assert tree.find("atom:link", NS).get("href") == "https://example.net/pod/feed.xml"
    config.write_text('[show]\ncolour = "red"\n')
    proc = run_podgen("feed", str(eps), "--base-url", BASE, "-o", str(tmp_path / "s2"), "--config", str(config))
    assert proc.returncode == 2 and "show.colour" in proc.stderr


def test_pages_escape_titles_and_descriptions(published):
    _, site, _ = published
    for page in (site / "index.html", site / "episodes" / "hostile" / "index.html"):
        html = page.read_text(encoding="utf-8")
        assert "<script>window.__pwned" not in html and "<img src=x" not in html
        assert "&lt;/title&gt;&lt;script&gt;window.__pwned=1&lt;/script&gt;&amp; 🎙️ Ünïcode" in html
        links = re.findall(r'(?:src|href)="([^"]*)"', html)
        assert [u for u in links if "//" in u] == [BASE + "/feed.xml"]  # nothing from outside the site


def test_show_image_from_a_file_is_published_beside_the_feed(published, tmp_path):
    from publishing import make_cover

    eps, _, _ = published
    art = make_cover(tmp_path / "art.png")
    proc = run_podgen("feed", str(eps), "--base-url", BASE, "-o", str(tmp_path / "site"), "--image", str(art))
    assert proc.returncode == 0, proc.stderr
    channel = etree.parse(str(tmp_path / "site" / "feed.xml")).find("channel")
    assert channel.find("itunes:image", NS).get("href") == BASE + "/cover.png"
    assert (tmp_path / "site" / "cover.png").read_bytes() == art.read_bytes()
    proc = run_podgen("feed", str(eps), "--base-url", BASE, "-o", str(tmp_path / "s2"), "--image", "nope.gif")
    assert proc.returncode == 3 and "is not a .png or .jpg file" in proc.stderr
    assert not (tmp_path / "s2").exists()
