"""Write: each segment from the outline, its own source text and the end of the segment before."""
from __future__ import annotations

from dataclasses import dataclass, field

from ..spoken import speakable_text
from .budget import Chunk, answer_tokens, fit, source_chars
from .job import Job
from .plan import Part
from .schema import Outline, segment_model
from .structured import Asker

PREVIOUS_LINES = 3
"""Lines of the previous segment each segment request sees."""


@dataclass
class Written:
    title: str
    source: list[str]
    """The source texts the segment was written from (for resizing and grounding)."""
    lines: list[tuple[str, str]] = field(default_factory=list)

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


def to_lines(job: Job, answer: object) -> list[tuple[str, str]]:
    """The model's lines as speakable text; lines left empty are dropped."""
    language, names = job.settings.language, job.host_names
    spoken = [(line.speaker, speakable_text(line.text, language, names)) for line in answer.lines]  # type: ignore[attr-defined]
    return [(speaker, text) for speaker, text in spoken if text]


def write_segments(job: Job, asker: Asker, plan: Outline, parts: list[Part], chunks: list[Chunk]) -> list[Written]:
    words = max(40, round(job.target_words / len(plan.segments)))
    outline_text = "\n".join(f"{i}. {s.title}: {s.points}" for i, s in enumerate(plan.segments, 1))
    written: list[Written] = []
    for number, planned in enumerate(plan.segments, 1):
        segment = Written(planned.title, source_texts(parts, planned.parts, chunks))
        previous = as_lines(written[-1].lines[-PREVIOUS_LINES:]) if written else "(nothing yet: this is the start)"
        values = dict(number=number, count=len(plan.segments), outline=outline_text, segment_title=planned.title,
                      points=planned.points, position=_position(job, number, len(plan.segments)), words=words,
                      previous=previous)
        segment.lines = _write_one(job, asker, segment, values, answer_tokens(words, job.settings.context_tokens))
        written.append(segment)
    return written


def _write_one(job: Job, asker: Asker, segment: Written, values: dict, max_tokens: int) -> list[tuple[str, str]]:
    model = segment_model(job.host_names)
    fixed = job.system(model.model_json_schema()) + job.prompt("segment", source="", **values)
    source = fit(segment.source, source_chars(job.settings.context_tokens, max_tokens, fixed))
    return to_lines(job, asker.ask(model, job.prompt("segment", source=source, **values), max_tokens))


def _position(job: Job, number: int, count: int) -> str:
    positions = job.table("positions")
    key = "only" if count == 1 else "first" if number == 1 else "last" if number == count else "middle"
    return str(positions.get(key, ""))
