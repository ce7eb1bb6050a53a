"""The openai writer against a local chat server: planning, repairs, length, grounding, budget."""

from __future__ import annotations

import json
import re

import pytest
from conftest import DATA
from servers.chat import Answer, ChatServer, Request
from servers.plausible import plausible

from podgen.config import Host, Settings
from podgen.errors import BackendError, UsageError
from podgen.folder import RAW_ANSWER
from podgen.ingest import extract
from podgen.llm.tokens import message_tokens
from podgen.models import Document, Section
from podgen.write import write_script, writers
from podgen.write.model.structured import extract_json

HONEY = Document(
    "Honey Bees",
    [
        Section(
            "Colonies",
            "A honey bee colony has one queen and up to 60,000 workers. The queen lays up to 2,000 eggs "
            "a day in early summer. Workers live about six weeks in summer, and they do every job in the hive "
            "except laying eggs. Drones exist to mate with queens from other colonies.",
        ),
        Section(
            "Foraging",
            "Foragers fly up to 5 kilometres from the hive to find nectar and pollen. A forager tells "
            "her sisters where flowers are with the waggle dance, which Karl von Frisch decoded in 1945. The "
            "angle of the dance gives the direction and its length gives the distance to the flowers.",
        ),
        Section(
            "Honey",
            "Bees turn nectar into honey by adding enzymes and fanning it until about 18% of it is "
            "water. A strong colony can store more than 25 kilograms of honey in a good year. Beekeepers take "
            "only the surplus so that the colony survives the winter on its own stores.",
        ),
    ],
    source="honey.md",
)
HONEY_ONE = Document("Honey Bees", [Section("", " ".join(s.text for s in HONEY.sections))], source="honey.md")
"""The same text as one section: the model plans the outline (there are no sections to follow)."""


def settings_for(server: ChatServer, tmp_path, **values) -> Settings:
    base = {
        "writer": "openai",
        "llm_base_url": server.url,
        "cache_dir": tmp_path / "cache",
        "output_dir": tmp_path / "episodes",
        "llm_retries": 0,
        "minutes": 1.0,
    }
    return Settings(**{**base, **values})


def named(server: ChatServer, name: str) -> list[Request]:
    return [r for r in server.chat_requests() if f'"title": "{name}"' in r.text]


def once(match, answer: Answer):
    """A rule that answers the first request that ``match``es with ``answer``, then steps aside."""
    used = []

    def rule(request: Request):
        if not used and match(request):
            used.append(request)
            return answer
        return None

    return rule


def is_segment(request: Request) -> bool:
    return '"title": "Segment"' in request.text and "<previous>" in request.text


# --- structured output -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        '{"a": 1}',
        'Sure! Here is the JSON you asked for:\n{"a": 1}\nHope this helps.',
        '```json\n{"a": 1}\n```',
        '<think>The user wants {"a": 2}? No, {"a": 1}.</think>\n```\n{"a": 1}\n```',
        '<think>hmm, unfinished thought {"b"',
    ],
)
def test_json_is_found_inside_what_models_wrap_around_it(text):
    if text.startswith("<think>hmm"):
        with pytest.raises(ValueError):
            extract_json(text)
    else:
        assert extract_json(text) == {"a": 1}


def test_truncated_json_is_not_accepted():
    with pytest.raises(ValueError, match="cut off"):
        extract_json('{"lines": [{"speaker": "Alex", "text": "Hel')


def test_an_episode_is_planned_written_and_checked(chat_server, tmp_path):
    events = []
    script = write_script(HONEY, settings_for(chat_server, tmp_path, minutes=2), lambda *e: events.append(e))
    assert script.writer == "openai" and script.hosts == ["Alex", "Sam"]
    assert events[-1] == ("write", len(chat_server.chat_requests()), len(chat_server.chat_requests()))
    assert [e[1] for e in events] == list(range(1, len(events) + 1)) and all(d <= t for _, d, t in events)
    assert {line.speaker for line in script.lines} == {"Alex", "Sam"}
    assert abs(script.word_count() - 300) <= 0.15 * 300
    assert [c.line for c in script.chapters][0] == 0 and all(c.title for c in script.chapters)
    assert script.unsupported_claims == []
    assert "Beekeepers take only the surplus" in " ".join(line.text for line in script.lines)
    assert [c.title for c in script.chapters] == ["Colonies", "Honey"]  # the key sections, the definition first
    assert script.coverage == {"key_sections": 2, "covered": 2, "share": 1.0, "missing": []}
    assert not named(chat_server, "Outline")  # the document's own sections are the outline
    assert script.stats["requests"] == len(chat_server.chat_requests()) and script.stats["tokens_in"] > 0
    formats = [r.body["response_format"]["type"] for r in chat_server.chat_requests()]
    assert set(formats) == {"json_schema"}


