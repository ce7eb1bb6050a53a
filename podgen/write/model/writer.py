"""Writer backends "openai" and "local": plan, write, fit the length, check the grounding.

Both use the same steps and requests; "openai" sends them to an OpenAI-compatible endpoint,
"local" to a GGUF model run in process (``podgen.llm.local``).
"""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING

from ... import redact
from ...contracts import Progress, Writer, report_draft
from ...errors import BackendError, UsageError
from ...files import write_text
from ...folder import RAW_ANSWER, folder_for
from ...llm import ChatClient, Transport
from ...llm.local import LocalTransport
from ...models import Chapter, Document, Line, Script
from ...text.headings import spoken_heading
from .budget import MIN_SOURCE_TOKENS, answer_tokens, room
from .grounding import ground
from .job import Job
from .length import fit_length
from .plan import chunk_document, condense, outline, read_whole, summarise
from .schema import POINTS_CHARS, segment_model
from .segments import Written, write_segments
from .structured import Asker, InvalidAnswer

if TYPE_CHECKING:
    from ...config import Settings

log = logging.getLogger(__name__)
NAME = "openai"


class LlmWriter(Writer):
    name = NAME

    def __init__(self, environ: dict[str, str] | None = None):
        self.environ = environ

    def transport(self, settings: Settings) -> Transport | None:
        """None: the client's default, the OpenAI-compatible endpoint of the settings."""
        return None

    def prepared(self, settings: Settings) -> Settings:
        """The settings this backend's requests are made with (the endpoint's own, as given)."""
        return settings

    def write(self, document: Document, settings: Settings, progress: Progress | None = None) -> Script:
        settings = self.prepared(settings)
        title = spoken_heading(settings.title or document.title) or "today's document"
        client = ChatClient(settings, self.environ, self.transport(settings))
        client.progress = progress
        job = Job.start(document, settings, client, title)
        check_context(job)
        try:
            segments, claims, description = self._write(job)
        except InvalidAnswer as exc:
            secrets = [getattr(getattr(client.transport, "endpoint", None), "api_key", "")]
            folder = folder_for(settings.output_dir, title, [document.source])
            path = write_text(folder / RAW_ANSWER, redact.text(exc.raw, secrets))
            raise BackendError(
                exc.message,
                f"The model's last answer is in {path}. Run again (finished "
                "calls are cached), try another --model, or --fallback offline.",
            ) from None
        finally:
            log.info("chat usage: %s", client.usage.as_dict())
        script = _script(job, segments, description, self.name)
        script.unsupported_claims = [c.as_dict() for c in claims]
        script.fallback_segments = list(job.fallbacks)
        script.stats = {
            "writer_reason": client.reason,
            **client.usage.as_dict(),
            "fallback_segments": len(job.fallbacks),
        }
        return script

    @staticmethod
    def _write(job: Job) -> tuple[list[Written], list, str]:
        asker = Asker(job)
        whole = read_whole(job)
        if whole is not None:
            parts, chunks = whole
        else:
            chunks = chunk_document(job)
            log.info("the document does not fit one request: summarising %d pieces", len(chunks))
            parts = condense(job, asker, summarise(job, asker, chunks))
        plan = outline(job, asker, parts, chunks)
        segments = fit_length(job, asker, write_segments(job, asker, plan, parts, chunks, _drafts(job)))
        claims = ground(job, asker, segments)
        return segments, claims, plan.description


def check_context(job: Job) -> None:
    """Refuse, before any request, a context too small for the smallest useful segment request."""
    words = 40
    model = segment_model(job.host_names, words)
    fixed = job.fixed(model.model_json_schema()) + job.prompt("segment", source="")
    if room(job.settings.context_tokens, answer_tokens(words, job.settings.context_tokens), fixed) < MIN_SOURCE_TOKENS:
        raise UsageError(
            f"context_tokens={job.settings.context_tokens} is too small for a script request.",
            "Give the model's real context window with --context-tokens (4096 or more).",
        )


def _drafts(job: Job):
    """Reports the script so far to the run after each segment (``contracts.report_draft``); its
    ``writer`` says where the model runs ("local": on this machine's CPU)."""
    where = getattr(job.client.transport, "name", NAME)
    return lambda written: report_draft(job.client.progress, _script(job, written, "", where))


def _script(job: Job, segments: list[Written], description: str, writer: str) -> Script:
    lines: list[Line] = []
    chapters: list[Chapter] = []
    highlight: list[int] = []
    for segment in segments:
        if segment.lines:
            if not chapters or chapters[-1].title != segment.title:  # two segments of one title are one chapter
                chapters.append(Chapter(segment.title, len(lines), outline_points(segment.points)))
            if segment.highlight:
                highlight = [len(lines), len(lines) + len(segment.lines) - 1]
            lines += [Line(speaker, text) for speaker, text in segment.lines]
    return Script(
        title=job.title,
        description=" ".join(description.split()),
        lines=lines,
        chapters=chapters,
        hosts=job.host_names,
        sources=[job.document.source],
        writer=writer,
        highlight=highlight,
    )


def outline_points(points: str) -> list[str]:
    """The outline's few sentences on a segment, as the points its slide lists."""
    found = [p.strip(" -•*\t") for p in re.split(r"(?<=[.!?;])\s+|\n+|\s+-\s+", points)]
    if found and len(points) >= POINTS_CHARS - 10 and not re.search(r"[.!?;]$", found[-1]):
        found.pop()  # cut off by the outline's length limit
    return [p.rstrip(".;") for p in found if len(p.split()) >= 2 and not _ABOUT_THE_SHOW.search(p)][:4]


_ABOUT_THE_SHOW = re.compile(r"\b(?:this|the) (?:episode|segment|show|conversation)\b|\bthe (?:team|hosts?)\b", re.I)
"""A point about the episode itself ("The hosts set up the context"), not about its subject."""


LOCAL_CONTEXT = 16384
"""The embedded model's context unless context_tokens is set: room to read most documents whole."""


class LocalWriter(LlmWriter):
    """Writer backend "local": a GGUF model run in process by llama-cpp-python."""

    name = "local"

    def prepared(self, settings: Settings) -> Settings:
        """The embedded model's own context window, unless context_tokens is set."""
        if "context_tokens" not in settings.model_fields_set:
            return settings.model_copy(update={"context_tokens": LOCAL_CONTEXT})
        return settings

    def transport(self, settings: Settings) -> Transport:

        return LocalTransport(settings)
