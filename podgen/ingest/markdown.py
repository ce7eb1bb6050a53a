"""Markdown files: headings become sections, markup becomes plain spoken text."""

from __future__ import annotations

import re
from pathlib import Path

from ..config import Settings
from ..contracts import Extractor, Progress
from ..errors import EmptyDocument
from ..models import Document, Section
from . import sniff
from .clean import clean_paragraph, is_references_heading, normalize_chars
from .text import check_size, pretty_stem, read_text

_FRONT_MATTER_RE = re.compile(r"\A---\n.*?\n(?:---|\.\.\.)\n", re.S)
_FENCE_RE = re.compile(r"^(```|~~~).*?^\1[^\n]*$", re.S | re.M)
_COMMENT_RE = re.compile(r"<!--.*?-->", re.S)
_ATX_RE = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_SETEXT_RE = re.compile(r"^(=+|-+)\s*$")
_INLINE_SUBS = [
    (re.compile(r"!\[[^\]]*\]\([^)]*\)"), ""),  # images
    (re.compile(r"\[([^\]]+)\]\([^)]*\)"), r"\1"),  # [text](url)
    (re.compile(r"\[([^\]]+)\]\[[^\]]*\]"), r"\1"),  # [text][ref]
    (re.compile(r"<(?:https?://|mailto:)[^>]+>"), ""),  # autolinks
    (re.compile(r"</?[A-Za-z][^>]*>"), ""),  # inline HTML tags
    (re.compile(r"(\*\*|__)(.+?)\1"), r"\2"),  # bold
    (re.compile(r"(?<![\w*])([*_])(?!\s)(.+?)(?<!\s)\1(?![\w*])"), r"\2"),  # italics
    (re.compile(r"`([^`]*)`"), r"\1"),  # inline code
]
_SKIP_LINE_RE = re.compile(r"^\s*(?:\|.*|\[[^\]]+\]:\s*\S+.*|[-*_]{3,}\s*)$")  # tables, link defs, rules
_LIST_RE = re.compile(r"^\s*(?:[-*+]|\d{1,3}[.)])\s+")


def strip_inline(text: str) -> str:
    """Markdown inline markup to plain text."""
    for pattern, replacement in _INLINE_SUBS:
        text = pattern.sub(replacement, text)
    return text


def _heading(lines: list[str], i: int) -> tuple[int, str] | None:
    """(level, text) if line ``i`` is an ATX heading or the text line of a setext heading."""
    atx = _ATX_RE.match(lines[i])
    if atx:
        return len(atx.group(1)), atx.group(2)
    nxt = lines[i + 1] if i + 1 < len(lines) else ""
    if lines[i].strip() and not _LIST_RE.match(lines[i]) and _SETEXT_RE.match(nxt):
        return (1 if nxt.startswith("=") else 2), lines[i].strip()
    return None


def split_sections(text: str) -> list[tuple[int, str, list[str]]]:
    """(level, heading, body lines) per heading; level 0 for text before the first heading."""
    lines = text.split("\n")
    sections: list[tuple[int, str, list[str]]] = [(0, "", [])]
    i = 0
    while i < len(lines):
        found = _heading(lines, i)
        if found:
            sections.append((found[0], strip_inline(found[1]).strip(), []))
            i += 1 if _ATX_RE.match(lines[i]) else 2
            continue
        sections[-1][2].append(lines[i])
        i += 1
    return sections


def body_paragraphs(lines: list[str]) -> list[str]:
    """Body lines to cleaned paragraphs: list items and blank-line blocks each stand alone."""
    paragraphs, current = [], []
    for line in lines:
        if _SKIP_LINE_RE.match(line):
            continue
        if not line.strip() or _LIST_RE.match(line):
            paragraphs.append(" ".join(current))
            current = []
        current.append(_LIST_RE.sub("", line).lstrip("> ").strip())
    paragraphs.append(" ".join(current))
    cleaned = (clean_paragraph(strip_inline(p)) for p in paragraphs)
    return [p for p in cleaned if p]


def _drop_references(sections: list[tuple[int, str, list[str]]]) -> list[tuple[int, str, list[str]]]:
    """Drop a References/Bibliography section and its sub-sections."""
    kept, cut_level = [], None
    for level, heading, lines in sections:
        if cut_level is not None and level > cut_level:
            continue
        cut_level = level if is_references_heading(heading) else None
        if cut_level is None:
            kept.append((level, heading, lines))
    return kept


def _title(sections: list[tuple[int, str, list[str]]], path: Path) -> str:
    first = next((s for s in sections if s[0] > 0), None)
    if first and first[0] == 1 and first[1]:
        return normalize_chars(first[1])
    return pretty_stem(path)


class MarkdownExtractor(Extractor):
    """Markdown (.md): headings become sections; links, tables, code and markup are removed."""

    name = "markdown"
    priority = 20
    extensions = (".md", ".markdown", ".mdown", ".mkd")

    def accepts(self, path: Path) -> bool:
        return sniff.accepts(path, "markdown", self.extensions)

    def check(self, path: Path, settings: Settings) -> None:
        """Refuse a file larger than ``max_text_mb``."""
        check_size(path, settings)

    def extract(self, path: Path, settings: Settings, progress: Progress | None = None) -> Document:
        text = _FRONT_MATTER_RE.sub("", read_text(path, settings))
        text = _COMMENT_RE.sub("", _FENCE_RE.sub("", text))
        parts = _drop_references(split_sections(text))
        title = _title(parts, path)
        sections = [Section(_section_heading(h, title), "\n\n".join(body_paragraphs(b))) for _, h, b in parts]
        sections = [s for s in sections if s.text]
        if not sections:
            raise EmptyDocument(f"{path.name} has no readable text (only headings, code or markup).")
        meta = {"format": "markdown", "headings": sum(1 for s in sections if s.heading)}
        return Document(title=title, sections=sections, source=str(path), meta=meta)


def _section_heading(heading: str, title: str) -> str:
    """The title heading is shown once, as the Document title, not again as a section."""
    heading = normalize_chars(heading)
    return "" if heading == title else heading
