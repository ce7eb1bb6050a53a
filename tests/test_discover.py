"""Finding local OpenAI-compatible servers by their model lists, and `podgen writers`, against real
local HTTP servers: ones that list models, one that answers HTML, one that answers 404, one that
accepts connections and never answers, and a closed port."""

from __future__ import annotations

import json
import logging
import socket
import time

import pytest
from conftest import run_podgen
from servers.listing import PageServer, SilentServer, models_server

from podgen.cli.info import writer_lines
from podgen.config import Settings
from podgen.errors import BackendError
from podgen.llm.discover import KNOWN, Found, find_local_servers, pick_model

SECRET = "sk-test-0123456789abcdefSECRET"


@pytest.fixture
def servers():
    """Started servers, stopped after the test: ``servers(server)`` starts one and returns it."""
    started: list = []

    def start(server):
        started.append(server.start())
        return server

    yield start
    for server in started:
        server.stop()


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_finds_the_servers_that_list_models_and_skips_the_rest(servers):
    ollama = servers(models_server("llama3.2:3b", "nomic-embed-text:latest"))
    llama_cpp = servers(models_server("qwen2.5-1.5b-instruct-q4_k_m.gguf"))
    html = servers(PageServer(b"<!doctype html><title>My app</title>", content_type="text/html"))
    missing = servers(PageServer(b'{"error": "not found"}', status=404))
    silent = servers(SilentServer())
    ports = [
        ("ollama", ollama.port),
        ("web", html.port),
        ("closed", closed_port()),
        ("llama.cpp", llama_cpp.port),
        ("missing", missing.port),
        ("silent", silent.port),
    ]

    found = find_local_servers(ports, timeout=0.5)

    assert [f.name for f in found] == ["ollama", "llama.cpp"]
    assert found[0] == Found(
        "ollama",
        f"http://127.0.0.1:{ollama.port}/v1",
        ["llama3.2:3b", "nomic-embed-text:latest"],
        f"an Ollama server answers on 127.0.0.1:{ollama.port} with 2 models",
    )
    assert found[1].models == ["qwen2.5-1.5b-instruct-q4_k_m.gguf"]
    assert found[1].reason == f"a llama.cpp server answers on 127.0.0.1:{llama_cpp.port} with 1 model"
    assert [path for path, _ in ollama.requests] == ["/v1/models"]


@pytest.fixture(autouse=True)
def patient(monkeypatch):
    """A busy test machine answers slowly: the probes wait longer here than the half second of real use."""
    from podgen.llm import discover

    monkeypatch.setattr(discover, "PROBE_SECONDS", 3.0)


@pytest.mark.parametrize(
    "body",
    [
        b"[]",
        b'{"data": "none"}',
        b'{"object": "list", "data": []}',
        b'{"data": [{"name": "no id"}, 3, {"id": ""}]}',
        b'{"models": [{"id": "ollama-native-shape"}]}',
        b"not json at all",
    ],
)
def test_an_answer_that_is_not_a_model_list_is_not_a_chat_server(servers, body):
    server = servers(PageServer(body))
    assert find_local_servers([("vllm", server.port)]) == []


def test_a_server_that_never_answers_costs_about_the_timeout_not_one_per_port(servers):
    """Six silent servers, one second each: asked one after another this would take six seconds."""
    silent = [servers(SilentServer()) for _ in range(6)]
    start = time.monotonic()
    found = find_local_servers([(f"silent-{i}", s.port) for i, s in enumerate(silent)], timeout=1.0)
    assert found == [] and time.monotonic() - start < 5


def test_slow_servers_do_not_hide_a_fast_one(servers):
    """Asked one after another, the fast server would be asked only after the time is up."""
    silent = [("silent", servers(SilentServer()).port) for _ in range(3)]
    fast = servers(models_server("phi3:mini"))
    start = time.monotonic()
    found = find_local_servers([*silent, ("lm-studio", fast.port)], timeout=2.0)
    assert [(f.name, f.models) for f in found] == [("lm-studio", ["phi3:mini"])]
    assert found[0].reason.startswith("an LM Studio server answers") and time.monotonic() - start < 5


def test_nothing_but_the_request_is_sent_and_no_proxy_is_used(servers, monkeypatch, tmp_path):
    """No key, and no credentials from ~/.netrc; a proxy in the environment is not asked."""
    server = servers(models_server("llama3.1:8b"))
    monkeypatch.setenv("OPENAI_API_KEY", SECRET)
    for name in ("HTTP_PROXY", "http_proxy", "ALL_PROXY"):
        monkeypatch.setenv(name, f"http://127.0.0.1:{closed_port()}")
    (tmp_path / ".netrc").write_text(f"machine 127.0.0.1 login me password {SECRET}\n")
    monkeypatch.setenv("NETRC", str(tmp_path / ".netrc"))
    monkeypatch.setenv("HOME", str(tmp_path))

    assert [f.models for f in find_local_servers([("ollama", server.port)])] == [["llama3.1:8b"]]
    ((_, headers),) = server.requests
    assert "authorization" not in headers and SECRET not in json.dumps(headers)


