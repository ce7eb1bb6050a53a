"""Grounding: every number, year, percentage and named term of the script looked up in the source.

Lines with claims the source does not contain are sent back once for a repair; what remains
is returned, so the episode can list it (``unsupported_claims``) for a person to check.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

from ..spoken import speakable_text
from .budget import answer_tokens, source_chars
from .job import Job
from .schema import Fixes
from .segments import Written
from .structured import Asker, InvalidAnswer

log = logging.getLogger(__name__)
_NUMBER = re.compile(r"(?<![\w.])\d(?:[\d,]*\d)?(?:\.\d+)?(?!\w)")
_WORD = re.compile(r"[A-Za-zÀ-ÿ][\w'’-]*")
_SENTENCE_START = re.compile(r"(?:^|[.!?:;\"“]\s+)$")
COMMON = frozenset("i i'm i've i'll i'd i’m ok okay yes no oh wow hey hi hello so and but well".split())
SMALL = 10
"""Whole numbers up to this are ordinary speech ("two ideas", "3 steps") unless they are percentages."""


@dataclass
class Claim:
    line: int
    speaker: str
    text: str
    unsupported: list[str]

    def as_dict(self) -> dict[str, object]:
        return {"line": self.line, "speaker": self.speaker, "text": self.text, "unsupported": self.unsupported}


class Source:
    """What the source text contains: its numbers and its words (lower case)."""

    def __init__(self, text: str, english: bool):
        self.numbers = {_plain(n) for n in _NUMBER.findall(text)}
        self.words = {w.lower().strip("'’-") for w in _WORD.findall(text)}
        self.english = english

    def unsupported(self, line: str, ignore: set[str]) -> list[str]:
        found = [n for n in self._numbers(line) if _plain(n) not in self.numbers]
        if self.english:
            found += [t for t in self._terms(line) if t.lower() not in ignore and not self._has(t)]
        return list(dict.fromkeys(found))

    def _numbers(self, line: str) -> list[str]:
        numbers = []
        for match in _NUMBER.finditer(line):
            percent = re.match(r"\s?(?:%|percent)", line[match.end() :])
            if percent or "." in match.group() or float(_plain(match.group())) > SMALL:
                numbers.append(match.group())
        return numbers

    def _terms(self, line: str) -> list[str]:
        terms = []
        for match in _WORD.finditer(line):
            word = match.group().strip("'’-")
            if word[:1].isupper() and not _SENTENCE_START.search(line[: match.start()]):
                terms.append(re.sub(r"['’]s$", "", word))
        return terms

    def _has(self, term: str) -> bool:
        parts = [p for p in re.split(r"[-'’]", term.lower()) if p]
        return term.lower() in self.words or all(p in self.words for p in parts)


def _plain(number: str) -> str:
    return number.replace(",", "").rstrip(".")


def check(job: Job, segments: list[Written]) -> list[Claim]:
    source = Source(job.document.to_markdown() + "\n" + job.title, job.settings.base_language == "en")
    ignore = {name.lower() for name in job.host_names} | COMMON
    claims, index = [], 0
    for segment in segments:
        if segment.fallback:  # read from the source word for word
            index += len(segment.lines)
            continue
        for speaker, text in segment.lines:
            missing = source.unsupported(text, ignore)
            if missing:
                claims.append(Claim(index, speaker, text, missing))
            index += 1
    return claims


def ground(job: Job, asker: Asker, segments: list[Written]) -> list[Claim]:
    """Repair lines with unsupported claims once; return the claims that remain."""
    claims = check(job, segments)
    if claims:
        log.info("%d line(s) make claims the source does not support; asking for a repair", len(claims))
        starts = _starts(segments)
        work = [
            (s, [c for c in claims if starts[i] <= c.line < starts[i] + len(s.lines)], starts[i])
            for i, s in enumerate(segments)
        ]
        work = [w for w in work if w[1]]
        job.client.expect(len(work))
        job.client.map(lambda item: _repair(job, asker, *item), work)
        claims = check(job, segments)
    for claim in claims:
        log.warning(
            "line %d (%s) says %s, which the source does not contain: check it before publishing",
            claim.line + 1,
            claim.speaker,
            ", ".join(claim.unsupported),
        )
    return claims


def _starts(segments: list[Written]) -> list[int]:
    starts, total = [], 0
    for segment in segments:
        starts.append(total)
        total += len(segment.lines)
    return starts


def _repair(job: Job, asker: Asker, segment: Written, claims: list[Claim], start: int) -> None:
    listed = "\n".join(
        f"Line {c.line + 1} ({c.speaker}): {c.text} [unsupported: {', '.join(c.unsupported)}]" for c in claims
    )
    max_tokens = answer_tokens(sum(len(c.text.split()) for c in claims), job.settings.context_tokens)
    fixed = job.fixed(Fixes.model_json_schema()) + job.prompt("ground", lines=listed, source="")
    source = job.material(segment.source, source_chars(job.settings.context_tokens, max_tokens, fixed))
    try:
        fixes = asker.ask(Fixes, job.prompt("ground", lines=listed, source=source), max_tokens, "revise")
    except InvalidAnswer as exc:
        log.info("segment %r: grounding repair unusable (%s); its claims are listed", segment.title, exc.message)
        return
    allowed = {c.line + 1 for c in claims}
    for fix in fixes.lines:
        text = speakable_text(fix.text, job.settings.language, job.host_names)
        if fix.line in allowed and len(text.split()) >= 2:  # as a written line must be; else the line stays
            speaker, _ = segment.lines[fix.line - 1 - start]
            segment.lines[fix.line - 1 - start] = (speaker, text)
