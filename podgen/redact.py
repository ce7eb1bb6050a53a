"""Redaction of secrets: API keys, bearer tokens and ``user:password@`` in URLs.

One helper for every path that shows or stores text a secret could reach: errors, logs,
``script.json`` and ``episode.json`` sources, a model's saved raw answer. A leaf module: it
imports nothing from podgen.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

MASK = "***"
# Linear in the length of the text, whatever it holds: each pattern starts only where a run of
# its characters starts, and its runs are possessive (no backtracking into them); see
# bench/bench_redact.py for the quadratic patterns these replaced.
_USERINFO = re.compile(r"(?<![A-Za-z0-9+.-])(?P<lead>[0-9+.-]*+)(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*+://)[^/?#@\s]*+@")
_BEARER = re.compile(r"(?i)\b(bearer|token|api[-_]?key)(\s*+(?:[:=]\s*+)?)([A-Za-z0-9._~+/=-]{12,}+)")
_KEYLIKE = re.compile(r"\b(?:sk-[A-Za-z0-9_-]{12,}+|hf_[A-Za-z0-9]{12,}+)")


def url(address: str) -> str:
    """``address`` without any ``user:password@`` part (the rest is kept as it is)."""
    return _USERINFO.sub(r"\g<lead>\g<scheme>", address)


def text(value: str, secrets: Iterable[str] = ()) -> str:
    """``value`` with every given secret, bearer token, key-like string and URL credential masked."""
    for secret in sorted({s for s in secrets if s and len(s) >= 4}, key=len, reverse=True):
        value = value.replace(secret, MASK)
    value = _USERINFO.sub(lambda m: f"{m['lead']}{m['scheme']}{MASK}@", value)
    value = _BEARER.sub(lambda m: f"{m[1]}{m[2]}{MASK}", value)
    return _KEYLIKE.sub(MASK, value)
