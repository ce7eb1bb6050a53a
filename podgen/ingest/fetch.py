"""URLs: fetched with httpx (short timeout, size limit, a clear User-Agent) into a temporary
file, which then goes through the same extractors as a local file (an HTML page, a PDF, an
image...). HTTP errors, redirect loops and unreachable hosts are one-line errors."""
from __future__ import annotations

import logging
import mimetypes
import re
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

from .. import __version__
from ..config import Settings
from ..errors import FetchError

log = logging.getLogger(__name__)

USER_AGENT = f"podgen/{__version__} (turns documents into podcast episodes; python-httpx)"
MAX_REDIRECTS = 5
_URL_RE = re.compile(r"^https?://", re.I)
_TYPES = {"text/html": ".html", "application/xhtml+xml": ".html", "text/plain": ".txt", "text/markdown": ".md",
          "application/pdf": ".pdf", "application/epub+zip": ".epub",
          "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx"}


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


def download(url: str, folder: Path, settings: Settings) -> Path:
    """Fetch ``url`` into ``folder``; return the file. Raises FetchError with one line."""
    import httpx

    limit = int(settings.max_download_mb * 1024 * 1024)
    timeout = httpx.Timeout(settings.fetch_timeout, connect=min(settings.fetch_timeout, 10.0))
    try:
        with httpx.Client(follow_redirects=True, max_redirects=MAX_REDIRECTS, timeout=timeout,
                          headers={"User-Agent": USER_AGENT}) as client:
            with client.stream("GET", url) as response:
                return _save(url, response, folder, limit)
    except httpx.HTTPError as exc:
        raise FetchError(f"Could not fetch {url}: {_why(exc, settings)}.") from None


def _save(url: str, response, folder: Path, limit: int) -> Path:
    response.raise_for_status()
    declared = int(response.headers.get("content-length") or 0)
    if declared > limit:
        raise _too_large(url, limit)
    target = folder / file_name(str(response.url), response.headers.get("content-type", ""))
    size = 0
    with open(target, "wb") as handle:
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size > limit:
                raise _too_large(url, limit)
            handle.write(chunk)
    log.debug("fetched %s: %d bytes, %s", response.url, size, response.headers.get("content-type"))
    return target


def _too_large(url: str, limit: int) -> FetchError:
    return FetchError(f"Could not fetch {url}: it is larger than {limit / 1048576:g} MB.",
                      "Download it yourself, or raise max_download_mb.")


def _why(exc: Exception, settings: Settings) -> str:
    import httpx

    if isinstance(exc, httpx.HTTPStatusError):
        return f"the server answered HTTP {exc.response.status_code} {exc.response.reason_phrase}".rstrip()
    if isinstance(exc, httpx.TooManyRedirects):
        return f"it redirects more than {MAX_REDIRECTS} times (a redirect loop?)"
    if isinstance(exc, httpx.TimeoutException):
        return f"no answer within {settings.fetch_timeout:g} seconds"
    if isinstance(exc, httpx.ConnectError):
        return "the host cannot be reached"
    if isinstance(exc, httpx.UnsupportedProtocol):
        return "podgen fetches only http:// and https:// addresses"
    return str(exc).splitlines()[0] if str(exc) else type(exc).__name__
