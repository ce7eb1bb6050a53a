"""Transcripts (WebVTT, SRT, Podcasting 2.0 JSON) and chapters from the measured timeline.

Backchannels are cues and segments of their own, spoken by their host, lying inside the line
they accompany: that is how a reader tells them from the script's lines (``folder.split_backchannels``).
A line with backchannels is captioned part by part, each part timed where it is spoken."""

from __future__ import annotations

import json
import re
import textwrap

from ..models import Segment

LINE_CHARS = 42
"""Caption lines of at most about 42 characters, two lines to a cue (broadcast and web captions)."""


def _clock(seconds: float, sep: str) -> str:
    ms = round(seconds * 1000)
    h, rest = divmod(ms, 3_600_000)
    m, rest = divmod(rest, 60_000)
    s, ms = divmod(rest, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}{sep}{ms:03d}"


def _escape_vtt(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("-->", "->")


def _wrap(text: str) -> list[str]:
    return textwrap.wrap(text, LINE_CHARS, break_long_words=True, break_on_hyphens=False)


def _chunks(text: str, prefix: str) -> list[str]:
    """Split ``text`` into pieces that fit two caption lines (with ``prefix`` before each),
    breaking after a sentence that fills about half a cue, or a clause that fills most of one."""
    pieces, current = [], ""
    for word in text.split():
        candidate = f"{current} {word}".strip()
        if current and len(_wrap(prefix + candidate)) > 2:
            pieces.append(current)
            candidate = word
        current = candidate
        filled = len(prefix + current) / (2 * LINE_CHARS)
        if (re.search(r"[.!?]$", word) and filled >= 0.45) or (re.search(r"[;:,]$", word) and filled >= 0.7):
            pieces.append(current)
            current = ""
    return [*pieces, current] if current else pieces


def _line_cues(seg: Segment, prefix: bool) -> list[tuple[Segment, list[str]]]:
    """One stretch of a line split into pieces of at most two caption lines, timed by their
    share of its characters inside its measured span."""
    lead = f"{seg.speaker}: " if prefix else ""
    pieces = _chunks(seg.text, lead) or [seg.text]
    total, done, out = sum(len(p) for p in pieces), 0, []
    for piece in pieces:
        start = seg.start + (seg.end - seg.start) * done / total
        done += len(piece)
        end = seg.end if done == total else seg.start + (seg.end - seg.start) * done / total
        out.append((Segment(seg.speaker, piece, round(start, 3), round(end, 3)), _wrap(lead + piece)))
    return out


def cues(
    parts: list[list[Segment]], backchannels: list[Segment] = (), prefix: bool = False
) -> list[tuple[Segment, list[str]]]:
    """Caption cues in time order: each line's parts (see ``_line_cues``), and each backchannel
    as one cue. Returns (timed piece, wrapped lines)."""
    out = [cue for line in parts for part in line for cue in _line_cues(part, prefix)]
    out += [(b, _wrap(f"{b.speaker}: {b.text}" if prefix else b.text)) for b in backchannels]
    return sorted(out, key=lambda cue: cue[0].start)


def to_vtt(parts: list[list[Segment]], backchannels: list[Segment] = ()) -> str:
    lines = ["WEBVTT", ""]
    for i, (cue, wrapped) in enumerate(cues(parts, backchannels), 1):
        text = "\n".join(_escape_vtt(part) for part in wrapped)
        lines += [
            str(i),
            f"{_clock(cue.start, '.')} --> {_clock(cue.end, '.')}",
            f"<v {_escape_vtt(cue.speaker)}>{text}",
            "",
        ]
    return "\n".join(lines)


def to_srt(parts: list[list[Segment]], backchannels: list[Segment] = ()) -> str:
    lines = []
    for i, (cue, wrapped) in enumerate(cues(parts, backchannels, prefix=True), 1):
        lines += [str(i), f"{_clock(cue.start, ',')} --> {_clock(cue.end, ',')}", *wrapped, ""]
    return "\n".join(lines)


def to_json(segments: list[Segment], backchannels: list[Segment] = ()) -> str:
    """The Podcasting 2.0 JSON transcript: one segment per script line and per backchannel, in time order."""
    ordered = sorted([*segments, *backchannels], key=lambda s: s.start)
    body = [{"speaker": s.speaker, "startTime": s.start, "endTime": s.end, "body": s.text} for s in ordered]
    return json.dumps({"version": "1.0.0", "segments": body}, indent=2, ensure_ascii=False) + "\n"


def chapters_json(marks: list, title: str) -> str:
    """Podcasting 2.0 JSON chapters (the same marks as the MP3's CHAP frames); the first starts at 0."""
    items = [{"startTime": m.start, "endTime": m.end, "title": m.title} for m in marks]
    return json.dumps({"version": "1.2.0", "title": title, "chapters": items}, indent=2, ensure_ascii=False) + "\n"
