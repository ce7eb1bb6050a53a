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
import zipbomb
from conftest import run_podgen

from podgen.config import Settings
from podgen.errors import FetchError, TooLarge
from podgen.ingest import clean, extract

pytestmark = pytest.mark.usefixtures("no_proxy")
"""No request here goes through a proxy: the servers are the tests' own, on 127.0.0.1."""


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
    whole download is slow. ``/secret`` answers 404 and ``/ducks.txt`` a short text at once
    (for the credentials tests)."""

    started = threading.Event()

    def log_message(self, *args) -> None:
        pass

    def do_GET(self) -> None:
        if self.path == "/secret":
            self.send_error(404)
            return
        if self.path == "/ducks.txt":
            body = (
                "Ducks\n\n" + "Ducks paddle across the pond every morning, and the keepers feed them bread. " * 40
            ).encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
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
    proc = subprocess.Popen(
        [sys.executable, "-m", "podgen", "extract", f"{drip}/notes.txt"],
        env={**os.environ, "TMPDIR": str(temp), "PODGEN_FETCH_TIMEOUT": "60"},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
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
    assert (
        info.value.message == f"Could not fetch http://127.0.0.1:{port}/secret: the server answered HTTP 404 Not Found."
    )
    proc = run_podgen("extract", "ftp://ann:hunter2@example.org/paper.pdf")
    assert proc.returncode == 3 and "hunter2" not in proc.stderr and "ftp://example.org/paper.pdf" in proc.stderr


def test_url_credentials_stay_out_of_script_json_and_episode_json(drip: str, tmp_path: Path, clip_cache) -> None:
    import json

    from podgen.pipeline import make_script, render_episode

    port = drip.rsplit(":", 1)[1]
    settings = Settings(output_dir=tmp_path / "episodes", cache_dir=clip_cache, tts="piper", writer="offline")
    folder, script = make_script([f"http://ann:hunter2@127.0.0.1:{port}/ducks.txt"], settings)
    saved = (folder / "script.json").read_text()
    assert "hunter2" not in saved and "ann" not in saved
    assert script.sources == [f"http://127.0.0.1:{port}/ducks.txt"] and script.credits[0]["url"] == script.sources[0]
    edited = json.loads(saved)  # a script edited by hand, with an address that has a password in it
    edited["lines"] = edited["lines"][:2]
    edited["sources"] = ["https://ann:hunter2@example.org/notes.txt"]
    edited["credits"][0]["source"] = "https://ann:hunter2@example.org/notes.txt"
    (folder / "script.json").write_text(json.dumps(edited))
    render_episode(folder, settings)
    meta = (folder / "episode.json").read_text()
    assert "hunter2" not in meta and "https://example.org/notes.txt" in meta


# --- names: shown escaped -------------------------------------------------------------------


def test_a_file_name_with_a_newline_or_an_escape_sequence_is_shown_escaped(tmp_path: Path) -> None:
    path = tmp_path / "notes\nerror: fake\x1b[2J.xyz"
    path.write_text("not a document\n")
    proc = run_podgen("extract", str(path))
    assert proc.returncode == 3
    assert "\x1b" not in proc.stderr and proc.stderr.count("\n") == 1
    assert "notes\\nerror: fake\\x1b[2J.xyz" in proc.stderr


# --- scripts: read with limits -----------------------------------------------------------


def _script_folder(tmp_path: Path, text: str) -> Path:
    folder = tmp_path / "episode"
    folder.mkdir()
    (folder / "script.json").write_text(text)
    return folder


def test_a_deeply_nested_script_is_an_invalid_script_error(tmp_path: Path) -> None:
    folder = _script_folder(tmp_path, '{"title": "x", "lines": ' + "[" * 100_000 + "]" * 100_000 + "}")
    proc = run_podgen("render", str(folder))
    assert proc.returncode == 3, proc.stderr
    assert "script.json is not a valid script (it is nested too deeply)." in proc.stderr
    assert proc.stderr.count("\n") == 1 and "RecursionError" not in proc.stderr


def test_a_script_line_longer_than_the_limit_is_refused_by_number(tmp_path: Path) -> None:
    import json

    from podgen.errors import EpisodeError
    from podgen.models import MAX_LINE_CHARS
    from podgen.pipeline import load_script

    lines = [{"speaker": "Alex", "text": "Welcome to the show."}, {"speaker": "Sam", "text": "Ducks. " * 14_286}]
    folder = _script_folder(tmp_path, json.dumps({"title": "Ducks", "lines": lines, "hosts": ["Alex", "Sam"]}))
    with pytest.raises(EpisodeError) as info:
        load_script(folder)
    assert info.value.message.endswith(
        f"script.json: line 1 is 100,002 characters long; a line may have at most {MAX_LINE_CHARS:,}."
    )
    assert "Split it" in info.value.hint


def test_a_writer_s_overlong_line_is_split_at_sentences(monkeypatch) -> None:
    from podgen.models import MAX_LINE_CHARS, Document, Line, Script, Section
    from podgen.write import write_script, writers

    said = "".join(f"Keeper {i} lit the lamp. " for i in range(1000))  # short: each sentence its own

    class Rambler:
        def write(self, document, settings):
            return Script(
                "Lights",
                "",
                [Line("Alex", "Welcome."), Line("Sam", said), Line("Alex", "Bye.")],
                hosts=["Alex", "Sam"],
            )

    writers.names()  # the built-in writers first, then this one beside them for this test only
    monkeypatch.setitem(writers._factories, "rambler", Rambler)
    script = write_script(Document("Lights", [Section("", "text")]), Settings(writer="rambler"))
    middle = [line for line in script.lines if line.speaker == "Sam"]
    assert len(middle) >= -(-len(said) // MAX_LINE_CHARS) and all(len(line.text) <= MAX_LINE_CHARS for line in middle)
    assert " ".join(line.text for line in middle) == said.strip()  # each sentence once: the shape drops none
    assert all(line.text.endswith("lamp.") for line in middle)


# --- zip containers: bombs refused before they are inflated -------------------------------


def _limited(megabytes: int):
    """For subprocess: an address-space limit, so that inflating a bomb fails instead of
    filling the machine's memory."""
    import resource

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (megabytes << 20, megabytes << 20))

    return limit


