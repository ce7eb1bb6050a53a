"""Structured answers: JSON validated by pydantic, whatever the server supports and the model does.

The schema goes out with ``response_format`` (json_schema; then json_object with the schema,
which llama.cpp servers turn into a grammar; then JSON mode; then plain text). From the
answer, ``<think>`` blocks, code fences and prose are stripped. An answer cut off at the
token limit (or stopped because it repeated itself) is salvaged: its complete items are
kept (pydantic-core's partial JSON parsing), and list items that are invalid on their own
are dropped rather than failing the whole answer. Only an answer with nothing usable is
sent back with the error for a repair, at most ``REPAIRS`` times, before ``InvalidAnswer``.
"""

from __future__ import annotations

import json
import logging
import re
import threading
import typing
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ValidationError
from pydantic_core import from_json

from ...errors import BackendError, RequestRejected
from ...llm import ChatClient, Reply
from ...llm.tokens import chars_for
from .job import Job

log = logging.getLogger(__name__)
M = TypeVar("M", bound=BaseModel)
REPAIRS = 2
MODES = ("json_schema", "json_object_schema", "json_object", "text")
ERROR_CHARS = 600
"""The longest validation error sent back (keeps a repair request within budget)."""
CUT = ("length", "repeat")
"""Finish reasons of an answer that did not end by itself."""

_THINK = re.compile(r"<think(?:ing)?>.*?(?:</think(?:ing)?>|$)", re.DOTALL | re.IGNORECASE)
_FENCE = re.compile(r"```(?:json|JSON)?\s*\n?(.*?)(?:```|$)", re.DOTALL)


class InvalidAnswer(BackendError):
    """The model's answer stayed invalid after the repairs."""

    def __init__(self, message: str, raw: str):
        super().__init__(message)
        self.raw = raw


@dataclass
class Got(Generic[M]):
    value: M
    cut: bool
    """The answer was cut off (token limit) or stopped (repeating): there may be more to ask for."""
    dropped: int
    """List items dropped as invalid."""


def parse_json(text: str) -> tuple[Any, bool]:
    """The outermost JSON object in ``text`` and whether it was cut off before its end."""
    text = _THINK.sub("", text).strip()
    fenced = _FENCE.search(text)
    decoder = json.JSONDecoder()
    for candidate in ([fenced.group(1)] if fenced else []) + [text]:
        for start in (m.start() for m in re.finditer(r"\{", candidate)):
            try:
                return decoder.raw_decode(candidate, start)[0], False
            except json.JSONDecodeError:
                pass
            try:
                partial = from_json(candidate[start:], allow_partial=True)
            except ValueError:
                continue
            if isinstance(partial, dict) and partial:
                return partial, True
    raise ValueError("no JSON object found in the answer")


def extract_json(text: str) -> Any:
    """The first complete JSON object in ``text`` (a cut-off one is an error)."""
    value, cut = parse_json(text)
    if cut:
        raise ValueError("the JSON object in the answer was cut off before its end")
    return value


class _Unusable(Exception):
    def __init__(self, error: str):
        self.error = error


def _usable(model: type[M], reply: Reply) -> Got[M]:
    cut = False
    try:
        data, cut = parse_json(reply.text)
        value, dropped = salvage(model, data)
    except (ValueError, ValidationError) as exc:
        raise _Unusable(_short(exc, reply, cut)) from None
    return Got(value, cut or reply.finish_reason in CUT, dropped)


def salvage(model: type[M], data: Any) -> tuple[M, int]:
    """``data`` as ``model``; list items invalid on their own, or beyond the list's limit, dropped.
    When nothing usable is left, the error is the one of the answer as it was."""
    try:
        return model.model_validate(data), 0
    except ValidationError as first:
        if not isinstance(data, dict):
            raise
        error = first
    kept, dropped = dict(data), 0
    for name, info in model.model_fields.items():
        item = _item_model(info.annotation)
        if item is None or not isinstance(kept.get(name), list):
            continue
        good = [x for x in kept[name] if _valid(item, x)]
        limit = next((m.max_length for m in info.metadata if getattr(m, "max_length", None)), None)
        dropped += len(kept[name]) - len(good[:limit])
        kept[name] = good[:limit]
    try:
        return model.model_validate(kept), dropped
    except ValidationError:
        raise error from None


