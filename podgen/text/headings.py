"""Titles and headings as they should be spoken: no markup, no section numbers."""

from __future__ import annotations

import re


def spoken_heading(text: str) -> str:
    """A title or heading as it should be spoken: links and markup gone, "&" said as "and", a
    leading section number ("2.1", "IV.") dropped, no stray punctuation at either end."""
    text = re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"[#*`_|<>\[\]{}]", " ", text).replace("&", "and")
    text = re.sub(r"^\s*(?:\d+(?:\.\d+)*|[IVX]+)[.)]?\s+(?=\w)", "", text)
    return re.sub(r"\s+", " ", text).strip(" .:;,-")


TITLE_WORDS = 6
"""A chapter title names a topic in a few words."""
_LABEL = re.compile(r"^(?:part|segment|section|chapter)\s*\d+\s*[:.–—-]?\s*(?=\w)", re.IGNORECASE)
_SMALL = frozenset("a an the of and or to in on for with by from as at its their our your this that".split())


def short_title(text: str, most: int = TITLE_WORDS) -> str:
    """``text`` as a short topic: spoken as a heading, no closing full stop, its first clause
    when it is a sentence, at most ``most`` words (cut between words, never after a small word
    such as "of" or "the")."""
    title = _LABEL.sub("", spoken_heading(text)).rstrip(".!;") or spoken_heading(text)
    if len(title.split()) > most:
        title = re.split(r"[:;(]|,\s|\s[-–—]\s", title, maxsplit=1)[0].strip() or title
    words = title.split()
    if len(words) > most:
        words = words[:most]
        while len(words) > 1 and words[-1].lower() in _SMALL:
            words.pop()
    return " ".join(words).strip(" .:;,-")
