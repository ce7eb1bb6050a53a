"""URLs against a local HTTP server the tests start (real httpx, real sockets), several sources
merged into one Document and one episode."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from podgen.config import Settings
from podgen.errors import FetchError
from podgen.ingest import extract, extract_all
from podgen.ingest.fetch import USER_AGENT

pytestmark = pytest.mark.usefixtures("no_proxy")
"""No request here goes through a proxy: the servers are the tests' own, on 127.0.0.1."""


DATA = Path(__file__).parent / "data"
SEEN: list[dict] = []


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args) -> None:  # keep the test output quiet
        pass

    def do_GET(self) -> None:
        SEEN.append({"path": self.path, "agent": self.headers.get("User-Agent")})
        route = {
            "/article": (200, "text/html; charset=utf-8", (DATA / "article-wikipedia-duck.html").read_bytes()),
            "/files/paper": (200, "application/pdf", (DATA / "broken-corrupt-stream.pdf").read_bytes()),
            "/missing": (404, "text/html", b"<html><body><h1>Not found</h1><p>Nothing here at all.</p></body></html>"),
            "/broken": (500, "text/html", b"<html><body>Internal error</body></html>"),
            "/big": (200, "text/html", b"<html>" + b" " * 2_000_000 + b"</html>"),
        }.get(self.path)
        if self.path == "/loop":
            self.send_response(302)
            self.send_header("Location", "/loop")
            self.end_headers()
            return
        if self.path == "/slow":
            time.sleep(3)
        status, kind, body = route or (200, "text/html", b"<html><body><p>slow</p></body></html>")
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        try:
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):  # the client gave up (too slow, too big): as meant
            pass


@pytest.fixture(scope="module")
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


def test_a_url_to_an_html_page_without_an_extension(server: str) -> None:
    doc = extract(f"{server}/article", Settings())
    assert doc.title == "Duck" and doc.source == f"{server}/article"
    assert "Duck is the common name for numerous species of waterfowl" in doc.text
    assert "Jump to content" not in doc.text
    assert SEEN[-1]["agent"] == USER_AGENT and USER_AGENT.startswith("podgen/")


def test_a_url_to_a_pdf_is_read_as_a_pdf(server: str) -> None:
    doc = extract(f"{server}/files/paper", Settings())
    assert doc.meta["format"] == "pdf" and "Readability counts." in doc.text


@pytest.mark.parametrize(
    "path, says",
    [
        ("/missing", "HTTP 404 Not Found"),
        ("/broken", "HTTP 500 Internal Server Error"),
        ("/loop", "redirect loop"),
        ("/slow", "no answer within 1 seconds"),
        ("/big", "larger than 1 MB"),
    ],
)
def test_http_failures_are_one_line_errors(server: str, path: str, says: str) -> None:
    with pytest.raises(FetchError) as info:
        extract(f"{server}{path}", Settings(fetch_timeout=1, max_download_mb=1))
    assert says in info.value.message and "\n" not in info.value.message


def test_an_unreachable_host_is_a_one_line_error_on_the_command_line() -> None:
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    proc = subprocess.run(
        [sys.executable, "-m", "podgen", "extract", f"http://127.0.0.1:{port}/x"], capture_output=True, text=True
    )
    assert proc.returncode == 3 and proc.stdout == ""
    assert "the host cannot be reached" in proc.stderr and proc.stderr.count("\n") == 1


def test_an_address_that_is_not_http_is_refused_by_name() -> None:
    from podgen.errors import UnsupportedFormat

    with pytest.raises(UnsupportedFormat) as info:
        extract("ftp://example.org/paper.pdf", Settings())
    assert "only http:// and https://" in info.value.message and "ftp://example.org/paper.pdf" in info.value.message


def test_several_sources_merge_into_one_document_with_credits(server: str) -> None:
    doc = extract_all([DATA / "paper-autogen.docx", DATA / "modelcard-whisper.md", f"{server}/article"], Settings())
    parts = doc.meta["parts"]
    assert [p["format"] for p in parts] == ["docx", "markdown", "html"]
    assert parts[2]["url"] == f"{server}/article" and parts[0]["author"] == "Adam Fourney"
    headings = [s.heading for s in doc.sections]
    assert "AutoGen: Enabling Next-Gen LLM Applications via Multi-Agent Conversation: Abstract" in headings
    assert "Model Card: Whisper: Model Details" in headings and "Duck: Etymology" in headings


@pytest.mark.slow
def test_make_one_episode_from_a_docx_a_markdown_file_and_a_recording(tmp_path: Path, clip_cache: Path) -> None:
    sources = [DATA / "paper-autogen.docx", DATA / "modelcard-whisper.md", DATA / "speech-jfk.flac"]
    proc = subprocess.run(
        [sys.executable, "-m", "podgen", "make", *map(str, sources), "--minutes", "1", "-o", str(tmp_path)],
        capture_output=True,
        text=True,
        env={**__import__("os").environ, "PODGEN_CACHE_DIR": str(clip_cache)},
    )
    assert proc.returncode == 0, proc.stderr
    (folder,) = [p for p in tmp_path.iterdir() if p.is_dir()]
    script, meta = (json.loads((folder / n).read_text()) for n in ("script.json", "episode.json"))
    for data in (script, meta):
        assert [c["format"] for c in data["credits"]] == ["docx", "markdown", "audio"]
        assert data["credits"][2]["title"] == "Speech jfk"
    assert (folder / "episode.mp3").stat().st_size > 10_000
