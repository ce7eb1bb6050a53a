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


@pytest.mark.parametrize(
    "raw, spoken",
    [
        ("Hello <b>there</b>, <i>friend</i>.", "Hello there, friend."),
        ("<script>alert(1)</script>It works.", "It works."),
        ('<img src=x onerror="alert(1)">Look at this.', "Look at this."),
        ("Bees &amp; wasps, &lt;b&gt;both&lt;/b&gt;.", "Bees and wasps, both."),
        ("It came from \u202etxt.exe\u202c the mail.", "It came from txt.exe the mail."),
        ("Zero\u200bwidth and soft\u00adhyphen, \u2066isolated\u2069.", "Zerowidth and softhyphen, isolated."),
        ("A bell\x07 rang\x1b and stopped.", "A bell rang and stopped."),
        ("If a<b and c>d, then a<d.", "If a<b and c>d, then a<d."),
        ("می\u200cخواهم", "می\u200cخواهم"),  # the zero-width non-joiner a Persian word needs stays
    ],
)
def test_html_and_control_characters_a_model_writes_are_not_said(raw, spoken):
    assert speakable_text(raw, "en" if raw.isascii() else "fa") == spoken


def test_html_and_bidi_controls_in_a_model_s_lines_never_reach_script_json():
    from podgen.config import Settings
    from podgen.models import Chapter, Document, Line, Reaction, Script, Section
    from podgen.write import write_script, writers

    class Hostile:
        name = "hostile"

        def write(self, document, settings):
            lines = [
                Line(
                    "Alex",
                    "<script>alert(1)</script>Welcome to <b>the</b> show. It is good.",
                    reactions=[Reaction("Sam", 1, "<i>Wow</i>\u202e")],
                ),
                Line("Sam", "Open \u202etxt.exe\u202c now."),
            ]
            return Script("T", "", lines, [Chapter("Intro", 0)], ["Alex", "Sam"])

    writers.register("hostile", Hostile)
    script = write_script(Document("T", [Section("", "x")]), Settings(writer="hostile"))
    said = [line.text for line in script.lines]
    assert said[:2] == ["Welcome to the show. It is good.", "Open txt.exe now."]  # then the shape's goodbye
    assert script.lines[0].reactions[0].text == "Wow"
    saved = script.to_json()
    assert "<" not in saved and "\u202e" not in saved and "\\u202e" not in saved
