"""Language codes: podgen takes ISO 639 codes with an optional region ("en", "de-AT", "pt-BR")."""

from __future__ import annotations


def base_language(code: str) -> str:
    """The language without its region, lower case: "de-AT" -> "de"."""
    return code.split("-")[0].lower()
