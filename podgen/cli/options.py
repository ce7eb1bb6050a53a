"""Options that several commands share, declared once.

Each option is named after the setting it sets. A group is a tuple of options; a command
decorated with ``@with_settings(GROUP, ...)`` gets every option of those groups (and
``--config``) on its command line and receives one validated ``settings`` argument built
from them: flags > environment > podgen.toml > defaults. An option left out is ``None`` and
does not count, so the file and environment still apply.
"""
from __future__ import annotations

import functools
import inspect
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Optional

import typer


@dataclass(frozen=True)
class Opt:
    name: str
    """The setting this option sets (and the command parameter's name)."""
    type: Any
    option: Any
    convert: Callable[[Any], Any] | None = None
    """Turns the flag's value into the setting's value; None means 'not given'."""


def opt(name: str, type_: Any, *flags: str, help: str, convert: Callable[[Any], Any] | None = None) -> Opt:
    return Opt(name, Optional[type_], typer.Option(None, *flags, help=help, show_default=False), convert)


def flag(name: str, *flags: str, help: str, value: Any = True) -> Opt:
    """An on/off switch: given, it sets ``name`` to ``value``; left out, it does not count."""
    return Opt(name, bool, typer.Option(False, *flags, help=help), lambda on: value if on else None)


CONFIG = opt("config", Path, "--config", "-c", help="Settings file [default: ./podgen.toml].")

OUTPUT = (
    opt("output_dir", Path, "-o", "--output", help="Parent folder of episode folders [default: episodes]."),
)
SOURCES_HELP = ("Files or http(s) URLs: .pdf .docx .epub .html .md .txt, images (.png .jpg .webp .tiff), "
                "audio and video (.mp3 .wav .m4a .flac .ogg .opus .mp4 .mkv .webm .mov).")

INGEST = (
    opt("password", str, "--password", help="Password of an encrypted PDF."),
    opt("max_pages", int, "--max-pages", help="Refuse documents longer than this many pages [default: 1000]."),
    opt("asr_model", Path, "--asr-model", help="Local CTranslate2 Whisper model folder for audio and video "
        "[default: Whisper tiny.en, built in]."),
)
LANGUAGE = opt("language", str, "--language", "-l",
               help="Language of the script and voices, e.g. en, de, fr [default: en].")
WRITE = (
    opt("minutes", float, "--minutes", "-m", help="Target length in minutes [default: 5]."),
    opt("title", str, "--title", "-t", help="Episode title [default: the document's]."),
    LANGUAGE,
)
TTS = opt("tts", str, "--tts", help="Voice backend: auto, edge, openai, piper [default: auto: edge-tts when "
          "its service answers, else piper].")
TTS_BASE_URL = opt("tts_base_url", str, "--tts-base-url",
                   help="OpenAI-compatible speech server for --tts openai, e.g. http://localhost:8880/v1.")
VOICE = (
    TTS,
    TTS_BASE_URL,
    opt("voices", str, "--voices", help="Voices, one per host, comma-separated, e.g. nova,onyx."),
    opt("tts_concurrency", int, "--tts-concurrency",
        help="Lines spoken at the same time [default: 8 for edge and openai, the core count for piper]."),
    flag("cache", "--no-cache", help="Speak every line again instead of reusing cached clips.", value=False),
    LANGUAGE,
)
STUDIO: tuple[Opt, ...] = ()
CHECK: tuple[Opt, ...] = ()

EPISODE = OUTPUT + INGEST + WRITE + VOICE + STUDIO + CHECK
"""Everything that shapes an episode: what `make` and `batch` take."""


def _unique(groups: tuple[tuple[Opt, ...], ...]) -> list[Opt]:
    seen: dict[str, Opt] = {}
    for group in groups:
        for option in group:
            seen.setdefault(option.name, option)
    return list(seen.values())


def with_settings(*groups: tuple[Opt, ...]) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Add the groups' options (and --config) to a command; pass it ``settings`` built from them."""
    options = _unique(groups)

    def decorate(func: Callable[..., Any]) -> Callable[..., Any]:
        signature = inspect.signature(func)
        own = [p for p in signature.parameters.values() if p.name != "settings"]
        added = [inspect.Parameter(o.name, inspect.Parameter.KEYWORD_ONLY, default=o.option, annotation=o.type)
                 for o in (*options, CONFIG)]

        @functools.wraps(func)
        def command(*args: Any, **kwargs: Any) -> Any:
            from ._app import settings_from

            config = kwargs.pop(CONFIG.name)
            overrides = {}
            for o in options:
                value = kwargs.pop(o.name)
                overrides[o.name] = o.convert(value) if o.convert and value is not None else value
            return func(*args, settings=settings_from(config, overrides), **kwargs)

        command.__signature__ = signature.replace(parameters=own + added)  # type: ignore[attr-defined]
        command.__annotations__ = {k: v for k, v in func.__annotations__.items() if k != "settings"}
        return command

    return decorate
