"""`podgen doctor`: what this machine has for podgen, and what it could have.

Versions (podgen, Python, the platform, the libraries that matter), which writers and voices work
now and why the others don't, the extras installed and the command for each missing one, ffmpeg,
the speech-recognition models, Chromium, and the cache folders with their sizes. It uses the same
discovery as ``podgen writers`` and ``podgen voices``; it looks, and never downloads or speaks.
"""

from __future__ import annotations

import importlib.metadata
import os
import platform
import shutil
import sys
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import asr, redact
from .about import __version__
from .asr import default_model_dir
from .errors import PodgenError
from .hub.store import Repo, cache_root
from .llm import find_endpoint
from .llm.discover import KNOWN, find_local_servers, pick_model
from .llm.gguf import DEFAULT_GGUF
from .registry import voices as registry
from .write.auto import choose, local_model

if TYPE_CHECKING:
    from .config import Settings

DISTRIBUTION = "podgen-cli"
LIBRARIES = (
    "openai",
    "httpx",
    "httpx2",
    "pydantic",
    "typer",
    "pypdf",
    "pydub",
    "numpy",
    "piper-tts",
    "onnxruntime",
    "edge-tts",
    "faster-whisper",
    "ctranslate2",
    "llama-cpp-python",
    "huggingface-hub",
    "kokoro-onnx",
    "phonemizer",
    "espeakng-loader",
    "imageio-ffmpeg",
    "mutagen",
    "lxml",
    "python-docx",
    "trafilatura",
    "rapidocr-onnxruntime",
    "starlette",
    "uvicorn",
    "distributed",
)
"""The libraries whose versions a bug report needs (those not installed are listed as such)."""
EXTRAS = ("audio", "docs", "ocr", "serve", "cluster", "local", "check", "kokoro", "multilingual")
"""The extras a user installs for a capability (``all`` is these but ``local``, ``kokoro`` and
``multilingual``)."""
CHROMIUM = ("/usr/bin/chromium", "/usr/bin/chromium-browser")


@dataclass
class Finding:
    """One thing podgen can use, or could: whether it works now, what it is, and what to do if not."""

    name: str
    ok: bool
    detail: str
    fix: str = ""


@dataclass
class Report:
    versions: dict[str, str]
    libraries: dict[str, str | None]
    extras: list[Finding] = field(default_factory=list)
    writers: list[Finding] = field(default_factory=list)
    voices: list[Finding] = field(default_factory=list)
    tools: list[Finding] = field(default_factory=list)
    caches: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def diagnose(
    settings: Settings, environ: Mapping[str, str] | None = None, ports: Sequence[tuple[str, int]] | None = None
) -> Report:
    """Everything `podgen doctor` shows. ``ports``: the local chat servers to look for."""

    environ = os.environ if environ is None else environ
    report = Report(
        versions(),
        libraries(),
        extras(),
        writers(settings, environ, ports),
        voices(settings),
        tools(settings),
        caches(settings, environ),
    )
    secrets = [environ.get("OPENAI_API_KEY") or ""]
    for finding in [*report.writers, *report.voices]:
        finding.detail, finding.fix = redact.text(finding.detail, secrets), redact.text(finding.fix, secrets)
    return report


def versions() -> dict[str, str]:
    return {
        "podgen": __version__,
        "python": platform.python_version(),
        "implementation": sys.implementation.name,
        "platform": platform.platform(),
        "machine": platform.machine(),
        "executable": sys.executable,
        "cores": str(os.cpu_count() or 1),
    }


def version_of(distribution: str) -> str | None:
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return None


def libraries() -> dict[str, str | None]:
    return {name: version_of(name) for name in LIBRARIES}


def install_command(extra: str) -> str:
    return f"pip install '{DISTRIBUTION}[{extra}]'"


def extras() -> list[Finding]:
    """Each extra with what of it is missing (its requirements read from podgen's own metadata)."""
    wanted = _extra_requirements()
    found = []
    for extra in EXTRAS:
        missing = [name for name in wanted.get(extra, []) if version_of(name) is None]
        found.append(
            Finding(
                extra,
                not missing,
                "installed" if not missing else f"missing {', '.join(missing)}",
                "" if not missing else install_command(extra),
            )
        )
    return found


