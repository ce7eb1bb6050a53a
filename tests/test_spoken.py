"""The one speakable-text normaliser every writer's lines pass through."""

from __future__ import annotations

import pytest

from podgen.write.spoken import speakable_text


@pytest.mark.parametrize(
    "raw, spoken",
    [
        ("**Really** important, and *so* simple.", "Really important, and so simple."),
        ("## Results\n- First point", "Results First point"),
        ("*laughs* That's wild! [chuckles] (pause) Right.", "That's wild! Right."),
        ("[Music fades in] Welcome back.", "Welcome back."),
        ("Great question 🤔🎉 honestly.", "Great question honestly."),
        ("See https://example.com/paper.pdf or www.bees.org for more.", "See or for more."),
        ("The loss is $\\frac{a}{b}$ and $x^2$.", "The loss is a over b and x squared."),
        (
            "It rose 42% to $5 million, about 3 km away.",
            "It rose 42 percent to 5 million dollars, about 3 kilometres away.",
        ),
        ("Bees vs. wasps, e.g. hornets, etc.", "Bees versus wasps, for example, hornets, et cetera."),
        ("Temperatures of 35°C & more.", "Temperatures of 35 degrees Celsius and more."),
        ("The answer is simple: bees dance.", "The answer is simple: bees dance."),
        ("Pages 10-20 of Fig. 3.", "Pages 10 to 20 of figure 3."),
    ],
)
def test_what_a_model_writes_becomes_what_a_voice_can_say(raw, spoken):
    assert speakable_text(raw) == spoken


def test_other_languages_lose_markup_but_keep_their_own_words():
    assert speakable_text("**Wichtig**: 42% der Bienen 🐝 [lacht]", "de") == "Wichtig: 42% der Bienen"


def test_nothing_speakable_is_empty():
    assert speakable_text("[laughs] 🎉") == ""


def test_a_hosts_name_as_a_label_is_not_read_out():
    assert speakable_text("**Sam:** So what's next?", speakers=["Alex", "Sam"]) == "So what's next?"
    assert speakable_text("Speaker 2: Right.", speakers=["Alex"]) == "Right."


def test_every_writer_s_lines_go_through_it_and_empty_ones_are_dropped():
    from podgen.config import Settings
    from podgen.models import Chapter, Document, Line, Script, Section
    from podgen.write import write_script, writers

    class Careless:
        name = "careless"

        def write(self, document, settings):
            lines = [Line("Alex", "**Hi!** 👋"), Line("Sam", "[laughs]"), Line("Sam", "It's 42% *bees*.")]
            return Script("T", "", lines, [Chapter("Intro", 0), Chapter("Facts", 1)], ["Alex", "Sam"])

    writers.register("careless", Careless)
    script = write_script(Document("T", [Section("", "x")]), Settings(writer="careless"))
    texts = [line.text for line in script.lines]
    assert texts[:2] == ["Hi!", "It's 42 percent bees."] and "laughs" not in " ".join(texts)
    assert [(c.title, c.line) for c in script.chapters] == [("Facts", 0)]  # too short for two: merged


def test_a_host_name_left_after_the_last_sentence_is_dropped():
    from podgen.write.spoken import strip_unspeakable

    hosts = ["Alex", "Sam"]
    assert (
        strip_unspeakable("So, what do we know about dense retrieval? Alex", hosts)
        == "So, what do we know about dense retrieval?"
    )
    assert strip_unspeakable("That is the point. Sam:", hosts) == "That is the point."
    assert strip_unspeakable("Thanks, Sam.", hosts) == "Thanks, Sam."  # spoken to: kept
