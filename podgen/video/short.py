"""The short (1080x1920, 30-60 s): the episode's best self-contained exchange, with big captions
that follow the words.

The exchange is the writer's highlight when the script marks one (``highlight`` in
script.json: its first and last line), else the most central run of whole lines after the
intro and before the goodbye: the one whose words are nearest the episode's as a whole
(TF-IDF cosine), preferring a run that opens with a question or a chapter and in which both
hosts speak. Word times come from the lines'
measured timings, shared out by the length of each word.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..errors import EpisodeError
from ..models import Segment
from ..text.centrality import Centrality
from .draw import short_base, short_frame
from .encode import Clip
from .slides import Shown
from .style import Style

SHORTEST, LONGEST = 30.0, 60.0
CHUNK_WORDS = 9


@dataclass(frozen=True)
class Pick:
    first: int
    last: int
    start: float
    end: float
    why: str

    @property
    def duration(self) -> float:
        return self.end - self.start


def pick(shown: Shown, highlight: list[int] | None = None) -> Pick:
    """The lines the short is made of, and their times."""
    lines = shown.lines
    if shown.duration < SHORTEST:
        raise EpisodeError(
            f"The episode is {shown.duration:.0f} s long; a short takes {SHORTEST:.0f} to {LONGEST:.0f} s of it.",
            "Make the short of a longer episode (--minutes 1 or more).",
        )
    starts = {s.lines[0].start for s in shown.slides if s.lines}
    after_intro, before_outro = (
        (shown.slides[1].start, shown.slides[-1].start) if len(shown.slides) > 2 else (0.0, shown.duration)
    )
    centrality = Centrality([s.text for s in lines])
    whole = centrality.vector(" ".join(s.text for s in lines))

    def score(window: tuple[int, int]) -> float:
        return _score(lines, window, centrality.cosine(centrality.vector(_text(lines, window)), whole), starts)

    windows = list(_windows(lines))
    marked = [w for w in windows if highlight and highlight[0] <= w[0] <= highlight[1]]
    if marked:
        return _timed(lines, max(marked, key=score), shown.duration, "the writer's highlight")
    body = [w for w in windows if lines[w[0]].start >= after_intro and lines[w[1]].end <= before_outro] or windows
    if not body:
        return _timed(lines, (0, len(lines) - 1), shown.duration, "the opening (no run of lines fits)")
    return _timed(lines, max(body, key=score), shown.duration, "the most central exchange")


def _windows(lines: list[Segment]):
    """Runs of whole lines (first, last) that last 30-60 s; where none does, a run of at least
    30 s that will be cut at 60."""
    found = False
    for i in range(len(lines)):
        for j in range(i, len(lines)):
            length = lines[j].end - lines[i].start
            if length > LONGEST:
                break
            if length >= SHORTEST:
                found = True
                yield i, j
    if not found:
        for i in range(len(lines)):
            j = next((j for j in range(i, len(lines)) if lines[j].end - lines[i].start >= SHORTEST), None)
            if j is not None:
                yield i, j


def _text(lines: list[Segment], window: tuple[int, int]) -> str:
    return " ".join(s.text for s in lines[window[0] : window[1] + 1])


def _score(lines: list[Segment], window: tuple[int, int], central: float, starts: set[float]) -> float:
    """How central the run is (TF-IDF cosine to the whole episode), and whether it stands alone:
    it opens with a question or a chapter, both hosts speak, and it does not end on a question."""
    first, last = window
    opens = lines[first].text.rstrip().endswith("?") or lines[first].start in starts
    both = len({s.speaker for s in lines[first : last + 1]}) > 1
    closes = not lines[last].text.rstrip().endswith("?")
    return central + 0.15 * opens + 0.1 * both + 0.05 * closes


def _timed(lines: list[Segment], window: tuple[int, int], duration: float, why: str) -> Pick:
    first, last = window
    start = max(0.0, lines[first].start - 0.15)
    end = min(duration, lines[last].end + 0.4, start + LONGEST)
    return Pick(first, last, start, end, why)


@dataclass(frozen=True)
class Word:
    text: str
    start: float
    speaker: str
    chunk: int


def words(lines: list[Segment], chosen: Pick) -> list[Word]:
    """The words of the chosen lines with their times (from the short's start), in caption chunks
    of a few words that end at a sentence where they can."""
    found: list[Word] = []
    chunk, size = 0, 0
    for segment in lines[chosen.first : chosen.last + 1]:
        tokens = segment.text.split()
        weights = [len(t) + 1 for t in tokens]
        span, elapsed = segment.end - segment.start, 0
        chunk, size = (chunk + 1, 0) if found else (chunk, size)
        for token, weight in zip(tokens, weights):
            start = segment.start + span * elapsed / sum(weights) - chosen.start
            elapsed += weight
            if start >= chosen.duration:
                return found
            if size >= CHUNK_WORDS or (size >= 4 and re.search(r"[.!?;:]$", found[-1].text)):
                chunk, size = chunk + 1, 0
            found.append(Word(token, max(start, 0.0), segment.speaker, chunk))
            size += 1
    return found


def short_clip(shown: Shown, style: Style, show: str, cover, chosen: Pick) -> tuple[Clip, int]:
    """The short's frames (one per word: the word being said is lit) and its slice of the audio."""
    spoken = words(shown.lines, chosen)
    base = short_base(style, show, shown.episode.title, cover)
    starts = [0.0] + [w.start for w in spoken if w.start > 0]
    timeline = [None] + [i for i, w in enumerate(spoken) if w.start > 0]

    def draw(i: int):
        index = timeline[i] if timeline[i] is not None else 0
        word = spoken[index]
        chunk = [w.text for w in spoken if w.chunk == word.chunk]
        position = index - next(k for k, w in enumerate(spoken) if w.chunk == word.chunk)
        return short_frame(
            base, style, word.speaker, chunk, position if timeline[i] is not None else -1, starts[i] / chosen.duration
        )

    fade = f"afade=t=in:d=0.3,afade=t=out:st={max(chosen.duration - 0.8, 0):.3f}:d=0.8"
    clip = Clip(
        starts,
        draw,
        chosen.duration,
        shown.episode.audio,
        audio_start=chosen.start,
        audio_filter=fade,
        metadata={"title": f"{shown.episode.title} (short)", "artist": show},
    )
    return clip, len(spoken)
