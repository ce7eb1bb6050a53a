"""URLs: fetched with httpx (a deadline for the whole download, a size limit, a clear
User-Agent) into a temporary file, which then goes through the same extractors as a local
file (an HTML page, a PDF, an image...). HTTP errors, redirect loops, unreachable hosts and
downloads that take too long are one-line errors, with any ``user:password@`` left out.

The download runs on httpx's asyncio client because only a cancellation can stop a request
at any point: httpx's own timeouts apply to each read, which a server that sends a byte now
and then never trips."""

from __future__ import annotations

import asyncio
import logging
import mimetypes
import re
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import unquote, urlsplit

from .. import redact
from ..about import __version__
from ..config import Settings
from ..contracts import Progress
from ..errors import FetchError

log = logging.getLogger(__name__)

USER_AGENT = f"podgen/{__version__} (turns documents into podcast episodes; python-httpx)"
MAX_REDIRECTS = 5
_URL_RE = re.compile(r"^https?://", re.I)
_TYPES = {
    "text/html": ".html",
    "application/xhtml+xml": ".html",
    "text/plain": ".txt",
    "text/markdown": ".md",
    "application/pdf": ".pdf",
    "application/epub+zip": ".epub",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
}


def is_url(source: object) -> bool:
    return isinstance(source, str) and bool(_URL_RE.match(source.strip()))


def file_name(url: str, content_type: str) -> str:
    """A local name for what ``url`` returned: the URL's own name if it has an extension,
    else one made from the Content-Type."""
    name = PurePosixPath(unquote(urlsplit(url).path)).name
    name = re.sub(r"[^\w.\-]+", "_", name)[:100] or "download"
    if PurePosixPath(name).suffix:
        return name
    mime = content_type.split(";")[0].strip().lower()
    return name + (_TYPES.get(mime) or mimetypes.guess_extension(mime) or "")


def download(url: str, folder: Path, settings: Settings, progress: Progress | None = None) -> Path:
    """Fetch ``url`` into ``folder``; return the file. Raises FetchError with one line.

    ``fetch_timeout`` bounds the whole download (connecting, the headers and every byte of
    the body), not each read: a server that sends a byte now and then cannot hold podgen."""
    import httpx

    fetch = _Fetch(url, folder, settings, progress)
    try:
        return _run(fetch.run())
    except (TimeoutError, httpx.TimeoutException):
        raise FetchError(
            f"Could not fetch {fetch.shown}: {fetch.late()}.", "Try again later, or raise fetch_timeout."
        ) from None
    except httpx.HTTPError as exc:
        raise FetchError(f"Could not fetch {fetch.shown}: {_why(exc)}.") from None


def _run(work: Coroutine[Any, Any, Path]) -> Path:
    """Run ``work`` to the end in an event loop of its own (in a thread when this one has a loop)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(work)
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, work).result()


class _Fetch:
    """One download: its deadline, its size limit, and how far it got."""

    def __init__(self, url: str, folder: Path, settings: Settings, progress: Progress | None):
        self.url, self.folder, self.settings, self.progress = url, folder, settings, progress
        self.shown = redact.url(url)
        self.limit = int(settings.max_download_mb * 1024 * 1024)
        self.received: int | None = None
        """Bytes of the body received so far; None until the server has answered."""
        self.reported = -1

    async def run(self) -> Path:
        import httpx

        seconds = self.settings.fetch_timeout
        timeout = httpx.Timeout(seconds, connect=min(seconds, 10.0))
        async with asyncio.timeout(seconds):
            async with httpx.AsyncClient(
                follow_redirects=True, max_redirects=MAX_REDIRECTS, timeout=timeout, headers={"User-Agent": USER_AGENT}
            ) as client:
                async with client.stream("GET", self.url) as response:
                    return await self.save(response)

    async def save(self, response) -> Path:
        response.raise_for_status()
        declared = int(response.headers.get("content-length") or 0)
        if declared > self.limit:
            raise _too_large(self.shown, self.limit)
        target = self.folder / file_name(str(response.url), response.headers.get("content-type", ""))
        self.received = 0
        with open(target, "wb") as handle:
            async for chunk in response.aiter_bytes():
                self.received += len(chunk)
                if self.received > self.limit:
                    raise _too_large(self.shown, self.limit)
                handle.write(chunk)
                self.report(declared)
        log.debug(
            "fetched %s: %d bytes, %s",
            redact.url(str(response.url)),
            self.received,
            response.headers.get("content-type"),
        )
        return target

    def report(self, declared: int) -> None:
        """("download", KB received, KB in all), each time another 256 KB has arrived."""
        step = self.received // 262144
        if self.progress and step != self.reported:
            self.reported = step
            self.progress("download", self.received // 1024, max(declared, self.received) // 1024)

    def late(self) -> str:
        seconds = self.settings.fetch_timeout
        if self.received is None:
            return f"no answer within {seconds:g} seconds"
        return (
            f"the download was not finished after {seconds:g} seconds (fetch_timeout; "
            f"{self.received:,} bytes had arrived)"
        )


def _too_large(shown: str, limit: int) -> FetchError:
    return FetchError(
        f"Could not fetch {shown}: it is larger than {limit / 1048576:g} MB.",
        "Download it yourself, or raise max_download_mb.",
    )


def _why(exc: Exception) -> str:
    import httpx

    if isinstance(exc, httpx.HTTPStatusError):
        return f"the server answered HTTP {exc.response.status_code} {exc.response.reason_phrase}".rstrip()
    if isinstance(exc, httpx.TooManyRedirects):
        return f"it redirects more than {MAX_REDIRECTS} times (a redirect loop?)"
    if isinstance(exc, httpx.ConnectError):
        return "the host cannot be reached"
    if isinstance(exc, httpx.UnsupportedProtocol):
        return "podgen fetches only http:// and https:// addresses"
    return redact.text(str(exc).splitlines()[0]) if str(exc) else type(exc).__name__
