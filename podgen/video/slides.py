"""What a video shows: the finished episode read back as slides (one per chapter) and spoken lines.

A slide has its chapter's title, its key points (the model writer's outline, else the
chapter's own most telling sentences, shortened) and a figure from the source when one sits
beside the chapter's text. The lines are the transcript's, on the measured timeline.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import EpisodeError
from ..folder import chapter_marks, open_episode, split_backchannels
from ..models import Episode, Segment
from ..text.centrality import terms
from ..text.sentences import split_sentences

POINTS = 3
POINT_WORDS = 18


@dataclass
class Slide:
    number: int
    title: str
    start: float
    end: float
    points: list[str] = field(default_factory=list)
    figure: Path | None = None
    lines: list[Segment] = field(default_factory=list)
    """The script lines spoken while the slide shows."""


@dataclass
class Shown:
    """An episode as a video sees it."""

    episode: Episode
    slides: list[Slide]
    lines: list[Segment]
    cover: Path | None

    @property
    def duration(self) -> float:
        return self.episode.duration


def read_episode(folder: Path) -> Shown:
    """The finished episode in ``folder`` as slides; an EpisodeError when it cannot be a video."""

    episode = open_episode(folder)
    script = episode.script
    lines, _ = split_backchannels(episode.segments)
    if len(lines) < 2 or not script or len(script.lines) < 2:
        raise EpisodeError(
            f"{folder} has a single line: there is nothing to show.",
            "Make a longer episode (more than one line) before its video.",
        )
    if not script.chapters:
        raise EpisodeError(
            f"{folder}'s script.json has no chapters: a video has a slide for each.",
            'Add "chapters" to script.json (title and first line), then podgen render it.',
        )
    marks = chapter_marks(script.chapters, lines, episode.duration)
    chapters = sorted(script.chapters, key=lambda c: c.line)
    slides = []
    for number, mark in enumerate(marks, 1):
        chapter = next((c for c in chapters if c.title == mark.title), None)
        spoken = [s for s in lines if mark.start <= s.start < mark.end or (number == 1 and s.start < mark.end)]
        points = chapter.points if chapter and chapter.points else telling_sentences([s.text for s in spoken])
        slides.append(Slide(number, mark.title, mark.start, mark.end, points[:POINTS], None, spoken))
    cover = episode.files.get("cover")
    return Shown(episode, slides, lines, cover if cover and cover.is_file() else None)


_OPENERS = re.compile(
    r"^(?:(?:so|and|well|right|okay|ok|yes|yeah|now|but|also|exactly|sure|great)\b[,.!]?\s+)+", re.IGNORECASE
)


_LEAD_IN = re.compile(r"^[^:]{1,40}:\s+(?=\S)")
"""A host's lead-in to a quotation ("Quoting them here: ...")."""
_TALK = re.compile(r"\b(?:I|I'm|I'd|I'll|you|you're|you'll|your|me|let's|us)\b", re.IGNORECASE)
"""Words of the conversation itself, not of its subject."""


def telling_sentences(texts: list[str], count: int = POINTS) -> list[str]:
    """The most telling sentences of ``texts``, shortened: statements of some length, not
    questions or greetings, the longest (most content words) first, then back in spoken order."""

    sentences = [_LEAD_IN.sub("", s) for text in texts for s in split_sentences(text)]
    scored = [
        (len(set(terms(s))), i, s)
        for i, s in enumerate(sentences)
        if not s.rstrip().endswith("?") and len(s.split()) >= 6 and not _TALK.search(s)
    ]
    best = sorted(scored, key=lambda x: (-x[0], x[1]))[:count]
    return [shorten(s) for _, _, s in sorted(best, key=lambda x: x[1])]


def shorten(sentence: str, words: int = POINT_WORDS) -> str:
    """A sentence as a slide's point: no opening filler, whole up to ``words`` words (a clause
    alone often says less than it seems to), else its first words and an ellipsis."""
    text = _OPENERS.sub("", sentence.strip()).rstrip(".!")
    text = text[:1].upper() + text[1:]
    parts = text.split()
    return text if len(parts) <= words else " ".join(parts[: words - 2]).rstrip(",;:") + "…"