def test_discovery_is_quiet(servers, caplog):
    html = servers(PageServer(b"<html></html>", content_type="text/html"))
    with caplog.at_level(logging.DEBUG, logger="podgen"):
        find_local_servers([("web", html.port), ("closed", closed_port())])
    assert caplog.records and all(r.levelno <= logging.DEBUG for r in caplog.records)


def test_no_ports_no_servers():
    assert find_local_servers([]) == []


def test_the_usual_ports():
    assert dict(KNOWN) == {"ollama": 11434, "llama.cpp": 8080, "lm-studio": 1234, "vllm": 8000}


@pytest.mark.parametrize(
    "models, chosen",
    [
        (["llama3.2:3b", "nomic-embed-text:latest"], "llama3.2:3b"),
        (["nomic-embed-text:latest", "mxbai-embed-large", "qwen2.5:7b"], "qwen2.5:7b"),
        (["bge-m3", "all-minilm:l6-v2", "gemma3:4b"], "gemma3:4b"),
        (["text-embedding-nomic-embed-text-v1.5"], "text-embedding-nomic-embed-text-v1.5"),
    ],
)
def test_pick_model_prefers_a_chat_model(models, chosen):
    assert pick_model(Found("ollama", "http://127.0.0.1:11434/v1", models, "")) == chosen


def test_pick_model_of_a_server_without_models_says_what_to_do():
    with pytest.raises(BackendError, match="serves no models") as caught:
        pick_model(Found("vllm", "http://127.0.0.1:8000/v1", [], ""))
    assert caught.value.hint


def test_writer_listing_puts_the_endpoint_first_then_servers_then_offline(servers, monkeypatch):
    ollama, configured = servers(models_server("nomic-embed-text", "llama3.2:3b")), servers(models_server("gpt-x"))
    monkeypatch.setenv("OPENAI_BASE_URL", f"http://127.0.0.1:{configured.port}/v1")
    monkeypatch.setenv("OPENAI_API_KEY", SECRET)

    lines = writer_lines(Settings(), ports=[("ollama", ollama.port), ("vllm", closed_port())])

    assert lines[0].startswith("writers: ") and {"auto", "offline", "openai"} <= set(lines[0][9:].split(", "))
    assert (
        lines[2]
        == f"  openai: OPENAI_BASE_URL is http://127.0.0.1:{configured.port}/v1 (an API key is set)  <- auto's choice"
    )
    assert lines[3] == (
        f"  ollama: http://127.0.0.1:{ollama.port}/v1 serves nomic-embed-text, llama3.2:3b (chat model: llama3.2:3b)"
    )
    models = next(i for i, line in enumerate(lines) if line.startswith("models for --llm local"))
    assert lines[4:models] == ["  offline: always available"]
    assert lines[-1].startswith("recommended here: ") and "GB" in lines[-1]
    assert SECRET not in "\n".join(lines)


def test_writer_listing_without_anything_configured_chooses_offline():
    lines = writer_lines(Settings(), ports=[("ollama", closed_port())])
    assert lines[2:3] == ["  offline: always available  <- auto's choice"] and lines[3].startswith("models for")


def test_writer_listing_chooses_a_local_server_when_nothing_is_configured(servers):
    server = servers(models_server("llama3.2:3b"))
    lines = writer_lines(Settings(), ports=[("ollama", server.port)])
    assert lines[2].startswith("  ollama: ") and lines[2].endswith("<- auto's choice")


def test_podgen_writers_shows_the_endpoint_and_never_a_secret(servers):
    server = servers(models_server("test-model"))
    url = f"http://me:{SECRET}-pw@127.0.0.1:{server.port}/v1"
    proc = run_podgen("writers", env={"OPENAI_BASE_URL": url, "OPENAI_API_KEY": SECRET}, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert f"openai: OPENAI_BASE_URL is http://127.0.0.1:{server.port}/v1 (an API key is set)" in proc.stdout
    assert "offline: always available" in proc.stdout
    assert SECRET not in proc.stdout + proc.stderr and "-pw" not in proc.stdout


def test_podgen_writers_fails_in_one_line(tmp_path):
    bad = tmp_path / "podgen.toml"
    bad.write_text("writer = [unclosed\n")
    proc = run_podgen("writers", "--config", str(bad), timeout=120)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert proc.stderr.startswith("error: ") and proc.stderr.count("\n") == 1
