"""Turn timing drawn from how people talk: the rules of the natural style.

What each line does (its kind: a question, an answer, a reaction, a new topic, or a statement)
sets how long the next host waits, and whether it starts before the last one has ended; a long
line gets backchannels from the listener at some of its sentence ends. The numbers, with the
studies they rest on, are in ``prompts/conversation.toml``. Every draw is seeded by the episode
title and the line itself: the same script is timed the same way every time, and editing one
line re-times only that line.

This module only decides; ``layout.py`` finds the places in the audio and puts it together.
"""

from __future__ import annotations

import hashlib
import logging
import random
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..errors import ConfigError
from ..models import TURN_KINDS, Script
from ..prompts import load_toml
from ..text.language import base_language
from ..text.sentences import sentence_ends

if TYPE_CHECKING:
    from ..config import Settings

log = logging.getLogger(__name__)

RULES_FILE = "conversation.toml"
REACTION_WORDS = 4
"""A line of at most this many words, with no question in it, is a reaction ("Exactly.", "Oh, right.")."""
WORDS_PER_SECOND = 2.5
_CLAUSE_END = re.compile(r"[,;:](?=\s)|\s[–—](?=\s)")
_ANY_END = re.compile(r"[.!?,;:]+[\"'”’)\]]*(?=\s)|\s[–—](?=\s)")
LONG_SENTENCE = 20
"""Words a sentence needs before a backchannel may come at one of its clause ends (a comma)."""
CLAUSE_WORDS = 6
"""Words a clause end needs on each side of it within its sentence."""


@dataclass(frozen=True)
class Quantiles:
    p10: float
    p50: float
    p90: float

    def draw(self, u: float) -> float:
        """The value at quantile ``u``: piecewise linear through p10, p50 and p90, running on
        half as far again below p10 and above p90; never below zero (overlaps are drawn apart)."""
        points = [
            (0.0, self.p10 - (self.p50 - self.p10) / 2),
            (0.1, self.p10),
            (0.5, self.p50),
            (0.9, self.p90),
            (1.0, self.p90 + (self.p90 - self.p50) / 2),
        ]
        for (u0, v0), (u1, v1) in zip(points, points[1:]):
            if u <= u1:
                return max(0.0, v0 + (v1 - v0) * (u - u0) / (u1 - u0))
        return max(0.0, points[-1][1])


@dataclass(frozen=True)
class Rules:
    gaps: dict[str, Quantiles]
    overlap_chance: dict[str, float]
    overlap: tuple[float, float]
    duck_db: float
    per_minute: float
    min_words: int
    min_seconds: float
    lead: tuple[float, float]
    resume: tuple[float, float]
    gain_db: float
    words: dict[str, dict[str, list[str]]]
    lead_ins: dict[str, frozenset[str]]


@dataclass(frozen=True)
class Backchannel:
    """A listener's short word during line ``line``, where its text is cut at character ``at``
    (the end of a sentence, or of a clause of a long sentence)."""

    line: int
    at: int
    speaker: str
    text: str


# --- the rules, from prompts/conversation.toml ----------------------------------------------


def load_rules(settings: Settings | None = None) -> Rules:
    data = load_toml(RULES_FILE, settings)
    try:
        return _rules(data)
    except (KeyError, TypeError, ValueError) as exc:
        raise ConfigError(
            f"{RULES_FILE} is not a valid set of conversation rules ({exc}).",
            "Compare it with the built-in prompts/conversation.toml.",
        ) from None


