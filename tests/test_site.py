"""The site in headless Chromium (Debian's chromium package) over `podgen serve` and from file://:
every episode listed, the audio loads, chapters move the player; the server does ranges, MIME
types, and never serves a file outside the site folder."""

from __future__ import annotations

import http.client
import json
import os
import subprocess
import sys
from urllib.parse import urlsplit

import httpx
import pytest
from browser import chromium
from publishing import HOSTILE_TITLE

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def server(published):
    """`podgen serve SITE --port 0` in its own process; yields its URL."""
    _, site, proc = published
    assert proc.returncode == 0, proc.stderr
    (site.parent / "secret.txt").write_text("top secret\n")
    serving = subprocess.Popen(
        [sys.executable, "-m", "podgen", "serve", str(site), "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "COLUMNS": "300"},
    )
    line = serving.stdout.readline()
    if "Serving" not in line:
        serving.kill()
        pytest.fail(f"podgen serve did not start: {line}{serving.stderr.read()}")
    yield line.split(" at ")[-1].strip()
    serving.terminate()
    serving.wait(timeout=30)


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    with chromium(tmp_path_factory.mktemp("chromium-profile")) as context:
        yield context


def _meta(published, slug: str) -> dict:
    return json.loads((published[0] / slug / "episode.json").read_text(encoding="utf-8"))


def test_range_requests_get_206_and_the_right_types(server, published):
    site = published[1]
    mp3 = site / "episodes" / "iwan-roberts" / "episode.mp3"
    response = httpx.get(server + "episodes/iwan-roberts/episode.mp3", headers={"Range": "bytes=100-199"})
    assert response.status_code == 206
    assert response.headers["content-range"] == f"bytes 100-199/{mp3.stat().st_size}"
    assert response.content == mp3.read_bytes()[100:200]
    assert response.headers["content-type"] == "audio/mpeg"
    types = {
        "feed.xml": "xml",
        "index.html": "text/html",
        "player.js": "javascript",
        "style.css": "text/css",
        "episodes/iwan-roberts/transcript.vtt": "text/vtt",
        "episodes/iwan-roberts/transcript.srt": "application/x-subrip",
        "episodes/iwan-roberts/chapters.json": "application/json",
        "episodes/hostile/cover.png": "image/png",
    }
    for path, kind in types.items():
        got = httpx.get(server + path)
        assert got.status_code == 200 and kind in got.headers["content-type"], path
    assert httpx.get(server + "episodes/iwan-roberts/").text.startswith("<!doctype html>")


@pytest.mark.parametrize(
    "path",
    [
        "/../secret.txt",
        "/%2e%2e/secret.txt",
        "/episodes/..%2f..%2fsecret.txt",
        "/episodes/../../secret.txt",
        "/..%5csecret.txt",
        "//etc/passwd",
        "/%2fetc%2fpasswd",
        "/episodes/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
    ],
)
def test_nothing_outside_the_site_is_served(server, path):
    where = urlsplit(server)
    conn = http.client.HTTPConnection(where.hostname, where.port, timeout=30)
    conn.request("GET", path)  # sent exactly as written, not normalised by a client
    response = conn.getresponse()
    body = response.read()
    assert response.status in (400, 404), (path, response.status)
    assert b"top secret" not in body and b"root:" not in body


def test_the_server_listens_only_on_loopback(server):
    assert urlsplit(server).hostname == "127.0.0.1"


def test_index_over_http_lists_every_episode(server, browser, published):
    page = browser.new_page()
    page.goto(server)
    titles = page.locator(".episode h2 a").all_inner_texts()
    assert sorted(titles) == sorted([HOSTILE_TITLE, "Iwan Roberts", "Model Card: Whisper"])
    assert page.evaluate("window.__pwned") is None
    page.close()


def test_episode_page_plays_from_the_server_and_chapters_seek(server, browser, published):
    page = browser.new_page()
    statuses = []
    page.on("response", lambda r: statuses.append(r.status) if r.url.endswith("episode.mp3") else None)
    page.goto(server + "episodes/iwan-roberts/index.html")
    page.wait_for_function("document.getElementById('player').readyState >= 1")
    duration = page.evaluate("document.getElementById('player').duration")
    assert abs(duration - _meta(published, "iwan-roberts")["duration"]) < 0.5
    assert statuses and set(statuses) <= {200, 206}
    chapters = page.locator(".chapters button")
    assert chapters.count() >= 2
    start = float(chapters.nth(1).get_attribute("data-seek"))
    assert start > 1
    chapters.nth(1).click()
    page.wait_for_function("document.getElementById('player').currentTime > 0.5")
    position = page.evaluate("document.getElementById('player').pause(), document.getElementById('player').currentTime")
    assert start - 0.1 <= position < start + 5
    speaking = page.locator("#transcript li.speaking")
    page.wait_for_function("document.querySelectorAll('#transcript li.speaking').length === 1")
    assert float(speaking.get_attribute("data-start")) <= position < float(speaking.get_attribute("data-end"))
    page.close()


def test_hostile_titles_stay_text_in_the_browser(server, browser):
    page = browser.new_page()
    page.goto(server + "episodes/hostile/index.html")
    assert page.locator("h1").inner_text() == HOSTILE_TITLE
    assert page.title().startswith(HOSTILE_TITLE)
    assert page.evaluate("window.__pwned") is None
    assert page.evaluate("document.querySelector('header img.cover').naturalWidth") == 64
    page.close()


def test_the_site_works_from_file_urls(browser, published):
    site = published[1]
    page = browser.new_page()
    page.goto((site / "index.html").as_uri())
    assert page.locator(".episode h2 a").count() == 3
    page.locator(".episode h2 a", has_text="Model Card: Whisper").click()
    page.wait_for_function("document.getElementById('player').readyState >= 1")
    assert page.url.startswith("file://") and page.url.endswith("/episodes/model-card-whisper/index.html")
    assert page.locator("#transcript li").count() > 5
    page.close()


def test_serve_refuses_a_missing_folder_and_a_busy_port(server, tmp_path):
    from conftest import run_podgen

    proc = run_podgen("serve", str(tmp_path / "nothing"), "--port", "0")
    assert proc.returncode == 3 and "is not a folder" in proc.stderr
    busy = str(urlsplit(server).port)
    proc = run_podgen("serve", str(tmp_path), "--port", busy)
    assert proc.returncode == 2 and f"Cannot listen on 127.0.0.1:{busy}" in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1
