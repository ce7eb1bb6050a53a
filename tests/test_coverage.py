"""What an episode talks about and may say: the document's key sections and the share of them a
script covers; numbers said in words and explanations the source does not give; which GGUF
model to recommend for a machine."""

from __future__ import annotations

import pytest
from conftest import DATA

from podgen.config import Settings
from podgen.ingest import extract
from podgen.llm import recommend
from podgen.models import Document, Line, Script
from podgen.write.coverage import coverage, key_sections
from podgen.write.model.grounding import Source, load_words

WORDS = load_words(Settings())


@pytest.fixture(scope="module")
def paper() -> Document:
    return extract(DATA / "paper-twocolumn.pdf", Settings())


def test_the_key_sections_start_with_the_definition_and_grow_with_the_minutes(paper: Document):
    five = key_sections(paper, 5)
    assert five[0].heading == "Abstract" and len(five) == 4  # one a 75 s, the definition first
    assert len(key_sections(paper, 10)) == 8 and [k.heading for k in key_sections(paper, 10)][:4] == [
        k.heading for k in five
    ]
    assert not {"References", "Acknowledgments"} & {k.heading for k in key_sections(paper, 30)}


def test_coverage_counts_the_key_sections_a_script_talks_about(paper: Document):
    keys = key_sections(paper, 5)
    said = [Line("Alex", " ".join(k.top)) for k in keys[:3]]  # three sections' own words
    found = coverage(Script("T", "", said), paper, 5)
    assert found["key_sections"] == 4 and found["covered"] == 3 and found["share"] == 0.75
    assert found["missing"] == [keys[3].heading]
    assert coverage(Script("T", "", [Line("Alex", "Nothing about it at all.")]), paper, 5)["covered"] == 0


@pytest.mark.parametrize(
    "said, value",
    [
        ("six million", "6000000"),
        ("twenty-five", "25"),
        ("1.5 billion", "1500000000"),
        ("three hundred and twelve", "312"),
    ],
)
def test_numbers_said_in_words_are_read_as_numbers(said: str, value: str):
    assert WORDS.spoken(f"It was {said} hours.") == [(said, value)]


def test_a_number_in_words_is_found_however_the_source_writes_it():
    source = Source("Whisper was trained on 680,000 hours. It has 6 million users.", True, WORDS)
    assert source.unsupported("Trained on six hundred eighty thousand hours, by six million people.", set()) == []
    assert source.unsupported("Trained on over seven million hours.", set()) == ["seven million"]
    assert source.unsupported("It knows two ideas.", set()) == []  # small numbers are ordinary speech


def test_an_explanation_the_source_does_not_give_is_caught_and_a_paraphrase_is_not():
    source = Source("Whisper transcribes speech in many languages and translates it into English.", True, WORDS)
    invented = "It adds an extension that compares culture, history and educational capacity."
    assert set(source.unsupported(invented, set())) >= {"extension", "culture", "history", "educational"}
    assert source.unsupported("So basically it turns what people say into English text, right?", set()) == []


def test_the_recommendation_fits_the_memory_and_the_cores():
    small = recommend.recommended(free_gb=2.6, cores=2)
    assert recommend.fits(small, 2.6) and "1.5B" in small.name  # only the default fits
    roomy = recommend.recommended(free_gb=32, cores=8)
    assert roomy.gigabytes > 4 and recommend.speed(roomy, 8) >= recommend.MIN_SPEED
    assert recommend.recommended(free_gb=32, cores=2).gigabytes < roomy.gigabytes  # fewer cores: smaller
    advice = recommend.advice(free_gb=32, count=8)
    assert roomy.spec in advice and "GB" in advice and "ollama pull" in advice
    lines = recommend.table(2.6, 2)
    assert any("(measured)" in line for line in lines) and any("needs more memory" in line for line in lines)
