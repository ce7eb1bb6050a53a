"""One validated settings model, built once at the edge and passed down.

Precedence: command-line flags > environment (PODGEN_*) > podgen.toml > defaults.
"""
from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from .errors import ConfigError

CONFIG_FILE = "podgen.toml"
ENV_PREFIX = "PODGEN_"


def default_cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "podgen"


class Host(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=40)
    voice: str | None = Field(None, min_length=1, description="Piper voice [default: by position]")
    voices: dict[str, str] = Field(default_factory=dict, description="voice per backend, e.g. {edge = \"...\"}")
    persona: str | None = Field(None, max_length=300, description="who the host is, for model-based writers")


class Show(BaseModel):
    """The podcast as a whole, for ``podgen feed``: the ``[show]`` table of podgen.toml."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)
    base_url: str | None = Field(None, description="absolute URL the site is published at")
    title: str | None = Field(None, description="show title [default: the episodes folder's name]")
    description: str | None = None
    author: str = "podgen"
    owner_name: str | None = None
    owner_email: str | None = Field(None, description="owner's e-mail: itunes:owner, podcast:locked owner")
    image: str | None = Field(None, description="show artwork: a file or an absolute URL [default: first episode cover]")
    category: str = "Technology"
    explicit: bool = False
    locked: bool = True
    language: str | None = Field(None, description="[default: the language setting]")


class Sampling(BaseModel):
    """How the model samples, per kind of request: the ``[sampling]`` table of podgen.toml."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)
    summary: float = Field(0.3, ge=0, le=2, description="temperature of summaries")
    outline: float = Field(0.5, ge=0, le=2, description="temperature of the outline")
    segment: float = Field(0.8, ge=0, le=2, description="temperature of the dialogue")
    revise: float = Field(0.5, ge=0, le=2, description="temperature of length and grounding repairs")
    frequency_penalty: float = Field(0.3, ge=-2, le=2, description="OpenAI frequency_penalty (every server)")
    presence_penalty: float = Field(0.0, ge=-2, le=2, description="OpenAI presence_penalty (every server)")
    repeat_penalty: float = Field(1.1, ge=0.5, le=2, description="llama.cpp repeat_penalty (the local writer)")
    seed: int | None = Field(None, description="sampling seed, for servers that take one")

    def temperature(self, kind: str) -> float:
        return float(getattr(self, kind, self.segment))


