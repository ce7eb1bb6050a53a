"""Network voices against local servers that speak the real protocols (OpenAI speech over HTTP,
edge-tts over WebSocket), through the real client libraries: parallel, in order, cached,
resumable, patient with 429s; and casting per backend and language."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import wave

import numpy as np
import pytest
from audiotools import wer
from servers.speech import EdgeServer, OpenAISpeechServer, error, mp3_of

from podgen.config import Settings, load_settings
from podgen.errors import BackendError, UnsupportedLanguage, UsageError
from podgen.models import Line, Script
from podgen.pipeline import render_episode
from podgen.speak import backend_name, speak_script, voices
from podgen.speak.casting import cast

LINES = [
    "Welcome back to the show.",
    "Today we read a report about public libraries.",
    "Most towns opened their first library with money from the people who lived there.",
    "So what happened when the council cut the budget?",
    "The reading rooms closed on Sundays.",
    "Thanks for listening.",
]


def script(lines=LINES) -> Script:
    return Script(
        "Libraries", "", [Line(("Alex", "Sam")[i % 2], text) for i, text in enumerate(lines)], hosts=["Alex", "Sam"]
    )


def openai_settings(tmp_path, server, **more) -> Settings:
    return Settings(
        cache_dir=tmp_path / "cache", output_dir=tmp_path / "episodes", tts="openai", tts_base_url=server.url, **more
    )


def heard(clips, whisper) -> str:
    """Whisper's transcript of the clips played one after the other."""
    audio = []
    for clip in clips:
        with wave.open(str(clip)) as src:
            assert src.getframerate() == 24000 and src.getnchannels() == 1
            audio.append(np.frombuffer(src.readframes(src.getnframes()), np.int16)[::3])  # 24 kHz -> 8 kHz
    samples = np.concatenate(audio).astype(np.float32) / 32768
    samples = np.repeat(samples, 2)  # 8 kHz -> 16 kHz, whisper's rate
    return " ".join(s.text for s in whisper.transcribe(samples, beam_size=1, language="en")[0])


@pytest.mark.slow
def test_openai_lines_are_spoken_at_once_in_order_and_cached(tmp_path, whisper):
    with OpenAISpeechServer(latency=0.3) as server:
        settings = openai_settings(tmp_path, server)
        clips = speak_script(script(), settings)
        assert server.traffic.peak >= 3, server.traffic.peak  # several requests in flight
        assert sorted(server.traffic.texts) == sorted(LINES)
        assert wer(" ".join(LINES), heard(clips, whisper)) <= 0.2  # the audio says the script, in order

        assert speak_script(script(), settings) == clips
        assert len(server.traffic.texts) == len(LINES)  # a second run sends nothing

        edited = LINES[:2] + ["The reading rooms stayed open late."] + LINES[3:]
        speak_script(script(edited), settings)
        assert server.traffic.texts[len(LINES) :] == ["The reading rooms stayed open late."]

        speak_script(script(), openai_settings(tmp_path, server, cache=False))
        assert len(server.traffic.texts) == 2 * len(LINES) + 1  # --no-cache speaks every line again


def test_a_429_storm_slows_down_and_ends_complete(tmp_path):
    storm = lambda n, text: error(429, "Rate limit reached", **{"Retry-After": "0.2"}) if n <= 12 else None
    with OpenAISpeechServer(latency=0.05, fault=storm, audio=lambda text: mp3_of("Hello.")) as server:
        clips = speak_script(script(), openai_settings(tmp_path, server))
        assert all(clip.is_file() for clip in clips)
        assert server.traffic.statuses.count(429) == 12 and server.traffic.statuses.count(200) == len(LINES)


def test_server_errors_are_retried(tmp_path):
    flaky = lambda n, text: error(500, "upstream hiccup") if n % 2 else None
    with OpenAISpeechServer(fault=flaky, audio=lambda text: mp3_of("Hello.")) as server:
        speak_script(script(LINES[:3]), openai_settings(tmp_path, server, tts_concurrency=1))
        assert server.traffic.statuses == [500, 200] * 3


def test_a_line_that_fails_for_good_names_the_line_and_keeps_the_clips_made(tmp_path):
    refuse = lambda n, text: error(400, "voice 'nova' cannot say that") if "council" in text else None
    with OpenAISpeechServer(fault=refuse, audio=lambda text: mp3_of("Hello.")) as server:
        settings = openai_settings(tmp_path, server, tts_concurrency=1)
        with pytest.raises(BackendError) as info:
            speak_script(script(), settings)
        assert "Line 4 (Sam" in info.value.message and "cannot say that" in info.value.message
        assert "\n" not in info.value.message
        assert len(list((tmp_path / "cache").rglob("*.wav"))) == 3  # lines 1-3 are kept


