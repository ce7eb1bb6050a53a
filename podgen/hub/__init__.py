"""Files of Hugging Face Hub repositories, downloaded once into the Hugging Face cache: the
one way podgen fetches a model or a voice (the GGUF writer model, Kokoro and Piper voices,
Whisper models).

``fetch(repo, path, check)`` gives the file's path, from the cache or else downloaded:
progress in the log, ``HF_ENDPOINT`` for a mirror, ``HF_TOKEN`` for a gated repository,
``HF_HUB_OFFLINE`` to forbid the network (``store.py``). The bytes arrive in a ``.incomplete``
file beside the blob; only a file of the announced size, the announced sha256 (Git LFS files)
and that ``check`` accepts becomes the blob the snapshot points at, so a download cut off,
corrupt or not the kind of file asked for is never cached (``transfer.py`` bounds resumes and
stalls). A file in the cache that ``check`` refuses (a bad mirror's, say) is named in the log
and skipped, then downloaded again.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import logging
import os
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx

from .. import redact
from ..errors import BackendError, UsageError
from . import store, transfer
from .store import Repo, valid_name

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None

log = logging.getLogger(__name__)

Check = Callable[[Path], str | None]
"""Looks at a file and says what is wrong with it, or None if it is the kind of file wanted."""

__all__ = ["Check", "answers", "cached", "endpoint", "fetch", "split_name", "valid_name"]


def endpoint() -> str:
    """The Hub's address, for messages (credentials masked)."""
    return redact.url(store.endpoint())


def split_name(name: str) -> tuple[str, str]:
    """``"owner/repo/path/file"`` as ``("owner/repo", "path/file")``; ValueError if it is not one."""
    parts = name.strip().split("/")
    if len(parts) < 3 or not all(valid_name(p) for p in parts):
        raise ValueError(name)
    return "/".join(parts[:2]), "/".join(parts[2:])


def cached(repo: str, path: str, check: Check | None = None) -> Path | None:
    """The file if the cache has it and ``check`` accepts it; never uses the network."""
    found = Repo(repo).cached(path)
    if found is None:
        return None
    problem = check(found) if check else None
    if problem:
        log.warning("skipping %s in the Hugging Face cache (%s): %s", path, found.resolve(), problem)
        return None
    return found


def fetch(repo: str, path: str, check: Check | None = None, kind: str = "the file asked for") -> Path:
    """The file, from the cache or else downloaded into it once, checked: a download that
    ``check`` refuses is a UsageError that says it is not ``kind`` ("a GGUF model file")."""
    if found := cached(repo, path, check):
        return found
    if store.offline():
        raise UsageError(
            f"{path} of {repo} is not in the Hugging Face cache and HF_HUB_OFFLINE is set.",
            "Unset HF_HUB_OFFLINE to download it.",
        )
    base, token = store.endpoint(), store.token()
    with transfer.client() as http:
        try:
            meta = transfer.metadata(http, base, repo, path, token)
        except httpx.HTTPError as exc:  # an answer that is no HTTP, or a URL that is none
            raise BackendError(
                f"{redact.url(base)} does not answer like a Hugging Face Hub ({type(exc).__name__}).",
                "Check HF_ENDPOINT (unset, it is https://huggingface.co).",
            ) from None
        try:
            return _store(http, Repo(repo), path, meta, token if _same_origin(meta.url, base) else None, check)
        except _Refused as refused:
            raise UsageError(
                f"{path} of {repo} on {endpoint()} is not {kind}: {refused}.",
                "Check the file's name; nothing was cached.",
            ) from None


class _Refused(Exception):
    """A download of the announced size and hash that the caller's check refuses."""


def _same_origin(url: str, base: str) -> bool:
    return url.split("/")[:3] == base.split("/")[:3]


def _store(http, repo: Repo, path: str, meta: transfer.Meta, token: str | None, check: Check | None) -> Path:
    blob = repo.blob(meta.etag)
    blob.parent.mkdir(parents=True, exist_ok=True)
    with _locked(blob):
        if not blob.is_file() or _problem(blob, meta, check):
            _download(http, blob, path, meta, token, check)
    log.debug("%s of %s is in the Hugging Face cache: %s", path, repo.name, blob)
    return repo.link(meta.commit, path, meta.etag)


def _download(http, blob: Path, path: str, meta: transfer.Meta, token: str | None, check: Check | None) -> None:
    part = blob.with_name(blob.name + ".incomplete")
    label = f"{path} from {endpoint()}"
    log.info("downloading %s (%.1f MB) into the Hugging Face cache", label, meta.size / 1e6)
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    try:
        transfer.download(http, meta, part, headers, label)
        if problem := _problem(part, meta, None):
            raise BackendError(f"{path} from {endpoint()} arrived corrupt: {problem}.", _CORRUPT)
        if check and (problem := check(part)):
            raise _Refused(problem)
        os.replace(part, blob)
    finally:
        part.unlink(missing_ok=True)


_CORRUPT = "Nothing was cached. Run the same command again; if it fails again, the hub or mirror (HF_ENDPOINT) is bad."


def _problem(file: Path, meta: transfer.Meta, check: Check | None) -> str | None:
    size = file.stat().st_size
    if size != meta.size:
        return f"{size} bytes, not the {meta.size} announced"
    if meta.sha256 and _sha256(file) != meta.sha256:
        return "its sha256 is not the one announced"
    return check(file) if check else None


def _sha256(file: Path) -> str:
    digest = hashlib.sha256()
    with file.open("rb") as source:
        while block := source.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


@contextlib.contextmanager
def _locked(blob: Path) -> Iterator[None]:
    """One process at a time downloads a blob (two batch workers may want the same voice)."""
    if fcntl is None:  # not POSIX: no lock
        yield
        return
    with open(blob.with_name(blob.name + ".lock"), "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def answers(repo: str, path: str) -> bool:
    """Whether the Hub describes ``path`` of ``repo`` now: one quick request, no retries, no
    download; asked once a process for each endpoint."""
    return not store.offline() and _answers(store.endpoint(), repo, path)


@functools.lru_cache(maxsize=32)
def _answers(base: str, repo: str, path: str) -> bool:
    try:
        with transfer.client(timeout=transfer.PROBE_SECONDS) as http:
            response = http.head(transfer.resolve_url(base, repo, path), headers=_auth(store.token()))
    except httpx.HTTPError as exc:
        log.debug("the hub at %s cannot be reached (%s)", endpoint(), type(exc).__name__)
        return False
    return response.status_code < 400 and "x-repo-commit" in response.headers


def _auth(token: str | None) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"} if token else {}