def _extra_requirements() -> dict[str, list[str]]:
    """extra -> the distributions it needs on this Python and platform (nested extras expanded)."""
    from packaging.requirements import Requirement

    try:
        lines = importlib.metadata.requires(DISTRIBUTION) or []
    except importlib.metadata.PackageNotFoundError:  # run from a source tree that was never installed
        return {}
    needs: dict[str, list[str]] = {}
    for line in lines:
        requirement = Requirement(line)
        for extra in EXTRAS + ("all", "test", "bench"):
            if requirement.marker is None or not requirement.marker.evaluate({"extra": extra}):
                continue
            if requirement.marker.evaluate({"extra": ""}):
                continue  # a core dependency, not the extra's own
            if requirement.name == DISTRIBUTION:
                needs.setdefault(extra, []).extend(f"[{e}]" for e in requirement.extras)
            else:
                needs.setdefault(extra, []).append(requirement.name)
    for extra, names in needs.items():  # podgen-cli[audio] inside check: its requirements
        needs[extra] = [n for name in names for n in (needs.get(name[1:-1], []) if name.startswith("[") else [name])]
    return needs


def writers(settings: Settings, environ: Mapping[str, str], ports: Sequence[tuple[str, int]] | None) -> list[Finding]:
    """The writers and whether each can write now; the first that `auto` would take is said."""

    endpoint = find_endpoint(settings.llm_base_url, environ)
    servers = find_local_servers(KNOWN if ports is None else ports)
    found = []
    if endpoint is not None:
        found.append(Finding("openai", True, endpoint.reason))
    elif servers:
        found.append(
            Finding(
                "openai",
                True,
                "; ".join(f"{s.reason} (chat model: {pick_model(s)})" for s in servers if s.models)
                or servers[0].reason,
            )
        )
    else:
        names = ", ".join(f"{name} :{port}" for name, port in (KNOWN if ports is None else ports))
        found.append(
            Finding(
                "openai",
                False,
                f"no OPENAI_API_KEY or --llm-base-url, and no local server answers ({names or 'none looked for'})",
                "Set OPENAI_API_KEY, or start Ollama or llama.cpp's llama-server.",
            )
        )
    found.append(_local_writer(settings, local_model(settings)))
    found.append(Finding("offline", True, "always available: extractive, no model"))
    choice = choose(settings, environ, ports)
    found.append(Finding("auto", True, f"would use {choice.writer}: {choice.reason}"))
    return found


def _local_writer(settings: Settings, model: Path | None) -> Finding:
    if version_of("llama-cpp-python") is None:
        return Finding(
            "local",
            False,
            "llama-cpp-python is not installed (it compiles, about 7 minutes on 2 cores)",
            install_command("local"),
        )
    if model is None:
        return Finding(
            "local",
            False,
            f"no GGUF model cached or set; the default is {DEFAULT_GGUF}",
            "`podgen make doc.pdf --writer local` downloads it once, or pass --model-file FILE.gguf.",
        )
    if not Path(model).is_file():
        return Finding("local", False, f"the model file {model} does not exist", "Fix --model-file / model_file.")
    return Finding("local", True, f"{model} ({size(Path(model).stat().st_size)})")


def voices(settings: Settings) -> list[Finding]:
    """Each voice backend: whether it can speak now, and its default voices for the language."""

    found = []
    for name in registry.names():
        try:
            backend = registry.create(name, settings)
            cast = backend.default_voices(settings.language)
            ready, why = backend.ready() if hasattr(backend, "ready") else (bool(cast), "")
        except PodgenError as exc:
            found.append(Finding(name, False, exc.message, exc.hint))
            continue
        except Exception as exc:  # a plug-in that breaks: say which, and go on
            found.append(Finding(name, False, f"{type(exc).__name__}: {exc}"))
            continue
        hosts = (
            f"hosts' voices for {settings.language}: {', '.join(cast)}" if cast else f"no voice for {settings.language}"
        )
        fix = "" if cast else "`podgen voices` lists the voices there are."
        if not ready:
            fix = _VOICE_FIXES.get(name, fix)
        found.append(Finding(name, ready and bool(cast), "; ".join(filter(None, [why, hosts])), fix))
    return found


