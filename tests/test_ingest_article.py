"""A two-column review article set as journals set them: its sub-headings are bold at the body's
own size (many of one word), some sections open with run-in headings ("Fertility. Most women
..."), and every page has a running head. It must come out with all of its sections."""

from __future__ import annotations

import logging
import random

import pytest
from articlemaker import RUNNING_HEAD, write_article

from podgen.ingest import extract

PLAIN = [
    "Epidemiology",
    "Pathophysiology",
    "Clinical presentation",
    "Diagnosis",
    "Imaging",
    "Laboratory markers",
    "Medical treatment",
    "Surgery",
]
RUN_IN = ["Fertility", "Pain", "Recurrence"]
LATER = ["Quality of life", "Future directions"]
SECTIONS = ["Abstract", "Background", *PLAIN, f"Outcomes — {RUN_IN[0]}", *RUN_IN[1:], *LATER, "Conclusion"]
"""'Outcomes' has no text before its first run-in heading: the two are said together."""

SUBJECTS = [
    "The pooled estimate",
    "A cohort of nurses",
    "The registry data",
    "One large trial",
    "Several small studies",
    "The meta-analysis",
    "A retrospective series",
    "Clinicians in primary care",
    "The guideline panel",
    "Patients in the second arm",
    "The follow-up survey",
    "An earlier review",
]
VERBS = ["suggested", "confirmed", "questioned", "reported", "estimated", "described", "found", "compared"]
OBJECTS = [
    "a delay of several years before the diagnosis",
    "a higher risk among younger women",
    "little difference between the two approaches",
    "a clear link with the severity of symptoms",
    "wide variation between centres",
    "a modest benefit after twelve months",
    "a strong placebo response",
    "lower costs when care was coordinated",
    "no effect of the dose on the outcome",
]
TAILS = [
    "although the samples were small",
    "after adjustment for age and parity",
    "in most of the settings studied",
    "with wide confidence intervals",
    "when the analysis was limited to recent years",
    "in line with earlier work",
]


def paragraph(rng: random.Random, topic: str, sentences: int = 7) -> str:
    """Varied sentences (no two lines of the page alike), the first naming the section's topic."""
    body = [
        f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} {rng.choice(OBJECTS)}, {rng.choice(TAILS)}."
        for _ in range(sentences)
    ]
    return " ".join([f"Work on {topic.lower()} has grown quickly, and this part of the review summarises it.", *body])


def article() -> list[tuple[str, list[str]]]:
    rng = random.Random(14)
    sections = [
        ("Abstract", [paragraph(rng, "Abstract", 5)]),
        ("Background", [paragraph(rng, "Background"), paragraph(rng, "Background")]),
    ]
    sections += [(name, [paragraph(rng, name), paragraph(rng, name)]) for name in PLAIN]
    sections.append(("Outcomes", [f"<b>{name}.</b> " + paragraph(rng, name) for name in RUN_IN]))
    sections += [(name, [paragraph(rng, name), paragraph(rng, name)]) for name in LATER]
    sections.append(
        (
            "Conclusion",
            [
                paragraph(rng, "Conclusion", 4),
                "Please join our Discord server to discuss this review with other readers.",
            ],
        )
    )
    sections.append(
        (
            "References",
            [
                "1. Smith A, Jones B. A study of things. J Ex Med 2019; 3: 1-9.",
                "2. Brown C. Another study of things. Lancet 2020; 1: 2-8.",
            ],
        )
    )
    return sections


@pytest.fixture(scope="module")
def review(tmp_path_factory):
    path = write_article(
        tmp_path_factory.mktemp("article") / "review.pdf",
        "Endometriosis: a review of recent evidence",
        "Ann Example and Ben Sample, Example University Hospital",
        article(),
    )
    return path


def test_bold_body_size_and_run_in_headings_become_sections(review, settings, caplog):
    with caplog.at_level(logging.WARNING, logger="podgen"):
        document = extract(review, settings)
    assert [s.heading for s in document.sections] == SECTIONS
    for section in document.sections:
        name = section.heading.split(" — ")[-1]
        assert section.text.startswith(f"Work on {name.lower()} has grown quickly"), section.heading
    assert not caplog.records  # and a reportlab PDF (ASCII85 over Flate) is not taken for a damaged one


def test_the_article_loses_its_furniture_references_and_calls_to_action(review, settings):
    text = extract(review, settings).text
    assert RUNNING_HEAD not in text and "Smith A, Jones B" not in text
    assert "Discord" not in text
