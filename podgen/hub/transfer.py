"""The Hub's file protocol over HTTP: what a file is (``HEAD .../resolve/main/PATH``) and its
bytes (``GET``, resumed with ``Range``), with every way a server can lie or dawdle bounded.

- The metadata answer must carry ``X-Repo-Commit``, an ETag and a size, or the endpoint is no
  Hub. A Git LFS file answers with a redirect to its CDN; the token never goes there.
- A download that breaks off resumes from what arrived, ``MAX_RESUMES`` times in a row without
  ``PROGRESS`` new bytes at most. A server that ignores ``Range`` sends the file from its start:
  what is already on disk is skipped, never counted as progress, never written twice.
- A server that sends fewer than ``MIN_RATE`` bytes a second over ``STALL_SECONDS`` (or nothing
  at all for that long) is stalled: that try ends and counts as one that broke off.
- More bytes than announced, or a size larger than the free disk, stop the download at once.
- Transient answers to the metadata request (429, 5xx, a refused connection) are tried
  ``TRIES`` times; each retry is logged once, with the number of the try that comes next.
"""

from __future__ import annotations

import logging
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urljoin, urlsplit

import httpx

from .. import about, redact
from ..errors import BackendError, PodgenError, UsageError

log = logging.getLogger(__name__)

TRIES = 3
"""Requests for a file's metadata before a transient failure is final."""
MAX_RESUMES = 3
"""Tries of a download in a row that may break off without bringing PROGRESS new bytes."""
PROGRESS = 1 << 20
STALL_SECONDS = 30.0
MIN_RATE = 1024
"""Bytes a second, on average over STALL_SECONDS, below which a download counts as stalled."""
BACKOFF = 0.5
"""Seconds before the first retry; each later one waits this much longer."""
CHUNK = 1 << 16
PROBE_SECONDS = 3.0
"""How long :func:`podgen.hub.answers` waits: it decides between the Hub and what is installed."""
_TRANSIENT = {408, 429, 500, 502, 503, 504}


class Broken(Exception):
    """A try of a download that ended early; ``why`` says how."""

    def __init__(self, why: str):
        super().__init__(why)
        self.why = why


@dataclass(frozen=True)
class Meta:
    commit: str
    etag: str
    size: int
    url: str
    """Where the bytes are: the CDN for an LFS file, the resolve URL itself otherwise."""
    lfs: bool

    @property
    def sha256(self) -> str | None:
        return self.etag if self.lfs and len(self.etag) == 64 else None


def client(timeout: float | None = None) -> httpx.Client:
    timeout = httpx.Timeout(timeout or STALL_SECONDS, connect=min(10.0, timeout or STALL_SECONDS))
    headers = {"User-Agent": f"podgen/{about.__version__}", "Accept-Encoding": "identity"}
    return httpx.Client(timeout=timeout, headers=headers, follow_redirects=False)


def resolve_url(base: str, repo: str, path: str, revision: str = "main") -> str:
    return f"{base}/{repo}/resolve/{quote(revision, safe='')}/{quote(path)}"


def metadata(http: httpx.Client, base: str, repo: str, path: str, token: str | None) -> Meta:
    """The file's commit, ETag, size and download URL, from the Hub's answer to HEAD."""
    url = resolve_url(base, repo, path)
    for _ in range(5):  # relative redirects stay on the Hub (a renamed repository)
        response = _with_retries(lambda u=url: http.head(u, headers=_auth(token)), base, repo)
        location = response.headers.get("location")
        if response.is_redirect and location and not urlsplit(location).netloc:
            url = urljoin(url, location)
            continue
        break
    if response.status_code >= 400:
        raise refused(response, base, repo, path, token)
    return _meta(response, url, base)


def _meta(response: httpx.Response, url: str, base: str) -> Meta:
    headers = response.headers
    commit, etag = headers.get("x-repo-commit"), headers.get("x-linked-etag") or headers.get("etag")
    size = headers.get("x-linked-size") or headers.get("content-length")
    if not commit or not etag or not (size or "").isdigit():
        raise BackendError(
            f"{redact.url(base)} does not answer like a Hugging Face Hub.",
            "Check HF_ENDPOINT (unset, it is https://huggingface.co).",
        )
    lfs = "x-linked-etag" in headers
    target = urljoin(url, headers["location"]) if response.is_redirect and "location" in headers else url
    return Meta(commit, etag.removeprefix("W/").strip('"'), int(size), target, lfs)


def _auth(token: str | None) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"} if token else {}


def _with_retries(send: Callable[[], httpx.Response], base: str, repo: str) -> httpx.Response:
    for number in range(1, TRIES + 1):
        try:
            response = send()
            if response.status_code not in _TRANSIENT or number == TRIES:
                return response
            why = f"answered HTTP {response.status_code}"
        except httpx.TransportError as exc:
            if number == TRIES:
                raise BackendError(
                    f"Cannot reach the model hub at {redact.url(base)}.",
                    "Check the network, or set HF_ENDPOINT to a reachable Hub mirror.",
                ) from None
            why = f"failed ({type(exc).__name__})"
        log.warning("the hub at %s %s for %s; try %d of %d", redact.url(base), why, repo, number + 1, TRIES)
        time.sleep(BACKOFF * number)
    raise AssertionError("unreachable")