def test_a_server_without_json_schema_gets_json_mode_then_plain_text(chat_server, tmp_path):
    def refuse(request: Request):
        kind = (request.body.get("response_format") or {}).get("type")
        return Answer.error(400, f"response_format {kind} is not supported") if kind else None

    chat_server.rules.append(refuse)
    script = write_script(HONEY, settings_for(chat_server, tmp_path))
    formats = [r.body.get("response_format") or {} for r in chat_server.chat_requests()]
    kinds = [f.get("type") for f in formats]
    assert kinds[:4] == ["json_schema", "json_object", "json_object", None] and set(kinds[4:]) == {None}
    assert formats[1]["schema"]["title"] == "Outline" and "schema" not in formats[2]
    assert len(script.lines) >= 2


def test_an_invalid_answer_is_sent_back_with_the_error_and_repaired(chat_server, tmp_path):
    chat_server.rules.append(once(is_segment, Answer('Here you go: ```json\n{"lines": [{"speaker": "Alex", "te')))
    script = write_script(HONEY, settings_for(chat_server, tmp_path))
    repair = [r for r in chat_server.chat_requests() if len(r.body["messages"]) == 4]
    assert len(repair) == 1
    assert "cut off" in repair[0].body["messages"][3]["content"]
    assert repair[0].body["messages"][2]["role"] == "assistant"
    assert len(script.lines) >= 2


def test_a_speaker_who_is_not_a_host_is_a_validation_error_to_repair(chat_server, tmp_path):
    bad = json.dumps({"lines": [{"speaker": "Narrator", "text": "Once upon a time."}]})
    chat_server.rules.append(once(is_segment, Answer(bad)))
    write_script(HONEY, settings_for(chat_server, tmp_path))
    repair = [r for r in chat_server.chat_requests() if len(r.body["messages"]) == 4]
    assert "speaker" in repair[0].body["messages"][3]["content"]


def test_an_answer_still_invalid_after_two_repairs_fails_and_is_saved(chat_server, tmp_path):
    chat_server.rules.append(
        lambda r: (
            Answer("<think>I am not sure.</think> Sorry, I can't.")
            if is_segment(r) or len(r.body["messages"]) == 4
            else None
        )
    )
    settings = settings_for(chat_server, tmp_path)
    with pytest.raises(BackendError) as info:
        write_script(HONEY, settings)
    saved = settings.output_dir / "honey-bees" / RAW_ANSWER
    assert "after 2 repairs" in info.value.message and str(saved) in info.value.hint
    assert saved.read_text() == "<think>I am not sure.</think> Sorry, I can't."
    assert len([r for r in chat_server.chat_requests() if len(r.body["messages"]) == 4]) == 2
    assert not list(settings.output_dir.rglob("*.mp3"))


def test_the_outline_gives_each_chapter_its_points_and_marks_the_highlight(chat_server, tmp_path):
    outline = {
        "description": "About bees.",
        "highlight": 2,
        "segments": [
            {
                "title": "The colony",
                "parts": [1],
                "points": "A colony has one queen. Workers live six weeks. The hosts set up the episode.",
            },
            {"title": "The waggle dance", "parts": [1], "points": "Foragers dance to show where flowers are."},
        ],
    }
    chat_server.rules.append(once(lambda r: '"title": "Outline"' in r.text, Answer(json.dumps(outline))))
    script = writers.create("openai").write(HONEY_ONE, settings_for(chat_server, tmp_path, minutes=2))
    titles = [c.title for c in script.chapters]
    assert titles[:2] == ["The colony", "The waggle dance"]
    assert script.chapters[0].points == [
        "A colony has one queen",
        "Workers live six weeks",
    ]  # not the point about the show
    first, last = script.highlight
    dance = script.chapters[1]
    end = script.chapters[2].line - 1 if len(script.chapters) > 2 else len(script.lines) - 1
    assert (first, last) == (dance.line, end)
    saved = type(script).from_dict(json.loads(script.to_json()))
    assert saved.highlight == script.highlight and saved.chapters[0].points == script.chapters[0].points


