"""podgen check on real episodes: a good one passes; broken ones are caught at the right line
and time; --fix mends a flagged line. Episodes are rendered from a five-line script (20 s) and
heard by Whisper, so every test here is slow (the parts that need no episode: test_check_units.py)."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
import wave
from pathlib import Path

import pytest
from mutagen.id3 import CHAP, CTOC, ID3, TIT2, CTOCFlags

from podgen.check import check_episode
from podgen.config import Settings
from podgen.ffmpeg import ffmpeg_exe
from podgen.fix import fix_episode
from podgen.models import Script
from podgen.pipeline import render_episode
from podgen.speak import host_voices, open_backend
from podgen.speak.cache import ClipCache

pytestmark = pytest.mark.slow

LINES = [
    ("Alex", "Welcome to the show. Today we talk about lighthouses and the people who kept them."),
    ("Sam", "The light at the top can be seen from far out at sea."),
    ("Alex", "The keepers climbed the tower every evening to light the lamp."),
    ("Sam", "Today most lights run on their own, and the keepers have gone home."),
    ("Alex", "Thanks for listening, and see you next time."),
]
SCRIPT = {
    "version": 1,
    "title": "Lighthouses",
    "description": "Two hosts talk about lighthouses.",
    "lines": [{"speaker": s, "text": t} for s, t in LINES],
    "chapters": [{"title": "Welcome", "line": 0}, {"title": "Keepers", "line": 2}],
    "hosts": ["Alex", "Sam"],
    "sources": [],
    "writer": "hand",
}


@pytest.fixture(scope="module")
def good(tmp_path_factory) -> tuple[Path, Settings]:
    """A rendered episode and the settings (with its own clip cache) that made it."""
    root = tmp_path_factory.mktemp("check")
    folder = root / "lighthouses"
    folder.mkdir()
    (folder / "script.json").write_text(json.dumps(SCRIPT))
    settings = Settings(cache_dir=root / "cache", tts="piper")
    render_episode(folder, settings)
    return folder, settings


@pytest.fixture(scope="module")
def good_report(good):
    folder, settings = good
    return check_episode(folder, settings)


def copy_episode(good, tmp_path: Path) -> tuple[Path, Settings]:
    """A copy of the good episode with a copy of its clip cache, free to break."""
    folder, settings = good
    shutil.copytree(folder, tmp_path / folder.name)
    (tmp_path / folder.name / "check.json").unlink(missing_ok=True)
    shutil.copytree(settings.cache_dir, tmp_path / "cache")
    return tmp_path / folder.name, settings.model_copy(update={"cache_dir": tmp_path / "cache"})


def rerender(folder: Path, settings: Settings) -> None:
    """Render again although script.json did not change (a clip in the cache did)."""
    (folder / "episode.json").unlink()
    render_episode(folder, settings)


def clip(folder: Path, settings: Settings, line: int) -> Path:
    script = Script.from_dict(json.loads((folder / "script.json").read_text()))
    voice = host_voices(script, settings, open_backend(settings))[script.lines[line].speaker]
    return ClipCache(settings.cache_dir / "clips").path(voice.cache_key(), script.lines[line].text)


def failed(report, check: str) -> list:
    return [f for f in report.findings if f.check == check and not f.passed]


def segment(folder: Path, line: int) -> dict:
    return json.loads((folder / "transcript.json").read_text())["segments"][line]


def ffmpeg(*args: str) -> None:
    subprocess.run([ffmpeg_exe(), "-v", "error", "-y", *args], check=True)


def reencode(folder: Path, audio_filter: str) -> None:
    """Re-encode episode.mp3 through an ffmpeg filter, keeping its format and ID3 tags."""
    mp3 = folder / "episode.mp3"
    ffmpeg(
        "-i",
        str(mp3),
        "-af",
        audio_filter,
        "-ar",
        "44100",
        "-ac",
        "1",
        "-b:a",
        "96k",
        "-map_metadata",
        "0",
        "-id3v2_version",
        "3",
        str(folder / "edited.mp3"),
    )
    (folder / "edited.mp3").replace(mp3)


def test_a_good_episode_passes_and_writes_check_json(good, good_report):
    folder, _ = good
    assert good_report.passed, [f.message for f in good_report.failures]
    data = json.loads((folder / "check.json").read_text())
    assert data["passed"] is True and data["checked"].endswith("+00:00")
    checks = {f["check"] for f in data["findings"]}
    assert {
        "speech.wer",
        "speech.pause",
        "speech.gap",
        "speech.length",
        "loudness",
        "true_peak",
        "mp3.format",
        "id3.tags",
        "id3.cover",
        "id3.chapters",
        "transcripts",
        "episode.json",
    } <= checks
    assert all(set(f) >= {"check", "passed", "message", "line", "time"} for f in data["findings"])
    measured = data["measured"]
    assert measured["wer"] < 0.2 and len(measured["line_wer"]) == len(LINES)
    assert abs(measured["loudness"] + 19) <= 1 and measured["true_peak"] <= -1
    assert measured["duration"] == pytest.approx(json.loads((folder / "episode.json").read_text())["duration"], abs=0.1)


def test_check_json_names_the_audio_it_heard(good, good_report):
    folder, _ = good
    heard = json.loads((folder / "check.json").read_text())["audio"]
    meta = json.loads((folder / "episode.json").read_text())
    assert heard["file"] == "episode.mp3" and heard["bytes"] == (folder / "episode.mp3").stat().st_size
    assert heard["sha256"] == hashlib.sha256((folder / "episode.mp3").read_bytes()).hexdigest()
    assert heard["made_from"] == meta["made_from"]


def test_a_check_of_audio_rendered_over_since_does_not_publish_it(good, tmp_path):
    """check passes; line 1 is edited and rendered; feed --only-checked must leave the episode
    out (and batch must not report the old check) until it is checked again."""
    from podgen.batch import failed_checks
    from podgen.config import Show
    from podgen.errors import PublishError
    from podgen.publish import publish

    folder, settings = copy_episode(good, tmp_path)
    (tmp_path / "episodes").mkdir()
    folder = folder.rename(tmp_path / "episodes" / folder.name)
    assert check_episode(folder, settings).passed
    show = settings.model_copy(update={"show": Show(base_url="https://pods.example.org/ml")})
    assert [e.slug for e in publish(folder.parent, tmp_path / "site", show, only_checked=True).episodes] == [
        "lighthouses"
    ]
    script = json.loads((folder / "script.json").read_text())
    script["lines"][1]["text"] = "The light at the top of the tower can be seen from very far out at sea."
    (folder / "script.json").write_text(json.dumps(script))
    render_episode(folder, settings)
    assert json.loads((folder / "check.json").read_text())["passed"] is True  # the old check is still there
    with pytest.raises(PublishError, match="none a complete episode"):
        publish(folder.parent, tmp_path / "site", show, only_checked=True)
    stale = json.loads((folder / "check.json").read_text())
    stale.update(passed=False, findings=[{"check": "loudness", "passed": False, "message": "too loud"}])
    (folder / "check.json").write_text(json.dumps(stale))
    assert failed_checks(folder) == []  # a stale check reports nothing either way
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "podgen",
            "feed",
            str(folder.parent),
            "--base-url",
            "https://pods.example.org/ml",
            "-o",
            str(tmp_path / "site"),
            "--only-checked",
        ],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 3
    assert "check.json is about other audio: it was rendered again since; check it again" in proc.stderr


def test_the_same_audio_gets_the_same_verdict(good, tmp_path):
    """Greedy decoding only: Whisper's sampled re-decodes of uncertain audio would make two
    checks of one episode disagree."""
    folder, settings = copy_episode(good, tmp_path)
    shutil.copyfile(clip(folder, settings, 3), clip(folder, settings, 1))
    rerender(folder, settings)
    first, second = (check_episode(folder, settings) for _ in range(2))
    assert [(f.check, f.line, f.heard) for f in first.findings] == [(f.check, f.line, f.heard) for f in second.findings]
    assert first.measured["line_wer"] == second.measured["line_wer"]


def test_a_clip_swapped_for_another_lines_audio_is_caught_at_that_line(good, tmp_path):
    folder, settings = copy_episode(good, tmp_path)
    shutil.copyfile(clip(folder, settings, 3), clip(folder, settings, 1))
    rerender(folder, settings)
    report = check_episode(folder, settings)
    assert not report.passed
    bad = failed(report, "speech.wer")
    assert [f.line for f in bad] == [1]
    assert bad[0].time == pytest.approx(segment(folder, 1)["startTime"])
    assert bad[0].expected == LINES[1][1] and "keepers" in bad[0].heard


def test_a_clip_cut_short_is_caught_at_that_line(good, tmp_path):
    folder, settings = copy_episode(good, tmp_path)
    path = clip(folder, settings, 2)
    with wave.open(str(path), "rb") as src:
        params, frames = src.getparams(), src.readframes(src.getnframes())
    with wave.open(str(path), "wb") as out:
        out.setparams(params)
        out.writeframes(frames[: len(frames) // 2 // 2 * 2])
    rerender(folder, settings)
    report = check_episode(folder, settings)
    assert [f.line for f in failed(report, "speech.wer")] == [2]
    assert "lamp" not in failed(report, "speech.wer")[0].heard


def test_a_line_with_no_speech_is_caught(good, tmp_path):
    folder, settings = copy_episode(good, tmp_path)
    path = clip(folder, settings, 3)
    with wave.open(str(path), "rb") as src:
        params, count = src.getparams(), src.getnframes()
    with wave.open(str(path), "wb") as out:
        out.setparams(params)
        out.writeframes(bytes(2 * count))
    rerender(folder, settings)
    report = check_episode(folder, settings)
    missing = failed(report, "speech.missing")
    assert [f.line for f in missing] == [3] and missing[0].time == pytest.approx(segment(folder, 3)["startTime"])
    assert [f.line for f in failed(report, "speech.gap")] == [3]
    assert not failed(report, "speech.wer")


def test_silence_inserted_into_the_mp3_is_caught_at_its_line_and_time(good, tmp_path):
    folder, settings = copy_episode(good, tmp_path)
    line = segment(folder, 1)
    at = round((line["startTime"] + line["endTime"]) / 2, 2)
    reencode(
        folder,
        f"adelay=delays=0:all=1,apad,atrim=0:{at},aresample=44100[x];"
        f"anullsrc=r=44100:cl=mono,atrim=0:2[s];"
        f"amovie={folder / 'episode.mp3'},atrim=start={at},asetpts=PTS-STARTPTS[y];[x][s][y]concat=n=3:v=0:a=1",
    )
    report = check_episode(folder, settings)
    gaps = failed(report, "speech.gap")
    assert gaps and gaps[0].line == 1 and gaps[0].time == pytest.approx(at, abs=0.2)
    assert failed(report, "speech.length")
    first = min((f for f in report.failures if f.time is not None), key=lambda f: f.time)
    assert first.line == 1


def test_speech_after_the_last_line_is_caught_in_the_pause(good, tmp_path):
    folder, settings = copy_episode(good, tmp_path)
    mp3, end = folder / "episode.mp3", segment(folder, len(LINES) - 1)["endTime"]
    ffmpeg(
        "-i",
        str(mp3),
        "-i",
        str(clip(folder, settings, 2)),
        "-filter_complex",
        "[1]aresample=44100[b];[0][b]concat=n=2:v=0:a=1",
        "-ac",
        "1",
        "-b:a",
        "96k",
        "-map_metadata",
        "0",
        "-id3v2_version",
        "3",
        str(folder / "longer.mp3"),
    )
    (folder / "longer.mp3").replace(mp3)
    report = check_episode(folder, settings)
    pause = failed(report, "speech.pause")
    assert pause and pause[0].line == len(LINES) - 1 and pause[0].time == pytest.approx(end + 0.4, abs=0.5)
    assert "keepers" in pause[0].heard and failed(report, "speech.length")
    assert not failed(report, "speech.wer")


def test_an_episode_6_lu_too_quiet_fails_loudness(good, tmp_path):
    folder, settings = copy_episode(good, tmp_path)
    reencode(folder, "volume=-6dB")
    report = check_episode(folder, settings)
    loud = failed(report, "loudness")
    assert loud and "-25" in loud[0].message and "volume" in loud[0].effect
    assert report.measured["loudness"] == pytest.approx(-25, abs=0.7)
    assert not failed(report, "speech.wer") and not report.passed


def test_id3_chapters_must_match_chapters_json(good, tmp_path):
    folder, settings = copy_episode(good, tmp_path)
    mp3 = folder / "episode.mp3"
    listed = json.loads((folder / "chapters.json").read_text())["chapters"]
    tags = ID3(mp3)
    ids = [f"chp{i}" for i in range(len(listed))]
    tags.add(CTOC(element_id="toc", flags=CTOCFlags.TOP_LEVEL | CTOCFlags.ORDERED, child_element_ids=ids))
    for i, item in enumerate(listed):
        end = listed[i + 1]["startTime"] if i + 1 < len(listed) else 20.0
        tags.add(
            CHAP(
                element_id=ids[i],
                start_time=int(item["startTime"] * 1000),
                end_time=int(end * 1000),
                sub_frames=[TIT2(text=[item["title"]])],
            )
        )
    tags.save(mp3, v2_version=3)
    assert not failed(check_episode(folder, settings), "id3.chapters")
    tags["CHAP:chp1"].sub_frames["TIT2"] = TIT2(text=["Something else"])
    tags.save(mp3, v2_version=3)
    wrong = failed(check_episode(folder, settings), "id3.chapters")
    assert wrong and "Something else" in wrong[0].message and wrong[0].severity == "error"


def test_transcripts_that_disagree_and_an_incomplete_episode_json_fail(good, tmp_path):
    folder, settings = copy_episode(good, tmp_path)
    vtt = folder / "transcript.vtt"
    vtt.write_text(vtt.read_text().replace("tower", "stairs"))
    meta = json.loads((folder / "episode.json").read_text())
    del meta["guid"]
    (folder / "episode.json").write_text(json.dumps(meta))
    report = check_episode(folder, settings)
    transcripts, metadata = failed(report, "transcripts"), failed(report, "episode.json")
    assert transcripts and "transcript.vtt" in transcripts[0].message and "the stairs every" in transcripts[0].message
    assert metadata and "guid" in metadata[0].message
    assert not failed(report, "speech.wer")


def test_an_episode_with_its_id3_chapters_or_cover_removed_fails(good, tmp_path):
    folder, settings = copy_episode(good, tmp_path)
    mp3 = folder / "episode.mp3"
    tags = ID3(mp3)
    assert len(tags.getall("CHAP")) == 2 and tags.getall("CTOC") and tags.getall("APIC")  # as rendered
    tags.delall("CHAP")
    tags.delall("CTOC")
    tags.delall("APIC")
    tags.save(mp3, v2_version=3)
    report = check_episode(folder, settings)
    chapters, cover = failed(report, "id3.chapters"), failed(report, "id3.cover")
    assert chapters and "no ID3 chapters" in chapters[0].message and chapters[0].severity == "error"
    assert cover and "cover.png" in cover[0].message and "artwork" in cover[0].effect
    assert not report.passed and json.loads((folder / "check.json").read_text())["passed"] is False


def test_fix_turns_a_flagged_line_into_a_passing_one(good, tmp_path):
    folder, settings = copy_episode(good, tmp_path)
    swapped = clip(folder, settings, 1)
    shutil.copyfile(clip(folder, settings, 3), swapped)
    rerender(folder, settings)
    before = swapped.read_bytes()
    report = fix_episode(folder, settings)
    assert report.passed, [f.message for f in report.failures]
    assert [fix.line for fix in report.fixes] == [1] and report.fixes[0].wer_after < report.fixes[0].wer_before
    assert swapped.read_bytes() != before  # the better take is in the clip cache...
    rerender(folder, settings)
    assert check_episode(folder, settings).passed  # ...so the next render keeps it
    assert json.loads((folder / "check.json").read_text())["passed"] is True


def podgen(*args: str, cache: Path) -> subprocess.CompletedProcess:
    env = {"PODGEN_CACHE_DIR": str(cache), "PODGEN_TTS": "piper", "PATH": "/usr/bin:/bin", "COLUMNS": "200"}
    return subprocess.run([sys.executable, "-m", "podgen", *args], capture_output=True, text=True, env=env, timeout=300)


def test_the_command_prints_a_table_and_json_and_exits_by_the_result(good, tmp_path):
    folder, settings = copy_episode(good, tmp_path)
    proc = podgen("check", str(folder), cache=settings.cache_dir)
    assert proc.returncode == 0, proc.stderr
    assert "PASSED" in proc.stdout and "loudness" in proc.stdout
    reencode(folder, "volume=-6dB")
    proc = podgen("check", str(folder), "--json", cache=settings.cache_dir)
    assert proc.returncode == 6
    data = json.loads(proc.stdout)
    assert data["passed"] is False and any(f["check"] == "loudness" and not f["passed"] for f in data["findings"])


@pytest.mark.parametrize(
    "damage, message",
    [
        ("no-folder", "is not a folder"),
        ("not-episode", "is not an episode folder"),
        ("rendering", "still being rendered"),
        ("not-mp3", "is not an MP3"),
        ("truncated", "is truncated"),
    ],
)
def test_bad_input_gets_a_one_line_error(good, tmp_path, damage, message):
    folder, settings = copy_episode(good, tmp_path)
    mp3 = folder / "episode.mp3"
    if damage == "no-folder":
        folder = tmp_path / "missing"
    elif damage == "not-episode":
        folder = tmp_path / "cache"
    elif damage == "rendering":
        (folder / "episode.json").unlink()
    elif damage == "not-mp3":
        mp3.write_bytes(bytes(range(256)) * 64)
    else:
        mp3.write_bytes(mp3.read_bytes()[: mp3.stat().st_size // 2])
    proc = podgen("check", str(folder), cache=settings.cache_dir)
    assert proc.returncode == 3, proc.stderr
    assert message in proc.stderr and len(proc.stderr.strip().splitlines()) == 1 and "Traceback" not in proc.stderr
    assert not (folder / "check.json").exists()


def test_several_folders_are_checked_and_a_bad_one_does_not_stop_the_rest(good, tmp_path):
    folder, settings = copy_episode(good, tmp_path)
    proc = podgen("check", str(tmp_path / "missing"), str(folder), "--json", cache=settings.cache_dir)
    assert proc.returncode == 3
    reports = json.loads(proc.stdout)
    assert len(reports) == 1 and reports[0]["passed"] and "is not a folder" in proc.stderr


def test_render_with_check_writes_check_json(good, tmp_path):
    folder, settings = copy_episode(good, tmp_path)
    (folder / "check.json").unlink(missing_ok=True)
    proc = podgen("render", str(folder), "--check", cache=settings.cache_dir)
    assert proc.returncode == 0, proc.stderr
    assert "check: passed" in proc.stdout
    assert json.loads((folder / "check.json").read_text())["passed"] is True
    shutil.copyfile(clip(folder, settings, 3), clip(folder, settings, 1))
    (folder / "episode.json").unlink()  # else a render finds script and clip names unchanged
    proc = podgen("render", str(folder), "--check", cache=settings.cache_dir)
    assert proc.returncode == 6 and "check: FAILED" in proc.stdout
    assert "check failed: speech.wer: line 1" in proc.stderr
    assert json.loads((folder / "check.json").read_text())["passed"] is False
