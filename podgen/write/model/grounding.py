"""Grounding: every number, year, percentage and named term of the script looked up in the source,
numbers said in words too ("six million"), and lines whose content words the source mostly never
uses (an explanation the model made up).

Lines with claims the source does not contain are sent back once for a repair; what remains
is returned, so the episode can list it (``unsupported_claims``) for a person to check.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

from ...prompts import load_toml
from ...text.centrality import STOPWORDS
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
WORDS_FILE = "grounding.toml"
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
    """What the source text contains: its numbers (in digits and in words), its words (lower
    case) and their stems."""

    def __init__(self, text: str, english: bool, words: Words | None = None):
        self.vocabulary = words or Words()
        self.numbers = {_plain(n) for n in _NUMBER.findall(text)} | self.vocabulary.values(text)
        self.words = {w.lower().strip("'’-") for w in _WORD.findall(text)}
        self.stems = {_stem(w) for w in self.words}
        self.english = english

    def unsupported(self, line: str, ignore: set[str]) -> list[str]:
        found = [n for n in self._numbers(line) if _plain(n) not in self.numbers]
        found += [said for said, value in self.vocabulary.spoken(line) if value not in self.numbers]
        if self.english:
            found += [t for t in self._terms(line) if t.lower() not in ignore and not self._has(t)]
            found += self.novel(line, ignore)
        return list(dict.fromkeys(found))

    def novel(self, line: str, ignore: set[str]) -> list[str]:
        """The line's content words that occur nowhere in the source, when they are so many that
        the line explains what the source does not (``NOVEL_WORDS`` and ``NOVEL_SHARE``)."""
        content = [
            w
            for w in (m.group().lower().strip("'’-") for m in _WORD.finditer(line) if not _named(line, m))
            if len(w) >= 4
            and w not in STOPWORDS
            and w not in self.vocabulary.everyday
            and w not in ignore
            and not self.vocabulary.is_number(w)
        ]
        new = list(dict.fromkeys(w for w in content if w not in self.words and _stem(w) not in self.stems))
        if len(new) >= NOVEL_MANY or (len(new) >= NOVEL_WORDS and len(new) >= NOVEL_SHARE * len(set(content))):
            return new
        return []

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


NOVEL_MANY = 5
"""A line explains what the source does not when it has this many content words the source never
uses, or ``NOVEL_WORDS`` that are ``NOVEL_SHARE`` of its content words or more. The bar, measured
on real models' scripts (tests/data/scripts): Qwen2.5-1.5B's paraphrases have at most 4 such
words (a share of at most 0.36, or 0.5 for a line of two content words); SmolLM2's inventions
("an extension that lets them compare ... history or culture") have 5 to 8, or 3 of 5."""
NOVEL_WORDS = 3
NOVEL_SHARE = 0.5
_SUFFIXES = ("ations", "ation", "ings", "ing", "ers", "er", "ies", "ied", "es", "ed", "ly", "s")


def _stem(word: str) -> str:
    """A word without a common ending ("transcribing", "transcribes" -> "transcrib")."""
    for suffix in _SUFFIXES:
        if len(word) > len(suffix) + 3 and word.endswith(suffix):
            return word[: -len(suffix)].rstrip("e")
    return word.rstrip("e") if len(word) > 4 else word


class Words:
    """grounding.toml for one language: number words, and everyday words that claim nothing."""

    def __init__(self, table: dict | None = None):
        table = table or {}
        self.units = {w: i for i, w in enumerate(table.get("units", []))}
        self.tens = {w: i * 10 for i, w in enumerate(table.get("tens", [])) if w}
        self.scales = {str(k): int(v) for k, v in table.get("scales", {}).items()}
        self.everyday = frozenset(str(table.get("everyday", "")).split())
        names = [*self.units, *self.tens, *self.scales]
        self._spoken = (
            re.compile(
                r"\b(?:(?:\d+(?:\.\d+)?|" + "|".join(map(re.escape, names)) + r")(?:[\s-]+(?:and[\s-]+)?|\b))+",
                re.IGNORECASE,
            )
            if names
            else None
        )

    def spoken(self, text: str) -> list[tuple[str, str]]:
        """Numbers said with words in ``text`` ("six million", "twenty-five", "1.5 billion"), as
        (what was said, its value), leaving out small ones ("two ideas") and plain digits."""
        found = []
        for match in self._spoken.finditer(text) if self._spoken else []:
            said = match.group().strip(" -")
            words = re.split(r"[\s-]+", said.lower())
            if all(re.fullmatch(r"[\d.]+", w) for w in words):
                continue
            value = self._value([w for w in words if w != "and"])
            if value is not None and value > SMALL:
                found.append((said, _plain(f"{value:f}".rstrip("0").rstrip("."))))
        return found

    def is_number(self, word: str) -> bool:
        return word in self.units or word in self.tens or word in self.scales

    def values(self, text: str) -> set[str]:
        """Every number of ``text`` said with words or with a scale ("6 million"), as digits."""
        return {value for _, value in self.spoken(text)}

    def _value(self, words: list[str]) -> float | None:
        total, current = 0.0, 0.0
        for word in words:
            if re.fullmatch(r"\d+(?:\.\d+)?", word):
                current += float(word)
            elif word in self.units:
                current += self.units[word]
            elif word in self.tens:
                current += self.tens[word]
            elif word in self.scales:
                scale = self.scales[word]
                if scale == 100:
                    current = (current or 1) * 100
                else:
                    total += (current or 1) * scale
                    current = 0.0
            else:
                return None
        return total + current


def load_words(settings) -> Words:
    table = load_toml(WORDS_FILE, settings).get(settings.base_language)
    return Words(table if isinstance(table, dict) else None)


def _named(line: str, match: re.Match) -> bool:
    """A capitalised word inside a sentence: a name, checked as a term, not as a content word."""
    return match.group()[:1].isupper() and not _SENTENCE_START.search(line[: match.start()])


def _plain(number: str) -> str:
    return number.replace(",", "").rstrip(".")


def check(job: Job, segments: list[Written]) -> list[Claim]:
    english = job.settings.base_language == "en"
    source = Source(job.document.to_markdown() + "\n" + job.title, english, load_words(job.settings))
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
