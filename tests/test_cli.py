"""The command line as a user meets it: help, extract, and one-line errors for bad input."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import DATA


def podgen(*args: str, cwd: Path | None = None, env: dict | None = None) -> subprocess.CompletedProcess:
    full_env = {**os.environ, "COLUMNS": "200", **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "podgen", *args], capture_output=True, text=True, cwd=cwd, env=full_env, timeout=120
    )


def test_help_lists_commands_with_examples():
    proc = podgen("--help")
    assert proc.returncode == 0
    for word in ("make", "render", "extract", "voices", "podgen make paper.pdf"):
        assert word in proc.stdout
    make_help = podgen("make", "--help").stdout
    assert "--minutes" in make_help and "--title" in make_help and "podgen make notes.md" in make_help


def test_version():
    proc = podgen("--version")
    assert proc.returncode == 0 and proc.stdout.startswith("podgen ")


def test_extract_prints_clean_markdown():
    proc = podgen("extract", str(DATA / "paper-twocolumn.pdf"))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("# Dense Passage Retrieval")
    assert "## 1 Introduction" in proc.stdout
    assert "ﬁ" not in proc.stdout and "arXiv:2004" not in proc.stdout
    assert proc.stderr == ""  # pypdf's own warnings stay out of the terminal


def test_pypdf_warnings_never_reach_the_terminal():
    """The one line on stderr is podgen's own: a warning that the file is damaged, or the error
    that it cannot be read; pypdf's own log lines ("EOF marker not found") are there at debug
    level only."""
    proc = podgen("extract", str(DATA / "broken-corrupt-stream.pdf"))
    assert proc.returncode == 0 and "Readability counts." in proc.stdout
    assert proc.stderr.startswith("warning: broken-corrupt-stream.pdf is damaged") and proc.stderr.count("\n") == 1
    proc = podgen("extract", str(DATA / "truncated.pdf"))
    assert proc.returncode == 3 and "EOF marker" not in proc.stderr
    debug = podgen("--debug", "extract", str(DATA / "truncated.pdf"))
    assert "pypdf: EOF marker not found" in debug.stderr


def test_extract_encrypted_pdf_with_password():
    proc = podgen("extract", str(DATA / "paper-encrypted.pdf"), "--password", "1234")
    assert proc.returncode == 0, proc.stderr
    assert "DocLayNet" in proc.stdout


def test_voices_lists_the_offline_voices():
    proc = podgen("voices")
    assert proc.returncode == 0 and "piper" in proc.stdout and "joe-bright" in proc.stdout


BAD_INPUTS = [
    ("missing.pdf", "File not found", 3),
    ("random-bytes.pdf", "not a PDF", 3),
    ("truncated.pdf", "not a readable PDF", 3),
    ("paper-encrypted.pdf", "encrypted", 3),
    ("blank-page.pdf", "blank", 3),
    ("empty.txt", "empty", 3),
    ("whitespace.md", "empty", 3),
    ("binary.txt", "NUL bytes", 3),
]


@pytest.mark.parametrize("name, says, code", BAD_INPUTS)
def test_bad_input_gets_one_line_and_no_episode(tmp_path, name, says, code):
    proc = podgen("make", str(DATA / name), "-o", str(tmp_path / "out"))
    assert proc.returncode == code
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith("error: ") and says in lines[0] and name in lines[0]
    assert "Traceback" not in proc.stderr
    assert not list(tmp_path.rglob("episode.mp3"))


def test_unsupported_extension_names_what_podgen_reads(tmp_path):
    source = tmp_path / "slides.pptx"
    source.write_bytes(b"PK\x03\x04 not really")
    proc = podgen("make", str(source), "-o", str(tmp_path / "out"))
    assert proc.returncode == 3
    assert "Unsupported file type .pptx" in proc.stderr and ".pdf" in proc.stderr
    assert not (tmp_path / "out").exists()


def test_debug_shows_the_traceback(tmp_path):
    proc = podgen("--debug", "make", str(DATA / "random-bytes.pdf"), "-o", str(tmp_path))
    assert proc.returncode == 3 and "Traceback" in proc.stderr


def test_bad_settings_file_is_a_one_line_error(tmp_path):
    (tmp_path / "podgen.toml").write_text("minutes = -2\n")
    proc = podgen("make", str(DATA / "modelcard-whisper.md"), cwd=tmp_path)
    assert proc.returncode == 2
    assert proc.stderr.strip().count("\n") == 0 and "minutes" in proc.stderr


def test_render_of_a_folder_without_a_script(tmp_path):
    proc = podgen("render", str(tmp_path))
    assert proc.returncode == 3 and "No script.json" in proc.stderr


def test_render_of_a_broken_script(tmp_path):
    (tmp_path / "script.json").write_text('{"title": "x", "lines": [{"speaker": "Alex"}]}')
    proc = podgen("render", str(tmp_path))
    assert proc.returncode == 3 and "not a valid script" in proc.stderr and "Traceback" not in proc.stderr


def test_an_output_folder_that_cannot_be_made_is_a_one_line_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    proc = podgen("make", str(DATA / "modelcard-whisper.md"), "-o", str(blocker / "episodes"))
    assert proc.returncode == 1
    assert proc.stderr.startswith("error: ") and proc.stderr.count("\n") == 1 and "Traceback" not in proc.stderr
    assert str(blocker) in proc.stderr


def test_render_refuses_an_empty_line(tmp_path):
    (tmp_path / "script.json").write_text(
        '{"title": "x", "hosts": ["Alex", "Sam"], "lines": [{"speaker": "Alex", "text": "Hi."},'
        ' {"speaker": "Sam", "text": "  "}]}'
    )
    proc = podgen("render", str(tmp_path))
    assert proc.returncode == 3 and "line 1 has no text" in proc.stderr
    assert not (tmp_path / "episode.mp3").exists()
