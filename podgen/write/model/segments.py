"""Write: each segment from the outline, its source and the lines before it.

An answer cut off at the token limit keeps its complete lines, and the model is asked only
for the rest (once or twice). Lines that repeat an earlier line, exactly or nearly, are
dropped. A segment the model cannot write at all is written by the fallback (the offline
writer, reading the segment's source) when ``fallback`` allows it, and listed; otherwise the
error names the segment.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from string import Template

from ...errors import BackendError
from ..offline import fallback_lines
from ..sentences import split_sentences
from ..spoken import speakable_text
from .budget import Chunk, answer_tokens, source_chars
from .job import Job
from .plan import Part
from .schema import Outline, segment_model
from .structured import Asker, InvalidAnswer

log = logging.getLogger(__name__)
PREVIOUS_LINES = 3
"""Lines of the episode so far that each segment request sees."""
CONTINUATIONS = 2
"""Requests for the rest of a segment whose answer was cut off."""
ENOUGH = 0.7
"""A cut-off segment with this share of its words needs no continuation."""
NEAR = 0.8
"""Word overlap (Jaccard) at which a line repeats an earlier one."""
TURN_WORDS = 22
"""About this many words a turn, to say how many lines to write."""
_WORD = re.compile(r"[\w']+")


@dataclass
class Written:
    title: str
    source: list[str]
    """The source texts the segment was written from (for further segments and grounding)."""
    lines: list[tuple[str, str]] = field(default_factory=list)
    fallback: bool = False
    """Written by the fallback writer, not the model."""
    points: str = ""
    """What the outline said the segment should cover."""
    highlight: bool = False
    """The outline's pick for a short clip."""
    topic: str = ""
    """What the segment is about, when its title says more ("More on Abstract" is about "Abstract")."""

    def words(self) -> int:
        return sum(len(text.split()) for _, text in self.lines)


def source_texts(parts: list[Part], numbers: list[int], chunks: list[Chunk]) -> list[str]:
    texts: list[str] = []
    for number in numbers:
        part = parts[number - 1]
        texts += [chunks[i].text for i in range(part.first, part.last + 1) if chunks[i].text not in texts]
    return texts


def as_lines(lines: list[tuple[str, str]]) -> str:
    return "\n".join(f"{speaker}: {text}" for speaker, text in lines)


def _words(text: str) -> set[str]:
    return set(_WORD.findall(text.lower()))


def repeats(text: str, earlier: list[str]) -> bool:
    """True when ``text`` says what one of the ``earlier`` lines said, word for word or nearly."""
    mine = _words(text)
    for other in earlier:
        theirs = _words(other)
        if mine and theirs and len(mine & theirs) / len(mine | theirs) >= NEAR:
            return True
    return False


SENTENCE_WORDS = 6
"""A sentence this long that says again what an earlier line said is dropped from its line."""


def unsaid(text: str, earlier: list[str]) -> str:
    """``text`` without its sentences that repeat, nearly word for word, a sentence of the
    ``earlier`` lines (a small model often starts a line by saying its last two again)."""

    said = [sentence for line in earlier for sentence in split_sentences(line)]
    kept = []
    for sentence in split_sentences(text):
        if len(sentence.split()) < SENTENCE_WORDS or not repeats(sentence, said):
            kept.append(sentence)
            said.append(sentence)
    return " ".join(kept)


def true_speaker(speaker: str, text: str, names: list[str]) -> str:
    """The speaker of a line, corrected when a small model got it wrong in an obvious way: with two
    hosts, a line where the speaker introduces themself as the other host ("I'm Sam") or speaks to
    themself by name ("That's right, Alex.") belongs to the other host."""
    if len(names) != 2 or speaker not in names:
        return speaker
    other = names[1 - names.index(speaker)]
    mine, theirs = re.escape(speaker), re.escape(other)
    if re.search(rf"\b(?:I'?m|I am|my name is|this is) {theirs}\b", text, re.I) or re.search(
        rf"(?:^|[,;]\s*){mine}\s*[,.!?]", text
    ):
        return other
    return speaker


_PART_LABEL = re.compile(r"^\s*Part \d+\s*[:.]\s*")
_ENDED = re.compile(r"[.!?…\"'”’)]\s*$")


