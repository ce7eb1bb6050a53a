"""Length: the script lands within ±15% of the target, whatever the model does.

A script too long loses whole lines from the middle of its longest segments (never a
segment's opening or hand-over, nor the show's welcome and goodbye); one too short gets
further segments, written by the model from the richest parts of the source, or by the
fallback writer. Neither asks the model to rewrite what it wrote: on a local model a rewrite
costs as much as the first draft, and small models often make it longer when asked to trim.
"""

from __future__ import annotations

import logging

from .job import Job
from .segments import Written, ask_segment, fall_back, lines_for, to_lines
from .structured import Asker, InvalidAnswer

log = logging.getLogger(__name__)
TOLERANCE = 0.15
"""The script must land within this fraction of the target word count."""
AIM = 0.08
"""Trimming and extending by code aim this far inside the tolerance."""
EXTRA_SEGMENTS = 3
"""Further segments the model may be asked for when the script is still too short."""
KEEP_ENDS = 1
"""Lines kept at each end of a segment (its opening and its hand-over)."""


def within(words: int, target: int) -> bool:
    return abs(words - target) <= TOLERANCE * target


def total(segments: list[Written]) -> int:
    return sum(s.words() for s in segments)


def fit_length(job: Job, asker: Asker, segments: list[Written]) -> list[Written]:
    target = job.target_words
    if total(segments) > target * (1 + TOLERANCE):
        trim_lines(segments, round(target * (1 + AIM)))
    if total(segments) < target * (1 - TOLERANCE):
        segments = _add_segments(job, asker, segments)
        if total(segments) > target * (1 + TOLERANCE):  # a further segment said more than was missing
            trim_lines(segments, round(target * (1 + AIM)))
    if not within(total(segments), target):
        log.warning(
            "the script has %d words, %+.0f%% off the target of %d for %g minutes",
            total(segments),
            100 * (total(segments) - target) / target,
            target,
            job.settings.minutes,
        )
    return segments


def trim_lines(segments: list[Written], goal: int) -> None:
    """Drop whole lines, two at a time (so the hosts still alternate), until ``goal`` words or fewer."""
    before = total(segments)
    while total(segments) > goal:
        segment = max(segments, key=lambda s: s.words() if _removable(s, segments) else -1)
        spans = _removable(segment, segments)
        if spans:
            start, end = spans[-1]
        else:  # few long lines: the line whose loss lands nearest the goal, never far below it
            segment = _last_resort_segment(segments)
            spans = _inner(segment, segments)
            if not spans:
                break
            over = total(segments) - goal
            start, end = min(spans, key=lambda sp: abs(_words(segment, sp) - over))
            if total(segments) - _words(segment, (start, end)) < goal * (1 - 2 * TOLERANCE):
                break
        del segment.lines[start:end]
    log.info("trimmed the script from %d to %d words by dropping whole lines", before, total(segments))


def _removable(segment: Written, segments: list[Written]) -> list[tuple[int, int]]:
    """Spans of lines that may go: not a segment's first or last line, not the welcome or goodbye."""
    first = KEEP_ENDS + (1 if segment is segments[0] else 0)
    last = len(segment.lines) - KEEP_ENDS - (1 if segment is segments[-1] else 0)
    step = 2 if len({s for s, _ in segment.lines}) > 1 else 1
    return [(i, i + step) for i in range(first, last - step + 1, step)]


def _last_resort_segment(segments: list[Written]) -> Written:
    """The longest segment that still has a line that is neither the welcome nor the goodbye."""
    return max(segments, key=lambda s: s.words() if _inner(s, segments) else -1)


def _words(segment: Written, span: tuple[int, int]) -> int:
    return sum(len(t.split()) for _, t in segment.lines[span[0] : span[1]])


def _inner(segment: Written, segments: list[Written]) -> list[tuple[int, int]]:
    first = 1 if segment is segments[0] else 0
    last = len(segment.lines) - (1 if segment is segments[-1] else 0)
    return [(i, i + 1) for i in range(first, last)]


def _add_segments(job: Job, asker: Asker, segments: list[Written]) -> list[Written]:
    """Further segments, before the goodbye, until the script is long enough."""
    target = job.target_words
    richest = sorted(segments[:-1] or segments, key=lambda s: -sum(len(t) for t in s.source))
    for index in range(EXTRA_SEGMENTS):
        missing = round(target * (1 - AIM)) - total(segments)
        if missing <= 0:
            break
        base = richest[index % len(richest)]
        extra = Written(f"More on {base.title}", base.source, topic=base.topic or base.title)
        values = dict(
            number=len(segments),
            count=len(segments) + 1,
            outline="",
            segment_title=extra.title,
            points="",
            position=job.table("positions").get("middle", ""),
            lines=lines_for(missing),
            covers="the same parts as an earlier segment, with what it left out",
        )
        try:
            extra.lines = to_lines(job, ask_segment(job, asker, extra, values, segments, missing, False).value)
        except InvalidAnswer:
            extra.lines = []
        if extra.lines or fall_back(job, extra, missing, False, None):
            log.info("the script was short: added segment %r (%d words)", extra.title, extra.words())
            segments = _insert(segments, extra)
    return segments


def _insert(segments: list[Written], extra: Written) -> list[Written]:
    """``extra`` as its own chapter before the goodbye (in a script of one segment, the goodbye is
    its last line, which then closes the extra chapter)."""
    if len(segments) > 1:
        return segments[:-1] + [extra, segments[-1]]
    only = segments[0]
    if len(only.lines) >= 3:
        only.lines, extra.lines = only.lines[:-1], extra.lines + only.lines[-1:]
    return [only, extra]
