"""Structured answers: JSON validated by pydantic, whatever the server supports and the model wraps.

The schema goes out with ``response_format`` (json_schema); a server that rejects that gets
JSON mode, then plain text. From the answer, ``<think>`` blocks, code fences and prose are
stripped; an invalid answer is sent back with the validation error for a repair, at most
``REPAIRS`` times, before ``InvalidAnswer`` (which keeps the raw answer for the user).
"""
from __future__ import annotations

import json
import logging
import re
import threading
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from ...errors import BackendError
from ...llm import ChatClient, Reply, RequestRejected
from ...llm.tokens import chars_for
from .job import Job

log = logging.getLogger(__name__)
M = TypeVar("M", bound=BaseModel)
REPAIRS = 2
MODES = ("json_schema", "json_object", "text")
ERROR_CHARS = 600
"""The longest validation error sent back (keeps a repair request within budget)."""
REPAIR_TOKENS = 300
"""Room a repair request needs beyond the original request and the bad answer."""

_THINK = re.compile(r"<think(?:ing)?>.*?(?:</think(?:ing)?>|$)", re.DOTALL | re.IGNORECASE)
_FENCE = re.compile(r"```(?:json|JSON)?\s*\n?(.*?)(?:```|$)", re.DOTALL)


class InvalidAnswer(BackendError):
    """The model's answer stayed invalid after the repairs."""

    def __init__(self, message: str, raw: str):
        super().__init__(message)
        self.raw = raw


def extract_json(text: str) -> Any:
    """The first JSON object in ``text``, after removing think blocks and code fences."""
    text = _THINK.sub("", text).strip()
    fenced = _FENCE.search(text)
    candidates = [fenced.group(1), text] if fenced else [text]
    decoder = json.JSONDecoder()
    for candidate in candidates:
        for start in (m.start() for m in re.finditer(r"\{", candidate)):
            try:
                return decoder.raw_decode(candidate, start)[0]
            except json.JSONDecodeError:
                continue
    raise ValueError("no complete JSON object found in the answer" + (" (it was cut off)" if "{" in text else ""))


class Asker:
    """Asks for one pydantic model; remembers which response_format the server accepts."""

    def __init__(self, job: Job):
        self.job = job
        self.client: ChatClient = job.client
        self._mode = 0
        self._lock = threading.Lock()

    def ask(self, model: type[M], prompt: str, max_tokens: int) -> M:
        schema = model.model_json_schema()
        messages = [{"role": "system", "content": self.job.system(schema)}, {"role": "user", "content": prompt}]
        chain: list[Reply] = []
        for attempt in range(REPAIRS + 1):
            reply = self._send(messages, model.__name__, schema, max_tokens)
            chain.append(reply)
            try:
                return model.model_validate(extract_json(reply.text))
            except (ValueError, ValidationError) as exc:
                error = _short(exc, reply)
                log.info("%s answer invalid (attempt %d): %s", model.__name__, attempt + 1, error)
            self.client.expect(1 if attempt < REPAIRS else 0)
            messages = messages[:2] + [{"role": "assistant", "content": reply.text[:chars_for(max_tokens)]},
                                       {"role": "user", "content": self.job.prompt(
                "repair", error=error, attempt=attempt + 1, repairs=REPAIRS)}]
        for bad in chain:  # a re-run asks afresh instead of replaying the same bad answers
            self.client.forget(bad)
        raise InvalidAnswer(f"The model's {model.__name__.lower()} answer was still invalid after {REPAIRS} "
                            f"repairs: {error}.", chain[-1].text)

    def _send(self, messages: list[dict[str, str]], name: str, schema: dict[str, Any], max_tokens: int) -> Reply:
        while True:
            mode = self._mode
            try:
                return self.client.chat(messages, max_tokens=max_tokens, response_format=_format(mode, name, schema))
            except RequestRejected:
                if mode + 1 >= len(MODES):
                    raise
                with self._lock:
                    self._mode = max(self._mode, mode + 1)
                log.info("the endpoint rejected response_format %s; trying %s", MODES[mode], MODES[mode + 1])


def _format(mode: int, name: str, schema: dict[str, Any]) -> dict[str, Any] | None:
    if MODES[mode] == "json_schema":
        return {"type": "json_schema", "json_schema": {"name": name, "schema": schema}}
    if MODES[mode] == "json_object":
        return {"type": "json_object"}
    return None


def _short(exc: Exception, reply: Reply) -> str:
    if isinstance(exc, ValidationError):
        text = "; ".join(f"{'.'.join(map(str, e['loc'])) or 'answer'}: {e['msg']}" for e in exc.errors()[:5])
    else:
        text = str(exc)
    if reply.finish_reason == "length":
        text += " (the answer hit the length limit: answer more briefly)"
    return " ".join(text.split())[:ERROR_CHARS]
