"""Frames, drawn with Pillow: the slide of a chapter (drawn once), and over a copy of it the
caption of the current line and the progress bar; the short's vertical frames.
"""

from __future__ import annotations

import logging
from pathlib import Path

from ..errors import BadMedia
from .slides import Slide
from .style import Style

log = logging.getLogger(__name__)
WIDE = (1920, 1080)
TALL = (1080, 1920)
MARGIN = 110
CAPTION_SIZE, CAPTION_LINES = 50, 3
SHORT_CAPTION_SIZE, SHORT_CAPTION_LINES = 84, 4


def wrap(text: str, face, width: int, max_lines: int) -> list[str]:
    """``text`` in lines no wider than ``width``; past ``max_lines`` the last ends with an ellipsis."""
    lines: list[str] = []
    for word in text.split():
        while face.getlength(word) > width:  # a word wider than the line is broken
            cut = max(1, next((i for i in range(len(word), 0, -1) if face.getlength(word[:i]) <= width), 1))
            lines, word = _add(lines, word[:cut], face, width), word[cut:]
        lines = _add(lines, word, face, width)
    if len(lines) > max_lines:
        last = lines[max_lines - 1]
        while last and face.getlength(last + "…") > width:
            last = last[:-1].rstrip()
        lines = lines[: max_lines - 1] + [last + "…"]
    return lines


def _add(lines: list[str], word: str, face, width: int) -> list[str]:
    if lines and face.getlength(f"{lines[-1]} {word}") <= width:
        return [*lines[:-1], f"{lines[-1]} {word}"]
    return [*lines, word]


def load_cover(path: Path | None):
    """The cover as an RGB image, or None without one; a cover Pillow cannot read is an error."""
    from PIL import Image

    if path is None:
        return None
    try:
        with Image.open(path) as image:
            image.load()
            return image.convert("RGB")
    except Exception:  # Pillow raises many types for a broken image
        raise BadMedia(
            f"The cover {path.name} cannot be read.",
            f"Replace {path} with a PNG or JPEG, or delete it and podgen render the episode to draw one.",
        ) from None


def load_figure(path: Path):
    """A figure as an RGB image; None (and a warning) when it cannot be read."""
    from PIL import Image

    try:
        with Image.open(path) as image:
            image.load()
            return image.convert("RGB")
    except Exception:  # Pillow raises many types for a broken image
        log.warning("the figure %s cannot be read; its slide shows none", path.name)
        return None


def _fit(image, box: tuple[int, int]):
    copy = image.copy()
    copy.thumbnail(box)
    return copy


def slide_image(slide: Slide, count: int, style: Style, show: str, cover, figure):
    """The chapter's slide without caption and progress: drawn once per chapter."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", WIDE, style.background)
    draw = ImageDraw.Draw(image)
    draw.text((MARGIN, 64), show.upper(), font=style.face(28), fill=style.muted)
    draw.text((MARGIN, 104), f"{slide.number} / {count}", font=style.face(28), fill=style.accent)
    if cover is not None:
        image.paste(_fit(cover, (150, 150)), (WIDE[0] - MARGIN - 150, 56))
    right = 1000 if figure is not None else WIDE[0] - MARGIN - (170 if cover is not None else 0)
    title_face = style.face(66)
    y = 160
    for line in wrap(slide.title, title_face, right - MARGIN, 2):
        draw.text((MARGIN, y), line, font=title_face, fill=style.ink)
        y += 80
    draw.rectangle((MARGIN, y + 12, MARGIN + 140, y + 20), fill=style.accent)
    _points(draw, slide.points, style, (MARGIN, y + 56), right - MARGIN - 50, 690)
    if figure is not None:
        _figure(image, draw, figure, style)
    return image


def _points(draw, points: list[str], style: Style, at: tuple[int, int], width: int, bottom: int) -> None:
    face = style.face(38)
    x, y = at
    for point in points:
        lines = wrap(point, face, width, 2)
        if y + 48 * len(lines) > bottom:
            break
        draw.ellipse((x, y + 14, x + 14, y + 28), fill=style.accent)
        for line in lines:
            draw.text((x + 40, y), line, font=face, fill=style.ink)
            y += 48
        y += 22


def _figure(image, draw, figure, style: Style) -> None:
    box = (1060, 240, WIDE[0] - MARGIN, 690)
    fitted = _fit(figure, (box[2] - box[0] - 24, box[3] - box[1] - 24))
    draw.rounded_rectangle(box, radius=18, fill=style.panel)
    image.paste(
        fitted, (box[0] + (box[2] - box[0] - fitted.width) // 2, box[1] + (box[3] - box[1] - fitted.height) // 2)
    )


def caption_pages(
    text: str,
    style: Style,
    size: int = CAPTION_SIZE,
    lines: int = CAPTION_LINES,
    width: int = WIDE[0] - 2 * MARGIN - 80,
) -> list[list[str]]:
    """A spoken line's text as the caption pages that show one after another."""
    wrapped = wrap(text, style.face(size), width, 10_000)
    return [wrapped[i : i + lines] for i in range(0, len(wrapped), lines)] or [[""]]