def joined(lines: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Lines without the source's part labels, and a sentence cut across two lines made whole again
    (a schema's length limit can end a line mid-sentence; the model then goes on in the next)."""
    whole: list[tuple[str, str]] = []
    for speaker, text in lines:
        text = _PART_LABEL.sub("", text).strip()
        if whole and text[:1].islower() and not _ENDED.search(whole[-1][1]):
            whole[-1] = (whole[-1][0], f"{whole[-1][1]} {text}")
        elif text:
            whole.append((speaker, text))
    return whole


def to_lines(job: Job, answer: object, keep: bool = True) -> list[tuple[str, str]]:
    """The model's lines as speakable text; empty and repeated lines are dropped."""
    language, names = job.settings.language, job.host_names
    kept: list[tuple[str, str]] = []
    for speaker, raw in joined([(line.speaker, line.text) for line in answer.lines]):  # type: ignore[attr-defined]
        earlier = job.spoken + [t for _, t in kept]
        text = unsaid(speakable_text(raw, language, names), earlier)
        if len(text.split()) < 2 or repeats(text, earlier):
            continue
        kept.append((true_speaker(speaker, text, names), text))
    if keep:
        job.spoken += [t for _, t in kept]
    return kept


def write_segments(
    job: Job,
    asker: Asker,
    plan: Outline,
    parts: list[Part],
    chunks: list[Chunk],
    drafted: Callable[[list[Written]], None] | None = None,
) -> list[Written]:
    """Each planned segment in turn; ``drafted`` gets the segments written so far after each."""
    even = max(40, round(job.target_words / len(plan.segments)))
    outline_text = "\n".join(f"{i}. {s.title}: {s.points}" for i, s in enumerate(plan.segments, 1))
    written: list[Written] = []
    for number, planned in enumerate(plan.segments, 1):
        words = planned.words or even
        segment = Written(
            planned.title,
            source_texts(parts, planned.parts, chunks),
            points=planned.points,
            highlight=number == plan.highlight,
        )
        values = dict(
            number=number,
            count=len(plan.segments),
            outline=outline_text,
            segment_title=planned.title,
            points=planned.points,
            position=_position(job, number, len(plan.segments)),
            words=words,
            lines=lines_for(words),
            covers=_covers(planned.parts),
        )
        _write_one(job, asker, segment, values, written, words)
        written.append(segment)
        if drafted is not None:
            drafted(written)
    return written


def _write_one(job: Job, asker: Asker, segment: Written, values: dict, before: list[Written], words: int) -> None:
    try:
        for attempt in range(1 + CONTINUATIONS):
            got = ask_segment(job, asker, segment, values, before, words - segment.words(), attempt > 0)
            segment.lines += to_lines(job, got.value)
            if not got.cut or segment.words() >= ENOUGH * words:
                break
            log.info("segment %r was cut off after %d words; asking for the rest", segment.title, segment.words())
    except InvalidAnswer as exc:
        if segment.lines:
            log.warning(
                "segment %r: the rest could not be written (%s); keeping %d lines",
                segment.title,
                exc.message,
                len(segment.lines),
            )
        elif not fall_back(job, segment, words, not before, exc):
            raise
    if not segment.lines and not fall_back(job, segment, words, not before, None):
        raise BackendError(
            f"The model wrote no usable line for segment {segment.title!r}.",
            "Try another --model, or --fallback offline.",
        )


def lines_for(words: int) -> int:
    """How many lines to ask for, for about ``words`` words."""
    return max(2, round(words / TURN_WORDS))


def ask_segment(job: Job, asker: Asker, segment: Written, values: dict, before: list[Written], words: int, more: bool):
    """One segment request: about ``words`` more words after the lines ``before`` (and its own so far)."""
    model = segment_model(job.host_names, max(words, 40))
    so_far = [line for s in before for line in s.lines] + segment.lines
    previous = as_lines(so_far[-PREVIOUS_LINES:]) or "(nothing yet: this is the start)"
    continuation = Template(job.table("continuation")["text"]).safe_substitute(words=words) if more else ""
    values = {**values, "previous": previous, "continuation": continuation, "words": words}
    max_tokens = answer_tokens(words, job.settings.context_tokens)
    fixed = job.fixed(model.model_json_schema()) + job.prompt("segment", source="", **values)
    source = job.material(segment.source, source_chars(job.settings.context_tokens, max_tokens, fixed))
    return asker.ask_more(model, job.prompt("segment", source=source, **values), max_tokens, "segment")


def fall_back(job: Job, segment: Written, words: int, first: bool, exc: InvalidAnswer | None) -> bool:
    """Let the fallback writer write ``segment``; False when there is no fallback (or it has nothing)."""
    if job.fallback != "offline":
        if exc is not None:
            exc.message = f"Segment {segment.title!r}: {exc.message}"
            exc.args = (exc.message,)
        return False
    lines = fallback_lines(segment.topic or segment.title, "\n\n".join(segment.source), job.settings, words, first)
    lines = [(s, t) for s, t in lines if not repeats(t, job.spoken)]
    if not lines:
        return False
    reason = exc.message if exc else "no usable line"
    log.warning(
        "segment %r: the model could not write it (%s); the offline writer read it from the source",
        segment.title,
        reason,
    )
    segment.lines, segment.fallback = lines, True
    job.spoken += [t for _, t in lines]
    job.fallbacks.append(segment.title)
    return True


def _covers(numbers: list[int]) -> str:
    if len(numbers) == 1:
        return f"part {numbers[0]}"
    return f"parts {numbers[0]} to {numbers[-1]}"


def _position(job: Job, number: int, count: int) -> str:
    positions = job.table("positions")
    key = "only" if count == 1 else "first" if number == 1 else "last" if number == count else "middle"
    return str(positions.get(key, ""))
