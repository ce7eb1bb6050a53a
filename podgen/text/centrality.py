"""TF-IDF centrality: how close a text's words are to those of a set of texts.

A sentence scores high when its words (TF-IDF weighted, stopwords removed, plurals folded) are
close to the centroid of the sentences around it, so the sentences that state what a section is
about come first. The offline writer ranks sentences with it; Join, the video's figures and the
short find the passages that belong together with it. Plain Python; no model.
"""

from __future__ import annotations

import math
import re
from collections import Counter

STOPWORDS = frozenset(
    """a about above after again against all also am an and any are as at be because been
    before being below between both but by can could did do does doing down during each few
    for from further had has have having he her here hers herself him himself his how i if in
    into is it its itself just like may me might more most must my myself no nor not now of
    off on once only or other our ours ourselves out over own same shall she should so some
    such than that the their theirs them themselves then there these they this those through
    to too under until up upon us very was we were what when where which while who whom why
    will with would you your yours yourself yourselves one two also however thus therefore
    et al eg ie use used using""".split()
)


def terms(text: str) -> list[str]:
    words = re.findall(r"[a-z][a-z0-9'-]*[a-z0-9]|[a-z]", text.lower())
    return [stem(w) for w in words if w not in STOPWORDS and len(w) > 1]


def stem(word: str) -> str:
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


class Centrality:
    """TF-IDF over a corpus of sentences; scores sentences by closeness to their centroid."""

    def __init__(self, corpus: list[str]):
        counts = Counter(term for text in corpus for term in set(terms(text)))
        total = max(len(corpus), 1)
        self.idf = {term: math.log((1 + total) / (1 + n)) + 1.0 for term, n in counts.items()}

    def vector(self, text: str) -> dict[str, float]:
        tf = Counter(terms(text))
        vec = {t: (1 + math.log(n)) * self.idf.get(t, 1.0) for t, n in tf.items()}
        norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
        return {t: v / norm for t, v in vec.items()}

    @staticmethod
    def cosine(a: dict[str, float], b: dict[str, float]) -> float:
        """How alike two texts' vectors (of :meth:`vector`, so of unit length) are: 0 to 1."""
        return sum(w * b.get(t, 0.0) for t, w in a.items())

    def scores(self, texts: list[str], reference: list[str] | None = None) -> list[float]:
        """Cosine similarity of each text to the centroid of ``reference`` (default: the texts).

        Leave-one-out: a text that is part of the reference is compared with the centroid of
        the others, so a long sentence cannot score high by resembling itself.
        """
        reference = texts if reference is None else reference
        centroid: Counter[str] = Counter()
        for text in reference:
            centroid.update(self.vector(text))
        inside = set(reference)
        return [self._similarity(self.vector(t), centroid, t in inside) for t in texts]

    @staticmethod
    def _similarity(vec: dict[str, float], centroid: Counter[str], leave_out: bool) -> float:
        dot = sum(w * centroid[t] for t, w in vec.items())
        norm_sq = sum(v * v for v in centroid.values())
        if leave_out:  # centroid minus vec; vec has unit length
            dot, norm_sq = dot - 1.0, norm_sq - 2 * dot + 1.0
        return dot / math.sqrt(norm_sq) if norm_sq > 1e-12 else 0.0
