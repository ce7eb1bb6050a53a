"""Chapters that follow the document's sections, at a length a listener can use.

Whatever the writer gave (a chapter per section, a chapter per model segment), chapters shorter
than about 45 seconds of speech are merged into a neighbour, the shorter one, until each runs
45 seconds or more (about one chapter per 45 to 90 seconds). A merged chapter keeps the title of
its larger part, unless that title names no topic ("Welcome", "Wrap-up").
"""

from __future__ import annotations

from dataclasses import replace

from ..models import Chapter, Script
from ..text.headings import short_title

SHORTEST = 45.0
"""Seconds: a chapter shorter than this is merged into a neighbour (``chapter_seconds``'s default)."""
POINTS = 4
"""Points a merged chapter keeps (its video slide lists them)."""


def chapter_seconds(script: Script, words_per_minute: int) -> list[float]:
    """Each chapter's length in seconds of speech, from its words."""
    starts = [c.line for c in script.chapters] + [len(script.lines)]
    return [
        sum(len(line.text.split()) for line in script.lines[a:b]) * 60 / words_per_minute
        for a, b in zip(starts, starts[1:])
    ]


def merged_chapters(
    script: Script, words_per_minute: int, generic: frozenset[str] = frozenset(), shortest: float = SHORTEST
) -> list[Chapter]:
    """The script's chapters, those under ``shortest`` seconds merged into neighbours; titles as short topics."""
    chapters = [c for c in sorted(script.chapters, key=lambda c: c.line) if c.line < len(script.lines)]
    if not chapters:
        return []
    chapters[0] = replace(chapters[0], line=0)
    script = replace(script, chapters=chapters)
    seconds = chapter_seconds(script, words_per_minute)
    while len(chapters) > 1 and min(seconds) < shortest:
        i = seconds.index(min(seconds))
        j = _neighbour(seconds, i)
        a, b = min(i, j), max(i, j)
        keep = _title_of(chapters, seconds, a, b, generic)
        chapters[a] = Chapter(keep, chapters[a].line, (chapters[a].points + chapters[b].points)[:POINTS])
        seconds[a] += seconds[b]
        del chapters[b], seconds[b]
    return [replace(c, title=short_title(c.title) or c.title) for c in chapters]


def _neighbour(seconds: list[float], i: int) -> int:
    if i == 0:
        return 1
    if i == len(seconds) - 1:
        return i - 1
    return i - 1 if seconds[i - 1] <= seconds[i + 1] else i + 1


def _title_of(chapters: list[Chapter], seconds: list[float], a: int, b: int, generic: frozenset[str]) -> str:
    first, second = chapters[a].title, chapters[b].title
    if first and second and (first in second or second in first):  # "More on Duck" and "Duck": "Duck"
        return min(first, second, key=len)
    if _generic(first, generic) and not _generic(second, generic):
        return second
    if _generic(second, generic) and not _generic(first, generic):
        return first
    return first if seconds[a] >= seconds[b] else second


def _generic(title: str, generic: frozenset[str]) -> bool:
    return " ".join(title.lower().replace("-", " - ").split()).replace(" - ", "-") in generic or (
        title.lower() in generic
    )
