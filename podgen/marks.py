"""What a setting shapes: each setting's Field carries marks (the stages of an episode it
shapes, and whether it is secret), and :func:`shaping` reads them for batch's skip hash and
the render fingerprint. A setting that shapes no stage, and a secret one, never goes into either.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from pydantic import BaseModel

STAGES = ("ingest", "write", "speak", "mix", "check")
"""The stages of making an episode; ``publish`` (the feed) comes after and shapes no episode."""


def shapes(*stages: str, secret: bool = False) -> dict[str, Any]:
    """The marks of a setting (its Field's ``json_schema_extra``): the stages it shapes, and
    whether it is secret (never written into a hash, a file or a log)."""
    unknown = set(stages) - {*STAGES, "publish"}
    if unknown:
        raise ValueError(f"unknown stages {sorted(unknown)}")
    return {"shapes": list(stages), "secret": secret}


def marks(model: type[BaseModel], name: str) -> dict[str, Any]:
    """A setting's marks (see :func:`shapes`); a table without marks of its own has its fields'."""
    extra = model.model_fields[name].json_schema_extra
    return extra if isinstance(extra, dict) else {}


def shaping(model: BaseModel, stages: Iterable[str] = STAGES) -> dict[str, Any]:
    """The settings of ``model`` that shape any of ``stages``, as JSON values; secrets never.
    A table (``[show]``, ``[sampling]``) without marks of its own gives its fields that do."""
    wanted, found = set(stages), {}
    for name in type(model).model_fields:
        value, mark = getattr(model, name), marks(type(model), name)
        if not mark and isinstance(value, BaseModel):
            inner = shaping(value, wanted)
            found.update({name: inner} if inner else {})
        elif not mark.get("secret") and wanted & set(mark.get("shapes", ())):
            found[name] = model.model_dump(mode="json", include={name})[name]
    return found
