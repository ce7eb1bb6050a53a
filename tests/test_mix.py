"""Mixing real clips into a real MP3: timeline, loudness, format, transcripts, atomic output."""
from __future__ import annotations

import json
import re
import wave

import pytest
from audiotools import decode, ebur128, probe

from podgen.config import Settings
from podgen.errors import BackendError
from podgen.mix import mix_episode
from podgen.mix.stitch import LEAD_MS, stitch
from podgen.models import Chapter, Line, Script
from podgen.speak import speak_script

LINES = [
    Line("Alex", "Welcome back to the show."),
    Line("Sam", "Today we read about passage retrieval for open-domain question answering."),
    Line("Sam", "It compares dense and sparse retrievers."),
    Line("Alex", "Right. Thanks for listening."),
]


@pytest.fixture(scope="module")
def spoken(tmp_path_factory):
    settings = Settings(cache_dir=tmp_path_factory.mktemp("mixcache"), output_dir=tmp_path_factory.mktemp("eps"))
    script = Script("Mix test", "A test.", LINES, [Chapter("Start", 0), Chapter("Wrap-up", 3)], hosts=["Alex", "Sam"])
    return script, speak_script(script, settings), settings


def clip_seconds(path) -> float:
    with wave.open(str(path)) as src:
        return src.getnframes() / src.getframerate()


def test_segments_follow_the_clips_in_order_with_pauses(spoken):
    script, clips, settings = spoken
    audio, segments = stitch(script, clips, settings.pause_ms)
    assert [s.text for s in segments] == [line.text for line in LINES]
    assert segments[0].start == pytest.approx(LEAD_MS / 1000)
    for seg, clip in zip(segments, clips):
        assert seg.end - seg.start == pytest.approx(clip_seconds(clip), abs=0.002)
    gaps = [b.start - a.end for a, b in zip(segments, segments[1:])]
    assert all(0.15 <= g <= 0.6 for g in gaps), gaps
    assert gaps[1] < gaps[0]  # same speaker continues after a shorter pause
    assert len(audio) / 1000 == pytest.approx(segments[-1].end + LEAD_MS / 1000, abs=0.01)


def test_episode_mp3_is_mono_44k_cbr_at_podcast_loudness(spoken, tmp_path):
    script, clips, settings = spoken
    duration, segments, files = mix_episode(script, clips, tmp_path, settings)
    info = probe(files["audio"])
    assert re.search(r"Audio: mp3.*44100 Hz, mono.*96 kb/s", info), info
    assert "title           : Mix test" in info
    level = ebur128(files["audio"])
    assert -19.6 <= level["I"] <= -18.4, level
    assert level["TP"] <= -1.5, level
    assert len(decode(files["audio"])) / 16000 == pytest.approx(duration, abs=0.15)
    from mutagen.mp3 import MP3, BitrateMode

    mp3 = MP3(files["audio"])
    assert mp3.info.sample_rate == 44100 and mp3.info.channels == 1 and mp3.info.bitrate == 96000
    assert mp3.info.bitrate_mode == BitrateMode.CBR
    assert str(mp3.tags["TIT2"]) == "Mix test" and str(mp3.tags["TPE1"]) == "Alex & Sam"
    assert str(mp3.tags["TALB"]) == "podgen"


def test_transcripts_and_chapters_use_the_measured_times(spoken, tmp_path):
    script, clips, settings = spoken
    _, segments, files = mix_episode(script, clips, tmp_path, settings)
    data = json.loads(files["transcript_json"].read_text())
    assert data["version"] == "1.0.0"
    assert [s["body"] for s in data["segments"]] == [line.text for line in LINES]
    assert data["segments"][1]["startTime"] == segments[1].start
    vtt = files["transcript_vtt"].read_text()
    assert vtt.startswith("WEBVTT\n")
    assert "<v Sam>Today we read about passage retrieval" in vtt
    assert re.search(r"^00:00:00\.400 --> 00:00:0\d\.\d{3}$", vtt, re.M)
    srt = files["transcript_srt"].read_text()
    assert re.search(r"^00:00:00,400 --> ", srt, re.M) and "Alex: Welcome back" in srt
    chapters = json.loads(files["chapters"].read_text())
    assert chapters["chapters"][0] == {"startTime": 0.0, "title": "Start"}
    assert chapters["chapters"][1]["startTime"] == segments[3].start


def test_a_failed_export_leaves_no_episode_mp3(spoken, tmp_path, monkeypatch):
    from podgen.mix import export

    script, clips, settings = spoken
    monkeypatch.setattr(export, "_encode", lambda audio, mp3, *a: audio.export(str(mp3), format="mp3", parameters=["-af", "nosuchfilter"]))
    with pytest.raises(BackendError, match="could not encode episode.mp3"):
        mix_episode(script, clips, tmp_path, settings)
    assert not (tmp_path / "episode.mp3").exists()
    assert not [p for p in tmp_path.iterdir() if p.suffix == ".mp3" or ".part" in p.name]


def test_transcripts_read_back_with_real_subtitle_parsers(spoken, tmp_path):
    """webvtt-py (voice tags included) and srt read exactly the lines and times we wrote."""
    import srt
    import webvtt

    script, clips, settings = spoken
    _, segments, files = mix_episode(script, clips, tmp_path, settings)
    captions = webvtt.read(str(files["transcript_vtt"])).captions
    assert [(c.voice, c.text) for c in captions] == [(s.speaker, s.text) for s in segments]
    def seconds(clock: str) -> float:
        h, m, s = clock.split(":")
        return round(int(h) * 3600 + int(m) * 60 + float(s), 3)

    assert [seconds(c.start) for c in captions] == [seg.start for seg in segments]
    assert [seconds(c.end) for c in captions] == [seg.end for seg in segments]
    subs = list(srt.parse(files["transcript_srt"].read_text()))
    assert [s.content for s in subs] == [f"{seg.speaker}: {seg.text}" for seg in segments]
    assert [round(s.start.total_seconds(), 3) for s in subs] == [seg.start for seg in segments]
    assert [round(s.end.total_seconds(), 3) for s in subs] == [seg.end for seg in segments]
