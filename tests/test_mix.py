"""Mixing real clips into a real MP3: timeline, loudness, format, tags, chapters, transcripts."""

from __future__ import annotations

import json
import re
import wave

import numpy as np
import pytest
from audiotools import decode, ebur128, probe

from podgen.config import Settings
from podgen.errors import BackendError
from podgen.mix import mix_episode
from podgen.mix.loudness import integrated
from podgen.mix.stitch import LEAD_MS, stitch
from podgen.models import Chapter, Line, Script
from podgen.speak import speak_script

LINES = [
    Line("Alex", "Welcome back to the show."),
    Line(
        "Sam",
        "Today we read about passage retrieval for open-domain question answering, and how a dense "
        "retriever trained on question and passage pairs finds the right passage more often.",
    ),
    Line("Sam", "It compares dense and sparse retrievers."),
    Line("Alex", "Right. Thanks for listening."),
]
CHAPTERS = [Chapter("Start", 0), Chapter("Retrievers", 2), Chapter("Wrap-up", 3)]


@pytest.fixture(scope="module")
def spoken(tmp_path_factory):
    settings = Settings(
        tts="piper", cache_dir=tmp_path_factory.mktemp("mixcache"), output_dir=tmp_path_factory.mktemp("eps")
    )
    script = Script("Mix test", "A test episode about retrieval.", LINES, CHAPTERS, hosts=["Alex", "Sam"])
    return script, speak_script(script, settings), settings


@pytest.fixture(scope="module")
def mixed(spoken, tmp_path_factory):
    script, clips, settings = spoken
    folder = tmp_path_factory.mktemp("mixed")
    return mix_episode(script, clips, folder, settings, date="2026-01-02"), folder


def clip_seconds(path) -> float:
    with wave.open(str(path)) as src:
        return src.getnframes() / src.getframerate()


def test_segments_follow_the_clips_in_order_with_pauses(spoken):
    script, clips, settings = spoken
    timeline = stitch(script, clips, settings.pause_ms)
    segments = timeline.segments
    assert [s.text for s in segments] == [line.text for line in LINES]
    assert segments[0].start == pytest.approx(LEAD_MS / 1000)
    for seg, clip in zip(segments, clips):
        assert seg.end - seg.start == pytest.approx(clip_seconds(clip), abs=0.002)
    gaps = [b.start - a.end for a, b in zip(segments, segments[1:])]
    assert all(0.15 <= g <= 0.6 for g in gaps), gaps
    assert gaps[1] < gaps[0]  # same speaker continues after a shorter pause
    assert timeline.seconds == pytest.approx(segments[-1].end + LEAD_MS / 1000, abs=0.01)
    start, end, _ = timeline.spans[1]
    assert np.abs(timeline.samples[start:end]).max() > 0.1
    assert not timeline.samples[: round(LEAD_MS * timeline.rate / 1000) - 1].any()  # the lead is silent
    assert [host for _, _, host in timeline.spans] == [0, 1, 1, 0]


def test_episode_mp3_is_mono_44k_cbr_at_podcast_loudness(mixed):
    (duration, _, files), _ = mixed
    info = probe(files["audio"])
    assert re.search(r"Audio: mp3.*44100 Hz, mono.*96 kb/s", info), info
    level = ebur128(files["audio"])
    assert -20.0 <= level["I"] <= -18.0, level
    assert level["TP"] <= -1.0, level
    assert len(decode(files["audio"])) / 16000 == pytest.approx(duration, abs=0.15)
    from mutagen.mp3 import MP3, BitrateMode

    mp3 = MP3(files["audio"])
    assert mp3.info.sample_rate == 44100 and mp3.info.channels == 1 and mp3.info.bitrate == 96000
    assert mp3.info.bitrate_mode == BitrateMode.CBR


def test_id3_tags_cover_and_chapters_read_back_with_mutagen(mixed):
    (duration, segments, files), folder = mixed
    from mutagen.id3 import ID3

    tags = ID3(files["audio"])
    assert str(tags["TIT2"]) == "Mix test" and str(tags["TPE1"]) == "Alex & Sam"
    assert str(tags["TALB"]) == "podgen" and str(tags["TDRC"]) == "2026-01-02"
    assert tags.getall("COMM")[0].text == ["A test episode about retrieval."]
    picture = tags.getall("APIC")[0]
    assert picture.mime == "image/png" and picture.data == files["cover"].read_bytes()
    toc = tags.getall("CTOC")[0]
    chapters = [tags[f"CHAP:{element}"] for element in toc.child_element_ids]
    starts = [c.start_time for c in chapters]
    assert starts == sorted(starts) and starts[0] == 0
    assert all(c.end_time <= duration * 1000 + 1 for c in chapters)
    assert [c.start_time for c in chapters[1:]] == [c.end_time for c in chapters[:-1]]
    data = json.loads(files["chapters"].read_text())
    assert data["version"] == "1.2.0"
    assert (
        [(str(c.sub_frames["TIT2"]), c.start_time / 1000) for c in chapters]
        == [(c["title"], c["startTime"]) for c in data["chapters"]]
        == [("Start", 0.0), ("Retrievers", segments[2].start), ("Wrap-up", segments[3].start)]
    )


