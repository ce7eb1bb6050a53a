"""Speakable text: what a writer (or a model) writes, turned into what a voice can say.

One normaliser for every writer: ``write_script`` runs ``speakable_text`` over each line.
It removes what must not be read aloud (HTML tags and entities, Markdown, asterisks, emoji,
URLs, LaTeX, bracketed stage directions, control and bidirectional formatting characters) and,
for English, spells out symbols, units and abbreviations the way a person says them. The
offline writer's sentence filter uses the same markup rules.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Sequence

from ..text.language import base_language
from ..text.tidy import ENDS, strip_invisible, tidy

# --- markup shared with the offline writer's sentence filter --------------------------------

_IMAGE = re.compile(r"!\[[^\]]{0,300}\]\([^)]{0,2000}\)")
_LINK = re.compile(r"\[([^\]]{1,300})\]\([^)\s]{1,2000}\)")
_EMPHASIS = re.compile(r"\*\*|__|`|(?<!\w)\*(?=\w)|(?<=\w)\*(?!\w)")
_LATIN = re.compile(r"\b(e\.g|i\.e)\.,?", re.IGNORECASE)
_LATIN_SPOKEN = {"e.g": "for example,", "i.e": "that is,"}


def unlink(text: str) -> str:
    """Images dropped; links become their text."""
    return _LINK.sub(r"\1", _IMAGE.sub("", text))


def plain_symbols(text: str) -> str:
    """Emphasis marks dropped; "~5" "&" "e.g." "i.e." said in words."""
    text = _EMPHASIS.sub("", text)
    text = re.sub(r"~\s?(?=\d)", "about ", text)
    text = text.replace("&", "and")
    return _LATIN.sub(lambda m: _LATIN_SPOKEN[m.group(1).lower()], text)


# --- what models add -----------------------------------------------------------------------

_STAGE_WORDS = (
    r"laugh|chuckl|giggl|sigh|paus|music|sound|applause|smil|nod|whisper|clears?|cough|excited"
    r"|gasp|beat|intro|outro|transition|jingle|sfx|host|speaker|both|together|silence"
)
_BRACKETED = re.compile(r"\s*\[[^\]]{0,80}\]")
_STAGE = re.compile(rf"\s*(?:\*|\()\s*(?:{_STAGE_WORDS})[^*()]{{0,60}}(?:\*|\))", re.IGNORECASE)
_URL = re.compile(r"<?(?:https?://|www\.)[^\s<>)\]]+>?|(?<![\w.-])[\w.-]++@[\w-]+\.[\w.]+\b")
_LATEX_INLINE = re.compile(r"\$\$?([^$]{1,200})\$\$?|\\\((.{1,200}?)\\\)|\\\[(.{1,200}?)\\\]")
_FRAC = re.compile(r"\\[dt]?frac\{([^{}]*)\}\{([^{}]*)\}")
_COMMAND = re.compile(r"\\([A-Za-z]+)")
_LINE_MARK = re.compile(r"^\s*(?:#{1,6}\s+|>\s*|[-*+•]\s+|\d{1,2}[.)]\s+(?=[A-Za-z]))", re.MULTILINE)
_SPEAKER_LABEL = r"^\s*(?:\*\*)?(?:{names}|Host \w|Speaker \w{{1,2}})(?:\*\*)?:(?:\*\*)?\s+(?=\S)"

_LATEX_WORDS = {
    "times": "times",
    "cdot": "times",
    "approx": "about",
    "leq": "at most",
    "geq": "at least",
    "le": "at most",
    "ge": "at least",
    "neq": "is not",
    "pm": "plus or minus",
    "sum": "the sum of",
    "sqrt": "the square root of",
    "infty": "infinity",
    "to": "to",
    "rightarrow": "to",
}


def _latex(match: re.Match[str]) -> str:
    inner = next(g for g in match.groups() if g is not None)
    inner = _FRAC.sub(r"\1 over \2", inner)
    inner = _COMMAND.sub(lambda m: f" {_LATEX_WORDS.get(m.group(1), m.group(1))} ", inner)
    inner = re.sub(r"\^\{?2\}?", " squared", inner)
    inner = re.sub(r"\^\{?([^{}\s]+)\}?", r" to the power of \1", inner)
    return " " + re.sub(r"[{}_]", " ", inner) + " "


def _is_emoji(ch: str) -> bool:
    code = ord(ch)
    if ch == "°":  # a degree sign is spoken ("35 degrees")
        return False
    return (
        0x1F000 <= code <= 0x1FAFF
        or 0x2600 <= code <= 0x27BF
        or code in (0xFE0F, 0x200D, 0x20E3)
        or unicodedata.category(ch) == "So"
    )


_HTML_TAGS = (
    r"a|abbr|audio|b|big|blockquote|body|br|button|center|code|del|div|em|embed|font|form|h[1-6]|head|hr|html"
    r"|i|iframe|img|input|ins|kbd|li|link|mark|meta|object|ol|p|pre|q|s|script|select|small|source|span|strike"
    r"|strong|style|sub|sup|svg|table|tbody|td|textarea|th|thead|title|tr|tt|u|ul|var|video"
)
_HTML_ELEMENT = re.compile(r"<(script|style)\b[^<>]{0,300}+>[^<]{0,1000}+</\1\s*>", re.IGNORECASE)
_HTML_TAG = re.compile(
    rf"</?(?:{_HTML_TAGS})\s*/?>|<(?:{_HTML_TAGS})\s[^<>=]{{0,300}}+=[^<>]{{0,300}}+>|<!--[^<>]{{0,300}}?-->",
    re.IGNORECASE,
)
"""A tag alone, or one with an attribute (``a<b and c>d`` is no tag)."""
_SPACES = re.compile(r"[^\S\n]+")
_NEWLINES = re.compile(r"\s*\n\s*")


def strip_html(text: str) -> str:
    """HTML a model wrote: entities decoded, then tags dropped (a script or style element whole)."""
    if "&" in text:
        text = html.unescape(text)
    if "<" in text:
        text = _HTML_TAG.sub(" ", _HTML_ELEMENT.sub(" ", text))
    return text


def strip_unspeakable(text: str, speakers: Sequence[str] = ()) -> str:
    """HTML, control and bidirectional formatting characters, Markdown, stage directions, URLs,
    LaTeX, emoji, a leading "Name:" label and a host's name left alone after the last sentence
    removed (any language)."""
    text = _NEWLINES.sub("\n", _SPACES.sub(" ", strip_invisible(strip_html(text))))  # short runs: linear below
    names = "|".join(re.escape(name) for name in speakers) or "(?!)"
    text = re.sub(_SPEAKER_LABEL.format(names=names), "", text)
    text = re.sub(rf"(?<=[.!?])\s+(?:{names})\s*:?\s*$", "", text)  # the next line's label, cut off
    text = _LATEX_INLINE.sub(_latex, unlink(text))
    text = _URL.sub("", text)
    text = _STAGE.sub("", text)
    text = _BRACKETED.sub("", text)
    text = _LINE_MARK.sub("", text)
    text = "".join(ch for ch in text if not _is_emoji(ch))
    return re.sub(r"(?<!\w)_|_(?!\w)|[|#]", " ", _EMPHASIS.sub("", text))


# --- English symbols, units and abbreviations ------------------------------------------------

_UNITS = {
    "km": "kilometres",
    "kg": "kilograms",
    "cm": "centimetres",
    "mm": "millimetres",
    "ms": "milliseconds",
    "km/h": "kilometres an hour",
    "mph": "miles an hour",
    "kWh": "kilowatt hours",
    "MW": "megawatts",
    "kW": "kilowatts",
    "GHz": "gigahertz",
    "MHz": "megahertz",
    "Hz": "hertz",
    "GB": "gigabytes",
    "MB": "megabytes",
    "TB": "terabytes",
    "KB": "kilobytes",
    "mg": "milligrams",
    "ml": "millilitres",
    "lbs": "pounds",
    "lb": "pounds",
    "ft": "feet",
    "mi": "miles",
    "°C": "degrees Celsius",
    "°F": "degrees Fahrenheit",
}
_UNIT = re.compile(
    r"(?<=\d)\s?(" + "|".join(re.escape(u) for u in sorted(_UNITS, key=len, reverse=True)) + r")(?![\w/])"
)
_CURRENCY = re.compile(r"([$€£])\s?(\d[\d,.]*)(\s?(?:million|billion|trillion|thousand|[kKmMbB]n?)\b)?")
_CURRENCY_WORDS = {"$": "dollars", "€": "euros", "£": "pounds"}
_ABBREVIATIONS = [
    (r"\betc\.(?=\s*$)", "et cetera."),
    (r"\betc\.", "et cetera"),
    (r"\bvs\.?(?=\s)", "versus"),
    (r"\bapprox\.", "approximately"),
    (r"\bDr\.(?=\s[A-Z])", "Doctor"),
    (r"\bMr\.(?=\s[A-Z])", "Mister"),
    (r"\bMrs\.(?=\s[A-Z])", "Missus"),
    (r"\bProf\.(?=\s[A-Z])", "Professor"),
    (r"\bFig\.(?=\s?\d)", "figure"),
    (r"\bNo\.(?=\s?\d)", "number"),
    (r"\bcf\.", "compare"),
    (r"\bet al\.", "and colleagues"),
    (r"\bw/o\b", "without"),
    (r"\bw/(?=\s)", "with"),
]
_SYMBOLS = [
    (r"(?<=\d)\s?%", " percent"),
    (r"\s?±\s?", " plus or minus "),
    (r"\s?≈\s?", " about "),
    (r"(?<=\d)\s?[×x]\s?(?=\d)", " times "),
    (r"\s?[→⟶]\s?", " to "),
    (r"\s?≤\s?", " at most "),
    (r"\s?≥\s?", " at least "),
    (r"(?<=\s)\+(?=\s)", "plus"),
    (r"(?<=\s)=(?=\s)", "equals"),
    (r"(?<=\d)\s?°", " degrees"),
    (r"(?<=\d)\s?-\s?(?=\d)", " to "),
    (r"(?<=\d)–(?=\d)", " to "),
    (r"\s+/\s+", " or "),
    (r"@", " at "),
]


def _currency(match: re.Match[str]) -> str:
    scale = (match.group(3) or "").strip()
    scale = {
        "k": "thousand",
        "K": "thousand",
        "m": "million",
        "M": "million",
        "bn": "billion",
        "b": "billion",
        "B": "billion",
        "Bn": "billion",
    }.get(scale, scale)
    return f"{match.group(2)}{' ' + scale if scale else ''} {_CURRENCY_WORDS[match.group(1)]}"


def spell_english(text: str) -> str:
    text = _CURRENCY.sub(_currency, text)
    text = _UNIT.sub(lambda m: " " + _UNITS[m.group(1)], text)
    for pattern, spoken in _ABBREVIATIONS + _SYMBOLS:
        text = re.sub(pattern, spoken, text)
    return plain_symbols(text)


def speakable_text(text: str, language: str = "en", speakers: Sequence[str] = ()) -> str:
    """``text`` as a voice should say it (empty when nothing speakable is left).

    ``speakers``: the hosts' names, removed where a line starts with one as a label ("Sam: ...")."""
    text = strip_unspeakable(text, speakers)
    text = spell_english(text) if base_language(language) == "en" else text
    return tidy(text, ENDS)
