"""A listener's question about the sentence the other host is about to read.

The question names the sentence's subject and asks for the kind of claim it makes: what
something is (a definition), how it is done, its numbers, a comparison, a time, a finding,
a cause, or else what there is to know about it. Only words of the sentence itself are put
into the question (its subject, and its verb where the question needs one; "this", "our" or
"their" before it become "the"), the rest is a phrase of ``prompts/offline.toml``: the
question holds no fact the answer does not say next.
By a few plain rules over a language's words (``Patterns``, from the ``[questions]`` table of
its phrases file in ``prompts/``); a sentence they cannot read gets no question (None).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

MAX_SUBJECT_WORDS = 6


@dataclass(frozen=True)
class Patterns:
    """A language's words and patterns for reading a sentence's subject and claim: the
    ``[questions]`` table of the language's ``prompts/offline*.toml`` (see there what each is)."""

    auxiliaries: frozenset[str]
    be: frozenset[str]
    verbs: frozenset[str]
    past: re.Pattern[str]
    participles: re.Pattern[str]
    not_subject: frozenset[str]
    openers: frozenset[str]
    articles: frozenset[str]
    pointing: frozenset[str]
    pointed_as: str
    links: frozenset[str]
    object_start: frozenset[str]
    word: re.Pattern[str]
    number: re.Pattern[str]
    year: re.Pattern[str]
    compare: re.Pattern[str]
    cause: re.Pattern[str]
    finding: re.Pattern[str]


_WORDS = ("auxiliaries", "be", "verbs", "not_subject", "openers", "articles", "pointing", "links")
_CASED = ("year",)
"""Patterns matched as written (a year's "s"); the others ignore case."""


def patterns(table: dict[str, Any]) -> Patterns:
    """Patterns from a ``[questions]`` table (a KeyError or re.error if it is incomplete or wrong)."""
    words = {key: frozenset(w.lower() for w in table[key]) for key in _WORDS}
    regexes = {
        key: re.compile(table[key], 0 if key in _CASED else re.IGNORECASE)
        for key in ("past", "participles", "word", "number", "year", "compare", "cause", "finding")
    }
    object_start = words["links"] | frozenset(w.lower() for w in table["determiners"])
    return Patterns(**words, **regexes, pointed_as=table["pointed_as"], object_start=object_start)


@dataclass(frozen=True)
class Question:
    kind: str
    """The phrase list that asks it: ask_what, ask_how, ask_numbers, ask_compare, ask_when,
    ask_finding, ask_why or ask_about."""
    fields: dict[str, str]
    """subject, and for some kinds verb and participle: words of the sentence."""


QUESTION_KINDS = (
    "ask_what",
    "ask_how",
    "ask_numbers",
    "ask_compare",
    "ask_when",
    "ask_finding",
    "ask_why",
    "ask_about",
)


def question_for(sentence: str, lowercase: set[str], rules: Patterns) -> Question | None:
    """The question that ``sentence`` answers, or None. ``lowercase``: words the document writes
    in lower case (so "The models" is asked about as "the models", but "Whisper" stays)."""
    words = _words(sentence, rules)
    found = _subject(words, rules)
    if found is None:
        return None
    subject, verb, rest = found
    fields = {"subject": _spoken(subject, lowercase, rules), "verb": verb}
    return Question(*_kind(verb, rest, " ".join(rest), fields, rules))


def _words(sentence: str, rules: Patterns) -> list[str]:
    words = sentence.split()
    if words and (words[0].endswith(",") or words[0].lower() in rules.openers):
        comma = next((i for i, w in enumerate(words[:10]) if w.endswith(",")), None)
        words = words[comma + 1 :] if comma is not None else []
    return words


def _subject(words: list[str], rules: Patterns) -> tuple[list[str], str, list[str]] | None:
    """(subject, its verb, what follows) when the sentence opens with a plain noun phrase."""
    for i, word in enumerate(words[: MAX_SUBJECT_WORDS + 1]):
        bare = word.lower().strip(",;:")
        after = words[i + 1].lower() if i + 1 < len(words) else ""
        past = rules.past.fullmatch(bare) is not None and after in rules.object_start
        if i and (bare in rules.auxiliaries or bare in rules.verbs or past):
            subject = words[:i]
            if len(subject) > 1 and subject[0].lower() in rules.pointing:
                subject = [rules.pointed_as, *subject[1:]]
            if _plain(subject, rules):
                return subject, word, words[i + 1 :]
            return None
        if not rules.word.fullmatch(word):
            return None  # punctuation or digits: a list, an aside, a quotation or a code, not a simple subject
    return None


def _plain(subject: list[str], rules: Patterns) -> bool:
    first = subject[0].lower()
    return first not in rules.not_subject and not (len(subject) == 1 and first in rules.articles)


def _spoken(subject: list[str], lowercase: set[str], rules: Patterns) -> str:
    first, rest = subject[0], subject[1:]
    if first.lower() in rules.articles or first.lower() in lowercase:
        first = first.lower()
    return " ".join([first, *rest])


def _kind(verb: str, rest: list[str], text: str, fields: dict[str, str], rules: Patterns) -> tuple[str, dict[str, str]]:
    verb = verb.lower()
    participle = rest[0].strip(",;:.").lower() if rest else ""
    linked = len(rest) > 1 and rest[1].lower() in rules.links
    if verb in rules.auxiliaries and rules.participles.match(participle) and linked:
        return "ask_how", {**fields, "verb": verb, "participle": participle}
    if rules.year.search(text):
        return "ask_when", fields
    if rules.number.search(text):
        return "ask_numbers", fields
    if rules.compare.search(text):
        return "ask_compare", fields
    if verb in rules.be and rest and rest[0].lower() in rules.articles | {"one"}:
        return "ask_what", {**fields, "verb": verb}
    if rules.cause.search(text):
        return "ask_why", fields
    if rules.finding.search(text):
        return "ask_finding", fields
    return "ask_about", fields