def test_a_part_label_leaves_the_title_and_two_segments_of_one_title_are_one_chapter(chat_server, tmp_path):
    outline = {
        "description": "About bees.",
        "segments": [{"title": "Part 1: The colony", "parts": [1]}, {"title": "The colony", "parts": [1]}],
    }
    chat_server.rules.append(once(lambda r: '"title": "Outline"' in r.text, Answer(json.dumps(outline))))
    script = write_script(HONEY_ONE, settings_for(chat_server, tmp_path, minutes=2))
    assert [c.title for c in script.chapters][:1] == ["The colony"]
    assert [c.title for c in script.chapters].count("The colony") == 1 and script.chapters[0].line == 0


def test_a_line_that_says_again_what_was_said_loses_those_sentences(chat_server, tmp_path):
    from podgen.llm import ChatClient
    from podgen.write.model.job import Job
    from podgen.write.model.schema import segment_model
    from podgen.write.model.segments import to_lines
    from podgen.write.model.structured import salvage

    said = "Workers live about six weeks in summer and do every job in the hive."
    settings = settings_for(chat_server, tmp_path)
    job = Job.start(HONEY, settings, ChatClient(settings, {}), "Honey Bees")
    job.spoken = [f"Right. {said}"]
    model = segment_model(["Alex", "Sam"], 200)
    answer, _ = salvage(
        model,
        {
            "lines": [
                {"speaker": "Sam", "text": f"{said} Drones exist only to mate with queens from other colonies."},
                {"speaker": "Alex", "text": f"Yes. {said.replace('about', 'roughly')}"},
            ]
        },
    )
    assert [t for _, t in to_lines(job, answer)] == ["Drones exist only to mate with queens from other colonies."]


# --- length -------------------------------------------------------------------------------------


def test_a_script_too_short_is_extended(chat_server, tmp_path):
    short = json.dumps(
        {
            "lines": [
                {"speaker": "Alex", "text": "Bees make honey."},
                {"speaker": "Sam", "text": "They do, from nectar."},
            ]
        }
    )
    chat_server.rules.append(once(is_segment, Answer(short)))
    script = write_script(HONEY, settings_for(chat_server, tmp_path, minutes=1))
    extra = [r for r in chat_server.chat_requests() if "More on" in r.text]
    assert extra and "<previous>" in extra[0].text and "They do, from nectar." in extra[0].text  # it goes on
    assert abs(script.word_count() - 150) <= 0.15 * 150
    texts = [line.text for line in script.lines]
    at = texts.index("Bees make honey.")  # after the welcome the shape put before it
    assert texts[at + 1].startswith("They do, from nectar.") and at > 0


def distinct_lines(count: int, words: int = 12, first: int = 0) -> list[dict[str, str]]:
    """Lines that repeat nothing: each a different draw of the document's own lower-case words
    (``first``: where the draws start, so that two answers repeat nothing either)."""
    import random

    vocabulary = sorted({w for w in re.findall(r"[a-z]+", " ".join(s.text for s in HONEY.sections)) if len(w) > 3})
    return [
        {"speaker": ["Alex", "Sam"][i % 2], "text": " ".join(random.Random(i).sample(vocabulary, words)) + "."}
        for i in range(first, first + count)
    ]


def test_a_script_too_long_is_trimmed(chat_server, tmp_path):
    long = Answer(json.dumps({"lines": distinct_lines(40)}))
    chat_server.rules.append(lambda r: long if is_segment(r) else None)
    script = write_script(HONEY, settings_for(chat_server, tmp_path, minutes=1))
    assert len(chat_server.chat_requests()) == 2  # the outline and the segment: no rewrite was asked for
    assert abs(script.word_count() - 150) <= 0.15 * 150  # whole lines were dropped by the code
    first, last = distinct_lines(40)[0]["text"], distinct_lines(40)[-1]["text"]
    kept = [line.text for line in script.lines]
    assert first in kept[:3] and first != last and len(kept) < 20  # the opening stays, after the welcome


# --- grounding ------------------------------------------------------------------------------------

