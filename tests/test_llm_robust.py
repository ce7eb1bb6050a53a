"""What real models and servers do, against a local chat server: loops, cut-off answers, empty
lines, garbage, stalls, and segments the model cannot write."""

from __future__ import annotations

import json
import re

import pytest
from servers.chat import ENDLESS_PIECES, Answer, Request
from test_cli import podgen
from test_llm_writer import HONEY, distinct_lines, is_segment, settings_for

from podgen.errors import BackendError
from podgen.llm import ChatClient
from podgen.llm.stream import RepeatGuard
from podgen.text.sentences import split_sentences
from podgen.write import write_script
from podgen.write.model.schema import segment_model
from podgen.write.model.structured import parse_json, salvage

MESSAGES = [{"role": "user", "content": "Write."}]


def lines_json(lines: list[dict[str, str]]) -> str:
    return json.dumps({"lines": lines})


# --- the stream ---------------------------------------------------------------------------------


def test_a_looping_answer_is_stopped_long_before_max_tokens(chat_server, tmp_path):
    loop = lines_json(distinct_lines(3) * 200)  # the same three lines, again and again
    chat_server.push(Answer(loop))
    client = ChatClient(settings_for(chat_server, tmp_path), {})
    reply = client.chat(MESSAGES, max_tokens=4000)
    assert reply.finish_reason == "repeat"
    assert client.usage.tokens_out < len(loop) / 4 / 10  # under a tenth of the pieces were read
    model = segment_model(["Alex", "Sam"], 100)
    data, cut = parse_json(reply.text)
    kept, _ = salvage(model, data)
    assert cut and [line.text for line in kept.lines][:3] == [line["text"] for line in distinct_lines(3)]


def test_the_guard_ignores_answers_that_do_not_repeat():
    guard = RepeatGuard()
    text = ""
    for line in distinct_lines(60):
        text += json.dumps(line) + ", "
        assert not guard.looping(text)


def test_a_server_that_ignores_max_tokens_is_cut_off_by_the_client(chat_server, tmp_path):
    chat_server.push(Answer('{"lines": [{"speaker": "Alex", "text": "Well', endless=True))
    client = ChatClient(settings_for(chat_server, tmp_path), {})
    reply = client.chat(MESSAGES, max_tokens=300)
    assert reply.finish_reason == "length" and 300 < client.usage.tokens_out <= 2 * 300 + 16 + 1
    assert chat_server.pieces_sent < ENDLESS_PIECES // 10  # the connection was closed: the server stopped too
    assert reply.text.startswith('{"lines"') and len(reply.text.split()) > 200


def test_a_server_that_stops_mid_answer_fails_after_the_gap_timeout(chat_server, tmp_path):
    chat_server.push(Answer(lines_json(distinct_lines(5)), stall_after=6))
    client = ChatClient(settings_for(chat_server, tmp_path, llm_timeout=1.5), {})
    with pytest.raises(BackendError, match="stopped sending in the middle of an answer") as info:
        client.chat(MESSAGES, max_tokens=500)
    assert "\n" not in info.value.message and "llm_timeout" in info.value.hint


def test_a_server_that_streams_garbage_is_one_line(chat_server, tmp_path):
    chat_server.push(Answer("x", raw=b"data: {this is not json\n\n"))
    client = ChatClient(settings_for(chat_server, tmp_path), {})
    with pytest.raises(BackendError, match="not the chat-completions protocol"):
        client.chat(MESSAGES, max_tokens=50)


# --- answers ------------------------------------------------------------------------------------


