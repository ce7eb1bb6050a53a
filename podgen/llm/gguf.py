"""The GGUF model file for the embedded writer: a local file checked, or one file of a Hugging
Face repository downloaded once into the Hugging Face cache.

A model is named ``OWNER/REPO/PATH/TO/FILE.gguf``. huggingface_hub (the ``local`` extra) does
the download: progress bar, cache in ``HF_HOME``, ``HF_ENDPOINT`` for a mirror, ``HF_TOKEN`` for
private or gated repositories. It is imported only when needed; its errors become podgen's
one-line errors here, and no error ever shows the token.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

from .. import redact
from ..about import pip_install
from ..errors import BackendError, MissingDependency, PodgenError, UsageError

log = logging.getLogger(__name__)

DEFAULT_GGUF = "Qwen/Qwen2.5-1.5B-Instruct-GGUF/qwen2.5-1.5b-instruct-q4_k_m.gguf"
MAGIC = b"GGUF"
_NAME = re.compile(r"[\w.-]+")
_SPEC_HINT = f"Name a model as OWNER/REPO/FILE.gguf, for example {DEFAULT_GGUF}."
_ELSEWHERE = "or pass --model-file with a .gguf you downloaded"
_NETWORK_PACKAGES = {"httpx", "httpx2", "httpcore", "httpcore2", "requests", "urllib3"}


def parse_spec(spec: str) -> tuple[str, str]:
    """``"owner/repo/path/file.gguf"`` as ``("owner/repo", "path/file.gguf")``."""
    parts = spec.strip().split("/")
    names_ok = len(parts) >= 3 and all(_NAME.fullmatch(p) and p not in (".", "..") for p in parts)
    if not names_ok or not parts[-1].lower().endswith(".gguf") or len(parts[-1]) <= len(".gguf"):
        raise UsageError(f"{spec!r} does not name a .gguf file of a model repository.", _SPEC_HINT)
    return "/".join(parts[:2]), "/".join(parts[2:])


def check_gguf(path: Path) -> Path:
    """``path``, resolved, if it is a GGUF file (a regular file that starts with ``GGUF``)."""
    path = Path(path).expanduser()
    if not path.exists():
        raise UsageError(f"Model file {path} not found.", f"Check the path, or leave it out to use {DEFAULT_GGUF}.")
    if not path.is_file() or _magic(path) != MAGIC:
        raise UsageError(
            f"{path} is not a GGUF model file.",
            "Pass a .gguf file (llama.cpp's model format), such as one from a Hugging Face GGUF repository.",
        )
    return path.resolve()


def _magic(path: Path) -> bytes:
    try:
        with path.open("rb") as file:
            return file.read(len(MAGIC))
    except OSError:
        return b""


def cached_gguf(spec: str) -> Path | None:
    """The model's file if it is in the local Hugging Face cache already; never uses the network."""
    repo, name = parse_spec(spec)
    try:
        from huggingface_hub import try_to_load_from_cache
    except ImportError:
        return None
    found = try_to_load_from_cache(repo, name)
    return Path(found) if isinstance(found, str) else None  # not a str: unknown, or cached as missing


def fetch_gguf(spec: str) -> Path:
    """The model's file, from the cache or else downloaded into it (once), checked to be GGUF."""
    repo, name = parse_spec(spec)
    return check_gguf(cached_gguf(spec) or _download(repo, name))


def _download(repo: str, name: str) -> Path:
    hf_hub_download = _hub().hf_hub_download
    from huggingface_hub import constants

    endpoint = redact.url(constants.ENDPOINT)
    log.info("Downloading %s of %s from %s into the Hugging Face cache", name, repo, endpoint)
    try:
        return Path(hf_hub_download(repo, name))
    except Exception as exc:
        error = _podgen_error(exc, repo, name, endpoint)
        if error is None:
            raise
        raise error from exc


def _hub():
    try:
        import huggingface_hub
    except ImportError as exc:
        raise MissingDependency(
            "Downloading a GGUF model needs huggingface_hub.", f"{pip_install('local')}, {_ELSEWHERE}."
        ) from exc
    return huggingface_hub


def _podgen_error(exc: Exception, repo: str, name: str, endpoint: str) -> PodgenError | None:
    """huggingface_hub's error as podgen's, or None for one that is not about the model or the hub."""
    from huggingface_hub import errors

    if isinstance(exc, errors.GatedRepoError):
        return UsageError(
            f"{repo} on {endpoint} is gated: its files need an accepted licence.",
            "Accept its terms on the repository's page, then set HF_TOKEN to a token of that account.",
        )
    if isinstance(exc, errors.RepositoryNotFoundError):
        return UsageError(
            f"Model repository {repo} not found on {endpoint}.",
            f"Check the name; for a private repository set HF_TOKEN. {_SPEC_HINT}",
        )
    if isinstance(exc, errors.LocalEntryNotFoundError):  # no answer from the hub, nothing in the cache
        return _no_answer(exc.__cause__, repo, name, endpoint)
    if isinstance(exc, (errors.EntryNotFoundError, errors.RevisionNotFoundError)):
        return UsageError(
            f"{name} not found in {repo} on {endpoint}.", "Check the file name against the repository's list of files."
        )
    if isinstance(exc, errors.HfHubHTTPError):
        return _refused(exc, repo, endpoint)
    if _is_network(exc) or "Consistency check failed" in str(exc):
        return BackendError(
            f"The download of {name} from {endpoint} broke off ({type(exc).__name__}).",
            "Check the network and run the same command again.",
        )
    return None


def _no_answer(cause: BaseException | None, repo: str, name: str, endpoint: str) -> PodgenError:
    from huggingface_hub import errors

    if isinstance(cause, errors.OfflineModeIsEnabled):
        return UsageError(
            f"{name} is not in the Hugging Face cache and HF_HUB_OFFLINE is set.",
            f"Unset HF_HUB_OFFLINE to download it, {_ELSEWHERE}.",
        )
    if isinstance(cause, errors.HfHubHTTPError):
        return _refused(cause, repo, endpoint)
    if isinstance(cause, errors.FileMetadataError):
        return BackendError(
            f"{endpoint} does not answer like a Hugging Face Hub.",
            f"Check HF_ENDPOINT (unset, it is https://huggingface.co), {_ELSEWHERE}.",
        )
    return BackendError(
        f"Cannot reach the model hub at {endpoint}.",
        f"Check the network, or set HF_ENDPOINT to a reachable Hub mirror, {_ELSEWHERE}.",
    )


def _refused(exc: BaseException, repo: str, endpoint: str) -> PodgenError:
    """An HTTP error status: access refused (401, 403) is the user's to fix, the rest the hub's."""
    status = getattr(getattr(exc, "response", None), "status_code", None)
    said = " ".join(str(getattr(exc, "server_message", None) or "").split())[:200]
    said = redact.text(said, [_hub().get_token() or ""])  # HF_TOKEN, or the token `hf auth login` saved
    message = f"The model hub at {endpoint} answered HTTP {status} for {repo}" + (f": {said}" if said else ".")
    if status in (401, 403):
        return UsageError(message, f"Check HF_TOKEN and that its account may read {repo}.")
    return BackendError(message, f"Try again later, {_ELSEWHERE}.")


def _is_network(exc: BaseException) -> bool:
    """A transport error of the HTTP library huggingface_hub uses (httpx2, httpx or requests)."""
    return any(cls.__module__.split(".")[0] in _NETWORK_PACKAGES for cls in type(exc).__mro__)