INVENTED = "Back in 1987, 73 percent of Bavarian beekeepers already knew that."


def with_invented_line(request: Request) -> Answer | None:
    if not is_segment(request):
        return None
    answer = json.loads(plausible(request).content)
    answer["lines"].insert(1, {"speaker": "Sam", "text": INVENTED})
    return Answer(json.dumps(answer))


def test_an_invented_number_is_sent_back_once_and_repaired(chat_server, tmp_path):
    chat_server.rules.append(with_invented_line)
    script = write_script(HONEY, settings_for(chat_server, tmp_path))
    ground = named(chat_server, "Fixes")
    assert len(ground) == 1 and "[unsupported: 1987, 73, Bavarian]" in ground[0].text
    assert script.unsupported_claims == [] and INVENTED not in [line.text for line in script.lines]


def test_a_claim_that_stays_unsupported_is_listed_and_logged(chat_server, tmp_path, caplog):
    chat_server.rules.append(with_invented_line)
    chat_server.rules.insert(
        0,
        lambda r: (
            Answer(json.dumps({"lines": [{"line": 2, "text": INVENTED}]})) if '"title": "Fixes"' in r.text else None
        ),
    )
    script = write_script(HONEY, settings_for(chat_server, tmp_path))
    assert len(named(chat_server, "Fixes")) == 1
    [claim] = script.unsupported_claims
    assert INVENTED in script.lines[claim["line"]].text and claim["unsupported"] == ["1987", "73", "Bavarian"]
    assert "1987" in caplog.text and "check it before publishing" in caplog.text


def test_a_repair_that_is_no_line_leaves_the_line_as_it_was(chat_server, tmp_path):
    chat_server.rules.append(with_invented_line)
    chat_server.rules.insert(
        0,
        lambda r: (
            Answer(json.dumps({"lines": [{"line": 2, "text": "$defs/Fix"}]})) if '"title": "Fixes"' in r.text else None
        ),
    )
    script = write_script(HONEY, settings_for(chat_server, tmp_path))
    texts = [line.text for line in script.lines]
    [at] = [i for i, text in enumerate(texts) if INVENTED in text]
    assert "$defs/Fix" not in " ".join(texts)
    assert [c["line"] for c in script.unsupported_claims] == [at]  # still listed, for a person to check


# --- formats, hosts, language -------------------------------------------------------------------


def test_brief_is_one_host_under_two_minutes(chat_server, tmp_path):
    script = write_script(HONEY, settings_for(chat_server, tmp_path, format="brief", minutes=5))
    assert script.hosts == ["Alex"] and {line.speaker for line in script.lines} == {"Alex"}
    assert script.word_count() <= 2 * 150
    assert "One host gives a short" in named(chat_server, "Outline")[0].text


def test_format_focus_language_and_personas_reach_the_prompts(chat_server, tmp_path):
    hosts = [
        Host(name="Ada", voice="joe", persona="a retired beekeeper"),
        Host(name="Ben", voice="joe"),
        Host(name="Cy", voice="joe-bright"),
    ]
    settings = settings_for(
        chat_server, tmp_path, format="debate", focus="the waggle dance", language="de", hosts=hosts
    )
    script = write_script(HONEY, settings)
    segment = [r for r in chat_server.chat_requests() if is_segment(r)][0]
    for text in ("take opposite sides", "concentrate on the waggle dance", "in German", "- Ada: a retired beekeeper"):
        assert text in segment.text, text
    assert set(
        json.loads(segment.text.split("JSON schema, and nothing else:\n")[1].split("\n")[0])["$defs"]["Line"][
            "properties"
        ]["speaker"]["enum"]
    ) == {"Ada", "Ben", "Cy"}
    assert {line.speaker for line in script.lines} == {"Ada", "Ben", "Cy"}


@pytest.mark.parametrize(
    "values, words",
    [
        ({"language": "ko"}, "no phrases for 'ko'"),
        ({"format": "debate"}, "debate"),
        ({"hosts": [Host(name="Solo", voice="joe")]}, "two hosts"),
    ],
)
def test_the_offline_writer_refuses_what_it_cannot_do(values, words):
    with pytest.raises(UsageError, match=words):
        write_script(HONEY, Settings(writer="offline", **values))


