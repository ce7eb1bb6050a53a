"""Coverage: which of the document's key sections an episode talks about.

The key sections are the document's substantial sections ranked by how central they are to
the whole (TF-IDF centrality over the sections), the subject's definition (the lead: abstract,
summary, or the first section) always first; an episode of ``minutes`` has about one key
section per 75 seconds. A section is talked about when the script uses enough of the words
that set it apart from the other sections (its highest TF-IDF terms).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass

from ..models import Document, Script, Section
from ..text.centrality import Centrality, terms
from ..text.headings import spoken_heading

SECONDS_PER_KEY = 75.0
"""One key section per this many seconds of the episode (the middle of a 45-90 s chapter)."""
MIN_WORDS = 40
"""A section needs this many words to be a key section."""
TOP_TERMS = 8
"""The terms that set a section apart."""
ENOUGH_TERMS = 3
"""A section is talked about when the script uses this many of its top terms."""
_LEAD = re.compile(r"^(?:abstract|summary|overview|synopsis|executive summary|introduction|tl;? ?dr)$", re.I)
_SKIP = re.compile(
    r"^(?:references|bibliography|acknowledge?ments?|(?:table of )?contents|index|external links"
    r"|see also|further reading|notes|footnotes|citations|works cited|sources)$",
    re.IGNORECASE,
)


@dataclass
class Key:
    index: int
    """The section's position among the document's (merged) sections."""
    members: list[int]
    """The positions in ``document.sections`` of the sections it was merged from."""
    heading: str
    text: str
    score: float
    top: list[str]
    """The terms that set it apart."""


def sections(document: Document) -> list[tuple[Section, list[int]]]:
    """The document's sections with untitled ones joined to the one before, each with the
    positions of the sections it was made of; no reference lists."""
    merged: list[tuple[Section, list[int]]] = []
    for index, section in enumerate(document.sections):
        heading = spoken_heading(section.heading)
        if merged and not heading:
            last, members = merged[-1]
            merged[-1] = (Section(last.heading, f"{last.text}\n\n{section.text}"), [*members, index])
        else:
            merged.append((Section(heading, section.text), [index]))
    return [(s, m) for s, m in merged if not _SKIP.match(s.heading)]


def ranked(document: Document) -> list[Key]:
    """Substantial sections, most central first, the lead (the subject's definition) before all."""
    found = [(i, s, m) for i, (s, m) in enumerate(sections(document)) if len(s.text.split()) >= MIN_WORDS]
    if not found:
        return []
    texts = [s.text for _, s, _ in found]
    scores = Centrality(texts).scores(texts) if len(texts) > 1 else [1.0]
    tops = _top_terms(texts)
    keys = [Key(i, m, s.heading, s.text, score, top) for (i, s, m), score, top in zip(found, scores, tops)]
    lead = keys[0] if (_LEAD.match(keys[0].heading) or keys[0].index == 0) else None
    rest = sorted((k for k in keys if k is not lead), key=lambda k: -k.score)
    return ([lead] if lead else []) + rest


def key_count(minutes: float) -> int:
    return max(1, round(minutes * 60 / SECONDS_PER_KEY))


def key_sections(document: Document, minutes: float) -> list[Key]:
    return ranked(document)[: key_count(minutes)]


def _top_terms(texts: list[str]) -> list[list[str]]:
    counts = [Counter(terms(t)) for t in texts]
    df = Counter(term for c in counts for term in c)
    total = len(texts)
    tops = []
    for c in counts:
        weight = {t: (1 + math.log(n)) * math.log((1 + total) / (1 + df[t]) + 1) for t, n in c.items() if len(t) > 2}
        tops.append([t for t, _ in sorted(weight.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP_TERMS]])
    return tops


def talked_about(key: Key, said: set[str]) -> bool:
    return len(set(key.top) & said) >= min(ENOUGH_TERMS, len(key.top))


def coverage(script: Script, document: Document, minutes: float) -> dict[str, object]:
    """{"key_sections": n, "covered": k, "share": k/n, "missing": [headings]} for script.json."""
    keys = key_sections(document, minutes)
    said = set(terms(" ".join(line.text for line in script.lines)))
    missing = [k.heading or f"section {k.index + 1}" for k in keys if not talked_about(k, said)]
    covered = len(keys) - len(missing)
    return {
        "key_sections": len(keys),
        "covered": covered,
        "share": round(covered / len(keys), 3) if keys else 1.0,
        "missing": missing,
    }
