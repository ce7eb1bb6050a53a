"""Plan: the document in chunks, a summary of each (in parallel), then an outline of segments.

Summaries of a long document are condensed (consecutive summaries summarised together)
until all of them fit one outline request.
"""
from __future__ import annotations

import logging
import math
from dataclasses import dataclass

from ...llm.tokens import chars_for
from .budget import CHUNK_TOKENS, SUMMARY_TOKENS, Chunk, source_chars, split_text
from .job import Job
from .schema import Outline, PlannedSegment, Summary
from .structured import Asker, InvalidAnswer

log = logging.getLogger(__name__)
SUMMARY_WORDS = 120
SEGMENT_WORDS = 300
"""About this many words of dialogue per segment (a chapter of a minute or two)."""
MAX_SEGMENTS = 40


@dataclass
class Part:
    """A run of consecutive chunks and what they say, as the outline numbers them."""

    first: int
    last: int
    summary: str

    def line(self, number: int) -> str:
        return f"Part {number}: {self.summary}"


def chunk_document(job: Job) -> list[Chunk]:
    context = job.settings.context_tokens
    fixed = job.system(Summary.model_json_schema()) + job.prompt("summary", source="")
    size = min(chars_for(CHUNK_TOKENS), source_chars(context, SUMMARY_TOKENS, fixed))
    chunks: list[Chunk] = []
    for section in job.document.sections:
        text = f"{section.heading}\n\n{section.text}" if section.heading else section.text
        for piece in split_text(text, size):
            if chunks and len(chunks[-1].text) + len(piece) + 2 <= size:
                chunks[-1].text += "\n\n" + piece
            else:
                chunks.append(Chunk(len(chunks), section.heading, piece))
    return chunks


def summarise(job: Job, asker: Asker, chunks: list[Chunk]) -> list[Part]:
    def one(chunk: Chunk) -> Part:
        prompt = job.prompt("summary", part=chunk.number + 1, parts=len(chunks), words=SUMMARY_WORDS,
                            source=chunk.text)
        answer = asker.ask(Summary, prompt, SUMMARY_TOKENS)
        return Part(chunk.number, chunk.number, _summary_text(answer))

    job.client.expect(len(chunks))
    return job.client.map(one, chunks)


def _summary_text(answer: Summary) -> str:
    facts = " ".join(f.strip() for f in answer.key_facts if f.strip())
    return " ".join(f"{answer.summary.strip()} {facts}".split())


def segment_count(job: Job) -> int:
    if job.settings.format == "brief":
        return 1
    return max(1, min(MAX_SEGMENTS, math.ceil(job.target_words / SEGMENT_WORDS)))


def outline_tokens(job: Job) -> int:
    return min(300 + segment_count(job) * 120, job.settings.context_tokens // 4)


def condense(job: Job, asker: Asker, parts: list[Part]) -> list[Part]:
    """Parts merged and re-summarised until every summary fits one outline request."""
    context = job.settings.context_tokens
    while True:
        limit = source_chars(context, outline_tokens(job), job.system(Outline.model_json_schema()),
                             job.prompt("outline", segments=segment_count(job), parts=""))
        size = len("\n".join(p.line(i + 1) for i, p in enumerate(parts)))
        if size <= limit or len(parts) < 2:
            return parts
        room = source_chars(context, SUMMARY_TOKENS, job.system(Summary.model_json_schema()),
                            job.prompt("summary", source=""))
        batches = _batches(parts, max(2, math.ceil(size / (0.8 * limit))), room)
        log.info("condensing %d summaries into %d", len(parts), len(batches))
        job.client.expect(len(batches))
        parts = job.client.map(lambda batch: _merge(job, asker, batch, len(batches)), list(enumerate(batches)))


def _batches(parts: list[Part], most: int, room: int) -> list[list[Part]]:
    """Consecutive parts in groups of at most ``most`` whose summaries fit ``room`` characters."""
    batches: list[list[Part]] = [[]]
    for part in parts:
        size = sum(len(p.summary) + 2 for p in batches[-1]) + len(part.summary)
        if batches[-1] and (size > room or len(batches[-1]) >= most):
            batches.append([])
        batches[-1].append(part)
    return batches


def _merge(job: Job, asker: Asker, numbered: tuple[int, list[Part]], total: int) -> Part:
    index, batch = numbered
    source = "\n\n".join(p.summary for p in batch)
    prompt = job.prompt("summary", part=index + 1, parts=total, words=SUMMARY_WORDS, source=source)
    return Part(batch[0].first, batch[-1].last, _summary_text(asker.ask(Summary, prompt, SUMMARY_TOKENS)))


def outline(job: Job, asker: Asker, parts: list[Part]) -> Outline:
    lines = "\n".join(p.line(i + 1) for i, p in enumerate(parts))
    prompt = job.prompt("outline", segments=segment_count(job), parts=lines)
    job.client.expect(1 + segment_count(job))  # the outline, then about this many segments
    planned = asker.ask(Outline, prompt, outline_tokens(job))
    segments = [_valid(s, len(parts)) for s in planned.segments]
    kept = [s for s in segments if s is not None]
    if not kept:
        raise InvalidAnswer("The model's outline names no part of the document.", planned.model_dump_json())
    return Outline(description=planned.description, segments=kept)


def _valid(segment: PlannedSegment, count: int) -> PlannedSegment | None:
    numbers = sorted({n for n in segment.parts if 1 <= n <= count})
    return segment.model_copy(update={"parts": numbers}) if numbers else None
