"""The OpenAI-compatible writer with the openai package at both ends of the range podgen supports.

The newest end is the locked openai of the test venv (openai 3, built on httpx2); the oldest is the
lower bound in pyproject.toml, which `make install-test` puts in ``<venv>/openai-oldest`` (openai 1,
built on httpx). Each runs `podgen script` in its own process against the local chat server, which
speaks the real protocol, and the server checks which client it was by its User-Agent.
"""

from __future__ import annotations

import importlib.metadata
import json
import re
import sys
import tomllib
from pathlib import Path

import pytest
from servers.chat import Answer
from test_cli import podgen
from test_llm_cli import env_for

ROOT = Path(__file__).resolve().parent.parent
OLDEST = Path(sys.prefix) / "openai-oldest"
DOC = """# Honey Bees

## Colonies

A honey bee colony has one queen and up to 60,000 workers. The queen lays up to 2,000 eggs a day in
early summer. Workers live about six weeks in summer, and they do every job in the hive except laying eggs.

## Foraging

Foragers fly up to 5 kilometres from the hive to find nectar and pollen. A forager tells her sisters
where flowers are with the waggle dance, which Karl von Frisch decoded in 1945.
"""


def lower_bound() -> str:
    """The oldest openai podgen supports: the lower bound its pyproject.toml publishes."""
    dependencies = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    found = [m.group(1) for d in dependencies if (m := re.fullmatch(r"openai>=([\d.]+)(,<\d+)?", d))]
    assert len(found) == 1, f"one openai lower bound in pyproject.toml: {dependencies}"
    return found[0]


@pytest.fixture(params=["oldest", "locked"])
def client_end(request) -> tuple[str, dict[str, str]]:
    """(the openai version the command will use, the environment that makes it use it)."""
    if request.param == "locked":
        return importlib.metadata.version("openai"), {}
    version = lower_bound()
    found = list(OLDEST.glob("openai-*.dist-info"))
    assert found, f"openai {version} is installed in {OLDEST} by `make install-test`"
    assert found[0].name == f"openai-{version}.dist-info", f"{found[0].name}: run `make install-test` again"
    return version, {"PYTHONPATH": str(OLDEST)}


def test_the_writer_talks_to_a_real_protocol_server(client_end, chat_server, tmp_path):
    version, extra = client_end
    doc = tmp_path / "bees.md"
    doc.write_text(DOC)
    out = tmp_path / "out"
    proc = podgen(
        "script",
        str(doc),
        "--writer",
        "openai",
        "--model",
        "test-model",
        "--minutes",
        "1",
        "-o",
        str(out),
        env={**env_for(chat_server, tmp_path), **extra},
    )
    assert proc.returncode == 0, proc.stderr
    assert {r.headers.get("user-agent") for r in chat_server.chat_requests()} == {f"OpenAI/Python {version}"}
    script = json.loads((out / "honey-bees" / "script.json").read_text())
    assert script["writer"] == "openai" and len(script["lines"]) >= 6
    assert "Exception ignored" not in proc.stderr and "Traceback" not in proc.stderr


def test_a_stream_that_stops_is_one_line_with_either_client(client_end, chat_server, tmp_path):
    """A read in the middle of a stream fails in the HTTP library openai is built on (httpx or httpx2)."""
    version, extra = client_end
    chat_server.rules.append(lambda request: Answer('{"lines": [{"speaker": "Alex", "text": "Bees', stall_after=3))
    doc = tmp_path / "bees.md"
    doc.write_text(DOC)
    env = {**env_for(chat_server, tmp_path), "PODGEN_LLM_TIMEOUT": "1.5", "PODGEN_LLM_RETRIES": "0", **extra}
    proc = podgen("script", str(doc), "--writer", "openai", "--model", "test-model", "-o", str(tmp_path / "o"), env=env)
    assert proc.returncode != 0
    assert "stopped sending in the middle of an answer" in proc.stderr, proc.stderr
    assert "Traceback" not in proc.stderr and "Exception ignored" not in proc.stderr
    assert {r.headers.get("user-agent") for r in chat_server.chat_requests()} == {f"OpenAI/Python {version}"}