def _extract_limited(path: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "COLUMNS": "300"}
    return subprocess.run(
        [sys.executable, "-m", "podgen", "extract", str(path)],
        capture_output=True,
        text=True,
        env=env,
        preexec_fn=_limited(1024),
        timeout=600,
    )


@pytest.mark.parametrize("kind, member", [("epub", "OEBPS/two.xhtml"), ("docx", "word/document.xml")])
def test_a_zip_bomb_is_refused_in_one_line_within_a_memory_bound(tmp_path: Path, kind: str, member: str) -> None:
    """1 MB on disk, one member inflating to 2 GB; podgen runs under a 1 GB address-space limit."""
    path = tmp_path / f"bomb.{kind}"
    zipbomb.epub(path, zipbomb.Bomb(2048, b"<html><body><p>")) if kind == "epub" else zipbomb.docx(path, 2048)
    assert path.stat().st_size < 3 << 20
    proc = _extract_limited(path)
    assert proc.returncode == 3, proc.stderr
    assert (
        f"error: bomb.{kind} holds '{member}', which unzips to 2,048 MB; podgen unzips at most 200 MB "
        "(max_unzipped_mb)." in proc.stderr
    )
    assert proc.stderr.count("\n") == 1 and proc.stdout == ""


def test_a_mimetype_member_that_is_a_bomb_is_sniffed_without_inflating_it(tmp_path: Path) -> None:
    path = zipbomb.write_zip(
        tmp_path / "archive.zip", [("mimetype", zipbomb.Bomb(2048, b"application/epub+zip"))], stored=()
    )
    proc = _extract_limited(path)  # sniffed as an EPUB from the member's first bytes, then refused as one
    assert proc.returncode == 3, proc.stderr
    assert "error: archive.zip is not a readable EPUB (META-INF/container.xml" in proc.stderr
    assert proc.stderr.count("\n") == 1


def test_a_member_compressed_like_a_bomb_is_refused_even_under_the_size_limit(tmp_path: Path) -> None:
    path = zipbomb.epub(tmp_path / "dense.epub", zipbomb.Bomb(150, b"<html><body><p>"))
    with pytest.raises(TooLarge) as info:
        extract(path, Settings())
    assert "dense.epub holds 'OEBPS/two.xhtml', compressed 1,0" in info.value.message
    assert "a zip bomb, not a document; podgen reads members compressed up to 200:1." in info.value.message


def test_the_unzipped_size_limit_is_a_setting(tmp_path: Path) -> None:
    """A chapter of 0.55 MB of words (not compressed like a bomb: the limit is what stops it)."""
    import random

    words = " ".join(
        random.Random(1).choice(["duck", "pond", "keeper", "bread", "lamp", "tower"]) for _ in range(110_000)
    )
    chapter = f"<html><body><p>{words}</p></body></html>".encode()
    path = zipbomb.epub(tmp_path / "long.epub", chapter)
    assert len(extract(path, Settings(max_unzipped_mb=1.5)).text) > 500_000
    with pytest.raises(
        TooLarge,
        match=r"long.epub holds 'OEBPS/two.xhtml', which unzips to 0.5\d MB; podgen unzips at "
        r"most 0.5 MB \(max_unzipped_mb\)",
    ):
        extract(path, Settings(max_unzipped_mb=0.5))
    zipbomb.docx(tmp_path / "small.docx")
    with pytest.raises(TooLarge, match=r"small.docx unzips to 0.00\d+ MB; podgen unzips at most 0.0005 MB"):
        extract(tmp_path / "small.docx", Settings(max_unzipped_mb=0.0005))


