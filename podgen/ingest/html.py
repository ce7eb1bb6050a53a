"""HTML pages (saved files and fetched URLs) through trafilatura: the article, not the
navigation, sidebars, scripts or comments. Its Markdown output goes through the same
section and paragraph rules as a Markdown file."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from ..config import Settings
from ..contracts import Extractor, Progress
from ..errors import EmptyDocument
from ..models import Document, Section
from . import sniff
from .clean import normalize_chars
from .extras import need
from .markdown import body_paragraphs, split_sections, strip_inline
from .text import check_size, decode, pretty_stem, read_bytes

MIN_WORDS = 12
"""Fewer words than this is a page of navigation or an error page, not an article."""
_SUP_RE = re.compile(r"<sup>.*?</sup>", re.S)
_ESCAPE_RE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|<>~])")
_ENDNOTE_RE = re.compile(r"^\[\d{1,3}\]")
_LABEL_RE = re.compile(r"^\*\*[^*]{1,120}\*\*$", re.S)
_NAME = r"[A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*){1,3}"
_BYLINE_RE = re.compile(rf"^(?:by\s+)?{_NAME}(?:\s*,\s*(?:and\s+)?{_NAME}|\s+and\s+{_NAME})*$", re.I)
_CLICK_RE = re.compile(r"^(?:click|tap) here\b", re.I)
_TITLE_SUFFIX_RE = re.compile(r"\s+[-|–—]\s+[^-|–—]{2,60}$")


def _markdown(html: bytes, trafilatura: Any) -> str:
    text = trafilatura.extract(
        html,
        output_format="markdown",
        include_formatting=True,
        include_tables=False,
        include_comments=False,
        include_images=False,
        include_links=False,
    )
    return _ESCAPE_RE.sub(r"\1", _SUP_RE.sub("", text or ""))


def _byline_and_body(lines: list[str]) -> tuple[str | None, list[str]]:
    """Drop short bold labels (bylines, dates, "Click here" call-outs) and numbered endnotes;
    return the first label that reads like a list of names as the author."""
    author, kept, block = None, [], []
    for line in lines + [""]:
        if line.strip():
            block.append(line)
            continue
        joined = re.sub(r"\s+", " ", " ".join(block)).strip()
        label = _LABEL_RE.match(joined) and not joined.rstrip("*").endswith((".", "!", "?"))
        name = joined.strip("* ")
        if label and author is None and _BYLINE_RE.match(name):
            author = name
        if not (label or _ENDNOTE_RE.match(joined) or _CLICK_RE.match(name)):
            kept.extend(block + [""])
        block = []
    return author, kept


def _title(markdown_title: str | None, metadata: Any, path: Path) -> str:
    if markdown_title:
        return markdown_title
    title = normalize_chars(getattr(metadata, "title", None) or "").strip()
    return _TITLE_SUFFIX_RE.sub("", title) or pretty_stem(path)


def _author(metadata: Any) -> str | None:
    author = (getattr(metadata, "author", None) or "").strip()
    return author if author and len(author.split()) <= 8 else None


def read_html(html: bytes, source: str, path: Path) -> Document:
    """The article in ``html`` as a Document."""
    trafilatura = need("trafilatura", "docs", "Reading HTML")
    need("lxml_html_clean", "docs", "Reading HTML")
    markdown = _markdown(html, trafilatura)
    parts = split_sections(markdown)
    title = next((strip_inline(h) for level, h, _ in parts if level == 1), None)
    authors, sections = [], []
    for _level, heading, lines in parts:
        byline, lines = _byline_and_body(lines)
        authors.append(byline)
        text = "\n\n".join(p for p in body_paragraphs(lines) if any(c.isalpha() for c in p))
        if text:
            sections.append(Section("" if heading == title else normalize_chars(heading), text))
    if sum(len(s.text.split()) for s in sections) < MIN_WORDS:
        raise EmptyDocument(f"{path.name} has no article text (only navigation, scripts or markup).")
    metadata = trafilatura.extract_metadata(html)
    meta = {"format": "html"}
    author = next(filter(None, authors), None) or _author(metadata)
    if author:
        meta["author"] = author
    return Document(title=_title(title, metadata, path), sections=sections, source=source, meta=meta)


class HtmlExtractor(Extractor):
    """HTML (.html, .htm, .xhtml) through trafilatura (extra: docs)."""

    name = "html"
    priority = 25
    extensions = (".html", ".htm", ".xhtml")

    def accepts(self, path: Path) -> bool:
        return sniff.accepts(path, "html", self.extensions)

    def check(self, path: Path, settings: Settings) -> None:
        """Refuse a file larger than ``max_text_mb``."""
        check_size(path, settings)

    def extract(self, path: Path, settings: Settings, progress: Progress | None = None) -> Document:
        data = read_bytes(path, settings)
        decode(data, path)  # empty and binary files fail here, with the text reader's words
        return read_html(data, str(path), path)
