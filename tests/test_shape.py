"""The show's shape on scripts real models wrote (tests/data/scripts): what every writer's output
is held to, whatever wrote it. See tests/data/README.md for where the scripts come from."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest

from podgen.config import Settings
from podgen.models import Chapter, Line, Script
from podgen.text.headings import short_title
from podgen.text.sentences import split_sentences
from podgen.write import speakable
from podgen.write.chapters import chapter_seconds, merged_chapters
from podgen.write.finish import rules_for
from podgen.write.shape import is_filler, is_fragment, opener, same_question, shape

SCRIPTS = sorted((Path(__file__).parent / "data" / "scripts").glob("*.json"))
SETTINGS = Settings()
RULES = rules_for(SETTINGS)
HOSTS = ["Alex", "Sam"]
SUBJECT = "Whisper is a model for speech recognition."


def raw(path: Path) -> Script:
    script = Script.from_dict(json.loads(path.read_text()))
    speakable(script, SETTINGS)
    return script


def shaped(path: Path) -> Script:
    return shape(raw(path), RULES, SUBJECT, "seed")


def questions(script: Script) -> list[str]:
    return [s for line in script.lines for s in split_sentences(line.text) if s.endswith("?")]


def openers(script: Script) -> Counter[str]:
    return Counter(o for line in script.lines if (o := opener(line.text, RULES, HOSTS)))


def test_the_real_scripts_have_the_faults_the_shape_fixes():
    scripts = {p.stem: raw(p) for p in SCRIPTS}
    qwen = scripts["qwen-modelcard-whisper"]
    assert openers(qwen).most_common(1)[0][1] > 2  # "Sure, let me show you." four times
    asked = questions(qwen)
    assert any(same_question(b, a) for i, b in enumerate(asked) for a in asked[:i])
    assert any("first segment" in line.text for line in qwen.lines)
    autogen = [line.speaker for line in scripts["qwen-paper-autogen"].lines]
    assert any(a == b for a, b in zip(autogen, autogen[1:]))  # Sam three times in a row
    assert not any("bye" in line.text.lower() for s in scripts.values() for line in s.lines[-2:])


@pytest.mark.parametrize("path", SCRIPTS, ids=[p.stem for p in SCRIPTS])
def test_a_real_model_script_comes_out_in_the_show_s_shape(path: Path):
    script = shaped(path)
    speakers = [line.speaker for line in script.lines]
    assert all(a != b for a, b in zip(speakers, speakers[1:])), "one host twice in a row"
    assert not [line.text for line in script.lines if is_filler(line.text, RULES, HOSTS)]
    assert max(openers(script).values(), default=0) <= 2
    asked = questions(script)
    assert not [(a, b) for i, b in enumerate(asked) for a in asked[:i] if same_question(b, a)]
    assert not [line.text for line in script.lines if is_fragment(line.text, RULES)]
    said = " ".join(line.text for line in script.lines)
    assert not re.search(r"\b(?:part \d+|the document|the text|segment)\b|<previous>|\{\{", said, re.I)
    opening, close = " ".join(x.text for x in script.lines[:2]).lower(), script.lines[-1].text.lower()
    assert "welcome" in opening and ("thanks for listening" in close or "bye" in close)
    assert [c.line for c in script.chapters] == sorted({c.line for c in script.chapters})
    assert all(c.line < len(script.lines) for c in script.chapters)


def test_a_reaction_line_becomes_a_backchannel_under_the_line_before():
    script = Script(
        "Bees",
        "",
        [
            Line("Alex", "Welcome! Today, bees."),
            Line("Sam", "Bees dance to show where flowers are. The angle gives the direction."),
            Line("Alex", "That's really helpful!"),
            Line("Alex", "How far do they fly?"),
            Line("Sam", "Up to five kilometres. Thanks for listening, bye!"),
        ],
        [Chapter("Bees", 0)],
        HOSTS,
    )
    out = shape(script, RULES)
    assert [line.text for line in out.lines][1:3] == [
        "Bees dance to show where flowers are. The angle gives the direction.",
        "How far do they fly?",
    ]
    [reaction] = out.lines[1].reactions
    assert (reaction.speaker, reaction.after, reaction.text) == ("Alex", 1, "That's really helpful!")


@pytest.mark.parametrize("said", ["That's a big concern!", "I'll keep that in mind.", "That's a significant concern."])
def test_reactions_qwen_wrote_in_a_5_minute_episode_are_fillers(said: str):
    assert is_filler(said, RULES, HOSTS)


def test_the_third_stock_opener_is_taken_off_and_a_repeated_question_goes():
    lines = [Line("Alex", "Hello and welcome to Bees, with Sam.")]
    for n in range(4):
        lines += [Line("Sam", f"Great question, Alex! Fact {n} is about hive number {n}."), Line("Alex", f"Why {n}?")]
    lines += [
        Line("Sam", "How does the queen lay her eggs?"),
        Line("Alex", "In cells. How does the queen lay eggs?"),
        Line("Sam", "Goodbye!"),
    ]
    out = shape(Script("Bees", "", lines, hosts=HOSTS), RULES)
    texts = [line.text for line in out.lines]
    assert sum(t.startswith("Great question") for t in texts) == 2 and "Fact 3 is about hive number 3." in texts
    assert "In cells." in texts  # the question asked again is taken out of its line


def test_a_script_without_welcome_or_goodbye_gets_the_offline_writer_s():
    lines = [Line("Sam", "Whisper turns speech into text."), Line("Alex", "In how many languages?")]
    out = shape(Script("Whisper", "", lines, [Chapter("Speech to text", 0)], HOSTS), RULES, SUBJECT, "x")
    assert out.lines[0].speaker == "Alex" and "Whisper" in out.lines[0].text  # the welcome names the subject
    assert SUBJECT in out.lines[1].text  # then what it is, in the document's own words
    assert out.chapters[0].line == 0
    assert "Speech to text" in out.lines[-2].text  # the recap names the chapters
    assert out.lines[-1].speaker == "Sam"


def test_scaffolding_words_are_said_as_the_subject_or_go():
    lines = [
        Line("Alex", "Welcome! We're going to take a look at part 1 of the document."),
        Line("Sam", "This is the first segment. The text says bees dance."),
        Line("Alex", "Bye!"),
    ]
    out = shape(Script("Bees", "", lines, hosts=HOSTS), RULES)
    assert [line.text for line in out.lines][:2] == [
        "Welcome! We're going to take a look at Bees.",
        "Bees says bees dance.",
    ]


def test_a_chat_assistant_s_manners_are_not_said():
    """Qwen2.5-1.5B, in a 5-minute episode of the Whisper model card, answered a host's question
    with "You're welcome! If you have any more questions, feel free to ask." """
    lines = [
        Line("Alex", "Welcome to Whisper. How about its limits?"),
        Line("Sam", "You're welcome! If you have any more questions, feel free to ask."),
        Line("Sam", "Thank you! I'm glad I could help. What is a hallucination?"),
        Line("Alex", "Text that was never spoken. Thanks for listening, bye!"),
    ]
    said = " ".join(line.text for line in shape(Script("Whisper", "", lines, hosts=HOSTS), RULES).lines)
    assert not re.search(r"welcome!|feel free|glad I could help|any more questions", said, re.I)
    assert "What is a hallucination?" in said


def test_a_draft_gets_no_goodbye_and_a_framed_script_no_welcome():
    lines = [Line("Alex", "Bees dance to show where flowers are."), Line("Sam", "They fly far.")]
    script = Script("Bees", "", lines, hosts=HOSTS)
    draft = shape(script, RULES, closing=False)
    assert "welcome" in draft.lines[0].text.lower() and draft.lines[-1].text == "They fly far."  # no goodbye
    assert shape(script, RULES, framed=True).lines == lines


def test_chapters_shorter_than_45_seconds_are_merged_and_keep_the_larger_title():
    line = Line("Alex", " ".join(["word"] * 50))  # 20 s at 150 words a minute
    script = Script(
        "T",
        "",
        [line] * 12,
        [Chapter("Welcome", 0), Chapter("Small", 1), Chapter("Large", 2), Chapter("Next", 6), Chapter("Wrap-up", 11)],
    )
    chapters = merged_chapters(script, 150, RULES.generic_titles)
    assert [(c.title, c.line) for c in chapters] == [("Large", 0), ("Next", 6)]
    assert min(chapter_seconds(Script("T", "", [line] * 12, chapters), 150)) >= 45


@pytest.mark.parametrize(
    "title, short",
    [
        ("Part 1: Overview", "Overview"),
        (
            "The models were trained on 680,000 hours of multilingual and multitask supervision.",
            "The models were trained on 680,000",
        ),
        ("Speech recognition: how Whisper listens to many languages", "Speech recognition"),
        ("Results", "Results"),
    ],
)
def test_chapter_titles_are_short_topics_never_cut_in_a_word(title: str, short: str):
    assert short_title(title) == short


def test_every_goodbye_the_offline_writer_says_counts_as_a_goodbye():
    """A model's script ended on "Thanks, Alex, this was fun. And thank you all for listening."
    (the shape's own goodbye), and the bench said it had none."""
    from podgen.write.finish import rules_for
    from podgen.write.phrases import load_phrases
    from podgen.write.shape_rules import said_any

    settings = Settings()
    rules, phrases = rules_for(settings), load_phrases(settings)
    missed = [p for p in phrases["outro_close"] if not said_any(p.format(other="Sam"), rules.goodbye_words)]
    assert not missed
    assert not said_any("We listened to the recording together.", rules.goodbye_words)


def test_a_previous_segment_is_said_as_earlier():
    """Qwen2.5-1.5B on the DPR paper: "We learned in the previous segment that ..."."""
    from podgen.write.finish import rules_for
    from podgen.write.shape import _plain

    rules = rules_for(Settings())
    said = _plain("We learned in the previous segment that sparse models miss synonyms.", rules, "DPR")
    assert said == "We learned earlier that sparse models miss synonyms."
    assert _plain("From our last part, recall the encoder.", rules, "DPR") == "Earlier, recall the encoder."
