"""One validated settings model, built once at the edge and passed down.

Precedence: command-line flags > environment (PODGEN_*) > podgen.toml > defaults.

Each setting says, where it is declared, which stages of an episode it shapes (``shapes(...)``)
and whether it is secret: ``podgen.marks``.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from .errors import ConfigError
from .marks import shapes
from .text.language import base_language

Style = Literal["natural", "plain"]
STYLES: tuple[str, ...] = get_args(Style)
"""How the mix times the conversation: natural (turn timing, overlaps, backchannels) or plain."""
Format = Literal["deep-dive", "brief", "critique", "debate"]
FORMATS: tuple[str, ...] = get_args(Format)
"""The episode formats the writers know (each a prompt in prompts/)."""

CONFIG_FILE = "podgen.toml"
ENV_PREFIX = "PODGEN_"


def default_cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "podgen"


WRITE, SPEAK, MIX, CHECK, INGEST, PUBLISH = (shapes(s) for s in ("write", "speak", "mix", "check", "ingest", "publish"))
NOTHING = shapes()
"""Shapes no episode: where files go, how fast or how patiently the work is done, limits."""


class Host(BaseModel):
    """One host of the show: a ``[[hosts]]`` table of podgen.toml."""

    model_config = ConfigDict(extra="forbid")
    name: str = Field(
        min_length=1,
        max_length=40,
        description="the host's name; names must differ",
        json_schema_extra=shapes("write", "speak"),
    )
    voice: str | None = Field(
        None, min_length=1, description="Piper voice [default: by position]", json_schema_extra=SPEAK
    )
    voices: dict[str, str] = Field(
        default_factory=dict, description='voice per backend, e.g. {edge = "..."}', json_schema_extra=SPEAK
    )
    persona: str | None = Field(
        None, max_length=300, description="who the host is, for model-based writers", json_schema_extra=WRITE
    )


class Show(BaseModel):
    """The podcast as a whole, for ``podgen feed``: the ``[show]`` table of podgen.toml."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)
    base_url: str | None = Field(None, description="absolute URL the site is published at", json_schema_extra=PUBLISH)
    title: str | None = Field(
        None, description="show title [default: the episodes folder's name]", json_schema_extra=shapes("mix", "publish")
    )  # the ID3 album
    description: str | None = Field(
        None, description="show description [default: the title]", json_schema_extra=PUBLISH
    )
    author: str = Field("podgen", description="itunes:author", json_schema_extra=PUBLISH)
    owner_name: str | None = Field(
        None, description="itunes:owner's name [default: the author]", json_schema_extra=PUBLISH
    )
    owner_email: str | None = Field(
        None,
        pattern=r"^[A-Za-z0-9_.+'-]+@([A-Za-z0-9-]+\.)+[A-Za-z0-9-]{2,}$",
        description="owner's e-mail: itunes:owner, podcast:locked owner",
        json_schema_extra=PUBLISH,
    )
    image: str | None = Field(
        None,
        description="show artwork: a file or an absolute URL [default: first episode cover]",
        json_schema_extra=PUBLISH,
    )
    category: str = Field("Technology", description="itunes:category", json_schema_extra=PUBLISH)
    explicit: bool = Field(False, description="itunes:explicit", json_schema_extra=PUBLISH)
    locked: bool = Field(
        True, description="podcast:locked: no other platform may import the feed", json_schema_extra=PUBLISH
    )
    language: str | None = Field(
        None, description="the feed's language [default: the language setting]", json_schema_extra=PUBLISH
    )


