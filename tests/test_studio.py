"""Studio options on real episodes: music bed, stereo, a given cover, bad media, and re-renders
that have nothing to do."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import wave

import numpy as np
import pytest
from audiotools import decode, ebur128, probe
from conftest import DATA

from podgen.config import Settings
from podgen.errors import BadMedia
from podgen.mix.music import INTRO_S
from podgen.models import Chapter, Line, Script
from podgen.pipeline import render_episode

LINES = [
    Line("Alex", "Welcome to the show."),
    Line("Sam", "Today we talk about dense retrieval."),
    Line("Alex", "It finds passages by meaning."),
    Line("Sam", "That is all for today."),
]


def write_script(folder, title="Studio test"):
    folder.mkdir(parents=True, exist_ok=True)
    script = Script(title, "A short test.", LINES, [Chapter("Hello", 0), Chapter("Bye", 3)], hosts=["Alex", "Sam"])
    (folder / "script.json").write_text(script.to_json())
    return folder


def rms_db(samples: np.ndarray) -> float:
    return float(20 * np.log10(np.sqrt(np.mean(samples**2)) + 1e-9))


@pytest.fixture(scope="module")
def with_music(tmp_path_factory, clip_cache):
    folder = write_script(tmp_path_factory.mktemp("music") / "ep")
    settings = Settings(
        tts="piper", cache_dir=clip_cache, music="default", stereo=True, style="plain"
    )  # the bed is measured in a pause of the opening lines: pauses of pause_ms
    return render_episode(folder, settings)


def test_stereo_with_music_is_128k_at_minus_16_lufs(with_music):
    info = probe(with_music.audio)
    assert re.search(r"Audio: mp3.*44100 Hz, stereo.*128 kb/s", info), info
    level = ebur128(with_music.audio)
    assert -17.0 <= level["I"] <= -15.0 and level["TP"] <= -1.0, level
    from mutagen.mp3 import MP3, BitrateMode

    assert MP3(with_music.audio).info.bitrate_mode == BitrateMode.CBR


def test_music_plays_the_intro_ducks_under_speech_and_returns_for_the_outro(with_music):
    rate = 16000
    audio = decode(with_music.audio, rate)
    segments = with_music.segments
    assert segments[0].start == pytest.approx(INTRO_S, abs=0.01)

    def level(start: float, end: float) -> float:
        return rms_db(audio[int(start * rate) : int(end * rate)])

    intro = level(1.0, INTRO_S - 0.6)
    gap = segments[1].start - segments[0].end
    under = level(segments[0].end + 0.05, segments[0].end + gap - 0.05)  # a pause in the opening lines
    speech = level(segments[1].start, segments[1].end)
    outro = level(segments[-1].end + 1.5, segments[-1].end + 4.0)
    assert intro > -40 and outro > -40, (intro, outro)
    assert -75 < under < intro - 10, (under, intro)  # audible, and ducked well below the intro
    assert speech > under + 15, (speech, under)
    meta = json.loads((with_music.folder / "episode.json").read_text())
    assert meta["music"] == "default" and meta["stereo"] is True


def test_hosts_stand_apart_but_not_hard_panned(with_music):
    from podgen.ffmpeg import ffmpeg_exe

    cmd = [
        ffmpeg_exe(),
        "-v",
        "error",
        "-i",
        str(with_music.audio),
        "-f",
        "s16le",
        "-ac",
        "2",
        "-ar",
        "16000",
        "pipe:1",
    ]
    pcm = np.frombuffer(subprocess.run(cmd, capture_output=True, check=True).stdout, np.int16).reshape(-1, 2) / 32768
    balance = []
    for seg in with_music.segments[1:3]:
        part = pcm[int(seg.start * 16000) : int(seg.end * 16000)]
        balance.append(rms_db(part[:, 0]) - rms_db(part[:, 1]))
    alex, sam = balance[1], balance[0]
    assert 2 < alex < 12 and -12 < sam < -2, balance  # Alex left of centre, Sam right, both heard in both ears


def test_default_bed_is_in_d_major():
    """The bed's notes belong to its key: most energy on the D major scale's pitch classes."""
    from podgen.mix.bed import music_bed

    bed = music_bed(22050, 1).astype(np.float64)
    spectrum = np.abs(np.fft.rfft(bed)) ** 2
    freqs = np.fft.rfftfreq(len(bed), 1 / 22050)
    keep = (freqs > 60) & (freqs < 2000)
    pitch_class = np.round(12 * np.log2(freqs[keep] / 440) + 69).astype(int) % 12
    chroma = np.bincount(pitch_class, weights=spectrum[keep], minlength=12)
    d_major = [2, 4, 6, 7, 9, 11, 1]
    assert chroma[d_major].sum() / chroma.sum() > 0.9
    assert len(bed) / 22050 > 20 and np.abs(bed).max() == pytest.approx(10 ** (-3 / 20), abs=0.01)


def test_a_given_jpeg_cover_is_kept_and_embedded(tmp_path, clip_cache):
    from mutagen.id3 import ID3
    from PIL import Image

    cover = tmp_path / "art.jpeg"
    Image.new("RGB", (1500, 1500), (20, 90, 160)).save(cover, format="JPEG")
    folder = write_script(tmp_path / "ep")
    episode = render_episode(folder, Settings(tts="piper", cache_dir=clip_cache, cover=cover))
    assert (folder / "cover.jpg").read_bytes() == cover.read_bytes() and not (folder / "cover.png").exists()
    picture = ID3(episode.audio).getall("APIC")[0]
    assert picture.mime == "image/jpeg" and picture.data == cover.read_bytes()
    assert json.loads((folder / "episode.json").read_text())["files"]["cover"] == "cover.jpg"


def test_an_unchanged_episode_is_not_made_again(tmp_path, clip_cache):
    folder = write_script(tmp_path / "ep")
    settings = Settings(tts="piper", cache_dir=clip_cache)
    first = render_episode(folder, settings)
    meta = json.loads((folder / "episode.json").read_text())
    assert set(meta["files"]) == {"audio", "cover", "chapters", "transcript_vtt", "transcript_srt", "transcript_json"}
    assert all((folder / name).is_file() for name in meta["files"].values())
    stamps = {p.name: p.stat().st_mtime_ns for p in folder.iterdir()}
    again = render_episode(folder, settings)
    assert {p.name: p.stat().st_mtime_ns for p in folder.iterdir()} == stamps  # nothing rewritten
    assert again.timings["mix"] == 0.0 and again.duration == pytest.approx(first.duration, abs=0.001)
    assert [s.text for s in again.segments] == [line.text for line in LINES]
    louder = render_episode(folder, Settings(tts="piper", cache_dir=clip_cache, bitrate=128))
    assert louder.timings["mix"] > 0 and "128 kb/s" in probe(louder.audio)
    assert json.loads((folder / "episode.json").read_text())["guid"] == meta["guid"]


def test_a_clip_replaced_under_its_name_is_mixed_again(tmp_path, clip_cache):
    from podgen.speak import clip_paths

    shutil.copytree(clip_cache, tmp_path / "cache")
    folder, settings = write_script(tmp_path / "ep"), Settings(tts="piper", cache_dir=tmp_path / "cache")
    render_episode(folder, settings)
    clip = clip_paths(Script.from_dict(json.loads((folder / "script.json").read_text())), settings)[1]
    with wave.open(str(clip)) as src:
        params, frames = src.getparams(), np.frombuffer(src.readframes(src.getnframes()), np.int16)
    size = clip.stat().st_size
    with wave.open(str(tmp_path / "take.wav"), "wb") as out:  # a new take: same name, same length
        out.setparams(params)
        out.writeframes((frames // 2).astype(np.int16).tobytes())
    os.replace(tmp_path / "take.wav", clip)
    assert clip.stat().st_size == size
    again = render_episode(folder, settings)
    assert again.timings["mix"] > 0 and again.timings["speak"] > 0
    assert render_episode(folder, settings).timings["mix"] == 0.0  # and then it is up to date


def test_render_keeps_the_production_choices_the_episode_was_made_with(tmp_path, clip_cache):
    from PIL import Image

    cover = tmp_path / "art.jpeg"
    Image.new("RGB", (1500, 1500), (120, 40, 60)).save(cover, format="JPEG")
    folder = write_script(tmp_path / "ep")
    render_episode(folder, Settings(tts="piper", cache_dir=clip_cache, music="default", stereo=True, cover=cover))
    meta = json.loads((folder / "episode.json").read_text())
    assert (meta["music"], meta["stereo"], meta["cover"]) == ("default", True, str(cover.resolve()))
    env = {"PODGEN_CACHE_DIR": str(clip_cache), "PODGEN_TTS": "piper"}
    result = podgen("render", str(folder), env=env)  # no studio flag: nothing changed, nothing done
    assert result.returncode == 0, result.stderr
    assert json.loads((folder / "episode.json").read_text())["made_from"] == meta["made_from"]
    assert "stereo" in probe(folder / "episode.mp3")
    cover.unlink()  # gone since: the episode's own copy stands in for it
    result = podgen("render", str(folder), env=env)
    assert result.returncode == 0, result.stderr
    assert (folder / "cover.jpg").is_file() and not (folder / "cover.png").exists()
    mono = render_episode(folder, Settings(tts="piper", cache_dir=clip_cache, stereo=False))  # a setting overrides
    assert mono.timings["mix"] > 0 and "mono" in probe(mono.audio)
    meta = json.loads((folder / "episode.json").read_text())
    assert (meta["music"], meta["stereo"], meta["files"]["cover"]) == ("default", False, "cover.jpg")


def podgen(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "podgen", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "COLUMNS": "200", **(env or {})},
    )


def short_wav(path, seconds: float):
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(22050)
        out.writeframes(np.zeros(int(seconds * 22050), np.int16).tobytes())
    return path


@pytest.mark.parametrize(
    "kind, says",
    [
        ("missing", "Music file not found"),
        ("text", "is not an audio file"),
        ("short", "shorter than the 5s intro"),
        ("cover-missing", "Cover file not found"),
        ("cover-text", "is not an image"),
        ("cover-small", "is 1000x1000; podcast apps need at least 1400x1400"),
    ],
)
def test_bad_music_or_cover_is_one_line_before_any_speech(tmp_path, kind, says):
    from PIL import Image

    text = tmp_path / "notes.txt"
    text.write_text("Not audio and not an image.\n")
    small = tmp_path / "small.png"
    Image.new("RGB", (1000, 1000)).save(small)
    option = {
        "missing": ["--music", str(tmp_path / "nope.mp3")],
        "text": ["--music", str(text)],
        "short": ["--music", str(short_wav(tmp_path / "short.wav", 2.0))],
        "cover-missing": ["--cover", str(tmp_path / "nope.png")],
        "cover-text": ["--cover", str(text)],
        "cover-small": ["--cover", str(small)],
    }[kind]
    cache = tmp_path / "cache"
    proc = podgen(
        "make",
        str(DATA / "modelcard-whisper.md"),
        "-o",
        str(tmp_path / "out"),
        *option,
        env={"PODGEN_CACHE_DIR": str(cache)},
    )
    assert proc.returncode == 3, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and says in lines[0], proc.stderr
    assert not (tmp_path / "out").exists() and not list(cache.rglob("*.wav"))  # nothing spoken, nothing written


def test_bad_media_raises_before_anything_is_read(tmp_path):
    from podgen.mix import check_inputs

    with pytest.raises(BadMedia, match="shorter than the 5s intro"):
        check_inputs(Settings(tts="piper", music=str(short_wav(tmp_path / "s.wav", 4.0))))
    check_inputs(Settings(tts="piper", music=str(short_wav(tmp_path / "ok.wav", 6.0))))  # long enough


def test_make_on_an_unchanged_episode_rewrites_nothing(tmp_path, clip_cache):
    from podgen.pipeline import make_episode

    settings = Settings(tts="piper", output_dir=tmp_path, cache_dir=clip_cache, minutes=0.5)
    first = make_episode([DATA / "modelcard-whisper.md"], settings)
    stamps = {p.name: p.stat().st_mtime_ns for p in first.folder.iterdir()}
    again = make_episode([DATA / "modelcard-whisper.md"], settings)
    assert {p.name: p.stat().st_mtime_ns for p in first.folder.iterdir()} == stamps
    assert again.timings["speak"] == again.timings["mix"] == 0.0
