"""A video style: its colours (``prompts/styles/<name>.toml``, or the user's prompts_dir), and the
fonts text is drawn with.

Pillow's built-in scalable font draws Latin text only. Text in another script (CJK, Arabic,
Devanagari...) is drawn with the font the user gives (``--font``); without one, the characters
the font lacks are named in a warning instead of turning silently into boxes.
"""

from __future__ import annotations

import colorsys
import logging
import tomllib
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ..config import Settings
from ..errors import BadMedia, UsageError
from ..prompts import load_toml, user_file

log = logging.getLogger(__name__)
STYLES = ("classic", "whiteboard")
COLOURS = ("background", "panel", "ink", "muted", "accent")

RGB = tuple[int, int, int]


@dataclass(frozen=True)
class Style:
    name: str
    background: RGB
    panel: RGB
    ink: RGB
    muted: RGB
    accent: RGB
    font: Path | None = None

    def face(self, size: int):
        """The style's font at ``size`` pixels: the user's, else Pillow's built-in one."""
        return _face(str(self.font) if self.font else "", size)


def load_style(settings: Settings, cover: Path | None) -> Style:
    """The settings' video style, its colours from the cover when it says ``palette = "cover"``."""
    name = settings.video_style
    data = _style_file(name, settings)
    colours = {key: _colour(data.get(key), key, name) for key in COLOURS}
    if data.get("palette") == "cover" and cover is not None:
        colours.update(cover_palette(cover))
    return Style(name, **colours, font=_font(settings.font))


def _style_file(name: str, settings: Settings) -> dict:
    """The style's TOML: built in (and overridden key by key from prompts_dir), or the user's own."""
    if name in STYLES:
        return load_toml(f"styles/{name}.toml", settings)
    own = user_file(f"styles/{name}.toml", settings)
    if own is None:
        raise UsageError(
            f"No video style {name!r}.",
            f"Use one of: {', '.join(STYLES)}, or put styles/{name}.toml in your prompts_dir.",
        )
    try:
        return tomllib.loads(own.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise UsageError(f"{own} is not valid TOML ({exc}).", f"Fix {own}.") from None


def _colour(value: object, key: str, style: str) -> RGB:
    text = str(value or "")
    if len(text) != 7 or not text.startswith("#"):
        raise UsageError(
            f'Video style {style!r}: {key} must be a colour like "#1b1b1f", not {value!r}.', f"Fix styles/{style}.toml."
        )
    try:
        return tuple(int(text[i : i + 2], 16) for i in (1, 3, 5))  # type: ignore[return-value]
    except ValueError:
        raise UsageError(
            f"Video style {style!r}: {key} is not a colour ({value!r}).", f"Fix styles/{style}.toml."
        ) from None


def cover_palette(cover: Path) -> dict[str, RGB]:
    """A deep background, a darker panel and the most vivid colour of the cover."""

    from PIL import Image

    with Image.open(cover) as image:
        small = image.convert("RGB").resize((64, 64))
    colours = [c for _, c in sorted(small.getcolors(64 * 64) or [], reverse=True)[:400]]
    hsv = [(colorsys.rgb_to_hsv(*(v / 255 for v in c)), c) for c in colours]
    darkest = min(hsv, key=lambda x: x[0][2])[0]
    vivid = max(hsv, key=lambda x: x[0][1] * x[0][2])[0]

    def rgb(h: float, s: float, v: float) -> RGB:
        return tuple(round(x * 255) for x in colorsys.hsv_to_rgb(h, s, v))  # type: ignore[return-value]

    background = rgb(darkest[0], min(darkest[1], 0.7), min(max(darkest[2], 0.12), 0.26))
    accent = rgb(vivid[0], max(vivid[1], 0.45), max(vivid[2], 0.85)) if vivid[1] > 0.2 else rgb(0.11, 0.8, 0.98)
    panel = rgb(darkest[0], min(darkest[1], 0.7), min(max(darkest[2], 0.12), 0.26) * 0.6)
    return {"background": background, "panel": panel, "accent": accent}


def _font(path: Path | None) -> Path | None:
    if path is None:
        return None
    path = Path(path).expanduser()
    if not path.is_file():
        raise BadMedia(f"Font file not found: {path}.", "Give a TrueType or OpenType font with --font.")
    try:
        _face(str(path), 20)
    except OSError:
        raise BadMedia(f"{path.name} is not a font Pillow can read.", "Give a .ttf or .otf file with --font.") from None
    return path


@lru_cache(maxsize=64)
def _face(path: str, size: int):
    from PIL import ImageFont

    return ImageFont.truetype(path, size) if path else ImageFont.load_default(size=size)


def missing_glyphs(style: Style, texts: list[str]) -> list[str]:
    """The characters of ``texts`` that the style's font cannot draw (each once, in order)."""
    face = style.face(40)
    blank = _bitmap(face, "\U000f0000")  # a private-use character no font draws: the font's "missing" box
    seen: dict[str, None] = {}
    for char in "".join(texts):
        if char not in seen and not char.isspace() and unicodedata.category(char)[0] in "LNPS":
            seen[char] = None
    return [c for c in seen if ord(c) > 0x7F and _bitmap(face, c) == blank]


def _bitmap(face, char: str) -> bytes:
    mask = face.getmask(char)
    return bytes(mask) + bytes(str(mask.size), "ascii")


def warn_missing(style: Style, texts: list[str]) -> list[str]:
    """Warn, naming them, about characters the video cannot draw; return them."""
    missing = missing_glyphs(style, texts)
    if missing:
        names = ", ".join(f"{c} ({unicodedata.name(c, hex(ord(c)))})" for c in missing[:5])
        more = f" and {len(missing) - 5} more" if len(missing) > 5 else ""
        font = style.font.name if style.font else "Pillow's built-in font"
        log.warning(
            "%s cannot draw %d characters of this episode: %s%s. They show as boxes in the video; "
            "give a font that has them with --font FILE.ttf",
            font,
            len(missing),
            names,
            more,
        )
    return missing
