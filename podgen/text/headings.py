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
