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


TURN_KINDS = ("statement", "question", "answer", "reaction", "topic")
"""What a line does in the conversation; the mix times the pause before it by its kind."""
MAX_REACTION_CHARS = 40
"""A reaction is a short acknowledgement ("Mm-hmm.", "Right.", "Wow."), not a turn of its own."""


@dataclass
class Reaction:
    """A short sound of another host while a line is spoken: said after sentence ``after``."""

    speaker: str
    after: int
    """The sentence of the line it follows (1 = after the first sentence)."""
    text: str


@dataclass
class Line:
    speaker: str
    text: str
    kind: str | None = None
    """One of TURN_KINDS, or None: the mix tells from the text."""
    overlap: bool | None = None
    """True: starts before the previous line has quite ended; False: never; None: the mix decides."""
    reactions: list[Reaction] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """The line for script.json: optional fields only when set, so old readers see old lines."""
        data: dict[str, Any] = {"speaker": self.speaker, "text": self.text}
        if self.kind is not None:
            data["kind"] = self.kind
        if self.overlap is not None:
            data["overlap"] = self.overlap
        if self.reactions:
            data["reactions"] = [asdict(r) for r in self.reactions]
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any], hosts: list[str] | None = None) -> Line:
        """A line of script.json; ValueError names what is wrong with an optional field."""
        line = cls(speaker=str(data["speaker"]), text=str(data["text"]))
        line.kind = _kind(data.get("kind"))
        line.overlap = _flag(data.get("overlap"), "overlap")
        line.reactions = [_reaction(r, line.speaker, hosts) for r in _items(data.get("reactions"), "reactions")]
        return line


HOST_HINT = 'Use a name listed under "hosts" in script.json.'


def not_a_host(speaker: str, hosts: list[str]) -> str | None:
    """Why ``speaker`` may not speak a line of an episode with ``hosts``; None when they may.
    The one check of a line's speaker: in script.json, a writer's script, the voices and the studio."""
    if speaker in hosts:
        return None
    shown = repr(speaker) if len(speaker) <= 60 else repr(speaker[:40]) + "..."
    return f"{shown}, who is not one of the hosts ({', '.join(map(repr, hosts))})"


def _kind(value: Any) -> str | None:
    if value is None or value in TURN_KINDS:
        return value
    raise ValueError(f"kind {value!r} is not one of {', '.join(TURN_KINDS)}")


def _flag(value: Any, name: str) -> bool | None:
    if value is None or isinstance(value, bool):
        return value
    raise ValueError(f"{name} must be true or false, not {value!r}")


def _items(value: Any, name: str) -> list:
    if value is None:
        return []
    if not isinstance(value, list):
        raise ValueError(f"{name} must be a list")
    return value


def _reaction(data: Any, speaker: str, hosts: list[str] | None) -> Reaction:
    if not isinstance(data, dict) or not {"speaker", "after", "text"} <= set(data):
        raise ValueError('a reaction needs "speaker", "after" and "text"')
    after, text, who = data["after"], str(data["text"]).strip(), str(data["speaker"])
    if isinstance(after, bool) or not isinstance(after, int) or after < 1:
        raise ValueError(f"a reaction's after must be a sentence number from 1, not {after!r}")
    if not text or len(text) > MAX_REACTION_CHARS:
        raise ValueError(f"a reaction's text must have 1 to {MAX_REACTION_CHARS} characters: {text!r}")
    if who == speaker or (hosts and who not in hosts):
        raise ValueError(f"a reaction to {speaker}'s line must come from another host, not {who!r}")
    return Reaction(who, after, text)


@dataclass
class Chapter:
    title: str
    line: int
    """Index of the first script line of the chapter."""
    points: list[str] = field(default_factory=list)
    """The chapter's key points, as its video slide shows them (the model writer's outline)."""


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
    highlight: list[int] = field(default_factory=list)
    """[first, last]: the lines a short video clip should come from (the writer's pick, or a person's)."""
    coverage: dict[str, Any] = field(default_factory=dict)
    """Of the document's key sections, how many the script talks about, and which it leaves out."""
    stats: dict[str, Any] = field(default_factory=dict, compare=False)
    """How the script was made (writer chosen and why, model requests and tokens); not saved."""

    def to_dict(self) -> dict[str, Any]:
        data = {"version": SCRIPT_VERSION, **asdict(self)}
        del data["stats"]
        data["lines"] = [line.to_dict() for line in self.lines]
        for name in ("unsupported_claims", "fallback_segments", "highlight", "coverage"):
            if not data[name]:
                del data[name]
        for chapter in data["chapters"]:
            if not chapter["points"]:
                del chapter["points"]
        return data

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, ensure_ascii=False) + "\n"

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Script:
        named = [str(h) for h in data.get("hosts", [])]
        lines = [Line.from_dict(x, named) for x in data["lines"]]
        chapters = [
            Chapter(str(c["title"]), int(c["line"]), [str(p) for p in _items(c.get("points"), "points")])
            for c in data.get("chapters", [])
        ]
        hosts = named or _speakers_in_order(lines)
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
            highlight=_highlight(data.get("highlight"), len(lines)),
            coverage=dict(data["coverage"]) if isinstance(data.get("coverage"), dict) else {},
        )

    def word_count(self) -> int:
        return sum(len(line.text.split()) for line in self.lines)


def _highlight(value: Any, count: int) -> list[int]:
    """[first, last] line numbers within the script; anything else is no highlight."""
    if (
        isinstance(value, list)
        and len(value) == 2
        and all(isinstance(v, int) for v in value)
        and 0 <= value[0] <= value[1] < count
    ):
        return [value[0], value[1]]
    return []


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
class ChapterMark:
    """A chapter placed on the episode's timeline (seconds): what the MP3's CHAP frames and
    chapters.json hold."""

    title: str
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
