"""Plan: the document in numbered parts, then an outline of segments over them.

A document that fits the context budget is read whole: every request of the run starts with
the same text (the system message, then the whole document), so a server that caches prompt
prefixes (llama.cpp, vLLM, the embedded model) reads the source once. A longer document is
cut into chunks, each summarised (in parallel); the summaries are condensed (consecutive ones
summarised together) until all of them fit one outline request.
"""

from __future__ import annotations

import logging
import math
import re
from dataclasses import dataclass
from functools import partial

from ...llm.tokens import chars_for
from ...text.centrality import Centrality
from ...text.headings import short_title
from ...text.sentences import split_sentences
from ..coverage import Key, key_sections
from .budget import CHUNK_TOKENS, SUMMARY_TOKENS, Chunk, answer_tokens, source_chars, split_text
from .job import Job
from .schema import POINTS_CHARS, Outline, PlannedSegment, Summary, segment_model
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
    heading: str = ""
    """The heading of the section the part starts in."""

    def line(self, number: int) -> str:
        return f"Part {number}: {self.summary}"


WHOLE_ALLOWANCE = 700
"""Tokens a segment request carries besides the document: outline, previous lines, instructions."""


WHOLE_PART_CHARS = 1500
"""A part of a document read whole: small enough that each segment can be given its own parts."""


def chunk_document(job: Job, size: int | None = None, by_section: bool = False) -> list[Chunk]:
    """The document in chunks of at most ``size`` characters [default: what a summary request holds];
    ``by_section``: a titled section always starts a chunk of its own (a part the outline can name)."""
    context = job.settings.context_tokens
    fixed = job.fixed(Summary.model_json_schema()) + job.prompt("summary", source="")
    size = size or min(chars_for(CHUNK_TOKENS), source_chars(context, SUMMARY_TOKENS, fixed))
    chunks: list[Chunk] = []
    for index, section in enumerate(job.document.sections):
        text = f"{section.heading}\n\n{section.text}" if section.heading else section.text
        for number, piece in enumerate(split_text(text, size)):
            own = by_section and number == 0 and bool(section.heading.strip())
            if chunks and not own and len(chunks[-1].text) + len(piece) + 2 <= size:
                chunks[-1].text += "\n\n" + piece
                chunks[-1].sections += [] if index in chunks[-1].sections else [index]
            else:
                chunks.append(Chunk(len(chunks), section.heading, piece, [index]))
    return chunks


def numbered(chunks: list[Chunk]) -> str:
    return "\n\n".join(f"Part {c.number + 1}: {c.text}" for c in chunks)


def read_whole(job: Job) -> tuple[list[Part], list[Chunk]] | None:
    """The document in small numbered parts, and ``job.whole`` set, when the whole of it fits every
    request; None when it does not."""
    chunks = chunk_document(job, WHOLE_PART_CHARS, by_section=True)
    text = numbered(chunks)
    words = max(40, round(job.target_words / segment_count(job)))
    answer = max(answer_tokens(words, job.settings.context_tokens), outline_tokens(job))
    fixed = job.fixed(segment_model(job.host_names, words).model_json_schema()) + job.prompt("segment", source="")
    if len(text) > source_chars(job.settings.context_tokens, answer + WHOLE_ALLOWANCE, fixed):
        return None
    job.whole = text
    return [Part(c.number, c.number, c.text, c.heading) for c in chunks], chunks