_VOICE_FIXES = {
    "edge": "Connect to the internet, or use --tts kokoro or --tts piper (offline).",
    "kokoro": f"{install_command('kokoro')} (the runtime, and a model and 5 voices for offline use).",
    "openai": "Set OPENAI_API_KEY, or --tts-base-url http://localhost:8880/v1 (Kokoro-FastAPI, Speaches).",
}


def tools(settings: Settings) -> list[Finding]:
    return [_ffmpeg(), *_whisper(settings), _chromium()]


def _ffmpeg() -> Finding:
    try:
        import imageio_ffmpeg

        exe = imageio_ffmpeg.get_ffmpeg_exe()
        version = imageio_ffmpeg.get_ffmpeg_version()
    except Exception as exc:  # noqa: BLE001 - any failure means no ffmpeg
        return Finding("ffmpeg", False, f"not found ({type(exc).__name__})", "pip install imageio-ffmpeg")
    return Finding("ffmpeg", True, f"{version} ({exe})")


def _whisper(settings: Settings) -> list[Finding]:

    found = []
    try:
        found.append(Finding("whisper tiny.en", True, f"built in ({default_model_dir()})"))
    except (PodgenError, ImportError) as exc:
        found.append(
            Finding(
                "whisper tiny.en",
                False,
                "not installed: audio sources and `podgen check` need it",
                getattr(exc, "hint", "") or install_command("audio"),
            )
        )
    found.append(_whisper_base())
    for label, folder in (("asr_model", settings.asr_model), ("check_asr_model", settings.check_asr_model)):
        if folder is not None:
            path = Path(folder).expanduser()
            ok = (path / "model.bin").is_file()
            found.append(Finding(label, ok, str(path), "" if ok else "A faster-whisper model folder holds model.bin."))
    return found


def _chromium() -> Finding:
    path = next((p for p in CHROMIUM if Path(p).is_file()), None) or shutil.which("chromium")
    if path is None:
        return Finding(
            "chromium", False, "not found: only the site and studio tests need it", "apt-get install -y chromium"
        )
    return Finding("chromium", True, path)


def caches(settings: Settings, environ: Mapping[str, str]) -> list[dict[str, Any]]:
    """The folders podgen keeps things in, with their sizes (0 for a folder not made yet)."""
    root = cache_root()
    folders = [
        ("clips and model answers", Path(settings.cache_dir).expanduser()),
        ("Hugging Face hub (models)", root),
        *((f"  {label} ({repo})", Repo(repo).folder) for label, repo in HUB_MODELS),
    ]
    return [{"name": name, "path": str(path), "bytes": _folder_bytes(path)} for name, path in folders]


HUB_MODELS = (
    ("Kokoro model and voices", "onnx-community/Kokoro-82M-v1.0-ONNX"),
    ("Piper voices", "rhasspy/piper-voices"),
    ("Whisper base", "Systran/faster-whisper-base"),
)
"""The Hub repositories podgen downloads voices and models from (the GGUF's is the user's choice)."""


def _folder_bytes(path: Path) -> int:
    total = 0
    for root, _dirs, files in os.walk(path):
        for name in files:
            try:
                total += os.lstat(os.path.join(root, name)).st_size
            except OSError:
                continue
    return total


def _whisper_base() -> Finding:
    """The multilingual Whisper base, which hears every language but English."""
    if None not in [asr.package_folder(name) for name in asr.BASE_PACKAGES]:
        return Finding("whisper base", True, "multilingual, from the multilingual extra's packages")
    if asr.can_hear("de"):
        return Finding("whisper base", True, f"multilingual, in the Hugging Face cache ({asr.BASE_REPO})")
    return Finding(
        "whisper base",
        False,
        "not here: languages other than English need it (ingest of audio, podgen check)",
        f"{install_command('multilingual')}, or it downloads once (145 MB) from the Hugging Face Hub.",
    )


def size(count: int) -> str:
    """A byte count as people read it: 0 B, 12.3 MB."""
    for unit in ("B", "KB", "MB", "GB"):
        if count < 1024 or unit == "GB":
            return f"{count:.0f} {unit}" if unit == "B" else f"{count:.1f} {unit}"
        count /= 1024
    return f"{count} B"  # pragma: no cover
