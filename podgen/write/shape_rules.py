"""The words the show's shape goes by, for one language: ``prompts/shape.toml`` (the user's file
first), with the offline writer's phrases for the welcome and the goodbye; and how a line's words
are compared with them (lower case, plain apostrophes, no punctuation)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..errors import ConfigError
from ..prompts import load_toml

if TYPE_CHECKING:
    from ..config import Settings

RULES_FILE = "shape.toml"
_APOSTROPHE = str.maketrans("’‘", "''")
_NOT_WORD = re.compile(r"[^\w' -]+")


@dataclass(frozen=True)
class Rules:
    """What :func:`shape` goes by, for one language (empty word lists: only the rules that need none)."""

    filler_words: frozenset[str] = frozenset()
    filler_phrases: frozenset[str] = frozenset()
    praise_words: frozenset[str] = frozenset()
    intensifiers: frozenset[str] = frozenset()
    welcome_words: tuple[str, ...] = ()
    goodbye_words: tuple[str, ...] = ()
    generic_titles: frozenset[str] = frozenset()
    verbs: frozenset[str] = frozenset()
    subjects: frozenset[str] = frozenset()
    fragment_patterns: tuple[re.Pattern[str], ...] = ()
    references: tuple[tuple[re.Pattern[str], str], ...] = ()
    phrases: dict[str, list[str]] = field(default_factory=dict)
    """welcome (shape.toml), intro_about, outro and outro_close (offline.toml)."""

    @property
    def has_words(self) -> bool:
        return bool(self.filler_words)


def load_rules(settings: Settings, offline_phrases: dict[str, list[str]] | None = None) -> Rules:
    """The rules for the settings' language from shape.toml (the user's file first)."""
    table = load_toml(RULES_FILE, settings).get(settings.base_language)
    if not isinstance(table, dict):
        return Rules()
    try:
        return _rules(table, offline_phrases or {})
    except (re.error, TypeError, ValueError, KeyError) as exc:
        raise ConfigError(
            f"{RULES_FILE} [{settings.base_language}] is malformed: {exc}.", "See prompts/README.md."
        ) from None


def _rules(table: dict[str, Any], offline: dict[str, list[str]]) -> Rules:
    words = lambda name: [norm(str(w)) for w in table.get(name, [])]  # noqa: E731
    return Rules(
        filler_words=frozenset(words("filler_words")),
        filler_phrases=frozenset(words("filler_phrases")),
        praise_words=frozenset(words("praise_words")),
        intensifiers=frozenset(words("intensifiers")),
        welcome_words=tuple(words("welcome_words")),
        goodbye_words=tuple(words("goodbye_words")),
        generic_titles=frozenset(words("generic_titles")),
        verbs=frozenset(words("verbs")),
        subjects=frozenset(words("subjects")),
        fragment_patterns=tuple(re.compile(p, re.IGNORECASE) for p in table.get("fragment_patterns", [])),
        references=tuple((re.compile(r["pattern"], re.IGNORECASE), str(r["say"])) for r in table.get("references", [])),
        phrases={"welcome": list(table.get("welcome", [])), **offline},
    )


def norm(text: str) -> str:
    """Lower case, plain apostrophes, no punctuation, single spaces."""
    return " ".join(_NOT_WORD.sub(" ", text.lower().translate(_APOSTROPHE)).replace(" - ", " ").split())


def said_any(text: str, words: tuple[str, ...]) -> bool:
    """Whether ``text`` says one of ``words`` (phrases, matched whole, lower case, no punctuation)."""
    said = f" {norm(text)} "
    return any(f" {w} " in said for w in words)
