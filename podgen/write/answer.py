"""A listener's question, answered by the hosts from the sources.

Host A puts the question to host B, who answers. Offline the answer is extractive, as the
offline writer is: the source sentences closest to the question (TF-IDF, the offline writer's
ranker), read as written, after a phrase that says so. With a model (the ``openai`` or ``local``
writer, or what ``auto`` finds) the model answers from those same sentences through the
writer's chat client. The phrases come from ``prompts/answer.toml`` and hold no facts.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from string import Template
from typing import TYPE_CHECKING

from ..errors import BackendError, ConfigError
from ..llm import ChatClient
from ..models import Document, Line
from ..prompts import load_text, load_toml
from ..text.centrality import Centrality
from ..text.sentences import split_sentences
from . import writers
from .auto import choose
from .model.grounding import Source
from .offline import finish
from .sentences import candidates
from .spoken import speakable_text

if TYPE_CHECKING:
    from ..config import Settings

PHRASES = "answer.toml"
PROMPT = "answer.md"
READ_OUT = 2
"""Source sentences an offline answer reads out."""
CONTEXT = 15
"""Source sentences a model answers from."""
MIN_SCORE = 0.12
"""How close (cosine) a sentence must be to the question to count as an answer; it must also share
two of the question's words (one, for a question of one word)."""
MAX_QUESTION = 500
ANSWER_TOKENS = 160
MOST_SENTENCES = 4
"""A model's answer is cut after this many sentences (small models ramble on)."""


@dataclass
class Answer:
    lines: list[Line]
    """Host A asks, host B answers (one host alone does both)."""
    extractive: bool
    sources: list[str] = field(default_factory=list)
    """The source sentences the answer rests on."""
    writer: str = "offline"
    unsupported: list[str] = field(default_factory=list)
    """Numbers and names in a model's answer that the sources do not hold (as the writer's grounding finds them)."""


def relevant(question: str, document: Document, most: int) -> list[str]:
    """The ``most`` sentences of ``document`` closest to ``question``, in document order."""
    found = [s.text for section in document.sections for s in candidates(section.text)]
    if not found:
        return []
    centrality = Centrality(found)
    asked = centrality.vector(question)
    needed = min(2, len(asked))
    scores = [
        centrality.cosine(asked, v) if len(asked.keys() & v.keys()) >= needed else 0.0
        for v in map(centrality.vector, found)
    ]
    best = sorted((i for i, s in enumerate(scores) if s >= MIN_SCORE), key=lambda i: -scores[i])[:most]
    return [found[i] for i in sorted(best)]


def answer_question(question: str, document: Document, settings: Settings, hosts: list[str]) -> Answer:
    """The hosts' exchange about ``question``, grounded in ``document``."""
    question = " ".join(question.split())
    if not question or len(question) > MAX_QUESTION:
        raise ConfigError(
            "The question is empty." if not question else f"The question is longer than {MAX_QUESTION} characters.",
            "Type a question, or record one." if not question else "Ask it in fewer words.",
        )
    phrases = _phrases(settings)
    asker, answerer = hosts[0], hosts[1 % len(hosts)]
    pick = random.Random(question).choice
    asked = pick(phrases["ask"]).format(question=question, host=asker, other=answerer)
    ask = Line(asker, finish(speakable_text(asked, settings.language, hosts)), "question")
    name, chosen = _writer(settings)
    if name in ("openai", "local"):
        text, used = _from_model(question, document, chosen, name, answerer)
        claims = _unsupported(text, document, settings, [*hosts, question])
        return Answer([ask, Line(answerer, text, "answer")], False, used, name, claims)
    sentences = relevant(question, document, READ_OUT)
    said = " ".join([pick(phrases["extractive"]), *sentences]) if sentences else pick(phrases["nothing"])
    return Answer([ask, Line(answerer, finish(said), "answer")], True, sentences)


def _phrases(settings: Settings) -> dict[str, list[str]]:
    data = load_toml(PHRASES, settings)
    for kind in ("ask", "extractive", "nothing"):
        if not isinstance(data.get(kind), list) or not data[kind] or not all(isinstance(p, str) for p in data[kind]):
            raise ConfigError(f"Phrase list {kind!r} in {PHRASES} must be a non-empty list of strings.")
    return data


def _writer(settings: Settings) -> tuple[str, Settings]:
    """The writer that answers: the settings' writer, with ``auto`` resolved as it is for scripts."""
    if settings.writer != "auto":
        return settings.writer, settings

    choice = choose(settings)
    return choice.writer, settings.model_copy(update=choice.updates)


def _from_model(question: str, document: Document, settings: Settings, name: str, host: str) -> tuple[str, list[str]]:

    used = relevant(question, document, CONTEXT) or [s.text for s in candidates(document.text)][:CONTEXT]
    system = Template(load_text(PROMPT, settings)).safe_substitute(
        host=host, title=document.title, language=settings.language, source="\n".join(used)
    )
    writer = writers.create(name)
    settings = writer.prepared(settings)
    client = ChatClient(settings, transport=writer.transport(settings))
    reply = client.chat(
        [{"role": "system", "content": system}, {"role": "user", "content": question}],
        max_tokens=ANSWER_TOKENS,
        kind="segment",
    )
    sentences = split_sentences(speakable_text(reply.text, settings.language, [host]))
    if reply.finish_reason != "stop" and len(sentences) > 1:
        sentences = sentences[:-1]  # cut off at the token limit: the last sentence is unfinished
    text = " ".join(sentences[:MOST_SENTENCES])
    if not text:
        raise BackendError("The model's answer had nothing to say aloud.", "Ask again, or choose the offline writer.")
    return finish(text), used


def _unsupported(text: str, document: Document, settings: Settings, known: list[str]) -> list[str]:

    ignore = {w.lower().strip("?.,!") for phrase in [*known, document.title] for w in phrase.split()}
    return Source(document.text, settings.base_language == "en").unsupported(text, ignore)
