"""Everything one writing run shares: settings, client, prompts, hosts, targets."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from string import Template
from typing import TYPE_CHECKING, Any

from ...errors import ConfigError
from ...llm import ChatClient
from ...prompts import load_text, load_toml
from .budget import fit

if TYPE_CHECKING:
    from ...config import Host, Settings
    from ...models import Document

WORDS_FILE = "llm.toml"
BRIEF_MINUTES = 1.8
"""A brief stays under two minutes."""


@dataclass
class Job:
    settings: Settings
    document: Document
    client: ChatClient
    title: str
    words: dict[str, Any] = field(default_factory=dict)
    fallbacks: list[str] = field(default_factory=list)
    """Titles of the segments the fallback writer wrote."""
    spoken: list[str] = field(default_factory=list)
    """Every line kept so far (to drop repeated lines)."""
    whole: str | None = None
    """The whole document, numbered in parts, when it fits every request: then every request
    starts with it, and a server that caches prompt prefixes reads it only once."""

    def material(self, texts: list[str], max_chars: int) -> str:
        """The source text a request carries: the whole document when it fits, else ``texts``."""
        return self.whole if self.whole is not None else fit(texts, max_chars)

    @classmethod
    def start(cls, document: Document, settings: Settings, client: ChatClient, title: str) -> Job:
        return cls(settings, document, client, title, _words(settings))

    @property
    def fallback(self) -> str:
        """Who writes a segment the model cannot: "offline" or "none" (auto means none here;
        the auto writer passes "offline")."""
        return "none" if self.settings.fallback == "auto" else self.settings.fallback

    @property
    def hosts(self) -> list[Host]:
        return self.settings.hosts[:1] if self.settings.format == "brief" else self.settings.hosts

    @property
    def host_names(self) -> list[str]:
        return [h.name for h in self.hosts]

    @property
    def target_words(self) -> int:
        minutes = self.settings.minutes
        if self.settings.format == "brief":
            minutes = min(minutes, BRIEF_MINUTES)
        return round(minutes * self.settings.words_per_minute)

    def table(self, name: str) -> dict[str, Any]:
        value = self.words.get(name)
        if not isinstance(value, dict):
            raise ConfigError(f"{WORDS_FILE} has no [{name}] table.", "Fix your override in prompts_dir.")
        return value

    def fields(self) -> dict[str, str]:
        """Placeholders every request template may use."""
        fmt = self.table("formats").get(self.settings.format, {})
        focus = self.table("focus")
        return {
            "title": self.title,
            "language": self.table("languages").get(self.settings.base_language, self.settings.language),
            "format": fmt.get("name", self.settings.format),
            "format_description": fmt.get("description", ""),
            "focus": Template(focus["given"]).safe_substitute(focus=self.settings.focus)
            if self.settings.focus
            else focus.get("none", ""),
            "hosts": "\n".join(_host_line(h) for h in self.hosts),
            "guide": self.hosts[0].name,
        }

    def prompt(self, name: str, **values: Any) -> str:
        text = load_text(f"llm/{name}.md", self.settings)
        return Template(text).safe_substitute({**self.fields(), **{k: str(v) for k, v in values.items()}}).strip()

    def system(self) -> str:
        """The system message: the same for every request of a run, so servers reuse it."""
        return self.prompt("system")

    def answer_format(self, schema: dict[str, Any]) -> str:
        return self.prompt("answer", schema=json.dumps(schema, ensure_ascii=False))

    def messages(self, prompt: str, schema: dict[str, Any]) -> list[dict[str, str]]:
        """System message, then the request with what to answer last (the fixed parts first)."""
        return [
            {"role": "system", "content": self.system()},
            {"role": "user", "content": f"{prompt}\n\n{self.answer_format(schema)}"},
        ]

    def fixed(self, schema: dict[str, Any]) -> str:
        """The text every request for ``schema`` carries besides its own prompt (for budgets)."""
        return self.system() + self.answer_format(schema)


def _words(settings: Settings) -> dict[str, Any]:
    """llm.toml: the user's tables are merged entry by entry into the built-in ones."""
    words = load_toml(WORDS_FILE)
    for name, value in load_toml(WORDS_FILE, settings).items():
        if isinstance(value, dict) and isinstance(words.get(name), dict):
            words[name] = {**words[name], **value}
        else:
            words[name] = value
    return words


def _host_line(host: Host) -> str:
    return f"- {host.name}: {host.persona}" if host.persona else f"- {host.name}"
