"""Videos, made by the real command line from a real document (the AutoGen paper, which has a
figure), decoded with ffmpeg/PyAV and read back with RapidOCR: the streams, the size, the
duration against episode.mp3, the subtitle cues against transcript.vtt, each chapter's title on
its slide and the line spoken as the caption; the short's shape, length and captions; the feed's
alternateEnclosure; the site's video player in headless Chromium; and the bad input."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from browser import chromium
from conftest import run_podgen

pytestmark = pytest.mark.slow
DATA = Path(__file__).resolve().parent / "data"
DOC = DATA / "paper-autogen.docx"


@pytest.fixture(scope="module")
def made(tmp_path_factory, clip_cache) -> Path:
    """`podgen make paper-autogen.docx --video --short`: the episode folder."""
    out = tmp_path_factory.mktemp("video-episodes")
    proc = run_podgen(
        "make",
        str(DOC),
        "-o",
        str(out),
        "--minutes",
        "1.5",
        "--llm",
        "offline",
        "--video",
        "--short",
        env={"PODGEN_CACHE_DIR": str(clip_cache), "PODGEN_CHAPTER_SECONDS": "5"},  # the wrap-up a slide of its own
    )
    assert proc.returncode == 0, proc.stderr
    (folder,) = [p for p in out.iterdir() if p.is_dir()]
    return folder


def _meta(folder: Path) -> dict:
    return json.loads((folder / "episode.json").read_text(encoding="utf-8"))


def _frame(video: Path, seconds: float):
    """The picture on screen at ``seconds``: the last frame that starts by then, decoded with PyAV
    (ffmpeg's ``-ss`` would give the next frame that starts after, in a video of still frames)."""
    import av

    with av.open(str(video)) as container:
        shown = None
        for frame in container.decode(video=0):
            if frame.time > seconds + 1e-3:
                break
            shown = frame
        return shown.to_image().convert("RGB")


def _read(image, box: tuple[int, int, int, int]) -> str:
    from podgen.ingest.ocr import recognise

    boxes = recognise(image.crop(box), threads=2)
    return " ".join(b.text for b in sorted(boxes, key=lambda b: (round(b.middle / 40), b.x0)))


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower())


def _segments(folder: Path) -> list[dict]:
    return json.loads((folder / "transcript.json").read_text(encoding="utf-8"))["segments"]


def test_the_long_video_has_the_streams_size_and_length_of_the_episode(made):
    from mutagen.mp3 import MP3

    from podgen.check.video import probe, vtt_cues

    found = probe(made / "episode.mp4")
    assert found["codecs"] == {"video": "h264", "audio": "aac", "subtitle": "mov_text"}
    assert found["size"] == (1920, 1080)
    audio = MP3(made / "episode.mp3").info.length
    assert abs(found["duration"] - audio) <= 0.1
    assert found["last_picture"] >= audio - 0.2
    assert found["cues"] == vtt_cues(made / "transcript.vtt") > 0
    meta = _meta(made)
    assert meta["files"]["video"] == "episode.mp4" and meta["videos"]["video"]["made_from"] == meta["made_from"]


def test_each_slide_shows_its_chapter_and_the_line_being_spoken(made):
    chapters = json.loads((made / "chapters.json").read_text(encoding="utf-8"))["chapters"]
    assert len(chapters) >= 3
    segments = [s for s in _segments(made)]
    for chapter in chapters[:3]:
        speaking = next(s for s in segments if s["startTime"] >= chapter["startTime"])
        at = speaking["startTime"] + 0.3
        image = _frame(made / "episode.mp4", at)
        title, wanted = _words(_read(image, (100, 150, 1400, 250))), _words(chapter["title"])[:3]
        assert title[: len(wanted)] == wanted, (chapter["title"], title)
        caption = _words(_read(image, (100, 780, 1820, 1000)))
        spoken = _words(speaking["body"])
        assert len(caption) >= 4 and set(spoken[:4]) <= set(caption), (speaking["body"], caption)
        assert sum(w in spoken for w in caption) >= 0.8 * len(caption), (speaking["body"], caption)


