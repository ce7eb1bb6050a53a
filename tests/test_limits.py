"""Hostile and unlucky inputs meet a limit, not a hang or a memory blow-up: text without blank
lines, oversized files, zip bombs, decompression-bomb images, odd file names. Every input is
made by the test, small on disk."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from podgen.config import Settings
from podgen.errors import TooLarge
from podgen.ingest import clean, extract


def run_podgen(*args: str, env: dict | None = None, **kwargs) -> subprocess.CompletedProcess:
    import os

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
