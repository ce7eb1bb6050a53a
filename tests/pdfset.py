"""The real-PDF set (tests/data/pdfs/) and how a Document read from one is scored against its
hand-written truth (truth.toml): headings found and missed, headings run into their paragraph,
table cells, figure labels and running lines that reached the text, and whole sentences.

Used by bench/bench_ingest.py (the table) and tests/test_ingest_pdfs.py (the goals)."""

from __future__ import annotations

import re
import tomllib
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

SET = Path(__file__).parent / "data" / "pdfs"
TRUTH = SET / "truth.toml"

_NUMBERING_RE = re.compile(r"^\s*(?:chapter\s+\w+[.:]?\s+|\(?(?:\d+(?:\.\d+)*|[IVXLC]+|[A-Z])[.):]*\s+)", re.I)
_LETTERS = ("Lu", "Ll", "Lt", "Lo")


def key(text: str, digits: bool = True, fold: bool = True) -> str:
    """Letters (and digits) only, case folded (unless ``fold`` is false), accents and spacing
    marks dropped."""
    text = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", text)).replace("ı", "i")
    text = text.casefold() if fold else text
    return "".join(c for c in text if unicodedata.category(c) in _LETTERS or (digits and c.isdigit()))


def heading_key(text: str) -> str:
    """A heading's key without its numbering ("3.1 Overview", "II. Theory", "(2) ...")."""
    return key(_NUMBERING_RE.sub("", text, count=1)) or key(text)


@dataclass
class Truth:
    name: str
    kind: str
    text: bool
    headings: list[str]
    optional: list[str]
    tables: list[str]
    figures: list[str]
    running: list[str]
    sentences: list[str]
    source: str = ""
    pages: str = ""

    def is_optional(self, heading: str) -> bool:
        found = heading_key(heading)
        for item in self.optional:
            if item.endswith("*") and found.startswith(heading_key(item[:-1])) or found == heading_key(item):
                return True
        return False


def load() -> list[Truth]:
    with open(TRUTH, "rb") as handle:
        documents = tomllib.load(handle)["document"]
    fields = Truth.__dataclass_fields__
    return [Truth(**{k: v for k, v in d.items() if k in fields}) for d in documents]


def _page_numbers(pages: str) -> list[int]:
    """ "1-5" -> [0, 1, 2, 3, 4] (0-based)."""
    first, _, last = pages.partition("-")
    return list(range(int(first) - 1, int(last or first)))


def path_of(truth: Truth, folder: Path) -> Path:
    """The PDF of a document: in the set, or cut from a file of tests/data into ``folder``."""
    if not truth.source:
        return SET / truth.name
    target = folder / truth.name
    if not target.exists():
        from pypdf import PdfReader, PdfWriter

        writer = PdfWriter()
        writer.append(PdfReader(SET / truth.source), pages=_page_numbers(truth.pages))
        with open(target, "wb") as handle:
            writer.write(handle)
    return target


@dataclass
class Score:
    name: str
    found: int = 0
    correct: int = 0
    true: int = 0
    recalled: int = 0
    run_in: list[str] = field(default_factory=list)
    tables: list[str] = field(default_factory=list)
    figures: list[str] = field(default_factory=list)
    running: list[str] = field(default_factory=list)
    sentences: int = 0
    whole: int = 0
    missed: list[str] = field(default_factory=list)
    wrong: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.correct / self.found if self.found else 1.0

    @property
    def recall(self) -> float:
        return self.recalled / self.true if self.true else 1.0


NESTED = " — "
"""A heading with no text of its own is joined to the next one: "Methods — Search strategy"."""


def score(truth: Truth, headings: list[str], text: str) -> Score:
    """Compare what was read (section headings, the text) with the truth."""
    headings = [part for h in headings for part in h.split(NESTED)]
    result = Score(truth.name, true=len(truth.headings), sentences=len(truth.sentences))
    wanted = {heading_key(h) for h in truth.headings}
    found = {heading_key(h) for h in headings}
    counted = [h for h in headings if not truth.is_optional(h) or heading_key(h) in wanted]
    result.found = len(counted)
    result.correct = sum(1 for h in counted if heading_key(h) in wanted)
    result.wrong = [h for h in counted if heading_key(h) not in wanted]
    result.missed = [h for h in truth.headings if heading_key(h) not in found]
    result.recalled = result.true - len(result.missed)
    result.run_in = [h for h in truth.headings + truth.optional if not h.endswith("*") and runs_in(h, text)]
    keyed = key(text)
    result.tables = [t for t in truth.tables if key(t) in keyed]
    result.figures = [f for f in truth.figures if key(f) in keyed]
    cased = key(text, fold=False)  # a running head in its case: "Literature Review" is not "literature review"
    result.running = [r for r in truth.running if key(r, fold=False) in cased]
    letters = key(text, digits=False)
    result.whole = sum(1 for s in truth.sentences if key(s, digits=False) in letters)
    return result


def runs_in(heading: str, text: str) -> bool:
    """The heading starts a paragraph, or follows a sentence's end, and runs straight on into the
    next sentence with no stop between ("Bone health As discussed earlier ..."): a capital or a
    digit follows it ("Federal Aviation Administration (FAA), DOT." is a name in a sentence)."""
    name = _NUMBERING_RE.sub("", heading, count=1).strip() or heading
    words = r"\s+".join(re.escape(w) for w in name.split())
    pattern = re.compile(rf"(?:^|[.!?]\s+)(?:[\dIVX.()]+\s+)?{words}\s+(\S)", re.I)
    for paragraph in text.split("\n\n"):
        if any(m.group(1).isalnum() and not m.group(1).islower() for m in pattern.finditer(paragraph)):
            return True
    return False