def test_a_figure_from_the_document_is_on_the_slide_of_its_chapter(made):
    slides = _meta(made)["videos"]["video"]["slides"]
    with_figure = [s for s in slides if s["figure"]]
    assert len(with_figure) == 1 and with_figure[0]["title"] not in ("Welcome", "Wrap-up")
    assert (made / "figures" / with_figure[0]["figure"]).is_file()
    image = _frame(made / "episode.mp4", with_figure[0]["start"] + 1)
    figure_box = image.crop((1090, 270, 1780, 660)).convert("L")
    assert max(figure_box.getextrema()) - min(figure_box.getextrema()) > 100  # a picture, not the empty panel


def test_youtube_txt_lists_the_chapters_as_youtube_reads_them(made):
    text = (made / "youtube.txt").read_text(encoding="utf-8")
    listed = re.findall(r"^(\d\d:\d\d) (.+)$", text, re.MULTILINE)
    chapters = json.loads((made / "chapters.json").read_text(encoding="utf-8"))["chapters"]
    assert listed[0][0] == "00:00" and [t for _, t in listed] == [c["title"] for c in chapters]


def test_the_short_is_vertical_30_to_60_seconds_with_the_words_of_its_lines(made):
    from podgen.check.video import probe

    entry = _meta(made)["videos"]["short"]
    found = probe(made / "short.mp4")
    assert found["size"] == (1080, 1920) and found["codecs"]["video"] == "h264"
    assert 30 <= found["duration"] <= 60.5 and abs(found["duration"] - entry["duration"]) <= 0.1
    first, last = entry["lines"]
    lines = [s for s in _segments(made) if s["startTime"] >= entry["start"] - 0.2][: last - first + 1]
    said = set(_words(" ".join(s["body"] for s in lines)))
    for at in (5.0, entry["duration"] / 2):
        caption = _words(_read(_frame(made / "short.mp4", at), (40, 1000, 1040, 1500)))
        assert len(caption) >= 3 and sum(w in said for w in caption) >= 0.7 * len(caption), caption


def test_podgen_check_decodes_the_videos_and_finds_a_broken_one(made, tmp_path):
    from podgen.check.video import check_videos
    from podgen.folder import open_episode

    episode = open_episode(made)
    good = check_videos(episode, episode.duration)
    assert [f.check for f in good] == ["video.video", "video.short"] and all(f.passed for f in good)
    copy = shutil.copytree(made, tmp_path / made.name)
    (copy / "episode.mp4").write_bytes((made / "episode.mp4").read_bytes()[:50_000])
    meta = json.loads((copy / "episode.json").read_text())
    meta["made_from"] = "other audio"
    (copy / "episode.json").write_text(json.dumps(meta))
    found = {f.check: f for f in check_videos(open_episode(copy), episode.duration)}
    assert not found["video.video"].passed and not found["video.video.current"].passed
    assert "podgen video" in found["video.short.current"].message


def test_the_feed_offers_the_video_as_an_alternate_enclosure(made, tmp_path):
    import feedparser
    import podcastparser
    from lxml import etree

    site = tmp_path / "site"
    proc = run_podgen("feed", str(made.parent), "-o", str(site), "--base-url", "https://pods.example.org/v")
    assert proc.returncode == 0, proc.stderr
    feed = (site / "feed.xml").read_bytes()
    ns = {"podcast": "https://podcastindex.org/namespace/1.0"}
    (alternate,) = etree.fromstring(feed).findall(".//podcast:alternateEnclosure", ns)
    assert alternate.get("type") == "video/mp4"
    assert int(alternate.get("length")) == (made / "episode.mp4").stat().st_size
    uri = alternate.find("podcast:source", ns).get("uri")
    assert uri.endswith(f"/episodes/{made.name}/episode.mp4")
    assert (site / "episodes" / made.name / "episode.mp4").is_file()
    assert not feedparser.parse(feed).bozo
    parsed = podcastparser.parse("https://pods.example.org/v/feed.xml", __import__("io").BytesIO(feed))
    assert parsed["episodes"][0]["enclosures"][0]["mime_type"] == "audio/mpeg"