def test_drawn_cover_is_3000_square_and_the_same_every_time(mixed, tmp_path):
    from PIL import Image

    from podgen.mix.cover import draw_cover

    (_, _, files), _ = mixed
    with Image.open(files["cover"]) as image:
        assert image.size == (3000, 3000) and image.format == "PNG"
        pixels = image.convert("RGB").tobytes()
    assert draw_cover("Mix test", "podgen").tobytes() == pixels
    assert draw_cover("Another title", "podgen").tobytes() != pixels


def test_transcripts_and_chapters_use_the_measured_times(mixed):
    (_, segments, files), _ = mixed
    data = json.loads(files["transcript_json"].read_text())
    assert data["version"] == "1.0.0"
    assert [s["body"] for s in data["segments"]] == [line.text for line in LINES]  # one segment per line
    assert data["segments"][1]["startTime"] == segments[1].start
    vtt = files["transcript_vtt"].read_text()
    assert vtt.startswith("WEBVTT\n")
    assert "<v Sam>Today we read about passage retrieval" in vtt
    assert re.search(r"^00:00:00\.400 --> 00:00:0\d\.\d{3}$", vtt, re.M)
    srt = files["transcript_srt"].read_text()
    assert re.search(r"^00:00:00,400 --> ", srt, re.M) and "Alex: Welcome back" in srt


def test_captions_split_long_lines_into_two_line_cues(mixed):
    """webvtt-py and srt read cues of at most two ~42-character lines, voiced and inside their line's span."""
    import srt
    import webvtt

    (_, segments, files), _ = mixed
    captions = webvtt.read(str(files["transcript_vtt"])).captions
    assert len(captions) > len(segments)  # the long line became several cues
    for caption in captions:
        lines = caption.text.split("\n")
        assert len(lines) <= 2 and all(len(line) <= 42 for line in lines), lines

    def seconds(clock: str) -> float:
        h, m, s = clock.split(":")
        return round(int(h) * 3600 + int(m) * 60 + float(s), 3)

    for seg in segments:
        mine = [c for c in captions if seg.start <= seconds(c.start) < seg.end]
        assert {c.voice for c in mine} == {seg.speaker}
        assert " ".join(c.text.replace("\n", " ") for c in mine) == seg.text
        assert seconds(mine[0].start) == seg.start and seconds(mine[-1].end) == seg.end
        assert all(seconds(a.end) == seconds(b.start) for a, b in zip(mine, mine[1:]))
    subs = list(srt.parse(files["transcript_srt"].read_text()))
    assert len(subs) == len(captions)
    assert all(len(s.content.split("\n")) <= 2 and s.content.split(": ", 1)[0] in ("Alex", "Sam") for s in subs)
    assert [round(s.start.total_seconds(), 3) for s in subs] == [seconds(c.start) for c in captions]


def test_loudness_measure_agrees_with_ffmpeg_ebur128(mixed):
    (_, _, files), _ = mixed
    samples = decode(files["audio"], rate=44100)
    assert integrated(samples, 44100) == pytest.approx(ebur128(files["audio"])["I"], abs=0.15)
    quieter = np.stack([samples * 0.5, samples * 0.25], axis=1)
    expected = 10 * np.log10(0.25 + 0.0625)  # two channels' power adds up
    assert integrated(quieter, 44100) == pytest.approx(integrated(samples, 44100) + expected, abs=0.05)


def test_a_failed_encode_leaves_no_episode_mp3(spoken, tmp_path, monkeypatch):
    from podgen.mix import master

    script, clips, settings = spoken
    monkeypatch.setattr(master, "ENCODER", "nosuchencoder")
    with pytest.raises(BackendError, match="ffmpeg could not encode the episode"):
        mix_episode(script, clips, tmp_path, settings)
    assert not (tmp_path / "episode.mp3").exists()
    assert not [p for p in tmp_path.iterdir() if p.suffix == ".mp3" or ".part" in p.name]


def test_a_failure_while_mixing_stops_ffmpeg_and_leaves_nothing(spoken, tmp_path, monkeypatch):
    from podgen.mix import render

    script, clips, settings = spoken
    real = render.chunks

    def broken(*args):
        yield from real(*args)
        raise RuntimeError("mixing broke")

    monkeypatch.setattr(render, "chunks", broken)
    with pytest.raises(RuntimeError, match="mixing broke"):
        mix_episode(script, clips, tmp_path, settings)
    assert not (tmp_path / "episode.mp3").exists() and not [p for p in tmp_path.iterdir() if ".part" in p.name]


def test_quiet_clips_reach_the_same_loudness(spoken, tmp_path):
    """Clips 12 dB quieter (another voice backend's levels) still master to -19 LUFS."""
    script, clips, settings = spoken
    quiet = []
    for i, clip in enumerate(clips):
        with wave.open(str(clip)) as src:
            rate, pcm = src.getframerate(), np.frombuffer(src.readframes(src.getnframes()), np.int16)
        path = tmp_path / f"quiet{i}.wav"
        with wave.open(str(path), "wb") as out:
            out.setnchannels(1), out.setsampwidth(2), out.setframerate(rate)
            out.writeframes((pcm // 4).astype(np.int16).tobytes())
        quiet.append(path)
    _, _, files = mix_episode(script, quiet, tmp_path / "ep", settings)
    level = ebur128(files["audio"])
    assert -20.0 <= level["I"] <= -18.0 and level["TP"] <= -1.0, level
