"""The long video (1920x1080): a slide per chapter, the current line as a caption, a progress bar
with chapter marks; and ``youtube.txt``, its description with the chapters YouTube reads.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..text.tidy import one_line, strip_invisible
from .draw import caption_pages, frame, load_figure, slide_image
from .encode import Clip
from .slides import Shown
from .style import Style

SETTLE_S = 0.05
"""Frames closer together than this are one frame (the later)."""


@dataclass(frozen=True)
class Shot:
    start: float
    slide: int
    speaker: str
    page: tuple[str, ...]


def shots(shown: Shown, style: Style) -> list[Shot]:
    """Every change on screen: each slide as it starts, each caption page as it is spoken, and
    the caption cleared after the last line."""
    found = [Shot(0.0, 0, "", ())]
    for index, slide in enumerate(shown.slides):
        if index:
            found.append(Shot(slide.start, index, "", ()))
        for line in slide.lines:
            pages = caption_pages(line.text, style)
            sizes = [max(1, sum(len(row) for row in page)) for page in pages]
            elapsed = 0
            for page, size in zip(pages, sizes):
                start = line.start + (line.end - line.start) * elapsed / sum(sizes)
                found.append(Shot(max(start, slide.start), index, line.speaker, tuple(page)))
                elapsed += size
    last = shown.lines[-1].end + 0.5
    if last < shown.duration - 0.5:
        found.append(Shot(last, len(shown.slides) - 1, "", ()))
    return _settled(found)


def _settled(found: list[Shot]) -> list[Shot]:
    ordered = sorted(found, key=lambda s: s.start)
    kept: list[Shot] = []
    for shot in ordered:
        if kept and shot.start - kept[-1].start < SETTLE_S:
            kept[-1] = Shot(kept[-1].start, shot.slide, shot.speaker, shot.page)
        else:
            kept.append(shot)
    return kept


def long_clip(shown: Shown, style: Style, show: str, cover, subtitles, language: str) -> tuple[Clip, list[Shot]]:
    """The long video's frames and audio, ready to encode."""
    duration = shown.duration
    marks = [s.start / duration for s in shown.slides[1:]]
    figures = [load_figure(s.figure) if s.figure else None for s in shown.slides]
    bases: dict[int, object] = {}
    found = shots(shown, style)

    def base(index: int):
        if index not in bases:
            bases[index] = slide_image(shown.slides[index], len(shown.slides), style, show, cover, figures[index])
        return bases[index]

    def draw(i: int):
        shot = found[i]
        return frame(base(shot.slide), style, shot.speaker, list(shot.page), shot.start / duration, marks)

    for index in range(len(shown.slides)):
        base(index)  # drawn once each, before the frames are drawn in parallel
    clip = Clip(
        [s.start for s in found],
        draw,
        duration,
        shown.episode.audio,
        subtitles=subtitles,
        language=language,
        metadata={"title": shown.episode.title, "artist": show},
    )
    return clip, found


def youtube_description(shown: Shown, show: str) -> str:
    """The video's description: what it is, its chapters as YouTube's ``00:00 Title`` list
    (YouTube makes chapters of it when the first is at 00:00 and there are three or more), sources."""
    rows = [one_line(shown.episode.title), "", strip_invisible(shown.episode.description).strip(), ""]
    if show:
        rows += [f"From {one_line(show)}.", ""]
    rows.append("Chapters:")
    rows += [f"{_clock(s.start)} {one_line(s.title)}" for s in shown.slides]  # one line each, or no chapters
    sources = [
        str(c.get("title") or c.get("source") or "")
        for c in shown.episode.meta.get("credits") or []
        if isinstance(c, dict)
    ]
    if any(sources):
        rows += ["", "Sources:", *[f"- {one_line(s)}" for s in sources if s]]
    return "\n".join(rows).replace("\n\n\n", "\n\n") + "\n"


def _clock(seconds: float) -> str:
    minutes, secs = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes:02d}:{secs:02d}"
