"""A plausible chat model for tests: it answers from the text in the prompt, never inventing.

It recognises the answer wanted from the JSON schema in the request (``response_format``, or
the schema written into the system message when the server gets JSON mode or plain text):

* ``Summary``: the first sentences of the ``<source>`` text, and the ones with numbers as facts;
* ``Outline``: "about N segments" over the ``Part K:`` lines, consecutive parts per segment;
* ``Segment``: hosts (the speaker enum) taking turns, quoting sentences of ``<source>`` until
  "about N words" (cut to land on N);
* ``Fixes``: each listed line with its numbers taken out;
* anything else: "OK".
"""
from __future__ import annotations

import json
import re
from typing import Any

from .chat import Answer, Request

GLUE = ["Tell me more about that.", "What does that mean in practice?", "That is a good point.",
        "Go on, this is interesting.", "How does that work?", "So what comes next?"]


def sentences(text: str) -> list[str]:
    found = [s.strip() for s in re.split(r"(?<=[.!?])\s+", " ".join(text.split()))]
    return [s for s in found if len(s.split()) >= 5 and s[0].isupper() and s[-1] in ".!?"]


def tagged(text: str, tag: str) -> str:
    match = re.search(rf"<{tag}>\n?(.*?)\n?</{tag}>", text, re.S)
    return match.group(1) if match else ""


def schema_of(request: Request) -> dict[str, Any]:
    fmt = request.body.get("response_format") or {}
    if fmt.get("type") == "json_schema":
        return fmt["json_schema"]["schema"]
    system = str(request.body["messages"][0].get("content") or "")
    start = system.find("{", system.find("JSON schema"))
    return json.JSONDecoder().raw_decode(system, start)[0] if start >= 0 else {}


def _enum(schema: Any) -> list[str]:
    if isinstance(schema, dict):
        if "enum" in schema or "const" in schema:
            return list(schema.get("enum", [schema.get("const")]))
        for value in schema.values():
            found = _enum(value)
            if found:
                return found
    if isinstance(schema, list):
        for value in schema:
            found = _enum(value)
            if found:
                return found
    return []


def summary(prompt: str) -> dict[str, Any]:
    found = sentences(tagged(prompt, "source")) or ["The text says little."]
    return {"summary": " ".join(found[:3]), "key_facts": [s for s in found if re.search(r"\d", s)][:4]}


def outline(prompt: str) -> dict[str, Any]:
    parts = [int(n) for n in re.findall(r"^Part (\d+):", tagged(prompt, "parts"), re.M)] or [1]
    wanted = int(re.search(r"about (\d+) segments", prompt).group(1))
    count = max(1, min(wanted, len(parts)))
    size = -(-len(parts) // count)
    groups = [parts[i:i + size] for i in range(0, len(parts), size)]
    return {"description": "A conversation about the document.",
            "segments": [{"title": f"Segment {i}", "parts": g, "points": "What the parts say."}
                         for i, g in enumerate(groups, 1)]}


def segment(prompt: str, hosts: list[str]) -> dict[str, Any]:
    words = int(re.search(r"about (\d+) words", prompt).group(1))
    quotes = sentences(tagged(prompt, "source")) or ["The source text is short."]
    lines: list[dict[str, str]] = []
    total, turn = 0, 0
    while total < words:
        speaker = hosts[turn % len(hosts)]
        if len(hosts) > 1 and turn % 2 == 0:
            text = GLUE[(turn // 2) % len(GLUE)]
        else:
            text = quotes[(turn // 2) % len(quotes)]
        lines.append({"speaker": speaker, "text": text})
        total += len(text.split())
        turn += 1
    excess = total - words
    last = lines[-1]["text"].split()
    if 0 < excess < len(last) - 3:
        lines[-1]["text"] = " ".join(last[: len(last) - excess]).rstrip(",.;:") + "."
    return {"lines": lines}


def fixes(prompt: str) -> dict[str, Any]:
    listed = re.findall(r"^Line (\d+) \([^)]*\): (.*?) \[unsupported: ([^\]]*)\]$", tagged(prompt, "lines"), re.M)
    return {"lines": [{"line": int(n), "text": _without(text, words.split(", "))} for n, text, words in listed]}


def _without(text: str, words: list[str]) -> str:
    for word in words:
        text = re.sub(rf"\s*\b{re.escape(word)}\b(\s*(percent|%))?", "", text)
    return text.strip(" ,") or "Right."


def plausible(request: Request) -> Answer:
    prompt = str(request.body["messages"][-1].get("content") or "")
    if "<source>" not in prompt and request.body["messages"][-1].get("role") == "user" and len(
            request.body["messages"]) > 2:  # a repair request: answer the original prompt again
        prompt = str(request.body["messages"][1].get("content") or "")
    schema = schema_of(request)
    name = schema.get("title")
    if name == "Summary":
        return Answer(json.dumps(summary(prompt)))
    if name == "Outline":
        return Answer(json.dumps(outline(prompt)))
    if name == "Segment":
        return Answer(json.dumps(segment(prompt, _enum(schema))))
    if name == "Fixes":
        return Answer(json.dumps(fixes(prompt)))
    return Answer("OK")
