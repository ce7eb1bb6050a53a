"""Every writer's script, finished the same way: shaped, filled when short, chaptered, measured.

``write_script`` calls :func:`finish` on what any writer returned (after the speakable-text
normaliser): the show's shape (``shape.py``); when the writer gave too few usable lines and the
fallback is the offline writer, that writer fills what is missing, as it does for a segment a
model could not write; chapters merged to a listener's length (``chapters.py``); and the share
of the document's key sections the script talks about (``coverage.py``).
"""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import TYPE_CHECKING

from ..errors import PodgenError
from ..models import Document, Script
from .chapters import merged_chapters
from .coverage import coverage
from .offline import OfflineWriter, gather
from .phrases import load_language, load_phrases
from .shape import shape
from .shape_rules import Rules, load_rules

if TYPE_CHECKING:
    from ..config import Settings

log = logging.getLogger(__name__)
TOLERANCE = 0.15
"""A script may be this far off its target length (as the model writer's length check allows)."""
AIM = 0.08
"""Trimming aims this far over the target."""
ENDS = 2
"""Lines at each end never trimmed: the welcome and the goodbye."""
TOO_SHORT = 0.5
"""A script with less than this share of its target words is filled by the fallback."""
OFFLINE_PHRASES = ("intro_about", "outro", "outro_close")


def finish(script: Script, document: Document, settings: Settings) -> Script:
    rules = rules_for(settings)
    subject = subject_sentence(document, script.title, settings)
    framed, written = script.writer == OfflineWriter.name, script.word_count()
    script = shape(script, rules, subject, script.title, framed=framed)
    if _too_short(script, settings) and fills(settings):
        script = shape(_filled(script, document, settings), rules, subject, script.title)
    # chapters merged first: a trim never takes a chapter's first line, and short chapters have many
    script.chapters = merged_chapters(script, settings.words_per_minute, rules.generic_titles, settings.chapter_seconds)
    script = trimmed(script, round(settings.minutes * settings.words_per_minute), written)
    script.unsupported_claims = claims_placed(script)
    script.coverage = coverage(script, document, settings.minutes)
    script.stats["coverage"] = script.coverage
    script.stats["unsupported_claims"] = len(script.unsupported_claims)
    return script


def claims_placed(script: Script) -> list[dict]:
    """The writer's unsupported claims at the lines that now hold them (the shape may have moved,
    merged or dropped lines); a claim whose line is gone is not listed."""
    placed = []
    for claim in script.unsupported_claims:
        said = str(claim.get("text", ""))
        at = next((i for i, line in enumerate(script.lines) if said and said in line.text), None)
        if at is not None:
            placed.append({**claim, "line": at, "speaker": script.lines[at].speaker})
    return placed


def rules_for(settings: Settings) -> Rules:
    """shape.toml's rules for the language, with the offline writer's phrases for the welcome and
    the goodbye (English, two hosts: what the offline writer writes)."""
    phrases = {}
    if settings.base_language == "en" and len(settings.host_names) == 2:
        found = load_phrases(settings)
        phrases = {kind: found[kind] for kind in OFFLINE_PHRASES}
    return load_rules(settings, phrases)


def subject_sentence(document: Document, title: str, settings: Settings) -> str:
    """The document's own sentence that says what it is about (the offline writer's opening)."""
    if settings.base_language != "en":
        return ""
    try:
        return gather(document, title, load_language(settings)).opening.text
    except PodgenError:
        return ""


def fills(settings: Settings) -> bool:
    """Whether the offline writer may fill a script the writer left short."""
    fallback = settings.fallback
    return fallback == "offline" or (fallback == "auto" and settings.writer == "auto")


def _too_short(script: Script, settings: Settings) -> bool:
    target = settings.minutes * settings.words_per_minute
    return len(script.lines) < 2 or script.word_count() < TOO_SHORT * target


def _filled(script: Script, document: Document, settings: Settings) -> Script:
    """The script with the offline writer's chapters for the words it is missing, before its goodbye."""
    target = settings.minutes * settings.words_per_minute
    missing = max(target - script.word_count(), 60.0)
    try:
        offline = OfflineWriter().write(
            document, settings.model_copy(update={"minutes": missing / settings.words_per_minute})
        )
    except PodgenError as exc:
        log.warning("the script is short, and the offline writer cannot fill it: %s", exc.message)
        return script
    log.warning(
        "the writer gave %d usable line(s) of %d words; the offline writer fills the rest",
        len(script.lines),
        round(target),
    )
    filled = _instead(script, offline) if len(script.lines) < 2 else _inserted(script, offline)
    filled.stats = {**script.stats, "fallback_segments": len(filled.fallback_segments)}
    return filled


def _instead(script: Script, offline: Script) -> Script:
    """Nothing usable: the offline writer's whole show, every chapter listed as its."""
    titles = [c.title for c in offline.chapters]
    return replace(offline, title=script.title, writer=script.writer or offline.writer, fallback_segments=titles)


def _inserted(script: Script, offline: Script) -> Script:
    """The offline writer's topic chapters (not its welcome and goodbye) before the script's goodbye."""
    body = offline.chapters[1:-1] or offline.chapters
    first, last = body[0].line, (offline.chapters[-1].line if len(offline.chapters) > 1 else len(offline.lines))
    added = offline.lines[first:last]
    keep = len(script.lines) - 2 if len(script.lines) > 3 else len(script.lines)
    chapters = [c for c in script.chapters if c.line < keep]
    chapters += [replace(c, line=c.line - first + keep) for c in body]
    chapters += [replace(c, line=c.line + len(added)) for c in script.chapters if c.line >= keep]
    return replace(
        script,
        lines=[*script.lines[:keep], *added, *script.lines[keep:]],
        chapters=chapters,
        fallback_segments=[*script.fallback_segments, *(c.title for c in body)],
        highlight=[],
    )


def trimmed(script: Script, target: int, written: int) -> Script:
    """A script the shape made longer than the target allows (its welcome and goodbye come after
    the writer fitted its length) loses pairs of lines from the middle of its longest chapter, so
    that the hosts still alternate; never a chapter's first line, the welcome or the goodbye.
    Only what the shape added is trimmed: a writer's script of ``written`` words stays as long."""
    if script.word_count() <= max(target * (1 + TOLERANCE), written):
        return script
    lines, starts = list(script.lines), {c.line for c in script.chapters}
    words, goal = script.word_count(), max(target * (1 + AIM), written)
    while words > goal:
        pairs = [i for i in range(ENDS, len(lines) - ENDS - 1) if i not in starts and i + 1 not in starts]
        pairs = [i for i in pairs if words - _words(lines[i : i + 2]) >= target * (1 - TOLERANCE)]
        if not pairs:
            break
        chapter = _chapter_sizes(lines, sorted(starts))
        i = max(pairs, key=lambda i: (chapter[i], i))
        words -= _words(lines[i : i + 2])
        del lines[i : i + 2]
        starts = {s - 2 if s > i else s for s in starts}
        script = replace(
            script, chapters=[replace(c, line=c.line - 2 if c.line > i else c.line) for c in script.chapters]
        )
    log.info("the shaped script was long: trimmed to %d words", words)
    return replace(script, lines=lines, highlight=[])


def _words(lines: list) -> int:
    return sum(len(line.text.split()) for line in lines)


def _chapter_sizes(lines: list, starts: list[int]) -> list[int]:
    """For each line, the words of the chapter it is in."""
    bounds = [0, *[s for s in starts if s > 0], len(lines)]
    sizes = []
    for a, b in zip(bounds, bounds[1:]):
        sizes += [_words(lines[a:b])] * (b - a)
    return sizes
