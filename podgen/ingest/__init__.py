"""Ingest: sources (files or http(s) URLs) become one Document.

Extractors come from the ``podgen.extractors`` registry. For each source, every extractor
whose ``accepts()`` says yes (by extension or by content) is tried in priority order; if none
accepts it, or all fail, the error lists every attempt. A URL is fetched to a temporary file
first and then read like any file. Front and back matter is dropped from every Document.
"""

from __future__ import annotations

import logging
import re
import tempfile
from collections.abc import Sequence
from pathlib import Path

from .. import redact
from ..config import Settings
from ..contracts import Extractor, Progress
from ..errors import InputError, SourceNotFound, TooLarge, UnsupportedFormat
from ..models import Document, Section
from ..registry import extractors
from . import fetch, sniff
from .matter import drop_matter

log = logging.getLogger(__name__)


def _candidates(path: Path) -> list[Extractor]:
    """Extractors that accept ``path``: those that took it for its content alone (an HTML
    page named .md) before those that took it for its extension, then by priority."""
    found = [e for e in extractors.all() if e.accepts(path)]
    return sorted(found, key=lambda e: (path.suffix.lower() in e.extensions, e.priority))


def supported_extensions() -> list[str]:
    return sorted({ext for e in extractors.all() for ext in e.extensions})


def extract(source: str | Path, settings: Settings, progress: Progress | None = None) -> Document:
    """Read one source (a path or an http(s) URL) into a Document, or raise an InputError
    that says why not."""
    if fetch.is_url(source):
        return _extract_url(str(source).strip(), settings, progress)
    if isinstance(source, str) and re.match(r"^[A-Za-z][\w+.-]+://", source):
        raise UnsupportedFormat(
            f"Cannot fetch {redact.url(source)}: podgen fetches only http:// and https:// addresses.",
            "Download it yourself and give podgen the file.",
        )
    path = Path(source)
    if not path.exists():
        raise SourceNotFound(f"File not found: {path}.")
    if path.is_dir():
        raise UnsupportedFormat(f"{path} is a folder, not a document.", "Give podgen a file.")
    return drop_matter(_extract_file(path, settings, progress))


def _extract_url(url: str, settings: Settings, progress: Progress | None) -> Document:
    """Download ``url`` into a temporary folder (removed on every way out: an error, Ctrl-C, or a
    SIGTERM, which the command line turns into an exception) and read it. The Document names
    the URL without any ``user:password@``."""
    with tempfile.TemporaryDirectory(prefix="podgen-fetch-") as folder:
        path = fetch.download(url, Path(folder), settings, progress)
        document = _extract_file(path, settings, progress)
    document.source = document.meta["url"] = redact.url(url)
    return drop_matter(document)


def _extract_file(path: Path, settings: Settings, progress: Progress | None) -> Document:
    candidates = _candidates(path)
    if not candidates:
        raise _unsupported(path)
    failures: list[InputError] = []
    for extractor in candidates:
        try:
            log.debug("extracting %s with %s", path, extractor.name)
            return _call(extractor, path, settings, progress)
        except InputError as exc:
            failures.append(exc)
    if len(failures) == 1:
        raise failures[0]
    detail = "; ".join(f"{e.name}: {f.message}" for e, f in zip(candidates, failures))
    raise type(failures[0])(f"Could not read {path.name} ({detail}).", failures[0].hint)


def _call(extractor: Extractor, path: Path, settings: Settings, progress: Progress | None) -> Document:
    """An Extractor gets the run's progress; a plug-in that is not one is called without it."""
    if isinstance(extractor, Extractor):
        return extractor.extract(path, settings, progress)
    return extractor.extract(path, settings)


def _unsupported(path: Path) -> UnsupportedFormat:
    kind = path.suffix or "(no extension)"
    content = sniff.kind(path)
    seen = f"; its content looks like {content}" if content else ""
    tried = ", ".join(e.name for e in extractors.all())
    return UnsupportedFormat(
        f"Unsupported file type {kind} for {path.name}{seen}; no extractor accepted it (tried: {tried}).",
        f"podgen reads: {', '.join(supported_extensions())}, and http(s) URLs.",
    )


def extract_all(sources: Sequence[str | Path], settings: Settings, progress: Progress | None = None) -> Document:
    """Read every source and merge them into one Document. Every local source is checked
    against the limits first, so a 5,000-page PDF named last fails before a long recording
    named first is transcribed."""
    for source in sources:
        preflight(source, settings)
    return merge([extract(source, settings, progress) for source in sources], settings.title)


def preflight(source: str | Path, settings: Settings) -> None:
    """Raise TooLarge if a local source is over a limit (pages, minutes). Cheap: it reads
    headers only, and leaves every other complaint to :func:`extract`."""
    path = Path(source)
    if fetch.is_url(source) or not path.is_file():
        return
    for extractor in _candidates(path):
        try:
            if isinstance(extractor, Extractor):
                extractor.check(path, settings)
                return
        except TooLarge:
            raise
        except InputError:
            return


def merge(documents: list[Document], title: str | None = None) -> Document:
    """Join several Documents into one: each source is a part with its own title (its
    sections' headings are prefixed with it), and ``meta["parts"]`` credits every source."""
    if len(documents) == 1:
        doc = documents[0]
        if title:
            doc.title = title
        return doc
    sections = []
    for doc in documents:
        for section in doc.sections:
            heading = f"{doc.title}: {section.heading}" if section.heading else doc.title
            sections.append(Section(heading=heading, text=section.text))
    return Document(
        title=title or " and ".join(d.title for d in documents[:3]),
        sections=sections,
        source=", ".join(d.source for d in documents),
        meta={"parts": [credit(d) for d in documents]},
    )


def credits(document: Document) -> list[dict]:
    """One credit per source of a Document made by :func:`extract_all`."""
    return list(document.meta.get("parts") or [credit(document)])


def credit(document: Document) -> dict:
    """What script.json and episode.json say about one source."""
    found = {"title": document.title, "source": document.source}
    found.update({k: document.meta[k] for k in ("format", "author", "url", "pages", "minutes") if k in document.meta})
    return found