def test_the_site_plays_the_video_in_chromium(made, tmp_path):
    site = tmp_path / "site"
    assert (
        run_podgen("feed", str(made.parent), "-o", str(site), "--base-url", "https://pods.example.org/v").returncode
        == 0
    )
    with chromium(tmp_path / "profile") as browser:
        page = browser.new_page()
        page.goto((site / "episodes" / made.name / "index.html").as_uri())
        page.wait_for_function("document.getElementById('video').readyState >= 1")
        assert page.evaluate("document.getElementById('video').videoWidth") == 1920
        page.evaluate("document.getElementById('video').muted = true; document.getElementById('video').play()")
        page.wait_for_function("document.getElementById('video').currentTime > 1.0")
        tracks = page.evaluate("document.getElementById('video').textTracks.length")
        page.wait_for_function("document.querySelector('#transcript .speaking') !== null")  # it follows the video
        page.evaluate("document.getElementById('player').muted = true; document.getElementById('player').play()")
        page.wait_for_function(
            "document.getElementById('video').paused && document.getElementById('player').currentTime > 1"
        )
        page.screenshot(path=str(tmp_path / "video-page.png"), full_page=True)
    assert tracks == 1


# --- bad input


@pytest.fixture
def folder(made, tmp_path) -> Path:
    """A copy of the episode without its videos, to break."""
    copy = shutil.copytree(made, tmp_path / made.name)
    for name in ("episode.mp4", "short.mp4", "youtube.txt"):
        (copy / name).unlink()
    return copy


def _no_video_left(folder: Path) -> None:
    assert not (folder / "episode.mp4").exists()
    assert not [p for p in folder.iterdir() if p.name.startswith(".episode.mp4")]


def test_an_episode_without_chapters_is_a_one_line_error(folder):
    script = json.loads((folder / "script.json").read_text())
    script["chapters"] = []
    (folder / "script.json").write_text(json.dumps(script))
    proc = run_podgen("video", str(folder))
    assert proc.returncode == 3 and "no chapters" in proc.stderr and "Traceback" not in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1
    _no_video_left(folder)


def test_an_episode_of_a_single_line_is_a_one_line_error(folder):
    script = json.loads((folder / "script.json").read_text())
    script["lines"], script["chapters"] = script["lines"][:1], script["chapters"][:1]
    (folder / "script.json").write_text(json.dumps(script))
    proc = run_podgen("video", str(folder), "--long", "--short")
    assert proc.returncode == 3 and "a single line" in proc.stderr and "Traceback" not in proc.stderr
    _no_video_left(folder)
    assert not (folder / "short.mp4").exists()


def test_a_corrupt_cover_is_an_error_and_a_missing_one_a_warning(folder):
    (folder / "cover.png").write_bytes(b"\x89PNG\r\n\x1a\nnot really")
    proc = run_podgen("video", str(folder))
    assert proc.returncode != 0 and "cover.png cannot be read" in proc.stderr and "Traceback" not in proc.stderr
    _no_video_left(folder)
    (folder / "cover.png").unlink()
    proc = run_podgen("video", str(folder))
    assert proc.returncode == 0, proc.stderr
    assert "no cover image" in proc.stderr and (folder / "episode.mp4").is_file()


def test_a_short_of_an_episode_under_30_seconds_is_refused(tmp_path, clip_cache):
    doc = tmp_path / "note.md"
    doc.write_text(
        "# A note\n\nDense retrieval maps questions and passages to vectors. "
        "The nearest passages answer the question.\n",
        encoding="utf-8",
    )
    out = tmp_path / "episodes"
    proc = run_podgen(
        "make",
        str(doc),
        "-o",
        str(out),
        "--minutes",
        "0.2",
        "--llm",
        "offline",
        env={"PODGEN_CACHE_DIR": str(clip_cache)},
    )
    assert proc.returncode == 0, proc.stderr
    (folder,) = [p for p in out.iterdir() if p.is_dir()]
    assert _meta(folder)["duration"] < 30
    proc = run_podgen("video", str(folder), "--short")
    assert proc.returncode == 3 and "a short takes 30 to 60 s" in proc.stderr and "Traceback" not in proc.stderr
    assert not (folder / "short.mp4").exists()


def test_a_long_title_wraps_and_ends_with_an_ellipsis():
    from podgen.video.draw import wrap
    from podgen.video.style import _face

    face = _face("", 66)
    title = ("A study of dense passage retrieval " * 9).strip()
    assert len(title) > 300
    lines = wrap(title, face, 900, 2)
    assert len(lines) == 2 and lines[-1].endswith("…") and all(face.getlength(line) <= 900 for line in lines)


