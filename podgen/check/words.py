"""Words as a listener hears them: the script's text and the recogniser's text made comparable.

"7" and "seven", "TF-IDF" and "TFIDF", "single-vector" and "single vector" are the same words
to a listener; the word error rate counts what differs after that.
"""

from __future__ import annotations

import re

from ..about import pip_install
from ..errors import MissingDependency

FILLERS = frozenset("mm mmm hmm hm mhm um umm uh er erm".split())
"""Sounds that a voice renders and a recogniser writes down each in its own way, or not at all."""

SPELLINGS = {"alright": "all right", "ok": "okay", "percent": "per cent"}
"""Words written two ways for the same sound: the script's way and the recogniser's meet here."""

_ONES = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
    "seventeen eighteen nineteen".split()
)
_TENS = "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()


def number_words(n: int) -> str:
    """0..999999 as English words."""
    if n < 20:
        return _ONES[n]
    if n < 100:
        return _TENS[n // 10] + ("" if n % 10 == 0 else " " + _ONES[n % 10])
    if n < 1000:
        return _ONES[n // 100] + " hundred" + ("" if n % 100 == 0 else " " + number_words(n % 100))
    return number_words(n // 1000) + " thousand" + ("" if n % 1000 == 0 else " " + number_words(n % 1000))


def normalise_words(text: str) -> list[str]:
    """Lower-case words, hyphens split (but "TF-IDF" is one word), small whole numbers spelled out."""
    text = re.sub(r"\b([A-Z]{1,5})-([A-Z]{1,5})\b", r"\1\2", text)
    text = text.lower().replace("-", " ").replace("’", "'")
    text = re.sub(r"\b\d{1,6}\b(?![.,]\d)", lambda m: number_words(int(m.group(0))), text.replace(",000", "000"))
    return [part for word in re.findall(r"[a-z0-9']+", text) for part in SPELLINGS.get(word, word).split()]


def _join_compounds(words: list[str], other: set[str]) -> list[str]:
    """Join neighbours that the other side says as one word ("light houses" -> "lighthouses")."""
    out: list[str] = []
    for word in words:
        if out and out[-1] + word in other and not (out[-1] in other and word in other):
            out[-1] += word
        else:
            out.append(word)
    return out


def word_errors(reference: str, hypothesis: str) -> tuple[int, int]:
    """(substitutions + deletions + insertions, words in the reference) after normalising both."""
    try:
        import jiwer
    except ImportError as exc:
        raise MissingDependency(f"The check needs jiwer ({exc.name} is missing).", pip_install("check")) from None
    ref = [w for w in normalise_words(reference) if w not in FILLERS]
    hyp = [w for w in normalise_words(hypothesis) if w not in FILLERS]
    hyp, ref = _join_compounds(hyp, set(ref)), _join_compounds(ref, set(hyp))
    if not ref:
        return len(hyp), 0
    if not hyp:
        return len(ref), len(ref)
    out = jiwer.process_words(" ".join(ref), " ".join(hyp))
    return out.substitutions + out.deletions + out.insertions, len(ref)


def wer(reference: str, hypothesis: str) -> float:
    """Word error rate of ``hypothesis`` against ``reference`` (1.0 when nothing was heard)."""
    errors, words = word_errors(reference, hypothesis)
    return errors / words if words else float(errors > 0)
