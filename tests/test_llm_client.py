"""The chat client: the real openai package against a local chat server over real HTTP."""

from __future__ import annotations

import logging

import pytest
from servers.chat import Answer, ChatServer

from podgen.config import Settings
from podgen.errors import BackendError, UsageError
from podgen.llm import ChatClient

KEY = "sk-test-very-secret-key-1234567890"
MESSAGES = [{"role": "user", "content": "Say OK."}]


def client_for(server: ChatServer, tmp_path, key: str | None = KEY, **values) -> ChatClient:
    settings = Settings(**{"cache_dir": tmp_path / "cache", "llm_base_url": server.url, "llm_retries": 2, **values})
    return ChatClient(settings, {"OPENAI_API_KEY": key} if key else {})


def cache_text(tmp_path) -> str:
    return "".join(p.read_text() for p in (tmp_path / "cache").rglob("*") if p.is_file())


def test_an_answer_is_cached_by_request_and_the_key_is_sent_but_never_stored(chat_server, tmp_path):
    client = client_for(chat_server, tmp_path)
    first = client.chat(MESSAGES, max_tokens=10)
    again = client_for(chat_server, tmp_path, key="sk-another-key").chat(MESSAGES, max_tokens=10)
    other = client.chat(MESSAGES, max_tokens=11)
    assert first.text == again.text == other.text == "OK"
    assert (first.cached, again.cached, other.cached) == (False, True, False)
    assert len(chat_server.chat_requests()) == 2
    assert chat_server.requests[0].headers["authorization"] == f"Bearer {KEY}"
    assert "OK" in cache_text(tmp_path) and KEY not in cache_text(tmp_path)
    assert client.usage.requests == 2 and client.usage.tokens_in > 0 and client.usage.tokens_out > 0


def test_429_is_retried_after_the_time_retry_after_asks(chat_server, tmp_path):
    chat_server.push(Answer.error(429, "slow down", **{"Retry-After": "1"}))
    assert client_for(chat_server, tmp_path).chat(MESSAGES, max_tokens=10).text == "OK"
    first, second = chat_server.chat_requests()
    assert second.started - first.ended >= 0.9  # waited as told, not the default half second


def test_500s_are_retried(chat_server, tmp_path):
    chat_server.push(Answer.error(500), Answer.error(503))
    assert client_for(chat_server, tmp_path).chat(MESSAGES, max_tokens=10).text == "OK"
    assert len(chat_server.chat_requests()) == 3


def test_a_server_that_keeps_failing_is_one_line_after_the_retries(chat_server, tmp_path):
    chat_server.rules.append(lambda request: Answer.error(500))
    with pytest.raises(BackendError) as info:
        client_for(chat_server, tmp_path).chat(MESSAGES, max_tokens=10)
    assert "HTTP 500 after 2 retries" in info.value.message and "\n" not in info.value.message
    assert len(chat_server.chat_requests()) == 3
    assert cache_text(tmp_path) == ""


def test_a_wrong_key_says_to_check_the_key_and_does_not_show_it(chat_server, tmp_path):
    chat_server.rules.append(lambda request: Answer.error(401, f"Incorrect API key provided: {KEY}"))
    with pytest.raises(BackendError) as info:
        client_for(chat_server, tmp_path).chat(MESSAGES, max_tokens=10)
    assert "OPENAI_API_KEY" in info.value.hint and KEY not in str(info.value) + info.value.hint
    assert len(chat_server.chat_requests()) == 1  # 401 is not retried


def test_an_unknown_model_names_the_model(chat_server, tmp_path):
    chat_server.rules.append(lambda request: Answer.error(404, "model not found"))
    with pytest.raises(BackendError) as info:
        client_for(chat_server, tmp_path, model="no-such-model").chat(MESSAGES, max_tokens=10)
    assert "'no-such-model'" in info.value.message and "--model" in info.value.hint


def test_a_server_that_never_answers_times_out(chat_server, tmp_path):
    chat_server.push(Answer("late", delay=3), Answer("late", delay=3))
    client = client_for(chat_server, tmp_path, llm_timeout=0.5, llm_retries=1)
    with pytest.raises(BackendError) as info:
        client.chat(MESSAGES, max_tokens=10)
    assert "did not answer within 0.5s, 2 tries" in info.value.message


def test_a_server_that_is_down_says_how_to_point_at_one(tmp_path):
    server = ChatServer()
    url = server.url
    server.stop()  # the port is closed now
    settings = Settings(cache_dir=tmp_path, llm_base_url=url, llm_retries=0)
    with pytest.raises(BackendError) as info:
        ChatClient(settings, {}).chat(MESSAGES, max_tokens=10)
    assert "Cannot reach" in info.value.message and "--llm-base-url" in info.value.hint


def test_no_key_and_no_endpoint_is_a_usage_error(tmp_path):
    with pytest.raises(UsageError) as info:
        ChatClient(Settings(cache_dir=tmp_path), {})
    assert "OPENAI_API_KEY" in info.value.hint


def test_a_request_over_the_context_budget_is_refused_before_sending(chat_server, tmp_path):
    client = client_for(chat_server, tmp_path, context_tokens=2048)
    with pytest.raises(BackendError, match="context_tokens=2048"):
        client.chat([{"role": "user", "content": "word " * 2000}], max_tokens=100)
    assert chat_server.requests == []


def test_map_runs_at_most_llm_concurrency_requests_at_once(tmp_path):
    server = ChatServer(latency=0.3).start()
    try:
        client = client_for(server, tmp_path, llm_concurrency=3)
        texts = client.map(lambda n: client.chat([{"role": "user", "content": f"n={n}"}], max_tokens=5).text, range(7))
    finally:
        server.stop()
    assert texts == ["OK"] * 7
    assert server.max_in_flight == 3


def test_debug_logs_of_the_http_stack_never_show_the_key(chat_server, tmp_path, caplog):
    caplog.set_level(logging.DEBUG)
    client_for(chat_server, tmp_path).chat(MESSAGES, max_tokens=10)
    assert caplog.records and KEY not in caplog.text


def test_a_key_that_reaches_a_log_of_the_http_stack_is_masked(chat_server, tmp_path, caplog):
    caplog.set_level(logging.DEBUG)
    client_for(chat_server, tmp_path)
    logging.getLogger("openai._base_client").debug("header was %s", f"Bearer {KEY}")
    assert "Bearer ***" in caplog.text and KEY not in caplog.text