def test_auto_uses_offline_without_an_endpoint_and_openai_with_one(chat_server, tmp_path, monkeypatch):
    offline = write_script(HONEY, Settings(writer="auto", cache_dir=tmp_path))
    assert offline.writer == "offline" and "no API key, base URL" in offline.stats["writer_reason"]
    assert chat_server.requests == []
    monkeypatch.setenv("OPENAI_BASE_URL", chat_server.url)
    online = write_script(HONEY, Settings(writer="auto", cache_dir=tmp_path, minutes=1))
    assert online.writer == "openai" and f"OPENAI_BASE_URL is {chat_server.url}" in online.stats["writer_reason"]


# --- long documents, budget, concurrency, resume ------------------------------------------------


@pytest.fixture(scope="module")
def long_document() -> Document:
    return extract(DATA / "report-long.pdf", Settings())


def test_a_long_document_stays_within_the_budget_and_runs_in_parallel(long_document, tmp_path):
    server = ChatServer(plausible, latency=0.05).start()
    try:
        settings = settings_for(server, tmp_path, minutes=3, context_tokens=4096, llm_concurrency=3)
        script = write_script(long_document, settings)
    finally:
        server.stop()
    requests = server.chat_requests()
    sizes = [message_tokens(r.body["messages"]) + r.body["max_tokens"] for r in requests]
    assert max(sizes) <= 4096
    summaries = named(server, "Summary")
    assert len(summaries) >= 15 and not named(server, "Outline")  # 76 pages in pieces of about 1,500 tokens
    rounds = sorted({int(re.search(r"Summarise part \d+ of (\d+)", r.text).group(1)) for r in summaries})
    assert len(rounds) == 2 and sum(rounds) == len(summaries)  # the summaries were condensed once to fit
    assert 2 <= server.max_in_flight <= 3
    segments = [r for r in requests if is_segment(r)]
    assert len(segments) == 2 + len([r for r in segments if "More on" in r.text])  # 3 minutes: 2 key sections
    assert script.coverage["key_sections"] == 2
    assert script.stats["largest_request"] == max(message_tokens(r.body["messages"]) for r in requests)


def test_a_killed_run_resumes_without_repeating_finished_calls(chat_server, tmp_path):
    settings = settings_for(chat_server, tmp_path, minutes=2)
    chat_server.rules.append(lambda r: Answer.error(503) if is_segment(r) else None)
    with pytest.raises(BackendError):
        write_script(HONEY_ONE, settings)
    first = len(chat_server.chat_requests())
    assert named(chat_server, "Outline") and not named(chat_server, "Summary")  # a short document is read whole
    chat_server.rules.clear()
    script = write_script(HONEY_ONE, settings)
    again = chat_server.chat_requests()[first:]
    assert again and all(is_segment(r) or '"title": "Fixes"' in r.text for r in again)
    assert script.stats["cached"] == 1  # the outline


def test_transient_failures_still_give_a_script(chat_server, tmp_path):
    count = []

    def flaky(request: Request):
        count.append(1)
        if len(count) % 2 == 0:
            return Answer.error(429, "busy", **{"Retry-After": "0"}) if len(count) % 4 else Answer.error(502)
        return None

    chat_server.rules.append(flaky)
    script = write_script(HONEY, settings_for(chat_server, tmp_path, llm_retries=2, minutes=3))
    assert len(script.lines) >= 2
    assert any(r for r in chat_server.chat_requests())
    assert len(chat_server.chat_requests()) > script.stats["requests"]


def test_prompt_files_are_overridden_from_prompts_dir(chat_server, tmp_path):
    (tmp_path / "mine" / "llm").mkdir(parents=True)
    (tmp_path / "mine" / "llm" / "outline.md").write_text(
        "<source>\n$source\n</source>\n\nPlan the bee show, bee-keeper style, in about $segments segments.\n"
    )
    (tmp_path / "mine" / "llm.toml").write_text(
        '[formats.deep-dive]\nname = "deep-dive"\ndescription = "Two gardeners chat about the text."\n'
    )
    write_script(HONEY, settings_for(chat_server, tmp_path, prompts_dir=tmp_path / "mine"))
    assert "Plan the bee show, bee-keeper style" in named(chat_server, "Outline")[0].text
    segment = [r for r in chat_server.chat_requests() if is_segment(r)][0].text
    assert "Two gardeners chat about the text." in segment
    assert "in English" in segment  # the other tables are still the built-in ones