def refused(response: httpx.Response, base: str, repo: str, path: str, token: str | None) -> PodgenError:
    """The Hub's error answer (``X-Error-Code``) as podgen's one-line error."""
    code, where = response.headers.get("x-error-code", ""), redact.url(base)
    if code == "GatedRepo":
        return UsageError(
            f"{repo} on {where} is gated: its files need an accepted licence.",
            "Accept its terms on the repository's page, then set HF_TOKEN to a token of that account.",
        )
    if code == "RepoNotFound":
        return UsageError(
            f"Model repository {repo} not found on {where}.", "Check the name; for a private repository set HF_TOKEN."
        )
    if code in ("EntryNotFound", "RevisionNotFound") or response.status_code == 404:
        return UsageError(f"{path} not found in {repo} on {where}.", "Check the file name against the repository's.")
    said = " ".join(response.headers.get("x-error-message", "").split())[:200]
    said = redact.text(said, [token or ""])
    message = f"The model hub at {where} answered HTTP {response.status_code} for {repo}" + (
        f": {said}" if said else "."
    )
    if response.status_code in (401, 403):
        return UsageError(message, f"Check HF_TOKEN and that its account may read {repo}.")
    return BackendError(message, "Try again later, or set HF_ENDPOINT to a Hub mirror.")


def download(http: httpx.Client, meta: Meta, part: Path, headers: dict[str, str], label: str) -> None:
    """Bring ``part`` to ``meta.size`` bytes, resuming from what it holds; raise on a bad server."""
    _room_for(meta.size, part)
    best, idle = part.stat().st_size if part.exists() else 0, 0
    while True:
        try:
            _one_try(http, meta, part, headers, label)
            return
        except Broken as exc:
            have = part.stat().st_size if part.exists() else 0
            idle = 0 if have >= best + PROGRESS else idle + 1
            best = max(best, have)
            if idle > MAX_RESUMES:
                raise BackendError(
                    f"The download of {label} broke off {idle} times in a row without progress "
                    f"({exc.why}; {have} of {meta.size} bytes).",
                    "Check the network and the hub (HF_ENDPOINT), then run the same command again.",
                ) from None
            log.warning(
                "the download of %s broke off (%s) at %d of %d bytes; resuming", label, exc.why, have, meta.size
            )
            time.sleep(BACKOFF * idle)


def _room_for(size: int, part: Path) -> None:
    free = shutil.disk_usage(part.parent).free
    if size > free:
        raise BackendError(
            f"The hub announces {size / 1e9:.1f} GB for {part.name.split('.')[0][:12]}..., "
            f"but {part.parent} has {free / 1e9:.1f} GB free.",
            "Free some disk space, or set HF_HUB_CACHE to a larger disk.",
        )


def _one_try(http: httpx.Client, meta: Meta, part: Path, headers: dict[str, str], label: str) -> None:
    have = part.stat().st_size if part.exists() else 0
    if have >= meta.size:
        return
    ask = {**headers, "Range": f"bytes={have}-"} if have else headers
    try:
        with http.stream("GET", meta.url, headers=ask) as response, part.open("ab") as out:
            if response.status_code >= 400:
                raise _status(response, meta, label)
            skip = have if response.status_code != 206 else 0  # Range ignored: the file again from its start
            _receive(response, out, skip, meta.size - have, label)
    except httpx.TimeoutException:
        raise Broken(f"nothing for {STALL_SECONDS:g} s") from None
    except (httpx.TransportError, httpx.StreamError) as exc:
        raise Broken(type(exc).__name__) from None
    if part.stat().st_size < meta.size:
        raise Broken("the connection closed early")


def _status(response: httpx.Response, meta: Meta, label: str) -> Exception:
    if response.status_code in _TRANSIENT:
        return Broken(f"HTTP {response.status_code}")
    holds = response.headers.get("content-range", "").rpartition("/")[2]
    if response.status_code == 416 and holds.isdigit():
        return BackendError(
            f"The hub announced {meta.size} bytes of {label}, but its file server holds {holds}.",
            "The hub or mirror (HF_ENDPOINT) describes another file than it serves; try again later.",
        )
    origin = urlsplit(meta.url)
    return BackendError(
        f"The model hub's file server {origin.scheme}://{origin.netloc} answered HTTP {response.status_code}.",
        "Try again later, or set HF_ENDPOINT to a Hub mirror.",
    )


def _receive(response: httpx.Response, out, skip: int, wanted: int, label: str) -> None:
    """Write up to ``wanted`` bytes after skipping ``skip``; raise Broken on a stall."""
    window, got, written, reported = time.monotonic(), 0, 0, 0
    for chunk in response.iter_raw():
        got += len(chunk)
        if skip:
            chunk, skip = chunk[skip:], max(0, skip - len(chunk))
        if written + len(chunk) > wanted:
            raise BackendError(
                f"The hub sent more bytes of {label} than it announced ({wanted} were left to come).",
                "The hub or mirror (HF_ENDPOINT) serves a different file than it describes; try again later.",
            )
        out.write(chunk)
        written += len(chunk)
        if written - reported >= wanted // 10 and wanted > 50 * CHUNK:
            reported = written
            log.info("downloading %s: %d%% of %.1f MB", label, round(100 * written / wanted), wanted / 1e6)
        now = time.monotonic()
        if now - window >= STALL_SECONDS:
            if got < MIN_RATE * STALL_SECONDS:
                raise Broken(f"stalled: {got} bytes in {now - window:.0f} s")
            window, got = now, 0
