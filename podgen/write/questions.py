"""A listener's question about the sentence the other host is about to read.

The question names the sentence's subject and asks for the kind of claim it makes: what
something is (a definition), how it is done, its numbers, a comparison, a time, a finding,
a cause, or else what there is to know about it. Only words of the sentence itself are put
into the question (its subject, and its verb where the question needs one; "this", "our" or
"their" before it become "the"), the rest is a phrase of ``prompts/offline.toml``: the
question holds no fact the answer does not say next.
English only, by a few plain rules; a sentence they cannot read gets no question (None).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

AUXILIARIES = frozenset("is are was were has have had can could will would may might must should does do did".split())
BE = frozenset("is are was were".split())
_VERBS = frozenset(
    """use uses used include includes included provide provides allow allows make makes show shows shown
    require requires contain contains consist consists lay lays live lives eat eats feed feeds build builds
    learn learns work works run runs support supports produce produces perform performs achieve achieves
    remain remains become becomes represent represents help helps need needs take takes give gives
    reach reaches rely relies depend depends find finds found form forms mean means vary varies""".split()
)
_PARTICIPLES = re.compile(
    r"^(?:\w{3,}ed|built|made|done|known|shown|given|taken|found|written|seen|grown|held|kept"
    r"|left|run|sold|told|thought|brought|bought|caught|taught|spent|sent|set|put|paid)$"
)
_NOT_SUBJECT = frozenset(
    """it its this that these those they them their he she his her we our us you your there here such which who
    what where when how why one some many most each every all both either neither another other
    with without from into onto of to about across against among between through under over upon via""".split()
)
"""Words a subject never opens with: pronouns, quantifiers and prepositions ("With the help of ...")."""
_OPENERS = frozenset(
    """in on at for during after before since by however although though while when as because today now
    also moreover furthermore additionally instead still yet so thus therefore finally first second third
    overall generally typically""".split()
)
_LOWER_WORDS = frozenset("the a an".split())
_POINTING = frozenset("this these that those our their its".split())
"""Determiners that point back or at the authors: asked about as "the" ("our models" -> "the models")."""
_NUMBER = re.compile(r"\d|\b(?:hundred|thousand|million|billion|percent|per cent|half|twice|dozen)\b", re.IGNORECASE)
_YEAR = re.compile(r"\b(?:1[5-9]\d\d|20\d\d)s?\b|\bcentur(?:y|ies)\b")
_COMPARE = re.compile(r"\b(?:than|compared|outperforms?|unlike|whereas|better|worse|faster|slower)\b", re.IGNORECASE)
_CAUSE = re.compile(r"\b(?:because|due to|leads? to|caused|causes|results? in|so that)\b", re.IGNORECASE)
_FINDING = re.compile(
    r"\b(?:shows?|showed|suggest(?:s|ed)?|demonstrat(?:es?|ed)|results? (?:show|suggest))\b", re.IGNORECASE
)
_LINKS = frozenset("by with on from using through via in into for to at as over under across".split())
"""Words after a verb's participle that make it one ("trained on", "used by"), not an adjective ("elongated and")."""
_OBJECT_START = _LINKS | frozenset("the a an that their its his her our this these those".split())
MAX_SUBJECT_WORDS = 6


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


def question_for(sentence: str, lowercase: set[str]) -> Question | None:
    """The question that ``sentence`` answers, or None. ``lowercase``: words the document writes
    in lower case (so "The models" is asked about as "the models", but "Whisper" stays)."""
    words = _words(sentence)
    found = _subject(words)
    if found is None:
        return None
    subject, verb, rest = found
    fields = {"subject": _spoken(subject, lowercase), "verb": verb}
    return Question(*_kind(verb, rest, " ".join(rest), fields))


def _words(sentence: str) -> list[str]:
    words = sentence.split()
    if words and (words[0].endswith(",") or words[0].lower() in _OPENERS):
        comma = next((i for i, w in enumerate(words[:10]) if w.endswith(",")), None)
        words = words[comma + 1 :] if comma is not None else []
    return words


def _subject(words: list[str]) -> tuple[list[str], str, list[str]] | None:
    """(subject, its verb, what follows) when the sentence opens with a plain noun phrase."""
    for i, word in enumerate(words[: MAX_SUBJECT_WORDS + 1]):
        bare = word.lower().strip(",;:")
        after = words[i + 1].lower() if i + 1 < len(words) else ""
        past = bare.endswith("ed") and len(bare) > 4 and after in _OBJECT_START
        if i and (bare in AUXILIARIES or bare in _VERBS or past):
            subject = words[:i]
            if len(subject) > 1 and subject[0].lower() in _POINTING:
                subject = ["the", *subject[1:]]
            if _plain(subject):
                return subject, word, words[i + 1 :]
            return None
        if not re.fullmatch(r"[A-Za-z][A-Za-z'’-]*", word):
            return None  # punctuation or digits: a list, an aside, a quotation or a code, not a simple subject
    return None


def _plain(subject: list[str]) -> bool:
    first = subject[0].lower()
    return first not in _NOT_SUBJECT and not (len(subject) == 1 and first in _LOWER_WORDS)


def _spoken(subject: list[str], lowercase: set[str]) -> str:
    first, rest = subject[0], subject[1:]
    if first.lower() in _LOWER_WORDS or first.lower() in lowercase:
        first = first.lower()
    return " ".join([first, *rest])


def _kind(verb: str, rest: list[str], text: str, fields: dict[str, str]) -> tuple[str, dict[str, str]]:
    verb = verb.lower()
    participle = rest[0].strip(",;:.").lower() if rest else ""
    linked = len(rest) > 1 and rest[1].lower() in _LINKS
    if verb in AUXILIARIES and _PARTICIPLES.match(participle) and linked:
        return "ask_how", {**fields, "verb": verb, "participle": participle}
    if _YEAR.search(text):
        return "ask_when", fields
    if _NUMBER.search(text):
        return "ask_numbers", fields
    if _COMPARE.search(text):
        return "ask_compare", fields
    if verb in BE and rest and rest[0].lower() in ("a", "an", "the", "one"):
        return "ask_what", {**fields, "verb": verb}
    if _CAUSE.search(text):
        return "ask_why", fields
    if _FINDING.search(text):
        return "ask_finding", fields
    return "ask_about", fields