def frame(base, style: Style, speaker: str, page: list[str], done: float, marks: list[float]):
    """A frame of the long video: the slide, the caption box and the progress bar at ``done`` (0..1)."""
    from PIL import ImageDraw

    image = base.copy()
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((MARGIN - 20, 724, WIDE[0] - MARGIN + 20, 1000), radius=24, fill=style.panel)
    if speaker:
        draw.text((MARGIN + 20, 744), speaker, font=style.face(34), fill=style.accent)
    face = style.face(CAPTION_SIZE)
    for i, line in enumerate(page):
        draw.text((MARGIN + 20, 794 + i * 62), line, font=face, fill=style.ink)
    _progress(draw, style, (MARGIN, 1030, WIDE[0] - MARGIN), done, marks)
    return image


def _progress(draw, style: Style, row: tuple[int, int, int], done: float, marks: list[float]) -> None:
    left, y, right = row
    draw.rounded_rectangle((left, y, right, y + 10), radius=5, fill=style.panel)
    filled = left + round((right - left) * min(max(done, 0.0), 1.0))
    if filled > left + 10:
        draw.rounded_rectangle((left, y, filled, y + 10), radius=5, fill=style.accent)
    for mark in marks:
        x = left + round((right - left) * mark)
        draw.rectangle((x - 2, y - 6, x + 2, y + 16), fill=style.ink)


def short_base(style: Style, show: str, title: str, cover):
    """The short's frame without its caption: the cover, the show and the episode's title."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", TALL, style.background)
    draw = ImageDraw.Draw(image)
    y = 150
    if cover is not None:
        fitted = _fit(cover, (360, 360))
        image.paste(fitted, ((TALL[0] - fitted.width) // 2, y))
        y += fitted.height + 50
    _centred(draw, [show.upper()], style.face(40), style.muted, y, 52)
    y += 80
    face = style.face(56)
    _centred(draw, wrap(title, face, TALL[0] - 160, 3), face, style.ink, y, 70)
    _centred(draw, ["Full episode wherever you listen"], style.face(36), style.muted, TALL[1] - 190, 44)
    return image


def _centred(draw, lines: list[str], face, fill, y: int, step: int) -> None:
    for i, line in enumerate(lines):
        draw.text(((TALL[0] - face.getlength(line)) / 2, y + i * step), line, font=face, fill=fill)


def short_frame(base, style: Style, speaker: str, words: list[str], current: int, done: float):
    """A frame of the short: the words of the caption, the one being said in the accent colour."""
    from PIL import ImageDraw

    image = base.copy()
    draw = ImageDraw.Draw(image)
    face = style.face(SHORT_CAPTION_SIZE)
    if speaker:
        _centred(draw, [speaker], style.face(46), style.accent, 960, 60)
    rows = wrap(" ".join(words), face, TALL[0] - 140, SHORT_CAPTION_LINES)
    y, index = 1050, 0
    for row in rows:
        x = (TALL[0] - face.getlength(row)) / 2
        for word in row.split(" "):
            colour = style.accent if index == current else style.ink
            draw.text((x, y), word, font=face, fill=colour, stroke_width=2, stroke_fill=style.background)
            x += face.getlength(word + " ")
            index += 1
        y += 104
    _progress(draw, style, (80, TALL[1] - 110, TALL[0] - 80), done, [])
    return image