@pytest.mark.parametrize("body, words", [(b"", "no audio"), (b"<html>busy</html>", "cannot be read")])
def test_an_empty_or_unreadable_answer_is_an_error(tmp_path, body, words):
    bad = lambda n, text: (200, {"Content-Type": "audio/mpeg"}, body)
    with OpenAISpeechServer(fault=bad) as server:
        with pytest.raises(BackendError, match=words):
            speak_script(script(LINES[:1]), openai_settings(tmp_path, server))


def test_the_api_key_is_sent_but_never_shown_or_stored(tmp_path, monkeypatch, caplog):
    key = "sk-test-0123456789abcdef"
    monkeypatch.setenv("OPENAI_API_KEY", key)
    caplog.set_level("DEBUG")
    echo = lambda n, text: error(401, f"Incorrect API key provided: {key}")
    with OpenAISpeechServer(fault=echo) as server:
        with pytest.raises(BackendError) as info:
            speak_script(script(LINES[:1]), openai_settings(tmp_path, server))
        assert server.auth == [f"Bearer {key}"]
    assert key not in str(info.value) + info.value.hint and "***" in info.value.message
    assert key not in caplog.text and "audio/speech" in caplog.text  # not even in debug logs
    backend = voices.create("openai", openai_settings(tmp_path, server))
    assert key not in backend.voice("nova").cache_key()


def test_a_long_line_reaches_the_voice_in_pieces_cut_between_sentences(tmp_path):
    from podgen.speak import MAX_SPOKEN_CHARS

    sentence = "The library opened in eighteen ninety, with four hundred books on its shelves. "
    text = (sentence * 60).strip()  # about 4,900 characters
    with OpenAISpeechServer(audio=lambda text: mp3_of("Hello.")) as server:
        speak_script(script([text]), openai_settings(tmp_path, server))
        sent = server.traffic.texts
    assert len(sent) > 1 and all(len(p) <= MAX_SPOKEN_CHARS for p in sent)
    assert all(p.endswith("shelves.") for p in sent) and " ".join(sent) == text


@pytest.mark.slow
def test_a_killed_render_resumes_with_only_the_missing_lines(tmp_path):
    folder = tmp_path / "episodes" / "libraries"
    folder.mkdir(parents=True)
    (folder / "script.json").write_text(script().to_json())
    with OpenAISpeechServer(latency=0.4, audio=lambda text: mp3_of("Hello.")) as server:
        env = {**os.environ, "PODGEN_CACHE_DIR": str(tmp_path / "cache")}
        cmd = [
            sys.executable,
            "-m",
            "podgen",
            "render",
            str(folder),
            "--tts",
            "openai",
            "--tts-base-url",
            server.url,
            "--tts-concurrency",
            "1",
        ]
        proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        while server.traffic.statuses.count(200) < 3 and proc.poll() is None:
            time.sleep(0.05)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        made = len(list((tmp_path / "cache").rglob("*.wav")))
        assert 2 <= made < len(LINES) and not list((tmp_path / "cache").rglob("*.part*"))
        sent = len(server.traffic.texts)
        episode = render_episode(folder, openai_settings(tmp_path, server))
        assert len(server.traffic.texts) - sent == len(LINES) - made
        assert episode.audio.is_file()


@pytest.mark.slow
def test_edge_speaks_through_its_websocket_protocol_in_parallel(tmp_path, monkeypatch, whisper):
    import edge_tts.communicate

    with EdgeServer(latency=0.3) as server:
        monkeypatch.setattr(edge_tts.communicate, "WSS_URL", server.url)
        settings = Settings(cache_dir=tmp_path / "cache", tts="auto")
        assert backend_name(settings) == "edge"  # auto: the service answers
        clips = speak_script(script(LINES[:4]), settings)
        assert server.traffic.peak >= 2 and sorted(server.traffic.texts) == sorted(LINES[:4])
        assert wer(" ".join(LINES[:4]), heard(clips, whisper)) <= 0.2
        assert speak_script(script(LINES[:4]), settings) == clips and len(server.traffic.texts) == 4
        with wave.open(str(clips[2])) as src:  # the longest line: real speech, a few seconds of it
            assert src.getnframes() / src.getframerate() > 2.5


def test_edge_429_on_connect_is_waited_out(tmp_path, monkeypatch):
    import edge_tts.communicate

    with EdgeServer(refuse=lambda n: 429 if n <= 3 else None) as server:
        monkeypatch.setattr(edge_tts.communicate, "WSS_URL", server.url)
        clips = speak_script(script(LINES[:2]), Settings(cache_dir=tmp_path / "cache", tts="edge"))
        assert all(c.is_file() for c in clips) and server.connections == 5