def test_an_unreadable_figure_is_left_out_with_a_warning(caplog):
    from podgen.video.figures import Found, _not_decorative

    with caplog.at_level("WARNING"):
        assert _not_decorative([Found(b"\x89PNG\r\n\x1a\ngarbage", "text")]) == []
    assert "cannot be read" in caplog.text


def test_text_the_built_in_font_cannot_draw_is_named_in_a_warning(caplog):
    from podgen.config import Settings
    from podgen.video.style import load_style, warn_missing

    style = load_style(Settings(), None)
    with caplog.at_level("WARNING"):
        missing = warn_missing(style, ["Dense retrieval", "密集检索", "बहुत"])
    assert "密" in missing and "ब" in missing and "D" not in missing
    assert "CJK UNIFIED IDEOGRAPH" in caplog.text and "--font" in caplog.text


def test_a_style_that_does_not_exist_is_a_one_line_error(folder):
    proc = run_podgen("video", str(folder), "--video-style", "neon")
    assert proc.returncode != 0 and "No video style 'neon'" in proc.stderr and "classic" in proc.stderr
    _no_video_left(folder)


def test_a_render_that_changes_the_audio_makes_the_video_stale_until_made_again(made, tmp_path, clip_cache):
    from podgen.check.video import check_videos
    from podgen.folder import open_episode

    copy = shutil.copytree(made, tmp_path / "episodes" / made.name)
    script = json.loads((copy / "script.json").read_text())
    script["lines"][1]["text"] = "Great to be here. AutoGen lets several agents talk to each other to solve a task."
    (copy / "script.json").write_text(json.dumps(script))
    env = {"PODGEN_CACHE_DIR": str(clip_cache)}
    assert run_podgen("render", str(copy), env=env).returncode == 0
    meta = _meta(copy)
    assert meta["files"]["video"] == "episode.mp4" and meta["videos"]["video"]["made_from"] != meta["made_from"]
    episode = open_episode(copy)
    stale = {f.check: f for f in check_videos(episode, episode.duration)}
    assert not stale["video.video.current"].passed and not stale["video.short.current"].passed
    proc = run_podgen(
        "feed", str(copy.parent), "-o", str(tmp_path / "site"), "--base-url", "https://pods.example.org/v"
    )
    assert proc.returncode == 0 and "made from earlier audio and is left out" in proc.stderr
    assert b"alternateEnclosure" not in (tmp_path / "site" / "feed.xml").read_bytes()
    proc = run_podgen("render", str(copy), "--video", "--short", env=env)
    assert proc.returncode == 0, proc.stderr
    episode = open_episode(copy)
    assert all(f.passed for f in check_videos(episode, episode.duration))
    assert abs(_meta(copy)["videos"]["video"]["duration"] - episode.duration) < 0.01


def test_the_studio_plays_a_current_video_on_the_episode_page(made):
    from starlette.testclient import TestClient

    from podgen.config import Settings
    from podgen.studio import studio_app

    client = TestClient(studio_app(Settings(output_dir=made.parent), "t0ken-t0ken", None))
    headers = {"X-Podgen-Token": "t0ken-t0ken"}
    page = client.get(f"/episodes/{made.name}", headers=headers)
    assert page.status_code == 200 and f'src="/episodes/{made.name}/files/video"' in page.text
    video = client.get(f"/episodes/{made.name}/files/video", headers={**headers, "Range": "bytes=0-99"})
    assert video.status_code == 206 and len(video.content) == 100


# --- where users run it, and audio that is not what episode.json says


def _copy(made: Path, parent: Path) -> Path:
    """The episode copied into ``parent``, without its videos."""
    copy = shutil.copytree(made, parent / made.name)
    for name in ("episode.mp4", "short.mp4", "youtube.txt"):
        (copy / name).unlink()
    return copy


def _plays_the_whole_episode(folder: Path) -> None:
    from mutagen.mp3 import MP3

    from podgen.check.video import probe

    found = probe(folder / "episode.mp4")
    assert found["size"] == (1920, 1080) and abs(found["duration"] - MP3(folder / "episode.mp3").info.length) <= 0.1
    assert _meta(folder)["videos"]["video"]["file"] == "episode.mp4"