class Settings(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True)

    output_dir: Path = Path("episodes")
    minutes: float = Field(5.0, gt=0, le=180, description="target episode length")
    title: str | None = None
    language: str = Field("en", pattern=r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$",
                          description="language of the script and voices (ISO 639 code, for example en, de, pt-BR)")
    writer: str = Field("auto", description="script writer backend; auto = openai when a key or base URL is set")
    tts: str = Field("auto", description="voice backend: auto (edge-tts when online, else piper), edge, openai, piper")
    tts_base_url: str | None = Field(None, description="OpenAI-compatible speech server, e.g. http://localhost:8880/v1")
    tts_model: str = Field("gpt-4o-mini-tts", description="speech model of the openai backend")
    tts_instructions: str | None = Field(None, description="tone of voice, for models that take instructions")
    tts_speed: float = Field(1.0, ge=0.5, le=2.0, description="speaking speed (openai speed, edge-tts rate)")
    tts_pitch: int = Field(0, ge=-50, le=50, description="edge-tts pitch shift in Hz")
    tts_concurrency: int | None = Field(None, ge=1, le=64, description="lines spoken at the same time "
                                        "[default: 8 for network backends, the core count for piper]")
    voices: list[str] | None = Field(None, description="voices for the current backend, one per host")
    cache: bool = Field(True, description="reuse clips already spoken (False: speak every line again)")
    hosts: list[Host] = Field(
        default_factory=lambda: [Host(name="Alex", voice="joe"), Host(name="Sam", voice="joe-bright")],
        min_length=1,
        max_length=4,
    )
    pause_ms: int = Field(350, ge=0, le=3000, description="silence between turns (the plain style)")
    style: Literal["natural", "plain"] = Field(
        "natural", description="natural: turn timing, overlaps and backchannels drawn from how people talk; "
        "plain: a fixed pause between lines (pause_ms)")
    bitrate: int = Field(96, ge=64, le=320, description="MP3 bitrate in kbit/s (CBR)")
    sample_rate: int = Field(44100, description="MP3 sample rate")
    cache_dir: Path = Field(default_factory=default_cache_dir)
    password: str | None = Field(None, description="password for encrypted PDFs")
    max_pages: int = Field(1000, ge=1, le=100000, description="longest document read, in pages")
    max_audio_minutes: float = Field(180, gt=0, le=6000, description="longest recording transcribed, in minutes")
    asr_model: Path | None = Field(None, description="local CTranslate2 Whisper model folder for audio and video")
    describe_images: bool = Field(False, description="a vision-capable chat model describes images instead of OCR")
    fetch_timeout: float = Field(20, gt=0, le=600, description="seconds to wait for a URL")
    max_download_mb: float = Field(50, gt=0, le=2000, description="largest URL download, in MB")
    max_text_mb: float = Field(10, gt=0, le=2000, description="largest text, Markdown or HTML file read, in MB")
    max_unzipped_mb: float = Field(200, gt=0, le=10000,
                                   description="largest EPUB or Word document once unzipped, in MB")
    prompts_dir: Path | None = Field(None, description="folder of prompt templates that override the built-in ones")
    words_per_minute: int = Field(150, ge=60, le=300)
    music: str | None = Field(None, description='music file for the intro, bed and outro, or "default"')
    cover: Path | None = Field(None, description="cover image (PNG or JPEG, at least 1400x1400)")
    stereo: bool = Field(False, description="stereo at -16 LUFS and 128+ kbit/s instead of mono at -19 LUFS")
    check: bool = Field(False, description="run podgen check on each episode after it is rendered")
    asr_model: Path | None = Field(None, description="faster-whisper model folder for the check [default: Whisper tiny.en]")
    max_wer: float = Field(0.4, ge=0, le=1, description="word error rate over which the check flags a line")
    # --- model-based writing (OpenAI-compatible chat); the API key comes only from OPENAI_API_KEY
    model: str = Field("gpt-4o-mini", min_length=1, description="chat model name")
    llm_base_url: str | None = Field(None, description="OpenAI-compatible endpoint [default: OPENAI_BASE_URL]")
    llm_concurrency: int = Field(4, ge=1, le=32, description="chat requests at the same time")
    llm_timeout: float = Field(300.0, gt=0, le=3600, description="seconds to wait for an answer's first token, "
                               "or between two tokens (a server that stops mid-answer)")
    llm_retries: int = Field(4, ge=0, le=10, description="retries of a chat request on 429, 5xx and timeouts")
    context_tokens: int = Field(8192, ge=256, le=2_000_000, description="the model's context window in tokens")
    fallback: Literal["auto", "offline", "none"] = Field(
        "auto", description="who writes a segment the model cannot: offline (the extractive writer) or none "
        "(fail); auto = offline under --llm auto, none otherwise")
    sampling: Sampling = Field(default_factory=Sampling)
    model_file: Path | None = Field(None, description="GGUF model file for the local writer")
    llm_threads: int | None = Field(None, ge=1, le=256, description="CPU threads of the local writer "
                                    "[default: the cores not busy]")
    format: Literal["deep-dive", "brief", "critique", "debate"] = Field("deep-dive", description="episode format")
    focus: str | None = Field(None, max_length=500, description="what the episode should concentrate on")
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


_ENV_FIELDS = [name for name in Settings.model_fields if name not in ("hosts", "show", "sampling")]


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
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"]) or "settings"
        origin = f" (from {source})" if source else ""
        raise ConfigError(f"Invalid setting {where}{origin}: {err['msg']}.") from None