def _rules(data: dict[str, Any]) -> Rules:
    gaps = {kind: Quantiles(float(q["p10"]), float(q["p50"]), float(q["p90"])) for kind, q in data["gaps"].items()}
    missing = [k for k in (*TURN_KINDS, "same_speaker") if k not in gaps]
    if missing:
        raise ValueError(f"[gaps] lacks {', '.join(missing)}")
    overlap, back = data["overlap"], data["backchannels"]
    words = {
        lang: {group: [str(w) for w in listed] for group, listed in groups.items()}
        for lang, groups in back["words"].items()
    }
    return Rules(
        gaps=gaps,
        overlap_chance={k: float(v) for k, v in overlap["chance"].items()},
        overlap=(float(overlap["min"]), float(overlap["max"])),
        duck_db=float(overlap["duck_db"]),
        per_minute=float(back["per_minute"]),
        min_words=int(back["min_words"]),
        min_seconds=float(back["min_seconds"]),
        lead=_range(back["lead"]),
        resume=_range(back["resume"]),
        gain_db=float(back["gain_db"]),
        words=words,
        lead_ins={lang: frozenset(str(w).lower() for w in listed) for lang, listed in overlap["lead_ins"].items()},
    )


def _range(value: Any) -> tuple[float, float]:
    low, high = (float(v) for v in value)
    if not 0 <= low <= high:
        raise ValueError(f"{value!r} is not a range of seconds [low, high]")
    return low, high


# --- what each line does ----------------------------------------------------------------------


def clause_ends(text: str) -> list[int]:
    """Offsets of the clause ends (commas, semicolons, colons, dashes) inside the long sentences
    of a line that have at least CLAUSE_WORDS words on each side within their sentence."""
    found, start = [], 0
    for end in [*sentence_ends(text), len(text)]:
        sentence = text[start:end]
        if len(sentence.split()) >= LONG_SENTENCE:
            for match in _CLAUSE_END.finditer(sentence):
                before, after = sentence[: match.end()].split(), sentence[match.end() :].split()
                if len(before) >= CLAUSE_WORDS and len(after) >= CLAUSE_WORDS:
                    found.append(start + match.end())
        start = end
    return found


def pause_marks(text: str) -> list[int]:
    """Every offset in a line where a voice may pause (punctuation followed by a space)."""
    return [m.end() for m in _ANY_END.finditer(text)]


def kinds(script: Script) -> list[str]:
    """Each line's kind: as the script says, else told from the text and the chapters."""
    starts = {c.line for c in script.chapters if c.line > 0}
    found = []
    for i, line in enumerate(script.lines):
        before = script.lines[i - 1] if i else None
        if line.kind:
            found.append(line.kind)
        elif i in starts:
            found.append("topic")
        elif before is not None and before.speaker != line.speaker and before.text.rstrip().endswith("?"):
            found.append("answer")
        elif len(line.text.split()) <= REACTION_WORDS and "?" not in line.text:
            found.append("reaction")
        else:
            found.append("question" if line.text.rstrip().endswith("?") else "statement")
    return found


def draws(script: Script, index: int, what: str) -> random.Random:
    line = script.lines[index]
    seed = hashlib.sha256(f"{script.title}\n{index}\n{line.speaker}\n{line.text}\n{what}".encode()).hexdigest()
    return random.Random(seed)


# --- the pause before each line ---------------------------------------------------------------


def gaps(script: Script, rules: Rules, language: str = "en") -> list[float]:
    """Seconds from the end of the last line's speech to the start of each line's (0 for the
    first); negative when the line overlaps the one before it (the layout may shorten that)."""
    lead_ins = rules.lead_ins.get(base_language(language), frozenset())
    found = [0.0]
    for i, kind in enumerate(kinds(script)[1:], 1):
        rng = draws(script, i, "gap")
        line = script.lines[i]
        if line.speaker == script.lines[i - 1].speaker:
            found.append(round(rules.gaps["same_speaker"].draw(rng.random()), 3))
        elif _overlaps(line.overlap, rules.overlap_chance.get(kind, 0.0), _leads_in(line.text, lead_ins), rng):
            found.append(-round(rng.uniform(*rules.overlap), 3))
        else:
            found.append(round(rules.gaps[kind].draw(rng.random()), 3))
    return found


def _leads_in(text: str, lead_ins: frozenset[str]) -> bool:
    """Whether a line opens with a word that carries no content ("Yeah, ...", "So ..."): only
    such a line starts over the end of the last one unless the script asks for it."""
    first = re.match(r"[\w'’]+", text.strip())
    return bool(first) and first.group(0).lower() in lead_ins


