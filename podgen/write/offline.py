"""The offline writer: a two-host show built only from the document's own sentences.

No model runs. Host A guides (welcomes, opens each topic, asks); host B explains by
reading the section's most central sentences verbatim, and host A reads some of them too.
Host A's questions are made from the sentence host B reads next (``questions.py``): its
subject and the kind of claim it makes, so host A asks what a listener would ask.
Everything factual in the script is a sentence of the document; the phrases around them
come from ``prompts/offline.toml`` (``offline.de.toml`` for German, and so on: the phrases,
the question patterns and the headings of each language) and hold no facts (a question's only
words from the document are those of the sentence that answers it). Same input, same script.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..contracts import Progress, Writer
from ..errors import EmptyDocument, UsageError
from ..models import Chapter, Document, Line, Script, Section
from ..prompts import has_template
from ..text.centrality import Centrality
from ..text.headings import spoken_heading
from .phrases import Language, Part, Phrases, load_language, phrases_file
from .sentences import Sentence, candidates, ranked

if TYPE_CHECKING:
    from ..config import Settings

NAME = "offline"
SOURCE = "source"
"""The kind of a Part copied from the document (every other kind names a phrase list)."""

HOST_A, HOST_B = 0, 1
MIN_TOPIC_WORDS = 25
"""A section needs this many words of speakable sentences to become a topic."""
TOPIC_FLOOR = 25
"""The fewest sentence words a covered topic is given."""
TURN_WORDS = 45
"""Longest explanation (in sentence words) before the other host cuts in."""
BUDGET_STEPS = 21
"""How many sentence budgets are tried to land the script near its target length."""


# --- the show as parts that remember where they came from ----------------------------------


@dataclass
class Turn:
    speaker: int
    parts: list[Part]
    kind: str | None = None
    """What the turn does in the conversation (models.TURN_KINDS), when the writer knows."""

    @property
    def text(self) -> str:
        return finish(" ".join(p.text for p in self.parts))


@dataclass
class Draft:
    turns: list[Turn] = field(default_factory=list)
    chapters: list[Chapter] = field(default_factory=list)

    def words(self) -> int:
        return sum(len(t.text.split()) for t in self.turns)


def finish(text: str) -> str:
    """Trimmed, single-spaced, ending with punctuation: ready to be spoken."""
    text = re.sub(r"\s+", " ", text).strip()
    return text if not text or text[-1] in ".!?\"”’'" else text + "."


# --- what the document offers ----------------------------------------------------------------


@dataclass
class Topic:
    heading: str
    sentences: list[Sentence]
    """Most central first."""

    @property
    def words(self) -> int:
        return sum(s.words for s in self.sentences)


@dataclass
class Material:
    opening: Sentence
    """The sentence that says what the document is about."""
    topics: list[Topic]
    lowercase: frozenset[str] = frozenset()
    """Words the document writes in lower case somewhere (a question says "the models", not "The models")."""


def gather(document: Document, title: str, language: Language) -> Material:
    sections = _merged(document.sections)
    skip, lead_heading = language.patterns["skip_headings"], language.patterns["lead_headings"]
    found = [(spoken_heading(s.heading), candidates(s.text, language.function_words)) for s in sections]
    found = [(h, c) for h, c in found if not skip.match(h)]
    found = [(h, c) for h, c in found if c]
    if not found:
        raise EmptyDocument(
            f"{document.source or title} has no sentences the offline writer can read aloud.",
            "Give podgen a document with prose paragraphs, or use a model-based writer.",
        )
    centrality = Centrality([s.text for _, c in found for s in c])
    everything = [s.text for _, c in found for s in c]
    names = {title.lower(), spoken_heading(document.title).lower(), ""}
    lead = [c for h, c in found[:1] if h.lower() in names or lead_heading.match(h)]
    opening = ranked(lead[0] if lead else [s for _, c in found for s in c], centrality, everything)[0]
    body = found[1:] if lead and len(found) > 1 else found
    topics = [Topic(h or title, ranked([s for s in c if s != opening], centrality)) for h, c in body]
    lowercase = frozenset(w for text in everything for w in re.findall(r"(?<![\w'’-])[a-z][\w'’-]*", text))
    return Material(opening, _substantial(topics), lowercase)


def _merged(sections: list[Section]) -> list[Section]:
    """Untitled sections after the first belong to the section before them."""
    merged: list[Section] = []
    for section in sections:
        if merged and not spoken_heading(section.heading):
            merged[-1] = Section(merged[-1].heading, merged[-1].text + "\n\n" + section.text)
        else:
            merged.append(section)
    return merged


def _substantial(topics: list[Topic]) -> list[Topic]:
    kept = [t for t in topics if t.words >= MIN_TOPIC_WORDS]
    return kept or [t for t in topics if t.sentences][:1]


# --- how much of it fits ---------------------------------------------------------------------


def plan(topics: list[Topic], budget: float) -> list[tuple[Topic, list[Sentence]]]:
    """The topics to cover and their sentences (in document order) for ``budget`` words."""
    chosen = _most_substantial(topics, budget)
    total = sum(t.words for t in chosen) or 1
    spare = max(budget - TOPIC_FLOOR * len(chosen), 0.0)
    return [(t, _fill(t.sentences, TOPIC_FLOOR + spare * t.words / total)) for t in chosen]


def _most_substantial(topics: list[Topic], budget: float) -> list[Topic]:
    room = max(1, min(len(topics), int(budget // TOPIC_FLOOR)))
    best = sorted(range(len(topics)), key=lambda i: (-topics[i].words, i))[:room]
    return [topics[i] for i in sorted(best)]


def _fill(sentences: list[Sentence], budget: float) -> list[Sentence]:
    """The most central sentences that fit ``budget``, drawn from a pool that grows with it."""
    total = sum(s.words for s in sentences) or 1
    pool = sentences[: max(2, math.ceil(len(sentences) * min(1.0, 2 * budget / total)))]
    picked: list[Sentence] = []
    words = 0
    for sentence in pool:
        if words >= 0.9 * budget:
            break
        if words + sentence.words > 1.1 * budget:
            continue
        picked.append(sentence)
        words += sentence.words
    return sorted(picked or sentences[:1], key=lambda s: s.position)


# --- the conversation --------------------------------------------------------------------------


def compose(material: Material, covered: list[tuple[Topic, list[Sentence]]], phrases: Phrases) -> Draft:
    draft = Draft()
    draft.chapters.append(Chapter("Welcome", 0))
    draft.turns += _intro(material.opening, phrases)
    for index, (topic, sentences) in enumerate(covered):
        draft.chapters.append(Chapter(topic.heading, len(draft.turns)))
        draft.turns += _segment(index, topic.heading, sentences, phrases, _just_agreed(draft.turns))
    draft.chapters.append(Chapter("Wrap-up", len(draft.turns)))
    draft.turns += _outro([t.heading for t, _ in covered], phrases)
    return draft


def _intro(opening: Sentence, phrases: Phrases) -> list[Turn]:
    return [
        Turn(HOST_A, [phrases.say("intro", HOST_A)]),
        Turn(HOST_B, [phrases.say("intro_about", HOST_B), Part(opening.text, SOURCE)]),
    ]


def _just_agreed(turns: list[Turn]) -> bool:
    """True when host A spoke last, or host B only agreed with A (then A needs no segue)."""
    return bool(turns) and (turns[-1].speaker == HOST_A or [p.kind for p in turns[-1].parts] == ["agree"])


def _segment(index: int, heading: str, sentences: list[Sentence], phrases: Phrases, agreed: bool) -> list[Turn]:
    chunks = _chunks(sentences)
    readers = _readers(index, len(chunks))
    opener = [phrases.say("segue", HOST_A)] if index and not agreed else []
    asked = phrases.ask(chunks[0][0], HOST_A) if 0 not in readers else None
    if asked:
        opener += [phrases.say("open_with_question", HOST_A, heading=heading), asked]
    else:
        opener.append(phrases.say("open_topic" if index else "first_topic", HOST_A, heading=heading))
    turns = [Turn(HOST_A, opener, "topic")]
    agree = False
    for number, chunk in enumerate(chunks):
        if number in readers:
            turns.append(Turn(HOST_A, [phrases.say("read_aloud", HOST_A), *_source(chunk)], "statement"))
            agree = True
            continue
        if number and number - 1 not in readers:
            asked = phrases.ask(chunk[0], HOST_A)
            turns.append(Turn(HOST_A, [asked or phrases.say("reaction", HOST_A)], "question" if asked else "reaction"))
        first = number == 0 and index % 2 == 0 and not asked
        pending = [phrases.say("agree", HOST_B)] if agree else []
        turns.append(Turn(HOST_B, pending + _explain(chunk, first, phrases), "answer" if asked else None))
        agree, asked = False, None
    return turns  # a section host A ends by reading: host B's agreement is left out (a reaction is not a line)


def _chunks(sentences: list[Sentence]) -> list[list[Sentence]]:
    """Sentences grouped into turns: one each in short sections, up to two in longer ones."""
    most = 1 if len(sentences) <= 3 else 2
    chunks: list[list[Sentence]] = []
    for sentence in sentences:
        last = chunks[-1] if chunks else None
        if last and len(last) < most and sum(s.words for s in last) + sentence.words <= TURN_WORDS:
            last.append(sentence)
        else:
            chunks.append([sentence])
    return chunks


def _readers(index: int, chunks: int) -> set[int]:
    """The chunks host A reads out (every third one), so both hosts carry the content."""
    if chunks < 2:
        return set()
    if index % 2 == 0:
        return set(range(1, chunks, 3))
    return set(range(chunks - 1, 0, -3))


def _explain(chunk: list[Sentence], answering: bool, phrases: Phrases) -> list[Part]:
    if any(phrases.language.patterns["first_person"].search(s.text) for s in chunk):
        lead = [phrases.say("their_words", HOST_B)]
    else:
        lead = [phrases.say("answer", HOST_B)] if answering else []
    return lead + _source(chunk)


def _source(chunk: list[Sentence]) -> list[Part]:
    return [Part(s.text, SOURCE) for s in chunk]


RECAP_MAX = 6
"""A recap names at most this many topics; a longer one ends "... and N more topics"."""


def _outro(headings: list[str], phrases: Phrases) -> list[Turn]:
    if len(headings) > RECAP_MAX:
        more = phrases.language.words["more_topics"].format(count=len(headings) - RECAP_MAX + 2)
        headings = headings[: RECAP_MAX - 2] + [more]
    return [
        Turn(HOST_A, [phrases.say("outro", HOST_A, topics=spoken_list(headings, phrases.language.words))]),
        Turn(HOST_B, [phrases.say("outro_close", HOST_B)]),
    ]


def spoken_list(items: list[str], words: dict[str, str]) -> str:
    """ "A and B", "A, B, and C", in the words of the language (list_pair, list_and)."""
    if len(items) <= 2:
        return words["list_pair"].join(items)
    return ", ".join(items[:-1]) + words["list_and"] + items[-1]


# --- the writer ------------------------------------------------------------------------------


def refuse_unsupported(settings: Settings) -> None:
    """The offline writer reads sentences back as a two-host deep-dive, nothing else."""
    problem = None
    if settings.format != "deep-dive":
        problem = f"cannot write the {settings.format!r} format (only deep-dive)"
    elif len(settings.hosts) != 2:
        problem = f"writes for exactly two hosts, not {len(settings.hosts)}"
    if problem:
        raise UsageError(
            f"The offline writer {problem}.", "Use a model: set OPENAI_API_KEY or --llm-base-url and --llm openai."
        )


class OfflineWriter(Writer):
    """Writer backend "offline": no model, no network, deterministic."""

    name = NAME

    def write(self, document: Document, settings: Settings, progress: Progress | None = None) -> Script:
        refuse_unsupported(settings)
        language = load_language(settings)
        title = self.title(document, settings)
        material = gather(document, title, language)
        draft = self.draft(document, settings, material)
        phrases = Phrases(language, title, settings.host_names, title, material.lowercase)
        return Script(
            title=title,
            description=finish(phrases.say("description", HOST_A).text + " " + material.opening.text),
            lines=[Line(settings.host_names[t.speaker], t.text, kind=t.kind) for t in draft.turns],
            chapters=draft.chapters,
            hosts=settings.host_names,
            sources=[document.source],
            writer=NAME,
        )

    @staticmethod
    def title(document: Document, settings: Settings) -> str:
        return spoken_heading(settings.title or document.title) or load_language(settings).words["untitled"]

    def draft(self, document: Document, settings: Settings, material: Material | None = None) -> Draft:
        """The show as parts; each part knows whether it is a document sentence or a phrase."""
        title = self.title(document, settings)
        language = load_language(settings)
        material = material or gather(document, title, language)
        target = settings.minutes * settings.words_per_minute
        drafts = []
        for step in range(BUDGET_STEPS):  # try sentence budgets from 30% to 130% of the target
            covered = plan(material.topics, target * (0.3 + step / (BUDGET_STEPS - 1)))
            drafts.append(
                compose(material, covered, Phrases(language, title, settings.host_names, title, material.lowercase))
            )
        return min(drafts, key=lambda d: abs(d.words() - target))


# --- one segment, for a model-based writer that could not write it ---------------------------


def fallback_lines(heading: str, text: str, settings: Settings, words: int, first: bool) -> list[tuple[str, str]]:
    """About ``words`` words on ``heading``, read from ``text`` the offline way: the most central
    sentences, with host A opening the topic. Empty when ``text`` has nothing to read aloud."""
    language = load_language(settings) if has_template(phrases_file(settings.language), settings) else None
    found = candidates(text, language.function_words if language else None)
    if not found:
        return []
    hosts = settings.host_names
    sentences = _fill(ranked(found, Centrality([s.text for s in found])), max(words * 0.8, TOPIC_FLOOR))
    if len(hosts) != 2 or not has_template(phrases_file(settings.language), settings):  # no glue: hosts take turns
        return [(hosts[i % len(hosts)], s.text) for i, s in enumerate(sentences)]
    phrases = Phrases(load_language(settings), f"{heading}/{words}", hosts, spoken_heading(heading))
    turns = _segment(0 if first else 1, spoken_heading(heading) or "this part", sentences, phrases, False)
    return [(hosts[t.speaker], t.text) for t in turns]
