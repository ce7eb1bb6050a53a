"""Front and back matter no listener wants, dropped from every kind of Document: a Project
Gutenberg header and licence, imprint, colophon and copyright pages, tables of contents,
author affiliations; and a web page's furniture: calls to action ("Please join our Discord
server", "Subscribe to our newsletter"), reading lists and questions for the reader, comments.

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
    r"|index|other books by .*|also by .*|see also|external links|(?:for )?further reading|(?:foot|end)?notes"
    r"|citations|sources|references|bibliography|works cited|literature cited"
    r"|(?:suggested|recommended|additional) reading|(?:discussion|review|study|reflection) questions"
    r"|questions (?:for|to) (?:discussion|consider|think about|the reader)|related (?:articles|posts|stories|reading)"
    r"|you (?:may|might) also (?:like|enjoy)|read (?:more|next)|more from .*|share this(?: article| post| page)?"
    r"|about the authors?|comments|leave a (?:comment|reply)|join the (?:conversation|discussion)"
    r"|(?:subscribe|sign up)\b.*|newsletter|follow us\b.*|support us)$",
    re.I,
)
_GUTENBERG_START_RE = re.compile(r"\*{3}\s*START OF (?:THE|THIS) PROJECT GUTENBERG", re.I)
_GUTENBERG_END_RE = re.compile(r"\*{3}\s*END OF (?:THE|THIS) PROJECT GUTENBERG", re.I)
_GUTENBERG_LINE_RE = re.compile(
    r"project gutenberg|gutenberg\.org|this e-?book is for the use of anyone|produced by\b.*\b(?:team|proofread)"
    r"|distributed proofread",
    re.I,
)
_COPYRIGHT_RE = re.compile(
    r"^(?:copyright\b|©|\(c\)\s*\d{4})|all rights reserved|\bISBN(?:-1[03])?[:\s]|printed in\b.*\b\d{4}"
    r"|^published by\b|^first published\b|no part of this (?:publication|book)",
    re.I,
)
_COLOPHON_RE = re.compile(r"^(?:printed (?:by|in|at)\b|the end\.?$|finis\.?$)", re.I)
_TOC_ENTRY_RE = re.compile(r"^[A-Z0-9][A-Z0-9 ,;:'’&()/–-]{3,120}?\s*\d{1,3}(?:-\d{1,3})\.?$")
"""An all-capital table-of-contents line ending in a page number ("PURPOSE1-1", "SURETY BONDS 2-4")."""
_LEADER_RE = re.compile(r"(?:\.\s?){4,}\s*\d{1,4}\b|…{2,}\s*\d{1,4}\b")
_INVITATION_RE = re.compile(
    r"^(?:please |do |don't forget to |be sure to |make sure to |feel free to |why not |you can (?:also )?"
    r"|and |also |if you (?:enjoyed|liked|found|want|would like)[^,]*, )*"
    r"(?:join|follow|subscribe|sign up|share|support|donate|become a (?:member|patron|subscriber)|like|comment"
    r"|let us know|tell us|download|get|check out|click|tap|visit|register|chat with|talk to|leave)\b",
    re.I,
)
_PLATFORM_RE = re.compile(
    r"\b(?:discord|slack|telegram|whatsapp|patreon|ko-fi|substack|newsletter|mailing list|youtube|twitter|x\.com"
    r"|facebook|instagram|tiktok|linkedin|mastodon|bluesky|reddit|twitch)\b",
    re.I,
)
_OURS_RE = re.compile(r"\b(?:our|us|me|my)\b|\bthis (?:article|post|page|story|episode|video|site)\b", re.I)
_CHANNEL_RE = re.compile(
    r"\b(?:server|channel|community|forum|app|comments?|site|website|page|podcast|feed|membership|social media"
    r"|shop|store|article|post|story|episode|video)\b",
    re.I,
)
_SENTENCE_RE = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"“‘'(])")
CALL_WORDS = 40
"""A sentence longer than this is content, whatever it asks of the reader."""
QUESTION_WORDS = 40
"""The questions to the reader that close a page (a "For Further Reading" list) are this short."""
_AFFILIATION_RE = re.compile(
    r"\b(?:university|universität|université|institute|department|dept\.|laborator(?:y|ies)|school of|college"
    r"|research|inc\.|corporation|faculty)\b",
    re.I,
)


def _matter_heading(heading: str) -> bool:
    return bool(_MATTER_HEADING_RE.match(re.sub(r"^[\d.\s]+", "", heading).strip(" .:")))


def _gutenberg_cut(paragraphs: list[str]) -> list[str]:
    """Everything between the "*** START OF ..." and "*** END OF ..." markers, if there are any."""
    start = next((i for i, p in enumerate(paragraphs) if _GUTENBERG_START_RE.search(p)), None)
    end = next((i for i, p in enumerate(paragraphs) if _GUTENBERG_END_RE.search(p)), None)
    if start is not None:
        paragraphs = paragraphs[start + 1 :] if end is None or end < start else paragraphs[start + 1 : end]
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


def _questions_cut(paragraphs: list[str], alone: bool) -> list[str]:
    """The last section without the questions to the reader that end a page: two or more short
    paragraphs that each end in a question mark (and the label before them, if it is one). The
    ``alone`` section of a text of questions only keeps them: they are what it says."""
    end = len(paragraphs)
    while end and paragraphs[end - 1].rstrip().endswith("?") and len(paragraphs[end - 1].split()) <= QUESTION_WORDS:
        end -= 1
    if len(paragraphs) - end < 2 or (alone and end == 0):
        return paragraphs
    label = paragraphs[end - 1] if end else ""
    return paragraphs[: end - 1] if len(label) < 40 and _matter_heading(label) else paragraphs[:end]


def _is_toc(paragraph: str) -> bool:
    """A paragraph of dotted leaders and page numbers ("Introduction ....... 3")."""
    return len(_LEADER_RE.findall(paragraph)) >= 2 or bool(re.fullmatch(r".{0,120}" + _LEADER_RE.pattern, paragraph))


def is_affiliation(paragraph: str) -> bool:
    """A short line naming an institution, as under a paper's author list ("Department of
    Physics, University of Leeds, UK"; "Microsoft Research")."""
    words = paragraph.split()
    listed = "," in paragraph or len(words) <= 4
    return (
        len(words) <= 25 and listed and bool(_AFFILIATION_RE.search(paragraph)) and not paragraph.rstrip().endswith(".")
    )


