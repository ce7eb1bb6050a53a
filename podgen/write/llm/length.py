"""Length: measure the words after writing; extend or trim the segments that missed."""
from __future__ import annotations

import logging

from .budget import MIN_SOURCE_TOKENS, answer_tokens, fit, room, source_chars
from .job import Job
from .schema import segment_model
from .segments import Written, as_lines, to_lines
from .structured import Asker

log = logging.getLogger(__name__)
TOLERANCE = 0.15
"""The script must land within this fraction of the target word count."""
SEGMENT_SLACK = 0.10
ROUNDS = 2


def within(words: int, target: int) -> bool:
    return abs(words - target) <= TOLERANCE * target


def fit_length(job: Job, asker: Asker, segments: list[Written]) -> list[Written]:
    target = job.target_words
    for _ in range(ROUNDS):
        total = sum(s.words() for s in segments)
        if within(total, target):
            break
        share = target / len(segments)
        longer = total < target
        todo = [s for s in segments if (s.words() < share * (1 - SEGMENT_SLACK)) == longer
                and abs(s.words() - share) > SEGMENT_SLACK * share]
        log.info("script has %d words for a target of %d: %s %d segment(s)", total, target,
                 "extending" if longer else "trimming", len(todo))
        job.client.expect(len(todo))
        job.client.map(lambda s: _resize(job, asker, s, round(share), "extend" if longer else "trim"), todo)
    total = sum(s.words() for s in segments)
    if not within(total, target):
        log.warning("the script has %d words, %+.0f%% off the target of %d for %g minutes", total,
                    100 * (total - target) / target, target, job.settings.minutes)
    return segments


def _resize(job: Job, asker: Asker, segment: Written, words: int, direction: str) -> None:
    model = segment_model(job.host_names)
    max_tokens = answer_tokens(max(words, segment.words()), job.settings.context_tokens)
    values = dict(current=segment.words(), words=words, direction=job.table("directions")[direction],
                  lines=as_lines(segment.lines))
    fixed = job.system(model.model_json_schema()) + job.prompt("resize", source="", **values)
    if room(job.settings.context_tokens, max_tokens, fixed) < MIN_SOURCE_TOKENS:
        log.warning("segment %r is too long to revise within context_tokens; kept as it is", segment.title)
        return
    source = fit(segment.source, source_chars(job.settings.context_tokens, max_tokens, fixed))
    lines = to_lines(job, asker.ask(model, job.prompt("resize", source=source, **values), max_tokens))
    if len(lines) >= 2 or len(job.host_names) == 1:
        segment.lines = lines
