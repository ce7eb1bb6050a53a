"""Cover art: the user's image (checked), or one drawn with Pillow from the title and show name.

The drawn cover is 3000x3000 (the largest Apple Podcasts takes): a deep background, a row of
waveform bars and the title set large in Pillow's built-in scalable font (no system font
needed), so it reads at thumbnail size. Colours and bar heights come from a hash of the title
and show, so the same episode always gets the same cover.
"""

from __future__ import annotations

import colorsys
import hashlib
import shutil
import textwrap
from pathlib import Path

from ..errors import BadMedia, MissingDependency
from ..files import atomic_path
from ..folder import COVER, COVER_JPEG
from ..images import pixels_checked

SIZE = 3000
MIN_SIZE = 1400
MARGIN = 240


def _pillow():
    try:
        from PIL import Image, ImageDraw, ImageFont
    except ImportError:  # pragma: no cover - a core dependency
        raise MissingDependency("Pillow is not installed.", "pip install pillow") from None
    return Image, ImageDraw, ImageFont


def check_cover(path: Path) -> str:
    """Check a user's cover image; return its file extension (".jpg" or ".png")."""
    Image, _, _ = _pillow()
    if not path.is_file():
        raise BadMedia(f"Cover file not found: {path}.", "Check the --cover path.")
    try:
        with pixels_checked(Image, path.name, BadMedia), Image.open(path) as image:
            image.verify()
            size, kind = image.size, image.format
    except BadMedia:
        raise
    except Exception:  # Pillow raises many types for a file that is not an image
        raise BadMedia(f"{path.name} is not an image Pillow can read.", "Give a PNG or JPEG cover.") from None
    if min(size) < MIN_SIZE:
        raise BadMedia(
            f"{path.name} is {size[0]}x{size[1]}; podcast apps need at least {MIN_SIZE}x{MIN_SIZE}.",
            "Give a larger image (3000x3000 is best).",
        )
    return ".jpg" if kind == "JPEG" else ".png"


def save_cover(folder: Path, title: str, show: str, source: Path | None) -> Path:
    """Write cover.png (or cover.jpg for a JPEG given) into ``folder`` atomically; return its path."""
    if source is not None:
        suffix = check_cover(source)
        target = folder / (COVER_JPEG if suffix == ".jpg" else COVER)
        with atomic_path(target) as tmp:
            if suffix == ".jpg":
                shutil.copyfile(source, tmp)
            else:
                Image, _, _ = _pillow()
                with Image.open(source) as image:
                    image.convert("RGB").save(tmp, format="PNG")
    else:
        target = folder / COVER
        with atomic_path(target) as tmp:
            draw_cover(title, show).save(tmp, format="PNG", optimize=False, compress_level=6)
    for other in {folder / COVER, folder / COVER_JPEG} - {target}:
        other.unlink(missing_ok=True)
    return target


def _palette(seed: bytes) -> tuple[tuple[int, int, int], tuple[int, int, int], tuple[int, int, int]]:
    hue = seed[0] / 255

    def rgb(h: float, s: float, v: float) -> tuple[int, int, int]:
        return tuple(round(c * 255) for c in colorsys.hsv_to_rgb(h % 1, s, v))  # type: ignore[return-value]

    return rgb(hue, 0.62, 0.22), rgb(hue + 0.08, 0.55, 0.95), rgb(hue, 0.05, 0.98)


TITLE_TOP, TITLE_HEIGHT = MARGIN + 470, 1560
"""Where the title starts, and the room it has above the tallest waveform bar."""


def _title_lines(title: str, font_for, width: int) -> tuple[list[str], object]:
    """The largest font size at which the title fits in four lines across ``width`` and above the
    bars, its words whole."""
    for size in range(440, 150, -20):
        font = font_for(size)
        chars = max(8, int(width / (size * 0.52)))
        lines = textwrap.wrap(title, chars, break_long_words=False)
        if (
            len(lines) <= 4
            and len(lines) * int(size * 1.18) <= TITLE_HEIGHT
            and all(font.getlength(line) <= width for line in lines)
        ):
            return lines, font
    return textwrap.wrap(title, 22, max_lines=4, placeholder="…"), font_for(150)


def draw_cover(title: str, show: str):
    """The cover as a Pillow image: deterministic for the same title and show."""
    Image, ImageDraw, ImageFont = _pillow()
    seed = hashlib.sha256(f"{show}\n{title}".encode()).digest()
    background, accent, ink = _palette(seed)
    image = Image.new("RGB", (SIZE, SIZE), background)
    draw = ImageDraw.Draw(image)
    bars, gap = 28, 30
    bar_width = (SIZE - 2 * MARGIN - (bars - 1) * gap) / bars
    for i in range(bars):
        height = 160 + seed[i % len(seed)] / 255 * 520
        x = MARGIN + i * (bar_width + gap)
        draw.rounded_rectangle(
            (x, SIZE - MARGIN - height, x + bar_width, SIZE - MARGIN),
            radius=bar_width / 2,
            fill=accent if i % 7 else ink,
        )
    small = ImageFont.load_default(size=190)
    draw.text((MARGIN, MARGIN), show.upper(), font=small, fill=accent, stroke_width=2, stroke_fill=accent)
    draw.rectangle((MARGIN, MARGIN + 270, MARGIN + 480, MARGIN + 292), fill=accent)
    lines, font = _title_lines(title, lambda s: ImageFont.load_default(size=s), SIZE - 2 * MARGIN)
    y = TITLE_TOP
    for line in lines:
        draw.text((MARGIN, y), line, font=font, fill=ink, stroke_width=4, stroke_fill=ink)
        y += int(font.size * 1.18)
    return image
