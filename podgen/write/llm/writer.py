"""Writer backend "openai": plan, write, fit the length, check the grounding."""
from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from ...contracts import Progress
from ...errors import BackendError
from ...files import slugify, write_text
from ...llm import ChatClient
from ...models import Chapter, Document, Line, Script
from ..offline import plain
from .grounding import ground
from .job import Job
from .length import fit_length
from .plan import chunk_document, condense, outline, summarise
from .segments import Written, write_segments
from .structured import Asker, InvalidAnswer

if TYPE_CHECKING:
    from ...config import Settings

log = logging.getLogger(__name__)
NAME = "openai"
RAW_ANSWER = "llm-answer.txt"
"""Saved in the episode folder when the model's answer stays invalid."""


class LlmWriter:
    name = NAME

    def __init__(self, environ: dict[str, str] | None = None):
        self.environ = environ

    def write(self, document: Document, settings: Settings, progress: Progress | None = None) -> Script:
        title = plain(settings.title or document.title) or "today's document"
        client = ChatClient(settings, self.environ)
        client.progress = progress
        job = Job.start(document, settings, client, title)
        try:
            segments, claims, description = self._write(job)
        except InvalidAnswer as exc:
            path = write_text(settings.output_dir / slugify(title) / RAW_ANSWER, exc.raw)
            raise BackendError(exc.message, f"The model's last answer is in {path}. Run again (finished "
                               "calls are cached), or try another --model.") from None
        finally:
            log.info("chat usage: %s", client.usage.as_dict())
        script = _script(job, segments, description)
        script.unsupported_claims = [c.as_dict() for c in claims]
        script.stats = {"writer_reason": f"{client.endpoint.reason}, model {settings.model}",
                        **client.usage.as_dict()}
        return script

    @staticmethod
    def _write(job: Job) -> tuple[list[Written], list, str]:
        asker = Asker(job)
        chunks = chunk_document(job)
        parts = condense(job, asker, summarise(job, asker, chunks))
        plan = outline(job, asker, parts)
        segments = fit_length(job, asker, write_segments(job, asker, plan, parts, chunks))
        claims = ground(job, asker, segments)
        return segments, claims, plan.description


def _script(job: Job, segments: list[Written], description: str) -> Script:
    lines: list[Line] = []
    chapters: list[Chapter] = []
    for segment in segments:
        if segment.lines:
            chapters.append(Chapter(segment.title, len(lines)))
            lines += [Line(speaker, text) for speaker, text in segment.lines]
    return Script(title=job.title, description=" ".join(description.split()), lines=lines, chapters=chapters,
                  hosts=job.host_names, sources=[job.document.source], writer=NAME)
