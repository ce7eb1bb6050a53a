"""The offline writer's phrases, per language: ``prompts/offline.toml`` for English and
``offline.LANG.toml`` for another (the user's ``prompts_dir`` first), checked when loaded, and
:class:`Phrases`, which picks them deterministically for a script."""

from __future__ import annotations

import random
import re
import string
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..errors import ConfigError, UsageError
from ..prompts import has_template, load_toml, user_file
from ..text.language import base_language
from .questions import QUESTION_KINDS, Patterns, question_for
from .questions import patterns as question_patterns

if TYPE_CHECKING:
    from ..config import Settings
    from .sentences import Sentence

PHRASES_FILE = "offline.toml"
PHRASE_KINDS = (
    "description",
    "intro",
    "intro_about",
    "first_topic",
    "open_topic",
    "open_with_question",
    "segue",
    "answer",
    "their_words",
    "reaction",
    "read_aloud",
    "agree",
    "outro",
    "outro_close",
    *QUESTION_KINDS,
)
FIELDS = frozenset({"title", "heading", "host", "other", "topics", "subject", "verb", "participle"})
WORDS = ("list_and", "list_pair", "more_topics", "untitled")
PATTERNS = ("lead_headings", "skip_headings", "first_person")


@dataclass(frozen=True)
class Language:
    """Everything the offline writer says or reads in one language: its phrases file."""

    phrases: dict[str, list[str]]
    words: dict[str, str]
    """How a spoken list joins (list_and, list_pair), more_topics, untitled."""
    patterns: dict[str, re.Pattern[str]]
    """lead_headings, skip_headings, first_person."""
    questions: Patterns
    function_words: frozenset[str]
    """Words every sentence has one of (a title or a caption may not)."""


@dataclass(frozen=True)
class Part:
    text: str
    kind: str
    """SOURCE for a sentence of the document, else the phrase list it was taken from."""


def phrases_file(language: str) -> str:
    """``offline.toml`` for English, ``offline.LANG.toml`` for another language."""
    code = base_language(language)
    return PHRASES_FILE if code == "en" else f"offline.{code}.toml"


def load_language(settings: Settings) -> Language:
    name = phrases_file(settings.language)
    if not has_template(name, settings):
        raise UsageError(
            f"The offline writer has no phrases for {settings.language!r} (prompts/{name}).",
            f"Write one from prompts/{PHRASES_FILE} into your prompts_dir, or use a model writer.",
        )
    data = load_toml(name, settings)
    where = str(user_file(name, settings) or f"the built-in {name}")
    try:
        words = {key: str(data[key]) for key in WORDS}
        patterns = {key: re.compile(data[key], re.IGNORECASE) for key in PATTERNS}
        questions = question_patterns(data["questions"])
        data["function_words"][0]
    except (KeyError, TypeError, re.error) as exc:
        raise ConfigError(
            f"{where} is incomplete or wrong: {type(exc).__name__} {exc}.", "See prompts/README.md."
        ) from None
    phrases = {kind: _phrase_list(data, kind, where) for kind in PHRASE_KINDS}
    return Language(phrases, words, patterns, questions, frozenset(w.lower() for w in data["function_words"]))


def load_phrases(settings: Settings) -> dict[str, list[str]]:
    return load_language(settings).phrases


def _phrase_list(data: dict[str, object], kind: str, where: str) -> list[str]:
    value = data.get(kind)
    if not isinstance(value, list) or not value or not all(isinstance(v, str) and v.strip() for v in value):
        raise ConfigError(
            f"Phrase list {kind!r} in {where} must be a non-empty list of strings.",
            f"Fix {where}; see prompts/README.md.",
        )
    for phrase in value:
        _check_fields(phrase, kind, where)
    return value


def _check_fields(phrase: str, kind: str, where: str) -> None:
    try:
        names = {name for _, name, _, _ in string.Formatter().parse(phrase) if name is not None}
    except ValueError as exc:
        raise ConfigError(f"Phrase {phrase!r} ({kind}) in {where} is malformed: {exc}.") from None
    unknown = names - FIELDS
    if unknown:
        raise ConfigError(
            f"Phrase {phrase!r} ({kind}) in {where} uses unknown placeholder {{{sorted(unknown)[0]}}}.",
            f"Use only {', '.join('{' + f + '}' for f in sorted(FIELDS))}.",
        )


class Phrases:
    """Picks phrases deterministically: shuffled per kind, cycling, never the same twice in a row."""

    def __init__(
        self,
        language: Language,
        seed: str,
        hosts: list[str],
        title: str,
        lowercase: frozenset[str] = frozenset(),
    ):
        self.language = language
        self._lists = language.phrases
        self._lowercase = lowercase
        self._seed = seed
        self._hosts = hosts
        self._fields = {"title": title, "heading": "", "topics": ""}
        self._queues: dict[str, list[str]] = {}
        self._last: dict[str, str] = {}
        self._cycles: dict[str, int] = {}

    def say(self, kind: str, speaker: int, **fields: str) -> Part:
        values = {**self._fields, "host": self._hosts[speaker], "other": self._hosts[1 - speaker], **fields}
        text = self._next(kind).format(**values)
        return Part(re.sub(r"([?!])[.,]", r"\1", text), kind)  # "What is cancer?." -> "What is cancer?"

    def ask(self, sentence: Sentence, speaker: int) -> Part | None:
        """A question that ``sentence`` answers (only its own words in it), or None."""
        found = question_for(sentence.text, self._lowercase, self.language.questions)
        return self.say(found.kind, speaker, **found.fields) if found else None

    def _next(self, kind: str) -> str:
        if not self._queues.get(kind):
            self._queues[kind] = self._shuffled(kind)
        phrase = self._queues[kind].pop(0)
        self._last[kind] = phrase
        return phrase

    def _shuffled(self, kind: str) -> list[str]:
        cycle = self._cycles.get(kind, 0)
        self._cycles[kind] = cycle + 1
        order = list(self._lists[kind])
        random.Random(f"{self._seed}/{kind}/{cycle}").shuffle(order)
        if len(order) > 1 and order[0] == self._last.get(kind):
            order.append(order.pop(0))
        return order
