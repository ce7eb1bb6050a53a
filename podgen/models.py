"""The data that flows between stages: Document -> Script -> Episode."""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

SCRIPT_VERSION = 1
MAX_LINE_CHARS = 4000
"""The longest line a script may hold (about three minutes of speech). A longer one is refused
when the script is read (writers split theirs at sentences): OpenAI's speech endpoint takes
4,096 characters at most, and a line of 100,000 would be spoken for many minutes as one clip."""


@dataclass
class Section:
    heading: str
    text: str


@dataclass
class Document:
    title: str
    sections: list[Section]
    source: str = ""
    """Where the document came from (a path or URL)."""
    meta: dict[str, Any] = field(default_factory=dict)
    """Source metadata: format, pages, author, ..."""

    @property
    def text(self) -> str:
        return "\n\n".join(s.text for s in self.sections)

    def word_count(self) -> int:
        return len(self.text.split())

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, ensure_ascii=False) + "\n"

    def to_markdown(self) -> str:
        parts = [f"# {self.title}"]
        for section in self.sections:
            if section.heading:
                parts.append(f"## {section.heading}")
            parts.append(section.text)
        return "\n\n".join(parts) + "\n"


@dataclass
class Line:
    speaker: str
    text: str


@dataclass
class Chapter:
    title: str
    line: int
    """Index of the first script line of the chapter."""


@dataclass
class Script:
    title: str
    description: str
    lines: list[Line]
    chapters: list[Chapter] = field(default_factory=list)
    hosts: list[str] = field(default_factory=list)
    """Speaker names in voice order: hosts[0] speaks with the first voice, and so on."""
    sources: list[str] = field(default_factory=list)
    credits: list[dict[str, Any]] = field(default_factory=list)
    """One entry per source: its title, where it came from, format, author when known."""
    writer: str = ""
    unsupported_claims: list[dict[str, Any]] = field(default_factory=list)
    """Lines whose numbers or names the writer could not find in the sources (for a person to check)."""
    fallback_segments: list[str] = field(default_factory=list)
    """Chapters the model could not write, read from the source by the offline writer instead."""
    stats: dict[str, Any] = field(default_factory=dict, compare=False)
    """How the script was made (writer chosen and why, model requests and tokens); not saved."""

    def to_dict(self) -> dict[str, Any]:
        data = {"version": SCRIPT_VERSION, **asdict(self)}
        del data["stats"]
        for name in ("unsupported_claims", "fallback_segments"):
            if not data[name]:
                del data[name]
        return data

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, ensure_ascii=False) + "\n"

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Script":
        lines = [Line(speaker=str(x["speaker"]), text=str(x["text"])) for x in data["lines"]]
        chapters = [Chapter(title=str(c["title"]), line=int(c["line"])) for c in data.get("chapters", [])]
        hosts = [str(h) for h in data.get("hosts", [])] or _speakers_in_order(lines)
        return cls(
            title=str(data["title"]),
            description=str(data.get("description", "")),
            lines=lines,
            chapters=chapters,
            hosts=hosts,
            sources=[str(s) for s in data.get("sources", [])],
            credits=[dict(c) for c in data.get("credits", []) if isinstance(c, dict)],
            writer=str(data.get("writer", "")),
            unsupported_claims=[c for c in data.get("unsupported_claims", []) if isinstance(c, dict)],
            fallback_segments=[str(t) for t in data.get("fallback_segments", []) if isinstance(t, str)],
        )

    def word_count(self) -> int:
        return sum(len(line.text.split()) for line in self.lines)


def _speakers_in_order(lines: list[Line]) -> list[str]:
    seen: list[str] = []
    for line in lines:
        if line.speaker not in seen:
            seen.append(line.speaker)
    return seen


@dataclass
class Segment:
    """One spoken line placed on the episode's timeline (seconds)."""

    speaker: str
    text: str
    start: float
    end: float


@dataclass
class Episode:
    """A finished episode: what a render made, or what ``folder.open_episode`` read back."""

    slug: str
    folder: Path
    title: str
    description: str
    duration: float
    segments: list[Segment]
    files: dict[str, Path] = field(default_factory=dict)
    """Its files by episode.json's "files" keys: audio, transcript_vtt, ..., metadata, check."""
    timings: dict[str, float] = field(default_factory=dict)
    """Seconds spent per stage: ingest, write, speak, mix."""
    stats: dict[str, Any] = field(default_factory=dict)
    """How the script was written (see ``Script.stats``); empty after a render alone."""
    meta: dict[str, Any] = field(default_factory=dict)
    """episode.json as read back; empty for an episode just rendered."""
    script: Script | None = None
    """The script it was read back with; None for an episode just rendered."""

    @property
    def audio(self) -> Path:
        return self.files["audio"]

    def file(self, key: str) -> Path | None:
        """One of its files by key, if it is there."""
        path = self.files.get(key)
        return path if path is not None and path.is_file() else None
