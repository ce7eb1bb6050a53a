"""Length: the script lands within ±15% of the target, whatever the model does.

First the model is asked to extend or trim the segments that missed (at most ``ROUNDS``
rounds). Then the code enforces it: a script still too long loses whole lines from the
middle of its longest segments (never a segment's opening or hand-over, nor the show's
welcome and goodbye); one still too short gets further segments, written by the model from
the outline's richest parts, or by the fallback writer.
"""
from __future__ import annotations

import logging

from ..offline import fallback_lines
from .budget import MIN_SOURCE_TOKENS, answer_tokens, room, source_chars
from .job import Job
from .schema import segment_model
from .segments import Written, as_lines, repeats, to_lines
from .structured import Asker, InvalidAnswer

log = logging.getLogger(__name__)
TOLERANCE = 0.15
"""The script must land within this fraction of the target word count."""
AIM = 0.08
"""Trimming and extending by code aim this far inside the tolerance."""
SEGMENT_SLACK = 0.10
ROUNDS = 2
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
    tried: set[int] = set()
    for _ in range(ROUNDS):
        if within(total(segments), target):
            break
        share = target / len(segments)
        longer = total(segments) < target
        todo = [s for s in segments if not s.fallback and (s.words() < share * (1 - SEGMENT_SLACK)) == longer
                and abs(s.words() - share) > SEGMENT_SLACK * share and _state(s) not in tried]
        if not todo:
            break
        log.info("script has %d words for a target of %d: %s %d segment(s)", total(segments), target,
                 "extending" if longer else "trimming", len(todo))
        job.client.expect(len(todo))
        tried |= {_state(s) for s in todo}  # the same request again would only get the same answer
        job.client.map(lambda s: _resize(job, asker, s, round(share), "extend" if longer else "trim"), todo)
    if total(segments) > target * (1 + TOLERANCE):
        trim_lines(segments, round(target * (1 + AIM)))
    if total(segments) < target * (1 - TOLERANCE):
        segments = _add_segments(job, asker, segments)
    if not within(total(segments), target):
        log.warning("the script has %d words, %+.0f%% off the target of %d for %g minutes", total(segments),
                    100 * (total(segments) - target) / target, target, job.settings.minutes)
    return segments


def _state(segment: Written) -> int:
    return hash((segment.title, tuple(segment.lines)))


def _resize(job: Job, asker: Asker, segment: Written, words: int, direction: str) -> None:
    model = segment_model(job.host_names, max(words, segment.words()))
    max_tokens = answer_tokens(max(words, segment.words()), job.settings.context_tokens)
    values = dict(current=segment.words(), words=words, direction=job.table("directions")[direction],
                  lines=as_lines(segment.lines))
    fixed = job.fixed(model.model_json_schema()) + job.prompt("resize", source="", **values)
    if room(job.settings.context_tokens, max_tokens, fixed) < MIN_SOURCE_TOKENS:
        log.warning("segment %r is too long to revise within context_tokens; kept as it is", segment.title)
        return
    source = job.material(segment.source, source_chars(job.settings.context_tokens, max_tokens, fixed))
    try:
        answer = asker.ask(model, job.prompt("resize", source=source, **values), max_tokens, "revise")
    except InvalidAnswer as exc:
        log.info("segment %r kept as it is: %s", segment.title, exc.message)
        return
    mine = [t for _, t in segment.lines]
    others = [t for t in job.spoken if t not in mine]
    spoken, job.spoken = job.spoken, others
    lines = to_lines(job, answer, keep=False)
    job.spoken = spoken
    enough = len(lines) >= 2 or (len(job.host_names) == 1 and lines)
    shorter = sum(len(t.split()) for _, t in lines) < segment.words()
    if enough and (direction == "trim") == shorter:  # a revision that went the wrong way is not kept
        job.spoken = others + [t for _, t in lines]
        segment.lines = lines


def trim_lines(segments: list[Written], goal: int) -> None:
    """Drop whole lines, two at a time (so the hosts still alternate), until ``goal`` words or fewer."""
    before = total(segments)
    while total(segments) > goal:
        segment = max(segments, key=lambda s: s.words() if _removable(s, segments) else -1)
        spans = _removable(segment, segments)
        if not spans:
            break
        start, end = spans[-1]
        del segment.lines[start:end]
    log.info("trimmed the script from %d to %d words by dropping whole lines", before, total(segments))


def _removable(segment: Written, segments: list[Written]) -> list[tuple[int, int]]:
    """Spans of lines that may go: not a segment's first or last line, not the welcome or goodbye."""
    first = KEEP_ENDS + (1 if segment is segments[0] else 0)
    last = len(segment.lines) - KEEP_ENDS - (1 if segment is segments[-1] else 0)
    step = 2 if len({s for s, _ in segment.lines}) > 1 else 1
    return [(i, i + step) for i in range(first, last - step + 1, step)]


def _add_segments(job: Job, asker: Asker, segments: list[Written]) -> list[Written]:
    """Further segments, before the goodbye, until the script is long enough."""
    from .segments import _ask  # the same request as any segment

    target = job.target_words
    richest = sorted(segments[:-1] or segments, key=lambda s: -sum(len(t) for t in s.source))
    for index in range(EXTRA_SEGMENTS):
        missing = round(target * (1 - AIM)) - total(segments)
        if missing <= 0:
            break
        base = richest[index % len(richest)]
        extra = Written(f"More on {base.title}", base.source)
        values = dict(number=len(segments), count=len(segments) + 1, outline="", segment_title=extra.title,
                      points="", position=job.table("positions").get("middle", ""), lines=max(2, missing // 22),
                      covers="the same parts as an earlier segment, with what it left out")
        try:
            extra.lines = to_lines(job, _ask(job, asker, extra, values, segments, missing, False).value)
        except InvalidAnswer:
            extra.lines = []
        if not extra.lines and job.fallback == "offline":
            extra.lines = [(s, t) for s, t in fallback_lines(base.title, "\n\n".join(base.source), job.settings,
                                                             missing, False) if not repeats(t, job.spoken)]
            extra.fallback = bool(extra.lines)
            job.fallbacks += [extra.title] if extra.lines else []
        if extra.lines:
            log.info("the script was short: added segment %r (%d words)", extra.title, extra.words())
            segments = _insert(segments, extra)
    return segments


def _insert(segments: list[Written], extra: Written) -> list[Written]:
    """``extra`` before the goodbye: its own segment, or inside a script of one segment."""
    if len(segments) > 1:
        return segments[:-1] + [extra, segments[-1]]
    only = segments[0]
    only.lines = only.lines[:-2] + extra.lines + only.lines[-2:]
    only.fallback = only.fallback or extra.fallback
    return segments