class Sampling(BaseModel):
    """How the model samples, per kind of request: the ``[sampling]`` table of podgen.toml."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)
    summary: float = Field(0.3, ge=0, le=2, description="temperature of summaries", json_schema_extra=WRITE)
    outline: float = Field(0.5, ge=0, le=2, description="temperature of the outline", json_schema_extra=WRITE)
    segment: float = Field(0.8, ge=0, le=2, description="temperature of the dialogue", json_schema_extra=WRITE)
    revise: float = Field(
        0.5, ge=0, le=2, description="temperature of length and grounding repairs", json_schema_extra=WRITE
    )
    frequency_penalty: float = Field(
        0.3, ge=-2, le=2, description="OpenAI frequency_penalty (every server)", json_schema_extra=WRITE
    )
    presence_penalty: float = Field(
        0.0, ge=-2, le=2, description="OpenAI presence_penalty (every server)", json_schema_extra=WRITE
    )
    repeat_penalty: float = Field(
        1.1, ge=0.5, le=2, description="llama.cpp repeat_penalty (the local writer)", json_schema_extra=WRITE
    )
    seed: int | None = Field(None, description="sampling seed, for servers that take one", json_schema_extra=WRITE)

    def temperature(self, kind: str) -> float:
        return float(getattr(self, kind, self.segment))


class Settings(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True)

    output_dir: Path = Field(
        Path("episodes"), description="parent folder of episode folders", json_schema_extra=NOTHING
    )
    minutes: float = Field(5.0, gt=0, le=180, description="target episode length", json_schema_extra=WRITE)
    title: str | None = Field(
        None, max_length=300, description="episode title [default: the document's]", json_schema_extra=WRITE
    )
    language: str = Field(
        "en",
        pattern=r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$",
        description="language of the script and voices (ISO 639 code, for example en, de, pt-BR)",
        json_schema_extra=shapes("ingest", "write", "speak", "check"),
    )
    writer: str = Field(
        "auto",
        description="script writer backend; auto = openai when a key or base URL is set",
        json_schema_extra=WRITE,
    )
    tts: str = Field(
        "auto",
        description="voice backend: auto (edge-tts when online, else piper), edge, openai, piper",
        json_schema_extra=SPEAK,
    )
    tts_base_url: str | None = Field(
        None, description="OpenAI-compatible speech server, e.g. http://localhost:8880/v1", json_schema_extra=SPEAK
    )
    tts_model: str = Field("gpt-4o-mini-tts", description="speech model of the openai backend", json_schema_extra=SPEAK)
    tts_instructions: str | None = Field(
        None, description="tone of voice, for models that take instructions", json_schema_extra=SPEAK
    )
    tts_speed: float = Field(
        1.0, ge=0.5, le=2.0, description="speaking speed (openai speed, edge-tts rate)", json_schema_extra=SPEAK
    )
    tts_pitch: int = Field(0, ge=-50, le=50, description="edge-tts pitch shift in Hz", json_schema_extra=SPEAK)
    tts_concurrency: int | None = Field(
        None,
        ge=1,
        le=64,
        description="lines spoken at the same time [default: 8 for network backends, the core count for piper]",
        json_schema_extra=NOTHING,
    )
    voices: list[str] | None = Field(
        None, description="voices for the current backend, one per host", json_schema_extra=SPEAK
    )
    cache: bool = Field(
        True, description="reuse clips already spoken (False: speak every line again)", json_schema_extra=NOTHING
    )
    hosts: list[Host] = Field(
        default_factory=lambda: [Host(name="Alex"), Host(name="Sam")],
        min_length=1,
        max_length=4,
        json_schema_extra=shapes("write", "speak"),
    )
    pause_ms: int = Field(
        350, ge=0, le=3000, description="silence between turns (the plain style)", json_schema_extra=MIX
    )
    style: Style = Field(
        "natural",
        description="natural: turn timing, overlaps and backchannels drawn from how people talk; "
        "plain: a fixed pause between lines (pause_ms)",
        json_schema_extra=MIX,
    )
    bitrate: int = Field(96, ge=64, le=320, description="MP3 bitrate in kbit/s (CBR)", json_schema_extra=MIX)
    sample_rate: int = Field(44100, description="MP3 sample rate: 22050, 32000, 44100 or 48000", json_schema_extra=MIX)
    cache_dir: Path = Field(
        default_factory=default_cache_dir,
        description="clip and model-answer cache [default: $XDG_CACHE_HOME/podgen, else ~/.cache/podgen]",
        json_schema_extra=NOTHING,
    )
    password: str | None = Field(None, description="password for encrypted PDFs", json_schema_extra=shapes(secret=True))
    max_pages: int = Field(
        1000, ge=1, le=100000, description="longest document read, in pages", json_schema_extra=NOTHING
    )
    max_audio_minutes: float = Field(
        180, gt=0, le=6000, description="longest recording transcribed, in minutes", json_schema_extra=NOTHING
    )
    asr_model: Path | None = Field(
        None,
        description="faster-whisper (CTranslate2) model folder that transcribes "
        "audio and video sources [default: Whisper tiny.en, built in]",
        json_schema_extra=INGEST,
    )
    describe_images: bool = Field(
        False, description="a vision-capable chat model describes images instead of OCR", json_schema_extra=INGEST
    )
    fetch_timeout: float = Field(20, gt=0, le=600, description="seconds to wait for a URL", json_schema_extra=NOTHING)
    max_download_mb: float = Field(
        50, gt=0, le=2000, description="largest URL download, in MB", json_schema_extra=NOTHING
    )
    max_text_mb: float = Field(
        10, gt=0, le=2000, description="largest text, Markdown or HTML file read, in MB", json_schema_extra=NOTHING
    )
    max_unzipped_mb: float = Field(
        200, gt=0, le=10000, description="largest EPUB or Word document once unzipped, in MB", json_schema_extra=NOTHING
    )
    prompts_dir: Path | None = Field(
        None, description="folder of prompt templates that override the built-in ones", json_schema_extra=WRITE
    )
    words_per_minute: int = Field(
        150, ge=60, le=300, description="speaking rate that turns minutes into words", json_schema_extra=WRITE
    )
    chapter_seconds: float = Field(
        45,
        ge=0,
        le=600,
        description="shortest chapter, in seconds of speech: a shorter one is merged into a neighbour (0 keeps all)",
        json_schema_extra=WRITE,
    )
    music: str | None = Field(
        None, description='music file for the intro, bed and outro, or "default"', json_schema_extra=MIX
    )
    cover: Path | None = Field(None, description="cover image (PNG or JPEG, at least 1400x1400)", json_schema_extra=MIX)
    stereo: bool = Field(
        False, description="stereo at -16 LUFS and 128+ kbit/s instead of mono at -19 LUFS", json_schema_extra=MIX
    )
    check: bool = Field(
        False, description="run podgen check on each episode after it is rendered", json_schema_extra=CHECK
    )
    check_asr_model: Path | None = Field(
        None,
        description="faster-whisper model folder the check listens with [default: asr_model, else Whisper tiny.en]",
        json_schema_extra=CHECK,
    )
    max_wer: float = Field(
        0.4, ge=0, le=1, description="word error rate over which the check flags a line", json_schema_extra=CHECK
    )
    player: str | None = Field(
        None,
        max_length=500,
        description="command that plays an audio file named after it, for make --play "
        "[default: the first of ffplay, mpv, aplay, paplay, afplay found]",
        json_schema_extra=NOTHING,
    )
    # --- videos, made after the mix from the finished episode
    video: bool = Field(
        False, description="also make episode.mp4, a 1920x1080 video for YouTube", json_schema_extra=NOTHING
    )
    short: bool = Field(
        False, description="also make short.mp4, a vertical clip of at most 60 s", json_schema_extra=NOTHING
    )
    video_style: str = Field(
        "classic",
        pattern=r"^[A-Za-z0-9_-]{1,40}$",
        description="video style: classic (the cover's colours), whiteboard, or styles/NAME.toml in prompts_dir",
        json_schema_extra=NOTHING,
    )
    font: Path | None = Field(
        None,
        description="TrueType/OpenType font for the videos' text [default: Pillow's built-in font, Latin only]",
        json_schema_extra=NOTHING,
    )
    # --- model-based writing (OpenAI-compatible chat); the API key comes only from OPENAI_API_KEY
    model: str = Field(
        "gpt-4o-mini", min_length=1, max_length=300, description="chat model name", json_schema_extra=WRITE
    )
    llm_base_url: str | None = Field(
        None, description="OpenAI-compatible endpoint [default: OPENAI_BASE_URL]", json_schema_extra=WRITE
    )
    llm_concurrency: int = Field(
        4, ge=1, le=32, description="chat requests at the same time", json_schema_extra=NOTHING
    )
    llm_timeout: float = Field(
        300.0,
        gt=0,
        le=3600,
        description="seconds to wait for an answer's first token, "
        "or between two tokens (a server that stops mid-answer)",
        json_schema_extra=NOTHING,
    )
    llm_retries: int = Field(
        4, ge=0, le=10, description="retries of a chat request on 429, 5xx and timeouts", json_schema_extra=NOTHING
    )
    context_tokens: int = Field(
        8192, ge=256, le=2_000_000, description="the model's context window in tokens", json_schema_extra=WRITE
    )
    fallback: Literal["auto", "offline", "none"] = Field(
        "auto",
        description="who writes a segment the model cannot: offline (the extractive writer) or none "
        "(fail); auto = offline under --writer auto, none otherwise",
        json_schema_extra=WRITE,
    )
    sampling: Sampling = Field(default_factory=Sampling)
    model_file: Path | None = Field(None, description="GGUF model file for the local writer", json_schema_extra=WRITE)
    llm_threads: int | None = Field(
        None,
        ge=1,
        le=256,
        description="CPU threads of the local writer [default: the cores idle when it starts]",
        json_schema_extra=NOTHING,
    )
    format: Format = Field("deep-dive", description="episode format", json_schema_extra=WRITE)
    focus: str | None = Field(
        None, max_length=500, description="what the episode should concentrate on", json_schema_extra=WRITE
    )
    show: Show = Field(default_factory=Show)

    @field_validator("voices", mode="before")
    @classmethod
    def _comma_list(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = [v.strip() for v in value.split(",") if v.strip()]
        return value or None

    @field_validator("sample_rate")
    @classmethod
    def _mp3_rate(cls, value: int) -> int:
        if value not in (22050, 32000, 44100, 48000):
            raise ValueError("must be one of 22050, 32000, 44100, 48000")
        return value

    @field_validator("hosts")
    @classmethod
    def _distinct_hosts(cls, hosts: list[Host]) -> list[Host]:
        names = [h.name for h in hosts]
        if len(set(names)) != len(names):
            raise ValueError("host names must differ")
        return hosts

    @property
    def host_names(self) -> list[str]:
        return [h.name for h in self.hosts]

    @property
    def base_language(self) -> str:
        """The language without its region: "de" for "de-AT"."""
        return base_language(self.language)


TABLES = ("hosts", "show", "sampling")
"""Settings that are tables of their own in podgen.toml (and have no environment variable)."""


_ENV_FIELDS = [name for name in Settings.model_fields if name not in TABLES]


def _from_env(environ: dict[str, str]) -> dict[str, Any]:
    found = {}
    for name in _ENV_FIELDS:
        value = environ.get(ENV_PREFIX + name.upper())
        if value not in (None, ""):
            found[name] = value
    return found


def _from_file(path: Path | None) -> tuple[dict[str, Any], Path | None]:
    if path is None:
        candidate = Path(CONFIG_FILE)
        if not candidate.is_file():
            return {}, None
        path = candidate
    if not path.is_file():
        raise ConfigError(f"Config file not found: {path}.", "Check the --config path or PODGEN_CONFIG.")
    try:
        return tomllib.loads(path.read_text(encoding="utf-8")), path
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path} is not valid TOML: {exc}.") from None


def _merge(data: dict[str, Any], overrides: dict[str, Any]) -> None:
    """Put ``overrides`` (None = not given) into ``data``; tables (dicts) are merged key by key."""
    for key, value in overrides.items():
        if isinstance(value, dict) and isinstance(data.get(key), dict):
            _merge(data[key], value)
        elif isinstance(value, dict):
            data[key] = {}
            _merge(data[key], value)
        elif value is not None:
            data[key] = value


def load_settings(
    overrides: dict[str, Any] | None = None,
    config_file: Path | None = None,
    environ: dict[str, str] | None = None,
) -> Settings:
    """Build Settings from defaults < podgen.toml < environment < overrides (None values ignored)."""
    environ = dict(os.environ) if environ is None else environ
    if config_file is None and environ.get(ENV_PREFIX + "CONFIG"):
        config_file = Path(environ[ENV_PREFIX + "CONFIG"])
    data, source = _from_file(config_file)
    data.update(_from_env(environ))
    _merge(data, overrides or {})
    try:
        return Settings(**data)
    except ValidationError as exc:
        raise settings_error(exc, f" (from {source})" if source else "") from None


def settings_error(exc: ValidationError, origin: str = "", hint: str | None = None) -> ConfigError:
    """A settings validation error as one line that names the first bad setting (and, in
    ``origin``, where it came from): the one mapping for the command line, the file and the studio."""
    err = exc.errors()[0]
    where = ".".join(str(p) for p in err["loc"]) or "settings"
    return ConfigError(f"Invalid setting {where}{origin}: {err['msg']}.", hint)