def _item_model(annotation: Any) -> type[BaseModel] | None:
    if typing.get_origin(annotation) is list:
        (item,) = typing.get_args(annotation)
        return item if isinstance(item, type) and issubclass(item, BaseModel) else None
    return None


def _valid(model: type[BaseModel], value: Any) -> bool:
    try:
        model.model_validate(value)
        return True
    except ValidationError:
        return False


class Asker:
    """Asks for one pydantic model; remembers which response_format the server accepts."""

    def __init__(self, job: Job):
        self.job = job
        self.client: ChatClient = job.client
        self._mode = 0
        self._lock = threading.Lock()

    def ask(self, model: type[M], prompt: str, max_tokens: int, kind: str = "segment") -> M:
        return self.ask_more(model, prompt, max_tokens, kind).value

    def ask_more(self, model: type[M], prompt: str, max_tokens: int, kind: str = "segment") -> Got[M]:
        """The answer, with whether it was cut off (so the caller can ask for the rest)."""
        schema = model.model_json_schema()
        messages = self.job.messages(prompt, schema)
        chain: list[Reply] = []
        for attempt in range(REPAIRS + 1):
            reply = self._send(messages, model.__name__, schema, max_tokens, kind)
            chain.append(reply)
            try:
                got = _usable(model, reply)
                if got.dropped:
                    log.info("%s answer: %d invalid item(s) dropped", model.__name__, got.dropped)
                return got
            except _Unusable as exc:
                error = exc.error
                log.info("%s answer unusable (attempt %d): %s", model.__name__, attempt + 1, error)
            self.client.expect(1 if attempt < REPAIRS else 0)
            messages = messages[:2] + [
                {"role": "assistant", "content": reply.text[: chars_for(max_tokens)]},
                {
                    "role": "user",
                    "content": self.job.prompt("repair", error=error, attempt=attempt + 1, repairs=REPAIRS),
                },
            ]
        for bad in chain:  # a re-run asks afresh instead of replaying the same bad answers
            self.client.forget(bad)
        raise InvalidAnswer(
            f"The model's {model.__name__.lower()} answer was still unusable after {REPAIRS} repairs: {error}.",
            chain[-1].text,
        )

    def _send(
        self, messages: list[dict[str, Any]], name: str, schema: dict[str, Any], max_tokens: int, kind: str
    ) -> Reply:
        while True:
            mode = self._mode
            try:
                return self.client.chat(
                    messages, max_tokens=max_tokens, kind=kind, response_format=_format(mode, name, schema)
                )
            except RequestRejected:
                if mode + 1 >= len(MODES):
                    raise
                with self._lock:
                    self._mode = max(self._mode, mode + 1)
                log.info("the endpoint rejected response_format %s; trying %s", MODES[mode], MODES[mode + 1])


def _format(mode: int, name: str, schema: dict[str, Any]) -> dict[str, Any] | None:
    kind = MODES[mode]
    if kind == "json_schema":
        return {"type": "json_schema", "json_schema": {"name": name, "schema": schema}}
    if kind == "json_object_schema":  # llama.cpp's servers: the schema becomes a grammar
        return {"type": "json_object", "schema": schema}
    if kind == "json_object":
        return {"type": "json_object"}
    return None


def _short(exc: Exception, reply: Reply, cut: bool = False) -> str:
    if isinstance(exc, ValidationError):
        text = "; ".join(f"{'.'.join(map(str, e['loc'])) or 'answer'}: {e['msg']}" for e in exc.errors()[:5])
    else:
        text = str(exc)
    if cut and reply.finish_reason not in CUT:
        text = "the JSON was cut off before one complete item: " + text
    if reply.finish_reason == "length":
        text = "the answer was cut off at the length limit before anything usable: " + text
        text += " (answer with fewer, shorter items)"
    elif reply.finish_reason == "repeat":
        text = "the answer kept repeating itself: " + text + " (write each line once)"
    return " ".join(text.split())[:ERROR_CHARS]
