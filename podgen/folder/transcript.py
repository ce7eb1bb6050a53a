"""The transcript, read back: the script's lines and the backchannels apart, and the chapters' times.

``transcript.json`` (Podcasting 2.0) holds one segment per script line and one per backchannel
("mm-hm" under the other host's line). A backchannel lies wholly inside a line of another
speaker, which is how a reader tells them apart (:func:`split_backchannels`).
"""

from __future__ import annotations

from pathlib import Path

from ..models import Chapter, ChapterMark, Segment
from .jsonio import load_json
from .names import listed_files


def read_segments(path: Path) -> list[Segment]:
    """The lines of a Podcasting 2.0 JSON transcript, as placed on the timeline. Raises
    OSError when it cannot be read and ValueError when it is not such a transcript."""
    try:
        items = load_json(path.read_text(encoding="utf-8"))["segments"]
        return [
            Segment(str(s.get("speaker", "")), str(s["body"]), float(s["startTime"]), float(s["endTime"]))
            for s in items
        ]
    except (KeyError, TypeError, AttributeError, UnicodeDecodeError) as exc:
        raise ValueError(f"{exc!r} is missing or wrong") from None


def split_backchannels(segments: list[Segment]) -> tuple[list[Segment], list[Segment]]:
    """A transcript's segments as (script lines, backchannels): a backchannel lies wholly inside
    a line of another speaker (lines follow each other, and overlap at most at their ends)."""
    lines: list[Segment] = []
    backchannels: list[Segment] = []
    for seg in segments:
        host = next((line for line in reversed(lines[-3:]) if line.start <= seg.start and seg.end <= line.end), None)
        if host is not None and host.speaker != seg.speaker:
            backchannels.append(seg)
        else:
            lines.append(seg)
    return lines, backchannels


def read_turns(folder: Path, meta: dict) -> tuple[list[Segment], list[Segment]]:
    """The folder's transcript as (script lines, backchannels). Raises OSError when it cannot
    be read and ValueError when it is not a Podcasting 2.0 transcript."""
    return split_backchannels(read_segments(listed_files(folder, meta)["transcript_json"]))


def chapter_starts(chapters: list[Chapter], lines: list[Segment]) -> list[float | None]:
    """Where each chapter starts on the measured timeline (``lines``: one segment per script
    line), in seconds: the earliest at 0, the others where their first line starts; None for a
    chapter whose line is not on the timeline."""
    first = min((c.line for c in chapters if 0 <= c.line < len(lines)), default=None)
    return [
        None if not 0 <= c.line < len(lines) else 0.0 if c.line == first else round(lines[c.line].start, 3)
        for c in chapters
    ]


def chapter_marks(chapters: list[Chapter], lines: list[Segment], duration: float) -> list[ChapterMark]:
    """Chapters on the measured timeline: the first starts at 0, each ends where the next starts,
    the last at ``duration``; a chapter that starts no later than the one before is left out."""
    starts: list[tuple[float, str]] = []
    placed = sorted(zip(chapter_starts(chapters, lines), chapters), key=lambda pair: pair[1].line)
    for start, chapter in placed:
        if start is not None and (not starts or start > starts[-1][0]):
            starts.append((start, chapter.title))
    ends = [s for s, _ in starts[1:]] + [round(duration, 3)]
    return [ChapterMark(title, start, end) for (start, title), end in zip(starts, ends)]
