"""What the model must answer, as pydantic models: their JSON schemas go into the requests.

The schemas are bounded (how many lines, how long a text, who may speak), because servers
that enforce a schema with a grammar (llama.cpp, Ollama, vLLM, OpenAI) then stop a runaway
answer at the source instead of at ``max_tokens``.
"""

from __future__ import annotations

import math
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, create_model, field_validator
from pydantic.json_schema import SkipJsonSchema

MIN_LINE_WORDS = 2
"""A line says something: "Right." alone is a reaction the mix adds, not a line to write."""
MIN_LINE_CHARS = 8
MAX_LINE_CHARS = 700
"""One turn of one to four sentences (a line cut here by a grammar is joined to the next by the code)."""
WORDS_PER_LINE = 8
"""Fewest words a line has on average, for a segment's most lines."""
TITLE_CHARS = 60
DESCRIPTION_CHARS = 400


POINTS_CHARS = 400
"""The longest a planned segment's points may be."""


class _Answer(BaseModel):
    model_config = ConfigDict(extra="ignore")


class Summary(_Answer):
    summary: str = Field(min_length=1, max_length=1500)
    key_facts: list[str] = Field(default_factory=list, max_length=8)


class PlannedSegment(_Answer):
    title: str = Field(min_length=1, max_length=TITLE_CHARS)
    parts: list[int] = Field(min_length=1, max_length=40)
    points: str = Field("", max_length=POINTS_CHARS)
    words: SkipJsonSchema[int] = 0
    """Words of dialogue the segment is given (0: an even share); set by the code, never asked for."""


class Outline(_Answer):
    description: str = Field(min_length=1, max_length=DESCRIPTION_CHARS)
    segments: list[PlannedSegment] = Field(min_length=1, max_length=40)
    highlight: int = Field(0, ge=0, le=40)


class Fix(_Answer):
    line: int
    text: str = Field(min_length=1, max_length=MAX_LINE_CHARS)


class Fixes(_Answer):
    lines: list[Fix] = Field(max_length=60)


def most_lines(words: int) -> int:
    """The most lines a segment of about ``words`` words may have."""
    return max(4, math.ceil(words / WORDS_PER_LINE) + 2)


def _says_something(cls: type, text: str) -> str:
    if len(text.split()) < MIN_LINE_WORDS:
        raise ValueError(f"a line needs at least {MIN_LINE_WORDS} words")
    return text


def segment_model(hosts: list[str], words: int = 300) -> type[BaseModel]:
    """A segment's lines: the speaker one of ``hosts`` (an enum), at most ``most_lines(words)``."""
    speaker = Literal[tuple(hosts)]  # type: ignore[valid-type]
    line = create_model(
        "Line",
        __base__=_Answer,
        __validators__={"words": field_validator("text")(_says_something)},
        speaker=(speaker, ...),
        text=(str, Field(min_length=MIN_LINE_CHARS, max_length=MAX_LINE_CHARS)),
    )
    return create_model(
        "Segment",
        __base__=_Answer,  # type: ignore[call-overload]
        lines=(list[line], Field(min_length=1, max_length=most_lines(words))),
    )  # type: ignore[valid-type]


def json_schema(model: type[BaseModel]) -> dict[str, Any]:
    return model.model_json_schema()
