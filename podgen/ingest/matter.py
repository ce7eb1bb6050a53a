"""Front and back matter no listener wants, dropped from every kind of Document: a Project
Gutenberg header and licence, imprint, colophon and copyright pages, tables of contents,
author affiliations.

Works on finished Sections (heading + cleaned paragraphs), so every extractor gets it by
passing through ``podgen.ingest.extract``.
"""
from __future__ import annotations

import re

from ..models import Document, Section

_MATTER_HEADING_RE = re.compile(
    r"^(?:(?:table of )?contents|toc|copyright(?: page| notice)?|colophon|imprint|impressum"
    r"|about (?:this|the) (?:e-?book|edition)|(?:the )?full project gutenberg licen[cs]e.*"
    r"|project gutenberg licen[cs]e.*|licen[cs]e|transcriber'?s? notes?|credits|(?:list of )?(?:figures|tables|illustrations|plates)"
    r"|index|other books by .*|also by .*|see also|external links|further reading|(?:foot|end)?notes|citations"
    r"|sources|references|bibliography|works cited|literature cited)$",
    re.I,
)
_GUTENBERG_START_RE = re.compile(r"\*{3}\s*START OF (?:THE|THIS) PROJECT GUTENBERG", re.I)
_GUTENBERG_END_RE = re.compile(r"\*{3}\s*END OF (?:THE|THIS) PROJECT GUTENBERG", re.I)
_GUTENBERG_LINE_RE = re.compile(
    r"project gutenberg|gutenberg\.org|this e-?book is for the use of anyone|produced by\b.*\b(?:team|proofread)"
    r"|distributed proofread", re.I)
_COPYRIGHT_RE = re.compile(
    r"^(?:copyright\b|©|\(c\)\s*\d{4})|all rights reserved|\bISBN(?:-1[03])?[:\s]|printed in\b.*\b\d{4}"
    r"|^published by\b|^first published\b|no part of this (?:publication|book)", re.I)
_COLOPHON_RE = re.compile(r"^(?:printed (?:by|in|at)\b|the end\.?$|finis\.?$)", re.I)
_TOC_ENTRY_RE = re.compile(r"^[A-Z0-9][A-Z0-9 ,;:'’&()/–-]{3,120}?\s*\d{1,3}(?:-\d{1,3})\.?$")
"""An all-capital table-of-contents line ending in a page number ("PURPOSE1-1", "SURETY BONDS 2-4")."""
_LEADER_RE = re.compile(r"(?:\.\s?){4,}\s*\d{1,4}\b|…{2,}\s*\d{1,4}\b")
_AFFILIATION_RE = re.compile(
    r"\b(?:university|universität|université|institute|department|dept\.|laborator(?:y|ies)|school of|college"
    r"|research|inc\.|corporation|faculty)\b", re.I)


def _matter_heading(heading: str) -> bool:
    return bool(_MATTER_HEADING_RE.match(re.sub(r"^[\d.\s]+", "", heading).strip(" .:")))


def _gutenberg_cut(paragraphs: list[str]) -> list[str]:
    """Everything between the "*** START OF ..." and "*** END OF ..." markers, if there are any."""
    start = next((i for i, p in enumerate(paragraphs) if _GUTENBERG_START_RE.search(p)), None)
    end = next((i for i, p in enumerate(paragraphs) if _GUTENBERG_END_RE.search(p)), None)
    if start is not None:
        paragraphs = paragraphs[start + 1:] if end is None or end < start else paragraphs[start + 1:end]
    elif end is not None:
        paragraphs = paragraphs[:end]
    return paragraphs


def _colophon_cut(paragraphs: list[str]) -> list[str]:
    """A printer's colophon near the end ("Printed by ...", "THE END") ends the book: what
    follows is the publisher's advertising."""
    for i in range(int(len(paragraphs) * 0.8), len(paragraphs)):
        if _COLOPHON_RE.match(paragraphs[i]) and len(paragraphs[i].split()) <= 20:
            return paragraphs[:i]
    return paragraphs


def _is_toc(paragraph: str) -> bool:
    """A paragraph of dotted leaders and page numbers ("Introduction ....... 3")."""
    return len(_LEADER_RE.findall(paragraph)) >= 2 or bool(re.fullmatch(r".{0,120}" + _LEADER_RE.pattern, paragraph))


def is_affiliation(paragraph: str) -> bool:
    """A short line naming an institution, as under a paper's author list ("Department of
    Physics, University of Leeds, UK"; "Microsoft Research")."""
    words = paragraph.split()
    listed = "," in paragraph or len(words) <= 4
    return (len(words) <= 25 and listed and bool(_AFFILIATION_RE.search(paragraph))
            and not paragraph.rstrip().endswith("."))


def _keep(paragraph: str) -> bool:
    return not (_GUTENBERG_LINE_RE.search(paragraph) or _COPYRIGHT_RE.search(paragraph) or _is_toc(paragraph)
                or _TOC_ENTRY_RE.match(paragraph) or (len(paragraph) < 40 and _matter_heading(paragraph)))


def _front(paragraphs: list[str]) -> list[str]:
    """Affiliation lines in the first few paragraphs of the first section."""
    lead = [p for p in paragraphs[:8] if not is_affiliation(p)]
    return lead + paragraphs[8:]


def _clean_section(section: Section, first: bool) -> Section:
    paragraphs = [p for p in section.text.split("\n\n") if _keep(p)]
    if first:
        paragraphs = _front(paragraphs)
    return Section(section.heading, "\n\n".join(paragraphs))


def drop_matter(document: Document) -> Document:
    """``document`` without front and back matter (sections that end up empty go too)."""
    whole = "\n\n".join(f"\x00{s.heading}\x00\n\n{s.text}" for s in document.sections)
    paragraphs = _colophon_cut(_gutenberg_cut(whole.split("\n\n")))
    title = document.title.casefold()
    paragraphs = [p for p in paragraphs if p.casefold() != title]
    sections = _resection(paragraphs)
    sections = [s for s in sections if not _matter_heading(s.heading)]
    kept = [_clean_section(s, i == 0) for i, s in enumerate(sections)]
    document.sections = [s for s in kept if s.text.strip()]
    return document


def _resection(paragraphs: list[str]) -> list[Section]:
    """Sections again from paragraphs with \x00heading\x00 markers (each text joined once)."""
    parts: list[tuple[str, list[str]]] = []
    for paragraph in paragraphs:
        if paragraph.startswith("\x00") and paragraph.endswith("\x00"):
            parts.append((paragraph.strip("\x00"), []))
        elif parts:
            parts[-1][1].append(paragraph)
        else:
            parts.append(("", [paragraph]))
    return [Section(heading, "\n\n".join(body)) for heading, body in parts]
