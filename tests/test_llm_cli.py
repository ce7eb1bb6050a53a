"""podgen make / script with the openai writer, as a user runs them, against a local chat server."""

from __future__ import annotations

import json

import pytest
from servers.chat import Answer, ChatServer, Request
from test_cli import podgen

KEY = "sk-live-do-not-leak-0123456789abcdef"
DOC = """# Honey Bees

## Colonies

A honey bee colony has one queen and up to 60,000 workers. The queen lays up to 2,000 eggs a day in
early summer. Workers live about six weeks in summer, and they do every job in the hive except laying eggs.

## Foraging

Foragers fly up to 5 kilometres from the hive to find nectar and pollen. A forager tells her sisters
where flowers are with the waggle dance, which Karl von Frisch decoded in 1945.
"""


@pytest.fixture
def doc(tmp_path):
    path = tmp_path / "bees.md"
    path.write_text(DOC)
    return path


def env_for(server: ChatServer, tmp_path, **extra: str) -> dict[str, str]:
    return {
        "OPENAI_API_KEY": KEY,
        "OPENAI_BASE_URL": server.url,
        "PODGEN_CACHE_DIR": str(tmp_path / "cache"),
        "PODGEN_LLM_RETRIES": "3",
        **extra,
    }


def files_text(folder) -> str:
    return "".join(p.read_bytes().decode("utf-8", "replace") for p in folder.rglob("*") if p.is_file())


@pytest.mark.slow
def test_make_with_a_flaky_server_makes_an_episode_and_render_asks_nothing(chat_server, doc, tmp_path):
    seen = []

    def flaky(request: Request):
        seen.append(request)
        return (
            Answer.error(502 if len(seen) % 2 else 429, "busy", **{"Retry-After": "0"}) if len(seen) % 3 == 1 else None
        )

    chat_server.rules.append(flaky)
    chat_server.rules.append(invented_and_kept)
    out = tmp_path / "out"
    proc = podgen(
        "--debug",
        "make",
        str(doc),
        "--llm",
        "openai",
        "--model",
        "test-model",
        "--minutes",
        "1",
        "-o",
        str(out),
        env=env_for(chat_server, tmp_path),
    )
    assert proc.returncode == 0, proc.stderr
    folder = out / "honey-bees"
    meta = json.loads((folder / "episode.json").read_text())
    assert meta["writer"] == "openai" and (folder / "episode.mp3").stat().st_size > 10_000
    assert [c["unsupported"] for c in meta["unsupported_claims"]] == [["1987"]]
    assert "says 1987, which the source does not contain" in proc.stderr
    assert "requests (0 from cache)" in proc.stdout and "tokens in" in proc.stdout and "writing took" in proc.stdout
    assert {r.body["model"] for r in chat_server.chat_requests()} == {"test-model"}
    assert KEY not in proc.stdout + proc.stderr + files_text(tmp_path)
    asked = len(chat_server.chat_requests())
    again = podgen("render", str(folder), env=env_for(chat_server, tmp_path))
    assert again.returncode == 0, again.stderr
    assert len(chat_server.chat_requests()) == asked


def invented_and_kept(request: Request):
    """The first segment gets a line with a year the document does not have; the repair keeps it."""
    from servers.plausible import plausible

    if '"title": "Fixes"' in request.text:
        return Answer(json.dumps({"lines": [{"line": 2, "text": "That was back in 1987, by the way."}]}))
    if "<previous>" in request.text and "this is the start" in request.text:
        answer = json.loads(plausible(request).content)
        answer["lines"].insert(1, {"speaker": "Sam", "text": "That was back in 1987, by the way."})
        return Answer(json.dumps(answer))
    return None


def test_script_writes_only_the_script_and_says_how_it_was_written(chat_server, doc, tmp_path):
    out = tmp_path / "out"
    proc = podgen(
        "script",
        str(doc),
        "--minutes",
        "1",
        "--format",
        "critique",
        "--focus",
        "the waggle dance",
        "-o",
        str(out),
        env=env_for(chat_server, tmp_path),
    )
    assert proc.returncode == 0, proc.stderr
    folder = out / "honey-bees"
    assert sorted(p.name for p in folder.iterdir()) == ["script.json"]
    script = json.loads((folder / "script.json").read_text())
    assert script["writer"] == "openai" and len(script["lines"]) >= 2
    assert f"auto: OPENAI_BASE_URL is {chat_server.url}" in proc.stdout and "podgen render" in proc.stdout
    assert "the waggle dance" in chat_server.chat_requests()[-1].text


