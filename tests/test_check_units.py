"""podgen check's parts that need no episode: how words are compared, and its settings."""

from __future__ import annotations

from pathlib import Path

import pytest

from podgen.check.speech import listener
from podgen.check.words import normalise_words, wer
from podgen.config import Settings, load_settings


def test_words_are_compared_as_a_listener_hears_them():
    assert normalise_words("TF-IDF scores 7 single-vector models") == [
        "tfidf",
        "scores",
        "seven",
        "single",
        "vector",
        "models",
    ]
    assert wer("Today we talk about lighthouses.", "today we talk about light houses") == 0
    assert wer("the keepers climbed the tower", "the keepers climb the tower") == pytest.approx(0.2)
    assert wer("a line", "") == 1.0
    assert wer("Alright, OK: 5 percent.", "All right, okay, five per cent.") == 0  # one sound, two spellings


def test_check_settings_come_from_the_environment_and_the_file(tmp_path):
    toml = tmp_path / "podgen.toml"
    toml.write_text("check = true\nmax_wer = 0.25\n")
    assert load_settings(config_file=toml, environ={}).check is True
    env = load_settings(
        environ={"PODGEN_CHECK": "1", "PODGEN_MAX_WER": "0.5", "PODGEN_CHECK_ASR_MODEL": "models/small"}
    )
    assert env.check and env.max_wer == 0.5 and env.check_asr_model == Path("models/small") and env.asr_model is None
    assert load_settings(environ={}).check is False


def test_the_check_listens_with_its_own_model_else_the_sources_one():
    assert listener(Settings()) is None  # the built-in Whisper tiny.en
    assert listener(Settings(asr_model="big")) == Path("big")
    assert listener(Settings(asr_model="big", check_asr_model="small")) == Path("small")


@pytest.mark.parametrize(
    ("said", "heard", "found"),
    [
        ("Ja, genau.", "Jagenau", True),  # what Whisper base heard in a German episode
        ("Ja, genau.", "Ja, ja, genau.", True),
        ("Ja, genau.", "Ja.", False),
        ("I see.", "Icy", False),
        ("Right.", "right", True),
        ("Mm-hmm.", "Hmm.", True),
        ("Mm-hmm.", "Okay.", False),
    ],
)
def test_a_backchannel_is_heard_in_its_words_apart_or_run_together(said, heard, found):
    from podgen.check.speech import says

    assert says(said, heard) is found