def test_podgen_video_of_a_relative_folder_as_the_docs_run_it(made, tmp_path):
    """`podgen video episodes/<slug>` from the folder that holds episodes/, as the README shows."""
    desk = tmp_path / "desk"
    copy = _copy(made, desk / "episodes")
    proc = run_podgen("video", f"episodes/{copy.name}", "--long", "--short", cwd=desk)
    assert proc.returncode == 0, proc.stderr
    _plays_the_whole_episode(copy)
    assert (copy / "short.mp4").is_file()


@pytest.mark.parametrize("name", ["Bob's podcasts", "two\nlines", "it's\nboth"])
def test_podgen_video_of_a_folder_whose_path_has_an_apostrophe_or_a_newline(made, tmp_path, name):
    copy = _copy(made, tmp_path / name)
    proc = run_podgen("video", str(copy))
    assert proc.returncode == 0, proc.stderr
    _plays_the_whole_episode(copy)


def test_make_video_with_the_default_output_folder_in_a_folder_with_an_apostrophe(tmp_path, clip_cache):
    """`podgen make note.md --video`, run where note.md is (Bob's desk): the episode goes to the
    default, relative ``episodes/``."""
    desk = tmp_path / "Bob's desk"
    desk.mkdir()
    (desk / "note.md").write_text(
        "# Lamps\n\nOil lamps burned for thousands of years before gas lighting arrived. "
        "Gas lamps lit the streets of London from 1812. Electric light replaced both within a century.\n",
        encoding="utf-8",
    )
    env = {"PODGEN_CACHE_DIR": str(clip_cache)}
    proc = run_podgen("make", "note.md", "--minutes", "0.3", "--llm", "offline", "--video", env=env, cwd=desk)
    assert proc.returncode == 0, proc.stderr
    (folder,) = [p for p in (desk / "episodes").iterdir() if p.is_dir()]
    _plays_the_whole_episode(folder)


def _refused_in_one_line(folder: Path, *said: str) -> None:
    """`podgen video` on the folder fails in one line of its own, and records nothing."""
    before = (folder / "episode.json").read_bytes()
    proc = run_podgen("video", str(folder))
    assert proc.returncode == 3, proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1 and all(s in proc.stderr for s in said), proc.stderr
    assert "@ 0x" not in proc.stderr and "Traceback" not in proc.stderr  # nothing of ffmpeg's insides
    _no_video_left(folder)
    assert (folder / "episode.json").read_bytes() == before


def test_audio_cut_short_is_refused_not_recorded_as_current(folder):
    audio = folder / "episode.mp3"
    audio.write_bytes(audio.read_bytes()[: audio.stat().st_size // 3])  # an interrupted copy
    _refused_in_one_line(folder, "truncated")


def test_audio_shorter_than_episode_json_says_is_refused(folder, tmp_path):
    from podgen.ffmpeg import run

    audio = folder / "episode.mp3"
    run(["-i", str(audio), "-t", "20", "-c:a", "libmp3lame", "-b:a", "96k", str(tmp_path / "short.mp3")])
    audio.write_bytes((tmp_path / "short.mp3").read_bytes())  # whole, but of 20 s
    _refused_in_one_line(folder, "holds 20", "episode.json says")


@pytest.mark.parametrize("case", ["missing", "empty", "garbage"])
def test_a_missing_empty_or_garbage_mp3_is_one_podgen_line(folder, case):
    audio = folder / "episode.mp3"
    if case == "missing":
        audio.unlink()
    else:
        audio.write_bytes(b"" if case == "empty" else bytes(range(256)) * 400)
    _refused_in_one_line(folder, "episode.mp3")


def test_control_characters_in_a_chapter_title_stay_out_of_youtube_txt(folder):
    script = json.loads((folder / "script.json").read_text())
    script["chapters"][1]["title"] = "Agents\n00:00 A fake chapter\x1b[2J\u202egnissim\r"
    (folder / "script.json").write_text(json.dumps(script))
    proc = run_podgen("video", str(folder))
    assert proc.returncode == 0, proc.stderr
    text = (folder / "youtube.txt").read_text(encoding="utf-8")
    listed = re.findall(r"^(\d\d:\d\d) (.+)$", text, re.MULTILINE)
    assert len(listed) == len(script["chapters"]) and listed[0][0] == "00:00", listed
    assert listed[1][1] == "Agents 00:00 A fake chapter [2Jgnissim"
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f\u202a-\u202e\u2066-\u2069]", text)
