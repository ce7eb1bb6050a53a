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
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import typer

from .console import settings_from


@dataclass(frozen=True)
class Opt:
    name: str
    """The setting this option sets; ``show.title`` is ``title`` in the ``show`` table."""
    type: Any
    option: Any
    convert: Callable[[Any], Any] | None = None
    """Turns the flag's value into the setting's value; None means 'not given'."""

    @property
    def param(self) -> str:
        """The command parameter's name."""
        return self.name.replace(".", "_")

    def put(self, overrides: dict[str, Any], value: Any) -> None:
        *tables, key = self.name.split(".")
        for table in tables:
            overrides = overrides.setdefault(table, {})
        overrides[key] = self.convert(value) if self.convert and value is not None else value


def opt(name: str, type_: Any, *flags: str, help: str, convert: Callable[[Any], Any] | None = None) -> Opt:
    return Opt(name, type_ | None, typer.Option(None, *flags, help=help, show_default=False), convert)


def flag(name: str, *flags: str, help: str, value: Any = True) -> Opt:
    """An on/off switch: given, it sets ``name`` to ``value``; left out, it does not count."""
    return Opt(name, bool, typer.Option(False, *flags, help=help), lambda on: value if on else None)


CONFIG = opt("config", Path, "--config", "-c", help="Settings file [default: ./podgen.toml].")

OUTPUT = (opt("output_dir", Path, "-o", "--output", help="Parent folder of episode folders [default: episodes]."),)
SOURCES_HELP = (
    "Files or http(s) URLs: .pdf .docx .epub .html .md .txt, images (.png .jpg .webp .tiff), "
    "audio and video (.mp3 .wav .m4a .flac .ogg .opus .mp4 .mkv .webm .mov)."
)

INGEST = (
    opt("password", str, "--password", help="Password of an encrypted PDF."),
    opt("max_pages", int, "--max-pages", help="Refuse documents longer than this many pages [default: 1000]."),
    flag(
        "describe_images",
        "--describe-images",
        help="Have the chat model (--writer openai) describe images "
        "instead of reading them with OCR; the model must accept images.",
    ),
    opt(
        "asr_model",
        Path,
        "--asr-model",
        help="faster-whisper (CTranslate2) model folder that transcribes audio "
        "and video sources [default: Whisper tiny.en, built in].",
    ),
)
LLM_BASE_URL = opt(
    "llm_base_url",
    str,
    "--llm-base-url",
    help="OpenAI-compatible endpoint, e.g. http://localhost:11434/v1 [default: OPENAI_BASE_URL].",
)
MODEL_FILE = opt("model_file", Path, "--model-file", help="GGUF model file for --writer local.")
LANGUAGE = opt(
    "language", str, "--language", "-l", help="Language of the script and voices, e.g. en, de, fr [default: en]."
)
WRITE = (
    opt("minutes", float, "--minutes", "-m", help="Target length in minutes [default: 5]."),
    opt("title", str, "--title", "-t", help="Episode title [default: the document's]."),
    LANGUAGE,
    opt(
        "writer",
        str,
        "--writer",
        "--llm",
        help="Script writer (--llm is the same option): auto, openai, local or "
        "offline [default: auto = openai "
        "when OPENAI_API_KEY or a base URL is set, else a local chat server (Ollama, llama.cpp, LM Studio, vLLM), "
        "else a GGUF model already on disk (local), else offline].",
    ),
    opt(
        "model",
        str,
        "--model",
        help="Chat model name; for --writer local a GGUF on the Hugging Face Hub as "
        "REPO/FILE.gguf, downloaded once [default: gpt-4o-mini; local: Qwen2.5-1.5B-Instruct Q4_K_M].",
    ),
    MODEL_FILE,
    LLM_BASE_URL,
    opt(
        "fallback",
        str,
        "--fallback",
        help="Who writes a segment the model cannot: offline (read from the "
        "source) or none (fail) [default: offline under --writer auto, else none].",
    ),
    opt("llm_threads", int, "--llm-threads", help="CPU threads of --writer local [default: the cores not busy]."),
    opt("llm_concurrency", int, "--llm-concurrency", help="Chat requests at the same time [default: 4]."),
    opt(
        "context_tokens",
        int,
        "--context-tokens",
        help="The model's context window; no request is larger [default: 8192].",
    ),
    opt("format", str, "--format", help="deep-dive, brief (one host), critique or debate [default: deep-dive]."),
    opt("focus", str, "--focus", help="What the episode should concentrate on."),
)
TTS = opt(
    "tts",
    str,
    "--tts",
    help="Voice backend: auto, edge, openai, piper [default: auto: edge-tts when its service answers, else piper].",
)
TTS_BASE_URL = opt(
    "tts_base_url",
    str,
    "--tts-base-url",
    help="OpenAI-compatible speech server for --tts openai, e.g. http://localhost:8880/v1.",
)
VOICE = (
    TTS,
    TTS_BASE_URL,
    opt("voices", str, "--voices", help="Voices, one per host, comma-separated, e.g. nova,onyx."),
    opt(
        "tts_concurrency",
        int,
        "--tts-concurrency",
        help="Lines spoken at the same time [default: 8 for edge and openai, the core count for piper].",
    ),
    flag("cache", "--no-cache", help="Speak every line again instead of reusing cached clips.", value=False),
    LANGUAGE,
)
STUDIO = (
    opt(
        "music",
        str,
        "--music",
        help='Music for the intro, bed and outro: an audio file, or "default" for the built-in bed.',
    ),
    opt(
        "cover",
        Path,
        "--cover",
        help="Cover image, PNG or JPEG, at least 1400x1400 [default: one drawn from the title].",
    ),
    flag("stereo", "--stereo", help="Stereo at -16 LUFS, 128 kbit/s, hosts placed apart [default: mono, -19 LUFS]."),
    opt(
        "style",
        str,
        "--style",
        help="natural: turns timed as people talk, short overlaps, backchannels; "
        "plain: a fixed pause between lines [default: natural].",
    ),
)
LISTEN = (
    opt(
        "check_asr_model",
        Path,
        "--check-asr-model",
        help="faster-whisper model folder the check listens with [default: --asr-model, else Whisper tiny.en].",
    ),
    opt("max_wer", float, "--max-wer", help="Word error rate over which a line is flagged [default: 0.4]."),
)
CHECK = (
    flag("check", "--check", help="Check the episode after rendering (podgen check); writes check.json."),
) + LISTEN
SHOW = (
    opt(
        "show.base_url",
        str,
        "--base-url",
        help="Absolute URL the site will be published at, e.g. https://pods.example.org/ml.",
    ),
    opt("show.title", str, "--show-title", help="Show title [default: the episodes folder's name]."),
    opt("show.description", str, "--show-description", help="Show description [default: the show title]."),
    opt("show.author", str, "--author", help="itunes:author [default: podgen]."),
    opt("show.owner_email", str, "--owner-email", help="Owner's e-mail (itunes:owner, podcast:locked owner)."),
    opt(
        "show.image",
        str,
        "--image",
        help="Show artwork: a .png/.jpg file or an absolute URL [default: first episode cover].",
    ),
)