def test_edge_without_network_fails_fast_and_suggests_piper(tmp_path, monkeypatch):
    import edge_tts.communicate

    monkeypatch.setattr(edge_tts.communicate, "WSS_URL", "wss://speech.invalid/edge/v1?TrustedClientToken=x")
    start = time.monotonic()
    with pytest.raises(BackendError) as info:
        speak_script(script(LINES[:2]), Settings(cache_dir=tmp_path / "cache", tts="edge"))
    assert "--tts piper" in info.value.hint and "Line 1" in info.value.message
    assert time.monotonic() - start < 10  # not a minute of retries


def test_auto_falls_back_to_kokoro_then_piper_when_edge_does_not_answer():
    # conftest points edge at a closed port; the test extra installs the kokoro extra
    assert backend_name(Settings(tts="auto")) == "kokoro"
    assert backend_name(Settings(tts="auto", language="ja")) == "piper"  # a language Kokoro cannot speak
    assert backend_name(Settings(tts="openai")) == "openai"


@pytest.mark.parametrize("backend", ["piper", "edge", "openai"])
@pytest.mark.parametrize("count", [1, 2, 3, 4])
def test_every_backend_casts_one_to_four_distinct_voices(backend, count):
    settings = Settings(tts=backend)
    names = ["Ada", "Ben", "Cy", "Di"][:count]
    chosen = cast(voices.create(backend, settings), names, settings)
    assert len(set(chosen)) == count


@pytest.mark.parametrize(
    "language, edge_voice",
    [
        ("de", "de-DE-KatjaNeural"),
        ("fr", "fr-FR-DeniseNeural"),
        ("pt-PT", "pt-PT-RaquelNeural"),
        ("ja", "ja-JP-NanamiNeural"),
    ],
)
def test_language_picks_native_voices(language, edge_voice):
    settings = Settings(tts="edge", language=language)
    assert cast(voices.create("edge", settings), ["Ada", "Ben"], settings)[0] == edge_voice
    for code in ("en", "de", "fr", "es", "it", "pt", "nl", "ja", "zh"):
        for name in ("edge", "openai"):
            assert len(voices.create(name, Settings()).default_voices(code)) == 4, (name, code)


def test_a_language_piper_cannot_speak_names_the_backends_that_can():
    settings = Settings(tts="piper", language="ko")
    with pytest.raises(UnsupportedLanguage) as info:
        cast(voices.create("piper", settings), ["Ada", "Ben"], settings)
    assert "'ko'" in info.value.message and "--tts edge" in info.value.hint and "--tts openai" in info.value.hint


def test_voices_come_from_flag_then_host_then_defaults():
    env = {"PODGEN_VOICES": "alloy, echo"}
    assert load_settings(environ=env).voices == ["alloy", "echo"]
    settings = Settings(tts="openai", hosts=[{"name": "Ada", "voices": {"openai": "sage"}}, {"name": "Ben"}])
    assert cast(voices.create("openai", settings), ["Ada", "Ben"], settings) == ["sage", "onyx"]
    settings.voices = ["verse"]
    with pytest.raises(UsageError, match="1 voice"):
        cast(voices.create("openai", settings), ["Ada", "Ben"], settings)


def test_voices_command_lists_a_backends_voices_for_a_language():
    from typer.testing import CliRunner

    from podgen.cli import app

    result = CliRunner().invoke(app, ["voices", "--tts", "edge", "--language", "de"])
    assert result.exit_code == 0, result.output
    assert "hosts' default voices: de-DE-KatjaNeural, de-DE-ConradNeural" in result.output
    assert "piper" not in result.output
    result = CliRunner().invoke(app, ["voices", "--tts", "openai", "-l", "fr"])
    assert "nova, onyx" in result.output


def test_openai_without_a_key_or_server_says_what_to_do(tmp_path, monkeypatch):
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    with pytest.raises(UsageError, match="OPENAI_API_KEY") as info:
        speak_script(script(LINES[:1]), Settings(cache_dir=tmp_path, tts="openai"))
    assert "--tts-base-url" in info.value.hint


def test_equal_lines_are_spoken_once(tmp_path):
    with OpenAISpeechServer(audio=lambda text: mp3_of("Hello.")) as server:
        clips = speak_script(script(["Right.", "Right.", "Right."]), openai_settings(tmp_path, server))
        assert clips[0] == clips[2] != clips[1]  # Alex, Sam, Alex
        assert len(server.traffic.texts) == 2