# --- images: Pillow's decompression-bomb limit, as podgen's own one line --------------------


@pytest.fixture(scope="module")
def huge_png(tmp_path_factory) -> Path:
    """12000 x 12000 (144 megapixels) of one colour: 17 KB on disk."""
    from PIL import Image

    path = tmp_path_factory.mktemp("images") / "huge.png"
    Image.new("1", (12000, 12000)).save(path, optimize=True)
    return path


def test_an_image_over_pillow_s_pixel_limit_is_refused_in_one_line(huge_png: Path) -> None:
    proc = run_podgen("extract", str(huge_png))
    assert proc.returncode == 3 and proc.stdout == ""
    assert "DecompressionBombWarning" not in proc.stderr and proc.stderr.count("\n") == 1
    assert "error: huge.png is 144 megapixels; podgen reads images of at most 89.5 megapixels" in proc.stderr


def test_a_cover_over_the_pixel_limit_is_refused_in_one_line(huge_png: Path) -> None:
    from podgen.errors import BadMedia
    from podgen.mix.cover import check_cover

    with pytest.raises(BadMedia, match="huge.png is 144 megapixels"):
        check_cover(huge_png)


# --- what a voice is given at once, and what a secret's mask reads -------------------------


@pytest.mark.parametrize(
    "text",
    [
        ("the model reads a long clause, and then another one follows it, " * 60)[:4000],  # commas only
        ("a word after another word with no mark at all " * 90)[:4000],  # no punctuation
        "x" * 4000,  # not even a space
        "雨が降っています。" * 400,  # full stops a splitter for Latin text does not know
        "Fine. " * 10 + "Then " + "on and on; " * 300 + "the end.",  # short sentences, then a long one
    ],
)
def test_a_voice_is_never_given_more_than_a_bounded_piece_whatever_the_punctuation(text: str) -> None:
    from podgen.speak import MAX_SPOKEN_CHARS, spoken_pieces

    pieces = spoken_pieces(text)
    assert pieces and all(0 < len(piece) <= MAX_SPOKEN_CHARS for piece in pieces)
    assert "".join("".join(pieces).split()) == "".join(text.split())  # every word said, in order
    if ", " in text:
        assert sum(piece.endswith(",") for piece in pieces) >= len(pieces) - 1  # cut after a clause


HOSTILE_RUNS = {
    "letters": ("x" * 1_000_000, "x" * 1_000_000),
    "a keyword and spaces": ("token" + " " * 1_000_000 + "x", "token" + " " * 1_000_000 + "x"),
    "key prefixes": ("sk-" * 333_333, "***"),
    "scheme characters": ("a:" * 500_000, "a:" * 500_000),
    "almost URLs": ("a:/" * 333_333, "a:/" * 333_333),
}


@pytest.mark.parametrize("run", HOSTILE_RUNS, ids=list(HOSTILE_RUNS))
def test_redaction_of_a_megabyte_run_masks_the_secrets_after_it_and_nothing_else(run: str) -> None:
    """A model's answer or a server's error of a megabyte, shaped to make a backtracking pattern
    work: the secrets after it are masked and the run is left as it was (bench/bench_redact.py
    times it: linear now, where it was quadratic)."""
    from podgen import redact

    hostile, kept = HOSTILE_RUNS[run]
    secrets = " https://bob:hunter2@example.org/x token: abcdefghijklmnop0123 sk-" + "k" * 20
    masked = redact.text(hostile + secrets)
    assert masked == kept + " https://***@example.org/x token: *** ***"
    assert redact.url(hostile + " https://bob:hunter2@example.org/x") == hostile + " https://example.org/x"


def test_a_model_name_of_5000_characters_is_refused_without_being_echoed(tmp_path: Path) -> None:
    doc = tmp_path / "note.md"
    doc.write_text("# Lamps\n\nOil lamps burned for thousands of years before gas lighting arrived.\n")
    owner = "o" * 5000
    proc = run_podgen("script", str(doc), "-o", str(tmp_path), "--writer", "local", "--model", f"{owner}/repo/m.gguf")
    assert proc.returncode == 2 and "model" in proc.stderr and "300" in proc.stderr, proc.stderr[:500]
    assert "o" * 100 not in proc.stderr and len(proc.stderr.strip().splitlines()) == 1
