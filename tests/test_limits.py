"""Hostile and unlucky inputs meet a limit, not a hang or a memory blow-up: text without blank
lines, oversized files, zip bombs, decompression-bomb images, odd file names. Every input is
made by the test, small on disk."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from podgen.config import Settings
from podgen.errors import FetchError, TooLarge
from podgen.ingest import clean, extract


def run_podgen(*args: str, env: dict | None = None, **kwargs) -> subprocess.CompletedProcess:
    full_env = {**os.environ, "COLUMNS": "200", "PODGEN_TTS": "piper", **(env or {})}
    return subprocess.run([sys.executable, "-m", "podgen", *args], capture_output=True, text=True, env=full_env,
                          **kwargs)


# --- text: linear cleaning and a size cap -------------------------------------------------

def test_joining_lines_never_looks_back_over_the_whole_paragraph(monkeypatch) -> None:
    """Lines of one length and no blank line make one paragraph that keeps growing; each new
    line is joined by looking at the paragraph's last few characters only (linear time)."""
    seen: list[int] = []
    joint = clean._joint

    def spy(left: str, right: str, keep: set[str]):
        seen.append(len(left))
        return joint(left, right, keep)

    monkeypatch.setattr(clean, "_joint", spy)
    lines = [f"line {i:05d} of words that never ends a sentence and never stops" for i in range(20_000)]
    lines += ["and at the very end a retrie-", "val that still joins."]
    paragraphs = clean.join_lines(lines)
    assert len(paragraphs) == 1 and paragraphs[0].endswith("and at the very end a retrieval that still joins.")
    assert paragraphs[0].startswith("line 00000 of words") and paragraphs[0].count("line ") == 20_000
    assert max(seen) <= 200


def test_text_without_blank_lines_is_cleaned_as_one_paragraph(tmp_path: Path) -> None:
    line = "the keepers climbed the tower every evening to light the lamp again"
    path = tmp_path / "endless.txt"
    path.write_text("Lighthouse keepers\n" + "\n".join(f"{line} {i}" for i in range(5000)) + "\n")
    doc = extract(path, Settings())
    assert doc.title == "Lighthouse keepers"
    assert doc.text.count("the keepers climbed") == 5000 and "\n" not in doc.text.strip()


def test_a_text_file_over_the_size_limit_is_refused_before_it_is_read(tmp_path: Path, monkeypatch) -> None:
    path = tmp_path / "huge.txt"
    with open(path, "wb") as handle:  # a sparse file: 11 MB long, nothing on disk
        handle.truncate(11 * 1024 * 1024)

    def no_reading(self, *args, **kwargs):
        raise AssertionError(f"{self} was read")

    monkeypatch.setattr(Path, "read_bytes", no_reading)
    with pytest.raises(TooLarge) as info:
        extract(path, Settings())
    assert info.value.message == "huge.txt is 11.0 MB; podgen reads text files of at most 10 MB (max_text_mb)."
    assert "raise max_text_mb" in info.value.hint


def test_the_text_limit_is_a_setting_and_a_one_line_error_on_the_command_line(tmp_path: Path) -> None:
    notes = tmp_path / "notes.md"
    notes.write_text("# Notes\n\n" + "Ducks paddle across the pond every morning.\n" * 100)
    proc = run_podgen("extract", str(notes), env={"PODGEN_MAX_TEXT_MB": "0.001"})
    assert proc.returncode == 3 and proc.stdout == ""
    assert "notes.md is 0.0042 MB; podgen reads text files of at most 0.001 MB (max_text_mb)." in proc.stderr
    assert proc.stderr.count("\n") == 1


# --- URLs: a deadline for the whole download, temporary files gone on every exit --------------

class _Drip(BaseHTTPRequestHandler):
    """Headers and 200 bytes at once, then one byte every 0.1 s for 6 s: each read is quick, the
    whole download is slow. ``/secret`` answers 404 (for the credentials tests)."""

    started = threading.Event()

    def log_message(self, *args) -> None:
        pass

    def do_GET(self) -> None:
        if self.path == "/secret":
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(200 + 60))
        self.end_headers()
        try:
            self.wfile.write(b"Ducks paddle. " * 14 + b"x" * 4)
            self.wfile.flush()
            _Drip.started.set()
            for _ in range(60):
                time.sleep(0.1)
                self.wfile.write(b".")
                self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):  # podgen gave up, as it should
            pass


@pytest.fixture(scope="module")
def drip():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Drip)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


@pytest.fixture(autouse=True)
def no_proxy(monkeypatch):
    for name in ("http_proxy", "https_proxy", "all_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)


def test_a_url_that_drips_meets_the_deadline_for_the_whole_download(drip: str) -> None:
    with pytest.raises(FetchError) as info:
        extract(f"{drip}/notes.txt", Settings(fetch_timeout=1))
    message = info.value.message
    assert message.startswith(f"Could not fetch {drip}/notes.txt: the download was not finished after 1 seconds")
    assert "bytes had arrived" in message and "\n" not in message and "fetch_timeout" in info.value.hint


def test_sigterm_during_a_download_leaves_no_temporary_files(drip: str, tmp_path: Path) -> None:
    temp = tmp_path / "tmp"
    temp.mkdir()
    _Drip.started.clear()
    proc = subprocess.Popen([sys.executable, "-m", "podgen", "extract", f"{drip}/notes.txt"],
                            env={**os.environ, "TMPDIR": str(temp), "PODGEN_FETCH_TIMEOUT": "60"},
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert _Drip.started.wait(60)
        for _ in range(600):  # the download's file is there once the body has started
            if any(p.is_file() for p in temp.glob("podgen-fetch-*/*")):
                break
            time.sleep(0.05)
        assert list(temp.glob("podgen-fetch-*/*"))
        proc.send_signal(signal.SIGTERM)
        _, stderr = proc.communicate(timeout=60)
    finally:
        proc.kill()
    assert proc.returncode == 143 and "terminated" in stderr
    assert list(temp.iterdir()) == []


def test_url_credentials_are_neither_printed_nor_stored(drip: str, tmp_path: Path) -> None:
    port = drip.rsplit(":", 1)[1]
    with pytest.raises(FetchError) as info:
        extract(f"http://ann:hunter2@127.0.0.1:{port}/secret", Settings())
    assert info.value.message == f"Could not fetch http://127.0.0.1:{port}/secret: the server answered HTTP 404 Not Found."
    proc = run_podgen("extract", "ftp://ann:hunter2@example.org/paper.pdf")
    assert proc.returncode == 3 and "hunter2" not in proc.stderr and "ftp://example.org/paper.pdf" in proc.stderr


# --- names: shown escaped -------------------------------------------------------------------

def test_a_file_name_with_a_newline_or_an_escape_sequence_is_shown_escaped(tmp_path: Path) -> None:
    path = tmp_path / "notes\nerror: fake\x1b[2J.xyz"
    path.write_text("not a document\n")
    proc = run_podgen("extract", str(path))
    assert proc.returncode == 3
    assert "\x1b" not in proc.stderr and proc.stderr.count("\n") == 1
    assert "notes\\nerror: fake\\x1b[2J.xyz" in proc.stderr
