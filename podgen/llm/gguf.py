"""The GGUF model file for the embedded writer: a local file checked, or one file of a Hugging
Face repository downloaded once into the Hugging Face cache (``podgen.hub``: progress, cache in
``HF_HOME``, ``HF_ENDPOINT`` for a mirror, ``HF_TOKEN`` for private or gated repositories).

A model is named ``OWNER/REPO/PATH/TO/FILE.gguf`` (the extension in any case). A file is a GGUF
model if its header says so: the magic ``GGUF``, a known version, plausible counts. A file in
the cache that is not is named in the log and skipped; a download that is not is never cached.
"""

from __future__ import annotations

import logging
import struct
from pathlib import Path

from .. import hub
from ..errors import BackendError, UsageError

log = logging.getLogger(__name__)

DEFAULT_GGUF = "Qwen/Qwen2.5-1.5B-Instruct-GGUF/qwen2.5-1.5b-instruct-q4_k_m.gguf"
MAGIC = b"GGUF"
_VERSIONS = (1, 2, 3)
_SPEC_HINT = f"Name a model as OWNER/REPO/FILE.gguf, for example {DEFAULT_GGUF}."
_ELSEWHERE = "or pass --model-file with a .gguf you downloaded"


def is_spec(model: str) -> bool:
    """Whether a --model value means a GGUF file (``.gguf`` in any case, anywhere in it)."""
    return ".gguf" in model.lower()


def parse_spec(spec: str) -> tuple[str, str]:
    """``"owner/repo/path/file.gguf"`` as ``("owner/repo", "path/file.gguf")``."""
    shown = spec if len(spec) <= 120 else spec[:117] + "..."
    try:
        repo, name = hub.split_name(spec)
    except ValueError:
        raise UsageError(f"{shown!r} does not name a .gguf file of a model repository.", _SPEC_HINT) from None
    if not name.lower().endswith(".gguf") or len(name.split("/")[-1]) <= len(".gguf"):
        raise UsageError(f"{shown!r} does not name a .gguf file of a model repository.", _SPEC_HINT)
    return repo, name


def check_gguf(path: Path) -> Path:
    """``path``, resolved, if it is a GGUF file (a regular file with a GGUF header)."""
    path = Path(path).expanduser()
    if not path.exists():
        raise UsageError(f"Model file {path} not found.", f"Check the path, or leave it out to use {DEFAULT_GGUF}.")
    if problem := gguf_problem(path):
        raise UsageError(
            f"{path} is not a GGUF model file ({problem}).",
            "Pass a .gguf file (llama.cpp's model format), such as one from a Hugging Face GGUF repository.",
        )
    return path.resolve()


def gguf_problem(path: Path) -> str | None:
    """What keeps ``path`` from being a GGUF model, or None."""
    if not path.is_file():
        return "not a file"
    try:
        with path.open("rb") as file:
            head = file.read(24)
    except OSError as exc:
        return f"unreadable: {exc.strerror}"
    if head[:4] != MAGIC:
        return "it does not start with GGUF"
    if len(head) < 24:
        return "its header is cut short"
    version, tensors, keys = struct.unpack("<IQQ", head[4:24])
    if version not in _VERSIONS or tensors > 1_000_000 or keys > 100_000:
        return f"its header is not one llama.cpp reads (version {version})"
    return None


def cached_gguf(spec: str) -> Path | None:
    """The model's file if it is in the local Hugging Face cache already (and a GGUF); never uses the network."""
    repo, name = parse_spec(spec)
    return hub.cached(repo, name, gguf_problem)


def fetch_gguf(spec: str) -> Path:
    """The model's file, from the cache or else downloaded into it (once), checked to be GGUF."""
    repo, name = parse_spec(spec)
    try:
        return hub.fetch(repo, name, gguf_problem, "a GGUF model file")
    except (BackendError, UsageError) as exc:
        exc.hint = f"{exc.hint.rstrip('.')}, {_ELSEWHERE}."
        raise