def summarise(job: Job, asker: Asker, chunks: list[Chunk]) -> list[Part]:
    def one(chunk: Chunk) -> Part:
        prompt = job.prompt("summary", part=chunk.number + 1, parts=len(chunks), words=SUMMARY_WORDS, source=chunk.text)
        try:
            text = _summary_text(asker.ask(Summary, prompt, SUMMARY_TOKENS, "summary"))
        except InvalidAnswer:
            if job.fallback != "offline":
                raise
            log.warning("part %d: the model wrote no usable summary; its opening stands in", chunk.number + 1)
            text = _opening(chunk.text)
        return Part(chunk.number, chunk.number, text, chunk.heading)

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
        limit = source_chars(
            context,
            outline_tokens(job),
            job.fixed(Outline.model_json_schema()),
            job.prompt("outline", segments=segment_count(job), source=""),
        )
        size = len("\n".join(p.line(i + 1) for i, p in enumerate(parts)))
        if size <= limit or len(parts) < 2:
            return parts
        room = source_chars(
            context, SUMMARY_TOKENS, job.fixed(Summary.model_json_schema()), job.prompt("summary", source="")
        )
        batches = _batches(parts, max(2, math.ceil(size / (0.8 * limit))), room)
        log.info("condensing %d summaries into %d", len(parts), len(batches))
        job.client.expect(len(batches))
        parts = job.client.map(partial(_merge, job, asker, total=len(batches)), list(enumerate(batches)))


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
    try:
        text = _summary_text(asker.ask(Summary, prompt, SUMMARY_TOKENS, "summary"))
    except InvalidAnswer:
        if job.fallback != "offline":
            raise
        text = " ".join(_opening(p.summary, 600 // len(batch)) for p in batch)
    return Part(batch[0].first, batch[-1].last, text, batch[0].heading)


def _opening(text: str, chars: int = 600) -> str:
    """The first ``chars`` characters of ``text``, ending at a word."""
    cut = " ".join(text.split())[:chars]
    return cut.rsplit(" ", 1)[0] if len(cut) == chars else cut


def outline(job: Job, asker: Asker, parts: list[Part], chunks: list[Chunk] | None = None) -> Outline:
    """The outline from the document's own sections when it has two or more worth a segment;
    else the model plans one over the numbered parts."""
    planned = outline_from_sections(job, parts, chunks or [])
    if planned is not None:
        log.info(
            "outline from the document's %d key sections: %s",
            len(planned.segments),
            "; ".join(f"{s.title} ({s.words} words)" for s in planned.segments),
        )
        job.client.expect(len(planned.segments))
        return planned
    return _model_outline(job, asker, parts)


def _model_outline(job: Job, asker: Asker, parts: list[Part]) -> Outline:
    lines = job.whole or "\n".join(p.line(i + 1) for i, p in enumerate(parts))
    prompt = job.prompt("outline", segments=segment_count(job), source=lines)
    job.client.expect(1 + segment_count(job))  # the outline, then about this many segments
    try:
        planned = asker.ask(Outline, prompt, outline_tokens(job), "outline")
        kept = [s for s in (_valid(s, parts) for s in planned.segments) if s is not None]
        if not kept:
            raise InvalidAnswer("The model's outline names no part of the document.", planned.model_dump_json())
    except InvalidAnswer as exc:
        if job.fallback != "offline":
            raise
        log.warning("the model wrote no usable outline (%s); the document's own parts are the outline", exc.message)
        return outline_by_code(job, parts)
    segments = _regroup(kept, segment_count(job))
    return Outline(
        description=planned.description, segments=segments, highlight=_highlighted(planned, kept, len(segments))
    )


def _highlighted(planned: Outline, kept: list[PlannedSegment], count: int) -> int:
    """The number of the segment the model picked for a clip, among the segments kept (0: none)."""
    if not 1 <= planned.highlight <= len(planned.segments):
        return 0
    title = planned.segments[planned.highlight - 1].title
    index = next((i for i, s in enumerate(kept) if s.title == title), None)
    return 0 if index is None else 1 + index * count // len(kept)


def outline_by_code(job: Job, parts: list[Part]) -> Outline:
    """Consecutive parts in about ``segment_count`` groups, each titled by its first heading."""
    count = max(1, min(segment_count(job), len(parts)))
    size = math.ceil(len(parts) / count)
    segments = [
        PlannedSegment(
            title=short_title(parts[i].heading) or (job.title if i == 0 else f"Part {i + 1}"),
            parts=list(range(i + 1, min(i + size, len(parts)) + 1)),
        )
        for i in range(0, len(parts), size)
    ]
    return Outline(description=f"A conversation about {job.title}.", segments=segments)


def _regroup(segments: list[PlannedSegment], count: int) -> list[PlannedSegment]:
    """An outline of far more segments than asked for, merged into ``count`` (each too short otherwise)."""
    if len(segments) <= count + 1:
        return segments
    size = math.ceil(len(segments) / count)
    groups = [segments[i : i + size] for i in range(0, len(segments), size)]
    return [
        PlannedSegment(
            title=g[0].title, parts=sorted({n for s in g for n in s.parts}), points=" ".join(s.points for s in g)[:400]
        )
        for g in groups
    ]


_NO_TITLE = re.compile(
    r"^(?:planned\s*)?(?:part|segment|section|chapter)\b|^(?:first|second|third|fourth|fifth|last)\s+part$",
    re.IGNORECASE,
)


_LABEL = re.compile(r"^(?:part|segment|section|chapter)\s*\d+\s*[:.–—-]\s*(?=\w)", re.IGNORECASE)


def _valid(segment: PlannedSegment, parts: list[Part]) -> PlannedSegment | None:
    """The segment with only parts that exist, and a real title ("Part 2" is the heading's)."""
    numbers = sorted({n for n in segment.parts if 1 <= n <= len(parts)})
    if not numbers:
        return None
    title = segment.title
    title = _LABEL.sub("", title.strip()) or title  # "Part 1: Introduction" is "Introduction"
    if _NO_TITLE.search(title.strip()):
        title = short_title(parts[numbers[0] - 1].heading) or title
    return segment.model_copy(update={"parts": numbers, "title": title})


MIN_SEGMENT_WORDS = 40


def outline_from_sections(job: Job, parts: list[Part], chunks: list[Chunk]) -> Outline | None:
    """The document's key sections as the outline: the subject's definition first, then the others
    in the document's order, each given words in proportion to how central it is. None when the
    document has fewer than two key sections (or for a brief)."""
    if job.settings.format == "brief" or not chunks:
        return None
    keys = key_sections(job.document, job.settings.minutes)
    mapped = [(k, _parts_of(k, parts, chunks)) for k in keys]
    mapped = [(k, numbers) for k, numbers in mapped if numbers]
    if len(mapped) < 2:
        return None
    lead, rest = mapped[0], sorted(mapped[1:], key=lambda m: m[0].index)
    ordered = [lead, *rest]
    words = _shares(job.target_words, [k.score for k, _ in ordered])
    segments = [
        PlannedSegment(title=short_title(k.heading) or job.title, parts=numbers, points=_points(k), words=w)
        for (k, numbers), w in zip(ordered, words)
    ]
    best = max(range(1, len(ordered)), key=lambda i: ordered[i][0].score)
    description = f"A conversation about {job.title}. {_points(lead[0], 1)}".strip()
    return Outline(description=description[:400], segments=segments, highlight=best + 1)


def _parts_of(key: Key, parts: list[Part], chunks: list[Chunk]) -> list[int]:
    held = {c.number for c in chunks if set(c.sections) & set(key.members)}
    return [i + 1 for i, p in enumerate(parts) if any(p.first <= n <= p.last for n in held)]


def _shares(total: int, scores: list[float]) -> list[int]:
    """``total`` words shared in proportion to ``scores`` (the lead counts as the best), each at
    least ``MIN_SEGMENT_WORDS``."""
    weights = [max(s, 0.05) for s in scores]
    weights[0] = max(weights)
    whole = sum(weights)
    return [max(MIN_SEGMENT_WORDS, round(total * w / whole)) for w in weights]


def _points(key: Key, count: int = 2) -> str:
    """The section's most central sentences (what the segment must get across), in its order."""
    sentences = [s for s in split_sentences(" ".join(key.text.split())) if 6 <= len(s.split()) <= 40]
    if not sentences:
        return ""
    scores = Centrality(sentences).scores(sentences)
    best = sorted(sorted(range(len(sentences)), key=lambda i: -scores[i])[:count])
    text = " ".join(sentences[i] for i in best)
    return text if len(text) <= POINTS_CHARS else text[:POINTS_CHARS].rsplit(" ", 1)[0]
