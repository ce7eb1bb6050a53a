"""Transcripts (WebVTT, SRT, Podcasting 2.0 JSON) and chapters from the measured timeline."""
from __future__ import annotations

import json

from ..models import Chapter, Segment


def _clock(seconds: float, sep: str) -> str:
    ms = round(seconds * 1000)
    h, rest = divmod(ms, 3_600_000)
    m, rest = divmod(rest, 60_000)
    s, ms = divmod(rest, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}{sep}{ms:03d}"


def _escape_vtt(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("-->", "->")


def to_vtt(segments: list[Segment]) -> str:
    cues = ["WEBVTT", ""]
    for i, seg in enumerate(segments, 1):
        cues += [str(i), f"{_clock(seg.start, '.')} --> {_clock(seg.end, '.')}",
                 f"<v {_escape_vtt(seg.speaker)}>{_escape_vtt(seg.text)}", ""]
    return "\n".join(cues)


def to_srt(segments: list[Segment]) -> str:
    cues = []
    for i, seg in enumerate(segments, 1):
        cues += [str(i), f"{_clock(seg.start, ',')} --> {_clock(seg.end, ',')}", f"{seg.speaker}: {seg.text}", ""]
    return "\n".join(cues)


def to_json(segments: list[Segment]) -> str:
    """The Podcasting 2.0 JSON transcript: one segment per script line."""
    body = [{"speaker": s.speaker, "startTime": s.start, "endTime": s.end, "body": s.text} for s in segments]
    return json.dumps({"version": "1.0.0", "segments": body}, indent=2, ensure_ascii=False) + "\n"


def chapters_json(chapters: list[Chapter], segments: list[Segment], title: str) -> str:
    """Podcasting 2.0 JSON chapters; the first chapter starts at 0."""
    items = []
    for chapter in sorted(chapters, key=lambda c: c.line):
        if 0 <= chapter.line < len(segments):
            start = 0.0 if not items else round(segments[chapter.line].start, 3)
            items.append({"startTime": start, "title": chapter.title})
    return json.dumps({"version": "1.2.0", "title": title, "chapters": items}, indent=2, ensure_ascii=False) + "\n"