def test_a_cut_off_segment_keeps_its_lines_and_asks_only_for_the_rest(chat_server, tmp_path):
    whole = lines_json(distinct_lines(12))
    chat_server.rules.append(
        lambda r: (
            Answer(whole[: len(whole) // 3], finish_reason="length")
            if is_segment(r) and "continue from where they stop" not in r.text
            else None
        )
    )
    script = write_script(HONEY, settings_for(chat_server, tmp_path, minutes=1))
    texts = [line.text for line in script.lines]
    assert distinct_lines(1)[0]["text"] in texts[:3]  # kept from the cut answer (after the welcome)
    continued = [r for r in chat_server.chat_requests() if "continue from where they stop" in r.text]
    assert len(continued) >= 1 and distinct_lines(1)[0]["text"] in continued[0].text  # it saw what it had
    assert not [r for r in chat_server.chat_requests() if len(r.body["messages"]) == 4]  # no repair was needed


def test_empty_and_repeated_lines_are_dropped(chat_server, tmp_path):
    from podgen.write.model.job import Job
    from podgen.write.model.segments import to_lines

    good = distinct_lines(8)
    junk = [
        {"speaker": "Alex", "text": "\n"},
        {"speaker": "Sam", "text": "   "},
        good[1],
        good[2],
        {"speaker": "Sam", "text": good[2]["text"].replace(".", "!")},
    ]
    model = segment_model(["Alex", "Sam"], 200)
    answer, dropped = salvage(model, json.loads(lines_json(good[:3] + junk + good[3:])))
    settings = settings_for(chat_server, tmp_path)
    job = Job.start(HONEY, settings, ChatClient(settings, {}), "Honey Bees")
    job.spoken = [good[0]["text"].upper()]  # said in an earlier segment, in other case
    assert dropped == 2  # the empty lines: invalid on their own
    assert [t for _, t in to_lines(job, answer)] == [line["text"] for line in good[1:]]


def test_a_segment_the_model_cannot_write_falls_back_and_is_listed(chat_server, tmp_path):
    chat_server.rules.append(
        lambda r: Answer("I cannot do that.") if is_segment(r) or len(r.body["messages"]) == 4 else None
    )
    settings = settings_for(chat_server, tmp_path, minutes=1, fallback="offline")
    script = write_script(HONEY, settings)
    assert script.fallback_segments == [c.title for c in script.chapters]
    assert script.stats["fallback_segments"] == len(script.chapters) >= 1
    source = " ".join(s.text for s in HONEY.sections)
    assert any(s in source for line in script.lines for s in split_sentences(line.text))  # read from the source
    assert abs(script.word_count() - 150) <= 0.15 * 150
    assert json.loads(script.to_json())["fallback_segments"] == script.fallback_segments


def test_without_a_fallback_the_error_names_the_segment(chat_server, tmp_path):
    chat_server.rules.append(lambda r: Answer("No.") if is_segment(r) or len(r.body["messages"]) == 4 else None)
    with pytest.raises(BackendError, match=r"^Segment '[^']+': .*unusable after 2 repairs"):
        write_script(HONEY, settings_for(chat_server, tmp_path, minutes=1))


def test_a_model_that_ignores_length_still_lands_within_15_percent(chat_server, tmp_path):
    def far_too_long(request: Request):
        if is_segment(request):
            number = int(re.search(r"segment (\d+) of", request.text).group(1))
            return Answer(lines_json(distinct_lines(60, words=14, first=100 * number)))
        return None

    chat_server.rules.append(far_too_long)
    script = write_script(HONEY, settings_for(chat_server, tmp_path, minutes=2))
    assert abs(script.word_count() - 300) <= 0.15 * 300
    assert distinct_lines(1, words=14, first=100)[0]["text"] in [line.text for line in script.lines][:3]


def test_sampling_settings_reach_the_server(chat_server, tmp_path):
    from podgen.config import Sampling

    settings = settings_for(chat_server, tmp_path, sampling=Sampling(segment=0.95, frequency_penalty=0.6, seed=7))
    write_script(HONEY, settings)
    segment = [r for r in chat_server.chat_requests() if is_segment(r)][0].body
    outline = [r for r in chat_server.chat_requests() if '"title": "Outline"' in r.text][0].body
    assert (segment["temperature"], outline["temperature"]) == (0.95, 0.5)
    assert segment["frequency_penalty"] == 0.6 and segment["seed"] == 7 and segment["stream"] is True


def test_every_request_starts_with_the_same_text_when_the_document_fits(chat_server, tmp_path):
    write_script(HONEY, settings_for(chat_server, tmp_path, minutes=3))
    requests = chat_server.chat_requests()
    assert len(requests) >= 2
    heads = {(r.body["messages"][0]["content"], r.body["messages"][1]["content"][:600]) for r in requests}
    assert len(heads) == 1  # system message and source first: a prefix cache reads the source once


# --- bad input, from the command line -----------------------------------------------------------


@pytest.mark.parametrize(
    "make_file, words",
    [
        (lambda p: p / "missing.gguf", "not found"),
        (lambda p: (p / "fake.gguf").write_text("not a model") and p / "fake.gguf", "not a GGUF"),
    ],
)
def test_a_bad_model_file_is_one_line_and_writes_nothing(tmp_path, make_file, words):
    (tmp_path / "doc.md").write_text("# Bees\n\n" + " ".join(s.text for s in HONEY.sections))
    proc = podgen(
        "make",
        str(tmp_path / "doc.md"),
        "--llm",
        "local",
        "--model-file",
        str(make_file(tmp_path)),
        "-o",
        str(tmp_path / "out"),
    )
    assert proc.returncode == 2 and words in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1 and "Traceback" not in proc.stderr
    assert not list((tmp_path / "out").rglob("*.mp3")) and not list((tmp_path / "out").rglob("script.json"))


def test_a_context_too_small_is_refused_before_any_request(chat_server, tmp_path):
    (tmp_path / "doc.md").write_text("# Bees\n\n" + " ".join(s.text for s in HONEY.sections))
    proc = podgen(
        "script",
        str(tmp_path / "doc.md"),
        "--llm",
        "openai",
        "--llm-base-url",
        chat_server.url,
        "--context-tokens",
        "600",
        "-o",
        str(tmp_path / "out"),
    )
    assert proc.returncode == 2 and "context_tokens=600 is too small" in proc.stderr
    assert chat_server.chat_requests() == []


# --- auto ---------------------------------------------------------------------------------------


def test_auto_finds_a_local_chat_server_and_uses_the_model_it_serves(chat_server, tmp_path, monkeypatch):
    from podgen.config import Settings
    from podgen.llm import discover

    port = int(chat_server.url.rsplit(":", 1)[1].split("/")[0])
    monkeypatch.setattr(discover, "KNOWN", (("ollama", 1), ("llama.cpp", port)))  # nothing listens on port 1
    monkeypatch.setattr(discover, "PROBE_SECONDS", 10.0)  # a busy test machine answers slowly
    script = write_script(HONEY, Settings(writer="auto", cache_dir=tmp_path, minutes=1))
    assert script.writer == "openai" and "llama.cpp server answers on 127.0.0.1" in script.stats["writer_reason"]
    assert "test-model" in script.stats["writer_reason"]
    assert {r.body["model"] for r in chat_server.chat_requests()} == {"test-model"}


def test_auto_uses_a_configured_gguf_when_no_server_answers(tmp_path):
    from podgen.config import Settings
    from podgen.write.auto import choose

    model = tmp_path / "m.gguf"
    model.write_bytes(b"GGUF" + b"\0" * 60)
    choice = choose(Settings(model_file=model), environ={}, ports=())
    assert (choice.writer, choice.updates) == ("local", {"model_file": model})
    assert choose(Settings(), environ={}, ports=()).writer == "offline"


def test_a_sentence_cut_across_two_lines_is_joined_and_part_labels_go():
    from podgen.write.model.segments import joined

    lines = [
        ("Alex", "Both natural language and computer code can"),
        ("Sam", "be used to program agents."),
        ("Alex", "Part 2: Introduction"),
        ("Sam", "Part 3: The results were clear."),
    ]
    assert joined(lines) == [
        ("Alex", "Both natural language and computer code can be used to program agents."),
        ("Alex", "Introduction"),
        ("Sam", "The results were clear."),
    ]
