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

GLUE = [
    "Tell me more about that.",
    "What does that mean in practice?",
    "That is a good point.",
    "Go on, this is interesting.",
    "How does that work?",
    "So what comes next?",
    "Why does that matter?",
    "Can you give me an example?",
    "I did not know that at all.",
    "Where does this lead us?",
    "And what did they find?",
    "How sure can we be of it?",
]


RETELLINGS = ["In other words, {}.", "So, put simply, {}.", "The key part is that {}."]


def _retold(quotes: list[str], index: int) -> str:
    """The quotes in turn; once all are used, shortened retellings of them (never word for word again)."""
    quote = quotes[index % len(quotes)]
    rounds = index // len(quotes)
    if not rounds:
        return quote
    words = quote.rstrip(".!?").split()
    keep = words[: max(4, len(words) * (4 - min(rounds, 3)) // 5)]
    return RETELLINGS[(rounds - 1) % len(RETELLINGS)].format(" ".join(keep))


def _number(prompt: str) -> int:
    found = re.search(r"segment (\d+) of", prompt)
    return int(found.group(1)) if found else 0


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
    if fmt.get("schema"):
        return fmt["schema"]
    asked = str(([m for m in request.body["messages"] if m.get("role") == "user"] or [{}])[0].get("content") or "")
    start = asked.find("{", asked.rfind("JSON schema"))
    return json.JSONDecoder().raw_decode(asked, start)[0] if start >= 0 else {}


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
    parts = [int(n) for n in re.findall(r"^Part (\d+):", tagged(prompt, "source"), re.M)] or [1]
    wanted = int(re.search(r"about (\d+) segments", prompt).group(1))
    count = max(1, min(wanted, len(parts)))
    size = -(-len(parts) // count)
    groups = [parts[i : i + size] for i in range(0, len(parts), size)]
    return {
        "description": "A conversation about the document.",
        "segments": [
            {"title": f"Segment {i}", "parts": g, "points": "What the parts say."} for i, g in enumerate(groups, 1)
        ],
    }


def segment(prompt: str, hosts: list[str]) -> dict[str, Any]:
    words = int(re.search(r"about (\d+) (?:more )?words", prompt).group(1))
    quotes = sentences(_covered(prompt))
    quotes = [q for q in quotes if q not in _said(prompt)] or quotes or ["The source text is short."]
    lines: list[dict[str, str]] = []
    total, turn = 0, 0
    while total < words:
        speaker = hosts[turn % len(hosts)]
        if len(hosts) > 1 and turn % 2 == 0:
            text = GLUE[(turn // 2 + _number(prompt) * 2) % len(GLUE)]
        else:
            text = _retold(quotes, turn // 2)
        lines.append({"speaker": speaker, "text": text})
        total += len(text.split())
        turn += 1
    excess = total - words
    last = lines[-1]["text"].split()
    if 0 < excess < len(last) - 3:
        lines[-1]["text"] = " ".join(last[: len(last) - excess]).rstrip(",.;:") + "."
    return {"lines": lines}


def _covered(prompt: str) -> str:
    """The source text of the parts the segment covers (the whole source when it names none)."""
    source = tagged(prompt, "source")
    pieces = re.split(r"^Part (\d+): ", source, flags=re.M)
    parts = {int(pieces[i]): pieces[i + 1] for i in range(1, len(pieces) - 1, 2)}
    covers = re.search(r"is about parts? (\d+)(?: to (\d+))?", prompt)
    if not parts or not covers:
        return re.sub(r"^Part \d+: ", "", source, flags=re.M)
    first, last = int(covers.group(1)), int(covers.group(2) or covers.group(1))
    return "\n\n".join(parts.get(n, "") for n in range(first, last + 1))


def _said(prompt: str) -> str:
    """The lines of the episode so far, which a plausible model does not repeat."""
    return tagged(prompt, "previous")


def fixes(prompt: str) -> dict[str, Any]:
    listed = re.findall(r"^Line (\d+) \([^)]*\): (.*?) \[unsupported: ([^\]]*)\]$", tagged(prompt, "lines"), re.M)
    return {"lines": [{"line": int(n), "text": _without(text, words.split(", "))} for n, text, words in listed]}


def _without(text: str, words: list[str]) -> str:
    for word in words:
        text = re.sub(rf"\s*\b{re.escape(word)}\b(\s*(percent|%))?", "", text)
    return text.strip(" ,") or "Right."


def plausible(request: Request) -> Answer:
    asked = [m for m in request.body["messages"] if m.get("role") == "user"]
    prompt = str(asked[0].get("content") or "") if asked else ""  # a repair: answer the request again
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
