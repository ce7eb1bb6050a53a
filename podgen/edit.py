"""Editing a script as a person does: lines changed, added, deleted, moved, or an exchange put in.

Chapters (with their key points) and the highlight follow their lines: a chapter that starts at
a line starts wherever that line went, or at the next line kept when it was deleted. A line keeps what it does (``kind``, ``overlap``) when
it is moved or its text changes; its reactions stay only while its text and speaker do (they
name its sentences).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

from .errors import EpisodeError
from .models import Chapter, Line, Script


@dataclass(frozen=True)
class Row:
    """One line as an editor sends it back: its speaker, text and the line it was (None: new)."""

    speaker: str
    text: str
    was: int | None = None

    @classmethod
    def from_dict(cls, data: Any) -> Row:
        if not isinstance(data, dict) or not isinstance(data.get("text"), str) or not data.get("speaker"):
            raise EpisodeError("Each line needs a speaker and a text.", 'Send {"speaker": "Alex", "text": "..."}.')
        was = data.get("was")
        if was is not None and (isinstance(was, bool) or not isinstance(was, int)):
            raise EpisodeError(f'A line\'s "was" must be a line number or null, not a {type(was).__name__}.')
        return cls(str(data["speaker"]), data["text"].strip(), was)


def edited(script: Script, rows: Iterable[Row]) -> Script:
    """``script`` with the lines ``rows`` give, in their order; chapters moved with their lines."""
    rows = list(rows)
    lines = [_line(script, row) for row in rows]
    where = {row.was: i for i, row in enumerate(rows) if row.was is not None}
    return replace(
        script,
        lines=lines,
        chapters=_moved(script.chapters, where, len(script.lines), len(lines)),
        highlight=_kept_range(script.highlight, where),
    )


def _kept_range(highlight: list[int], where: dict[int, int]) -> list[int]:
    """The highlight ([first, last]) over the places its lines went; none when all are gone."""
    if not highlight:
        return []
    kept = sorted(where[i] for i in range(highlight[0], highlight[1] + 1) if i in where)
    return [kept[0], kept[-1]] if kept else []


def _line(script: Script, row: Row) -> Line:
    if row.was is None or not 0 <= row.was < len(script.lines):
        return Line(row.speaker, row.text)
    old = script.lines[row.was]
    same = old.text == row.text and old.speaker == row.speaker
    return replace(old, speaker=row.speaker, text=row.text, reactions=old.reactions if same else [])


def _moved(chapters: list[Chapter], where: dict[int, int], old_count: int, new_count: int) -> list[Chapter]:
    """Each chapter at the new place of its first line (or of the next line kept); one chapter per
    line, in order, the first at line 0."""
    moved: dict[int, Chapter] = {}
    for chapter in chapters:
        start = next((where[i] for i in range(chapter.line, old_count) if i in where), None)
        if start is not None and start < new_count:
            moved.setdefault(start, replace(chapter, line=start))
    found = [moved[i] for i in sorted(moved)]
    if found and found[0].line != 0:
        found[0] = replace(found[0], line=0)
    return found


def inserted(script: Script, after: int, lines: list[Line]) -> Script:
    """``script`` with ``lines`` put in after line ``after`` (-1: before the first); chapters that
    start later move down."""
    at = max(0, min(after + 1, len(script.lines)))
    shifted = [replace(c, line=c.line + len(lines)) if c.line >= at and c.line > 0 else c for c in script.chapters]
    highlight = [i + len(lines) if i >= at else i for i in script.highlight]
    return replace(
        script, lines=[*script.lines[:at], *lines, *script.lines[at:]], chapters=shifted, highlight=highlight
    )


HANDS_OVER = ("question", "topic")


def exchange_end(script: Script, index: int) -> int:
    """The last line of the exchange that line ``index`` belongs to: a line that hands the word
    over (a question, a topic's opening, a line ending in "?") ends with the other host's reply,
    so nothing is put between a question and its answer."""
    if not 0 <= index < len(script.lines) - 1:
        return index
    line, following = script.lines[index], script.lines[index + 1]
    asks = line.kind in HANDS_OVER or line.text.rstrip().endswith("?")
    return index + 1 if asks and following.speaker != line.speaker else index
