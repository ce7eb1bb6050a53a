"""The voices per language of the offline backends, as data (``voices.toml``), and the
language espeak-ng phonemizes each podgen language as for Kokoro."""

from __future__ import annotations

import tomllib
from pathlib import Path

from ..text.language import base_language

TABLE = tomllib.loads(Path(__file__).with_name("voices.toml").read_text(encoding="utf-8"))
KOKORO, PIPER = TABLE["kokoro"], TABLE["piper"]


def for_language(table: dict[str, list[str]], language: str) -> list[str]:
    """The table's entry for "pt-BR", else for "pt", else nothing."""
    return table.get(language) or table.get(base_language(language)) or []


def espeak_language(language: str) -> str | None:
    """The espeak-ng language Kokoro phonemizes ``language`` as, or None if it cannot speak it."""
    table = KOKORO["espeak"]
    return table.get(language) or table.get(base_language(language))
