"""Ingest: sources become one Document.

Extractors come from the ``podgen.extractors`` registry. For each source, every extractor
whose ``accepts()`` says yes is tried in priority order; if all fail, the error lists every
attempt.
"""
from __future__ import annotations

import logging
from pathlib import Path

from ..config import Settings
from ..contracts import Extractor
from ..errors import InputError, SourceNotFound, UnsupportedFormat
from ..models import Document
from ..registry import Registry

log = logging.getLogger(__name__)
extractors: Registry[Extractor] = Registry("podgen.extractors", "extractor")


def _candidates(path: Path) -> list[Extractor]:
    found = [e for e in extractors.all() if e.accepts(path)]
    return sorted(found, key=lambda e: e.priority)


def supported_extensions() -> list[str]:
    return sorted({ext for e in extractors.all() for ext in e.extensions})


def extract(source: str | Path, settings: Settings) -> Document:
    """Read one source into a Document, or raise an InputError that says why not."""
    path = Path(source)
    if not path.exists():
        raise SourceNotFound(f"File not found: {path}.")
    if path.is_dir():
        raise UnsupportedFormat(f"{path} is a folder, not a document.", "Give podgen a file.")
    candidates = _candidates(path)
    if not candidates:
        kind = path.suffix or "(no extension)"
        raise UnsupportedFormat(
            f"Unsupported file type {kind} for {path.name}.",
            f"podgen reads: {', '.join(supported_extensions())}.",
        )
    failures: list[InputError] = []
    for extractor in candidates:
        try:
            log.debug("extracting %s with %s", path, extractor.name)
            return extractor.extract(path, settings)
        except InputError as exc:
            failures.append(exc)
    if len(failures) == 1:
        raise failures[0]
    detail = "; ".join(f"{e.name}: {f.message}" for e, f in zip(candidates, failures))
    raise type(failures[0])(f"Could not read {path.name} ({detail}).", failures[0].hint)


def merge(documents: list[Document], title: str | None = None) -> Document:
    """Join several Documents into one (each becomes at least one section)."""
    if len(documents) == 1:
        doc = documents[0]
        if title:
            doc.title = title
        return doc
    sections = []
    for doc in documents:
        for section in doc.sections:
            heading = section.heading or doc.title
            sections.append(type(section)(heading=heading, text=section.text))
    return Document(
        title=title or " and ".join(d.title for d in documents[:3]),
        sections=sections,
        source=", ".join(d.source for d in documents),
        meta={"sources": [d.meta for d in documents]},
    )