def test_auto_without_an_endpoint_writes_offline_and_says_so(doc, tmp_path):
    proc = podgen("script", str(doc), "--minutes", "1", "-o", str(tmp_path), env={"PODGEN_CACHE_DIR": str(tmp_path)})
    assert proc.returncode == 0, proc.stderr
    assert "auto: no API key, base URL, local chat server or GGUF model was found" in proc.stdout


def unknown_model(server: ChatServer) -> None:
    server.rules.append(lambda r: Answer.error(404, "model 'nope' not found"))


def wrong_key(server: ChatServer) -> None:
    server.rules.append(lambda r: Answer.error(401, f"Incorrect API key provided: {KEY}"))


def never_valid(server: ChatServer) -> None:
    server.rules.append(
        lambda r: (
            Answer("I'd rather chat about something else.")
            if "<previous>" in r.text or len(r.body["messages"]) > 2
            else None
        )
    )


@pytest.mark.parametrize(
    "setup, code, words",
    [
        (wrong_key, 4, "refused the API key"),
        (unknown_model, 4, "does not know model"),
        (never_valid, 4, "still unusable after 2 repairs"),
    ],
)
def test_model_failures_are_one_line_with_no_audio(chat_server, doc, tmp_path, setup, code, words):
    setup(chat_server)
    out = tmp_path / "out"
    proc = podgen("make", str(doc), "--llm", "openai", "-o", str(out), env=env_for(chat_server, tmp_path))
    assert proc.returncode == code
    assert words in proc.stderr and len(proc.stderr.strip().splitlines()) == 1, proc.stderr
    assert "Traceback" not in proc.stderr and KEY not in proc.stderr + proc.stdout
    assert not list(out.rglob("*.mp3")) and not list(out.rglob("script.json"))
    if setup is never_valid:
        assert (out / "honey-bees" / "llm-answer.txt").read_text() == "I'd rather chat about something else."


def test_no_key_and_no_endpoint_with_llm_openai_is_a_usage_error(doc, tmp_path):
    proc = podgen("make", str(doc), "--llm", "openai", "-o", str(tmp_path))
    assert proc.returncode == 2 and "OPENAI_API_KEY" in proc.stderr and len(proc.stderr.strip().splitlines()) == 1


def test_a_server_that_is_down_is_one_line(doc, tmp_path):
    server = ChatServer()
    url = server.url
    server.stop()
    proc = podgen(
        "make",
        str(doc),
        "--llm",
        "openai",
        "--llm-base-url",
        url,
        "-o",
        str(tmp_path),
        env={"PODGEN_CACHE_DIR": str(tmp_path), "PODGEN_LLM_RETRIES": "0"},
    )
    assert proc.returncode == 4 and "Cannot reach the chat endpoint" in proc.stderr


def test_a_killed_run_resumes_from_the_request_cache(chat_server, doc, tmp_path):
    import os
    import subprocess
    import sys
    import time

    chat_server.rules.append(lambda r: Answer("{}", delay=60) if "<previous>" in r.text else None)
    args = [sys.executable, "-m", "podgen", "script", str(doc), "--minutes", "2", "-o", str(tmp_path / "out")]
    env = {**os.environ, **env_for(chat_server, tmp_path)}
    proc = subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(600):  # until the run is writing its first segment
            if any("<previous>" in r.text for r in chat_server.chat_requests()):
                break
            time.sleep(0.1)
    finally:
        proc.kill()
        proc.wait()
    planned = len(chat_server.chat_requests()) - 1
    assert planned >= 1  # the outline was answered before the kill (a short document is read whole)
    chat_server.rules.clear()
    again = podgen(
        "script", str(doc), "--minutes", "2", "-o", str(tmp_path / "out"), env=env_for(chat_server, tmp_path)
    )
    assert again.returncode == 0, again.stderr
    resumed = chat_server.chat_requests()[planned + 1 :]
    assert resumed and all("<previous>" in r.text or '"title": "Fixes"' in r.text for r in resumed)
    assert f"({planned} from cache)" in again.stdout