def _overlaps(marked: bool | None, chance: float, leads_in: bool, rng: random.Random) -> bool:
    drawn = rng.random() < chance  # drawn always: a line's other draws do not depend on it
    return marked if marked is not None else drawn and leads_in


# --- backchannels -----------------------------------------------------------------------------


def backchannels(script: Script, settings: Settings, rules: Rules | None = None) -> list[Backchannel]:
    """The script's own reactions, and for lines without any, backchannels at some sentence
    (or long sentences' clause) ends: about ``per_minute`` a minute, never closer than
    ``min_seconds``, and only after ``min_words`` of the line."""
    rules = rules or load_rules(settings)
    words = rules.words.get(settings.base_language)
    found: list[Backchannel] = []
    for i, line in enumerate(script.lines):
        ends = sentence_ends(line.text)
        found += [Backchannel(i, ends[r.after - 1], r.speaker, r.text) for r in line.reactions if r.after <= len(ends)]
        if any(r.after > len(ends) for r in line.reactions):
            log.warning("line %d has %d sentence(s): a reaction after a later one is left out", i, len(ends) + 1)
    if not words or len(script.hosts) < 2:
        return found
    automatic = _automatic(script, rules, words, {b.line for b in found}, settings.words_per_minute)
    return sorted(found + automatic, key=lambda b: (b.line, b.at))


def _automatic(
    script: Script, rules: Rules, words: dict[str, list[str]], taken: set[int], words_per_minute: int
) -> list[Backchannel]:
    places = list(_places(script, rules, taken))
    minutes = script.word_count() / words_per_minute
    chance = min(1.0, rules.per_minute * minutes / len(places)) if places else 0.0
    found: list[Backchannel] = []
    last_word, last_at = "", -1e9  # words of speech before the last backchannel
    for i, at, spoken, said in places:
        rng = draws(script, i, f"backchannel/{at}")
        if rng.random() < chance and (spoken - last_at) / WORDS_PER_SECOND >= rules.min_seconds:
            word = _word(words, said, last_word, rng)
            found.append(Backchannel(i, at, _listener(script, i), word))
            last_word, last_at = word, spoken
    return found


def _places(script: Script, rules: Rules, taken: set[int]):
    """(line, character offset, words of the episode before it, the text just said) for every
    sentence end, or clause end of a long sentence, that a backchannel may follow."""
    total = 0
    for i, line in enumerate(script.lines):
        text = line.text
        for at in sorted({*sentence_ends(text), *clause_ends(text)}) if i not in taken else []:
            before, after = len(text[:at].split()), len(text[at:].split())
            if before >= rules.min_words and after >= 3:
                yield i, at, total + before, text[max(0, at - 200) : at]
        total += len(text.split())


def _listener(script: Script, index: int) -> str:
    """Who listens to line ``index``: the host who spoke last, else the one who speaks next."""
    speaker = script.lines[index].speaker
    around = [script.lines[j].speaker for j in (index - 1, index + 1) if 0 <= j < len(script.lines)]
    others = [s for s in around if s != speaker] + [h for h in script.hosts if h != speaker]
    return others[0]


def _surprising(words: dict[str, list[str]]) -> re.Pattern[str]:
    """A digit, or one of the language's ``surprising`` words (superlatives, big numbers)."""
    listed = "|".join(re.escape(w) for w in words.get("surprising", []))
    return re.compile(rf"\d|\b(?:{listed})\b" if listed else r"\d", re.IGNORECASE)


def _word(words: dict[str, list[str]], said: str, last: str, rng: random.Random) -> str:
    sentence = re.split(r"[.!?]\s", said)[-1]
    surprised = words.get("surprise") and _surprising(words).search(sentence) and rng.random() < 0.5
    choices = [w for w in words["surprise" if surprised else "listening"] if w != last] or words["listening"]
    return rng.choice(choices)
