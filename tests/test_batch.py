"""podgen batch: a folder of real documents (and a corrupt one) becomes episodes, locally and on a
real Dask LocalCluster; re-runs skip what is unchanged; failures are reported, never fatal."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import BATCH_CHAPTERS, BATCH_DOCS, DATA, run_podgen
from mutagen.mp3 import MP3

from podgen.batch import REPORT, STATE, document_key, failed_checks, run_batch
from podgen.config import Settings

pytestmark = pytest.mark.slow


def _report(out: Path) -> dict:
    return json.loads((out / REPORT).read_text(encoding="utf-8"))


def _by_name(report: dict) -> dict[str, dict]:
    return {Path(d["source"]).name: d for d in report["documents"]}


def test_batch_makes_the_good_documents_and_reports_the_corrupt_one(batch_run):
    out, proc = batch_run
    assert proc.returncode == 1, proc.stderr  # one document failed
    docs = _by_name(_report(out))
    assert set(docs) == {*BATCH_DOCS, "corrupt.pdf"}  # notes.xyz is not a document podgen reads
    assert docs["corrupt.pdf"]["status"] == "failed"
    assert "not a PDF" in docs["corrupt.pdf"]["reason"]
    for name in BATCH_DOCS:
        folder = Path(docs[name]["folder"])
        assert docs[name]["status"] == "made" and folder.parent == out.resolve()
        meta = json.loads((folder / "episode.json").read_text(encoding="utf-8"))
        assert abs(MP3(folder / "episode.mp3").info.length - meta["duration"]) < 0.2
        assert 20 < meta["duration"] < 120  # about a minute
    assert "2 made, 0 skipped, 1 failed" in proc.stdout
    lines = [line for line in proc.stderr.splitlines() if "corrupt.pdf" in line]
    assert len(lines) == 1 and "failed" in lines[0] and "Traceback" not in proc.stderr


def test_rerun_makes_nothing_new_and_retries_only_the_failure(batch_run, batch_docs, clip_cache):
    out, _ = batch_run
    before = {p: p.stat().st_mtime_ns for p in out.glob("*/episode.mp3")}
    proc = run_podgen(
        "batch",
        str(batch_docs),
        "-o",
        str(out),
        "--minutes",
        "1",
        env={"PODGEN_CACHE_DIR": str(clip_cache), **BATCH_CHAPTERS},
    )
    assert proc.returncode == 1
    report = _report(out)
    assert (report["made"], report["skipped"], report["failed"]) == (0, 2, 1)
    assert {p: p.stat().st_mtime_ns for p in out.glob("*/episode.mp3")} == before
    state = json.loads((out / STATE).read_text(encoding="utf-8"))
    assert {Path(s).name for s in state} == set(BATCH_DOCS)


def test_the_same_batch_on_a_dask_cluster_makes_the_same_episodes(batch_run, batch_docs, clip_cache, tmp_path):
    from distributed import LocalCluster

    out, _ = batch_run
    settings = Settings(output_dir=tmp_path / "eps", cache_dir=clip_cache, minutes=1, tts="piper", chapter_seconds=10)
    with LocalCluster(n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        report = run_batch(batch_docs, settings, scheduler=cluster.scheduler_address)
    assert (report.count("made"), report.count("failed")) == (2, 1)
    local = {Path(o["folder"]).name: o["title"] for o in _report(out)["documents"] if o["folder"]}
    remote = {Path(o.folder).name: o.title for o in report.outcomes if o.status == "made"}
    assert remote == local
    for name in local:  # the same script and clips (one cache, each clip spoken once) make the same episode
        assert (out / name / "script.json").read_bytes() == (settings.output_dir / name / "script.json").read_bytes()
        ours = json.loads((out / name / "episode.json").read_text(encoding="utf-8"))
        theirs = json.loads((settings.output_dir / name / "episode.json").read_text(encoding="utf-8"))
        assert ours["made_from"] == theirs["made_from"]  # script, clip names, mix settings
        assert ours["duration"] == theirs["duration"] and ours["title"] == theirs["title"]
    assert _by_name(json.loads((settings.output_dir / REPORT).read_text()))["corrupt.pdf"]["status"] == "failed"


def test_a_clip_spoken_twice_at_once_is_stored_once(tmp_path):
    """Two documents made at once may speak a common line at the same moment: Piper never says a
    line the same way twice, so the cache must keep the first clip, or an episode already mixed
    from it would no longer match what the cache gives every later run."""
    from podgen.speak.cache import ClipCache

    cache = ClipCache(tmp_path / "clips")
    path = cache.path("piper/joe", "That's it from us. Thanks for listening!")
    cache.store(path, b"\x01\x00" * 100, 22050)
    first = path.read_bytes()
    cache.store(path, b"\x02\x00" * 120, 22050)  # the other process finished speaking it later
    assert path.read_bytes() == first
    cache.store(path, b"\x03\x00" * 90, 22050, replace=True)  # --no-cache: speak every line anew
    assert path.read_bytes() != first and len(list(path.parent.iterdir())) == 1


def test_two_documents_with_one_title_get_two_episodes(tmp_path, clip_cache):
    docs = tmp_path / "docs"
    docs.mkdir()
    text = "# Same title\n\n## Part\n\nThe lighthouse keeper counts ships at dawn. Fog hides the harbour.\n"
    (docs / "a.md").write_text(text)
    (docs / "b.md").write_text(text.replace("ships", "boats"))
    settings = Settings(output_dir=tmp_path / "eps", cache_dir=clip_cache, minutes=0.3, tts="piper")
    report = run_batch(docs, settings, jobs=2)
    folders = sorted(Path(o.folder).name for o in report.outcomes)
    assert folders == ["same-title", "same-title-2"]
    (docs / "b.md").write_text(text.replace("ships", "gulls"))  # b changed: re-made into its own folder
    again = run_batch(docs, settings)
    assert {Path(o.source).name: (o.status, Path(o.folder).name) for o in again.outcomes} == {
        "a.md": ("skipped", Path(_folder_of(report, "a.md")).name),
        "b.md": ("made", Path(_folder_of(report, "b.md")).name),
    }
    assert len(list((tmp_path / "eps").glob("*/episode.json"))) == 2


def _folder_of(report, name: str) -> str:
    return next(o.folder for o in report.outcomes if Path(o.source).name == name)


def test_the_key_changes_with_content_and_options_but_not_with_where_things_go(tmp_path):
    doc = tmp_path / "a.md"
    doc.write_text("# A\n\nText.\n")
    base = Settings(output_dir=tmp_path / "x", cache_dir=tmp_path / "c")
    key = document_key(doc, base)
    assert document_key(doc, base.model_copy(update={"output_dir": tmp_path / "y", "tts_concurrency": 1})) == key
    assert document_key(doc, base.model_copy(update={"minutes": 2.0})) != key
    doc.write_text("# A\n\nOther text.\n")
    assert document_key(doc, base) != key


def test_failed_checks_are_read_from_a_check_json_of_the_audio_there(tmp_path):
    from podgen.folder import audio_identity

    assert failed_checks(tmp_path) == []
    (tmp_path / "episode.mp3").write_bytes(b"ID3 audio, as far as this test is concerned")
    check = {
        "passed": False,
        "checked": "2026-01-01T00:00:00+00:00",
        "audio": audio_identity(tmp_path / "episode.mp3"),
        "findings": [
            {"check": "loudness", "passed": False, "message": "-12 LUFS, want -19", "line": None, "time": None},
            {"check": "tags", "passed": True, "message": "ok", "line": None, "time": None},
        ],
    }
    (tmp_path / "check.json").write_text(json.dumps(check))
    assert failed_checks(tmp_path) == ["loudness: -12 LUFS, want -19"]
    (tmp_path / "episode.mp3").write_bytes(b"ID3 other audio, rendered since the check")
    assert failed_checks(tmp_path) == []


@pytest.mark.parametrize(
    "setup, says",
    [
        ("empty", "No documents in"),
        ("unsupported", "none of them podgen reads"),
        ("missing", "is not a folder"),
    ],
)
def test_bad_folders_get_one_line(tmp_path, setup, says):
    folder = tmp_path / "docs"
    if setup != "missing":
        folder.mkdir()
    if setup == "unsupported":
        (folder / "a.xyz").write_text("x")
        (folder / "b.docx.bak").write_text("x")
    proc = run_podgen("batch", str(folder), "-o", str(tmp_path / "eps"))
    assert proc.returncode == 3
    assert says in proc.stderr and len(proc.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "eps" / REPORT).exists()


def test_recursive_finds_documents_in_subfolders(tmp_path):
    from podgen.batch import find_documents

    (tmp_path / "sub").mkdir()
    shutil.copy(DATA / "modelcard-whisper.md", tmp_path / "sub" / "card.md")
    (tmp_path / ".hidden").mkdir()
    shutil.copy(DATA / "notes-bom.txt", tmp_path / ".hidden" / "n.txt")
    assert [p.name for p in find_documents(tmp_path, recursive=True)] == ["card.md"]
    proc = run_podgen("batch", str(tmp_path), "-o", str(tmp_path / "eps"))
    assert proc.returncode == 3 and "Add -r" in proc.stderr


def test_an_unreachable_scheduler_is_a_one_line_error(tmp_path):
    shutil.copy(DATA / "notes-bom.txt", tmp_path / "n.txt")
    proc = run_podgen("batch", str(tmp_path), "-o", str(tmp_path / "eps"), "--scheduler", "tcp://127.0.0.1:9")
    assert proc.returncode == 4, proc.stderr
    assert "Cannot reach the Dask scheduler at tcp://127.0.0.1:9" in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1


def test_an_interrupted_batch_resumes(tmp_path):
    docs, eps = tmp_path / "docs", tmp_path / "eps"
    docs.mkdir()
    topics = {
        "a": ("Lighthouses", "keepers trimmed the wicks"),
        "b": ("Canals", "locks lift the barges"),
        "c": ("Orchards", "bees carry the pollen"),
    }
    for name, (title, fact) in topics.items():
        (docs / f"{name}.md").write_text(
            f"# {title}\n\n## History\n\nIn old times {fact} every night. People still say that {fact}.\n"
        )
    env = {**os.environ, "PODGEN_CACHE_DIR": str(tmp_path / "cache"), "COLUMNS": "200", "PODGEN_TTS": "piper"}
    args = [sys.executable, "-m", "podgen", "batch", str(docs), "-o", str(eps), "--minutes", "0.3"]
    proc = _interruptible(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    while not (eps / STATE).exists() and proc.poll() is None:  # the first document is done
        time.sleep(0.05)
    proc.send_signal(signal.SIGINT)
    _, stderr = proc.communicate(timeout=300)
    assert proc.returncode == 130, stderr
    assert "run the same command again to resume" in stderr
    done = json.loads((eps / STATE).read_text(encoding="utf-8"))
    assert 1 <= len(done) < 3
    again = run_podgen("batch", str(docs), "-o", str(eps), "--minutes", "0.3", env=env)
    assert again.returncode == 0, again.stderr
    report = _report(eps)
    assert (report["skipped"], report["made"], report["failed"]) == (len(done), 3 - len(done), 0)
    assert len(list(eps.glob("*/episode.json"))) == 3


def _interruptible(args: list[str], **options) -> subprocess.Popen:
    """Start ``args`` with SIGINT at its default, so that SIGINT interrupts it as Ctrl-C would.

    A process inherits an *ignored* SIGINT across exec, and a background job of a non-interactive
    shell (``pytest ... &`` in a script) starts with SIGINT ignored: the child would then ignore our
    SIGINT and finish every document. A handler, unlike SIG_IGN, is reset to the default by exec."""
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        return subprocess.Popen(args, **options)
    finally:
        signal.signal(signal.SIGINT, previous)