LOOK = (
    opt(
        "video_style",
        str,
        "--video-style",
        help="Video style: classic (the cover's colours) or whiteboard "
        "(dark on light), or NAME for styles/NAME.toml in prompts_dir [default: classic].",
    ),
    opt(
        "font",
        Path,
        "--font",
        help="TrueType/OpenType font for the videos' text, for scripts Pillow's built-in "
        "font cannot draw (CJK, Arabic, Devanagari...) [default: built-in, Latin only].",
    ),
)
VIDEO = (
    flag("video", "--video", help="Also make episode.mp4: 1920x1080, a slide per chapter, captions (for YouTube)."),
    flag("short", "--short", help="Also make short.mp4: 1080x1920, the best 30-60 s, word-by-word captions."),
) + LOOK
EPISODE = OUTPUT + INGEST + WRITE + VOICE + STUDIO + VIDEO + CHECK
"""Everything that shapes an episode: what `make` and `batch` take."""


def _unique(groups: tuple[tuple[Opt, ...], ...]) -> list[Opt]:
    """The options of ``groups``, each once. One option may sit in several groups; two options
    for one setting, or two that share a flag, are a mistake that fails here, loudly."""
    seen: dict[str, Opt] = {}
    flags: dict[str, Opt] = {}
    for option in (o for group in groups for o in group):
        if seen.setdefault(option.name, option) is not option:
            raise ValueError(
                f"the setting {option.name!r} has two options: {_flags(seen[option.name])} and {_flags(option)}"
            )
        for name in option.option.param_decls:
            if flags.setdefault(name, option) is not option:
                raise ValueError(f"{name} is declared for {flags[name].name!r} and for {option.name!r}")
    return list(seen.values())


def _flags(option: Opt) -> str:
    return "/".join(option.option.param_decls)


def with_settings(*groups: tuple[Opt, ...]) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Add the groups' options (and --config) to a command; pass it ``settings`` built from them."""
    options = _unique(groups)

    def decorate(func: Callable[..., Any]) -> Callable[..., Any]:
        signature = inspect.signature(func)
        own = [p for p in signature.parameters.values() if p.name != "settings"]
        added = [
            inspect.Parameter(o.param, inspect.Parameter.KEYWORD_ONLY, default=o.option, annotation=o.type)
            for o in (*options, CONFIG)
        ]

        @functools.wraps(func)
        def command(*args: Any, **kwargs: Any) -> Any:
            config = kwargs.pop(CONFIG.name)
            overrides: dict[str, Any] = {}
            for o in options:
                o.put(overrides, kwargs.pop(o.param))
            return func(*args, settings=settings_from(config, overrides), **kwargs)

        command.__signature__ = signature.replace(parameters=own + added)  # type: ignore[attr-defined]
        command.__annotations__ = {k: v for k, v in func.__annotations__.items() if k != "settings"}
        return command

    return decorate