def is_call_to_action(sentence: str) -> bool:
    """A short sentence that asks the reader to do something somewhere ("Please join our Discord
    server.", "Subscribe to our newsletter!", "Let us know in the comments.", "Share this article"):
    an invitation at its start, and a platform, or one of the site's own channels ("our app")."""
    if len(sentence.split()) > CALL_WORDS or not _INVITATION_RE.match(sentence.strip(" \"“‘'(")):
        return False
    return bool(_PLATFORM_RE.search(sentence) or (_OURS_RE.search(sentence) and _CHANNEL_RE.search(sentence)))


def without_calls_to_action(paragraph: str) -> str:
    """``paragraph`` without its calls to action ("" when it held nothing else)."""
    sentences = _SENTENCE_RE.split(paragraph)
    kept = [s for s in sentences if not is_call_to_action(s)]
    return paragraph if len(kept) == len(sentences) else " ".join(kept)


def _keep(paragraph: str) -> bool:
    return not (
        _GUTENBERG_LINE_RE.search(paragraph)
        or _COPYRIGHT_RE.search(paragraph)
        or _is_toc(paragraph)
        or _TOC_ENTRY_RE.match(paragraph)
        or (len(paragraph) < 40 and _matter_heading(paragraph))
    )


def _front(paragraphs: list[str]) -> list[str]:
    """Affiliation lines in the first few paragraphs of the first section."""
    lead = [p for p in paragraphs[:8] if not is_affiliation(p)]
    return lead + paragraphs[8:]


def _clean_section(section: Section, first: bool, last: bool) -> Section:
    paragraphs = section.text.split("\n\n")
    paragraphs = _questions_cut(paragraphs, alone=first) if last else paragraphs
    paragraphs = [p for p in map(without_calls_to_action, paragraphs) if p and _keep(p)]
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
    kept = [_clean_section(s, i == 0, i == len(sections) - 1) for i, s in enumerate(sections)]
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
