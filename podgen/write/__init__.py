"""The write stage: a Document becomes a two-host Script.

Writers are backends in the ``podgen.writers`` registry; the built-in ``offline``, ``openai``
and ``auto`` writers are declared in pyproject.toml exactly as an outside plug-in would declare
its own. Every writer's lines pass through one normaliser (``spoken.speakable_text``), then
``finish``: the show's shape, the fallback's fill of a short script, chapters, coverage.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from ..contracts import Progress, Writer
from ..errors import BackendError, PodgenError
from ..models import MAX_LINE_CHARS, MAX_REACTION_CHARS, TURN_KINDS, Chapter, Document, Line, Script, not_a_host
from ..registry import writers
from ..text.sentences import sentence_ends, split_long
from .finish import fills, finish
from .spoken import speakable_text

if TYPE_CHECKING:
    from ..config import Settings

__all__ = ["writers", "write_script", "check_script", "speakable"]


def write_script(document: Document, settings: Settings, progress: Progress | None = None) -> Script:
    """Write the script with the writer named in ``settings.writer``, and check it."""
    writer = writers.create(settings.writer)
    try:
        script = _write(writer, document, settings, progress)
    except PodgenError:
        raise
    except Exception as exc:  # a plug-in's own failure becomes one clear error
        raise BackendError(f"Writer {settings.writer!r} failed: {exc}.") from exc
    check_script(script, settings.host_names, settings.writer, count=not fills(settings))
    speakable(script, settings)
    script = finish(script, document, settings)
    check_script(script, settings.host_names, script.writer or settings.writer)
    script.stats.setdefault("writer_reason", f"writer setting is {settings.writer!r}")
    return script


def speakable(script: Script, settings: Settings) -> None:
    """Every line through the one normaliser; a line left with nothing to say is dropped, and
    one longer than a script line may be is split at sentences into several (the first keeps
    the line's kind and overlap; reactions stay only on a line that is not split)."""
    names = script.hosts or settings.host_names
    kept: list[Line] = []
    first_of: dict[int, int] = {}
    for index, line in enumerate(script.lines):
        first_of[index] = len(kept)
        text = speakable_text(line.text, settings.language, names)
        pieces = [piece for piece in split_long(text, MAX_LINE_CHARS) if piece]
        said = [replace(r, text=speakable_text(str(r.text), settings.language)) for r in line.reactions]
        line = _conversational(replace(line, reactions=said), names, text)
        reactions = line.reactions if len(pieces) == 1 else []
        kept.extend(
            replace(line, text=piece, reactions=reactions) if n == 0 else Line(line.speaker, piece)
            for n, piece in enumerate(pieces)
        )
    script.chapters = [
        Chapter(c.title, first_of.get(c.line, len(kept)), c.points)
        for c in script.chapters
        if first_of.get(c.line, len(kept)) < len(kept)
    ]
    if script.highlight:
        last = script.highlight[1] + 1
        script.highlight = [first_of[script.highlight[0]], first_of.get(last, len(kept)) - 1]
    script.lines = kept


def _conversational(line: Line, hosts: list[str], text: str) -> Line:
    """The line with only the kind, overlap and reactions that script.json accepts: a writer
    (a model above all) may name an unknown kind, a host who is not there, or a sentence the
    line does not have; those are dropped, not saved into a script that cannot be read back."""
    kind = line.kind if line.kind in TURN_KINDS else None
    overlap = line.overlap if isinstance(line.overlap, bool) else None
    sentences = len(sentence_ends(text))
    reactions = [
        r
        for r in line.reactions
        if r.speaker in hosts
        and r.speaker != line.speaker
        and isinstance(r.after, int)
        and not isinstance(r.after, bool)
        and 1 <= r.after <= sentences
        and 0 < len(str(r.text).strip()) <= MAX_REACTION_CHARS
    ]
    return replace(line, kind=kind, overlap=overlap, reactions=reactions)


def _write(writer: Writer, document: Document, settings: Settings, progress: Progress | None) -> Script:
    """A Writer gets the run's progress; a plug-in that is not one is called without it."""
    if isinstance(writer, Writer):
        return writer.write(document, settings, progress)
    return writer.write(document, settings)


def check_script(script: Script, hosts: list[str], writer: str, count: bool = True) -> None:
    """Raise BackendError unless the script is a usable dialogue of the hosts (or one host's talk);
    ``count``: and has lines enough (not asked where the fallback will fill a short script)."""
    problem = _problem(script, hosts, count)
    if problem:
        raise BackendError(
            f"Writer {writer!r} returned an unusable script: {problem}.",
            "Try again, or choose another writer (the writer setting: podgen.toml or PODGEN_WRITER).",
        )


def _problem(script: Script, hosts: list[str], count: bool) -> str | None:
    if not isinstance(script, Script):
        return f"expected a Script, got {type(script).__name__}"
    if count and len(script.lines) < min(2, len(hosts)):
        return f"it has {len(script.lines)} line(s), at least 2 are needed"
    for number, line in enumerate(script.lines, 1):
        if problem := not_a_host(line.speaker, hosts):
            return f"line {number} is spoken by {problem}"
        if not line.text.strip():
            return f"line {number} is empty"
    return None
