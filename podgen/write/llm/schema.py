"""What the model must answer, as pydantic models: their JSON schemas go into the requests."""
from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, create_model


class _Answer(BaseModel):
    model_config = ConfigDict(extra="ignore")


class Summary(_Answer):
    summary: str = Field(min_length=1)
    key_facts: list[str] = Field(default_factory=list, max_length=12)


class PlannedSegment(_Answer):
    title: str = Field(min_length=1, max_length=80)
    parts: list[int] = Field(min_length=1)
    points: str = ""


class Outline(_Answer):
    description: str = Field(min_length=1)
    segments: list[PlannedSegment] = Field(min_length=1)


class Fix(_Answer):
    line: int
    text: str = Field(min_length=1)


class Fixes(_Answer):
    lines: list[Fix]


def segment_model(hosts: list[str]) -> type[BaseModel]:
    """A segment's lines; the speaker must be one of ``hosts`` (an enum in the schema)."""
    speaker = Literal[tuple(hosts)]  # type: ignore[valid-type]
    line = create_model("Line", __base__=_Answer, speaker=(speaker, ...), text=(str, Field(min_length=1)))
    return create_model("Segment", __base__=_Answer, lines=(list[line], Field(min_length=1)))  # type: ignore[valid-type]


def json_schema(model: type[BaseModel]) -> dict[str, Any]:
    return model.model_json_schema()
