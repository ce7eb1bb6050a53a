"""What keeps the studio the user's own: a token on every request, CSRF, body limits, safe names.

- The token is random (``secrets.token_urlsafe``). The first URL carries it (``?token=``); the
  studio answers with an HttpOnly, SameSite=Strict cookie and a redirect to the same URL without
  it, so it leaves the address bar and the history. Scripts send it as ``X-Podgen-Token``.
- A request that changes something (POST, PUT, PATCH, DELETE) needs the header (another site's
  page cannot send a custom header without a CORS preflight, which the studio never grants), or
  the cookie with an ``Origin`` of the studio itself.
- The Host header must name the address the studio listens on (no DNS rebinding), unless it
  listens on every address (``--host 0.0.0.0 --allow-remote``): then the token alone decides.
- A request body larger than the limit is refused (413, JSON) while it is read, with or
  without a Content-Length (a chunked body is counted as it comes).
- A file is served only if it really is in its folder: a symlink that leads out is refused, as
  ``podgen serve`` refuses it.
- Errors name files relative to the episodes folder, never by the server's absolute paths.
"""

from __future__ import annotations

import json
import re
import secrets
from html import escape
from pathlib import Path
from urllib.parse import parse_qsl, urlencode

from ..errors import TooLarge
from ..files import slugify

COOKIE = "podgen_studio"
HEADER = "x-podgen-token"
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,99}$")


def new_token() -> str:
    return secrets.token_urlsafe(24)


def _error(status: int, message: str, hint: str) -> tuple[int, bytes]:
    return status, json.dumps({"error": message, "hint": hint}).encode()


class BodyTooLarge(TooLarge):
    """Raised while a body is read, inside the app: its error handler answers 413 in JSON."""

    status = 413


class Guard:
    """ASGI middleware in front of the whole app."""

    def __init__(self, app, token: str, hosts: set[str] | None, max_body: int):
        """``hosts``: the Host headers accepted (None: any, for a studio that listens on every address)."""
        self.app, self.token, self.hosts, self.max_body = app, token, hosts, max_body

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        refused = self._refused(scope, headers)
        if refused:
            return await _send(send, *refused, html="text/html" in headers.get("accept", ""))
        query = dict(parse_qsl(scope.get("query_string", b"").decode("latin-1")))
        if "token" in query and scope["method"] in SAFE_METHODS:
            return await self._drop_token(scope, query, send)
        await self._limited(scope, receive, send)

    def _refused(self, scope, headers: dict[str, str]) -> tuple[int, bytes] | None:
        if self.hosts is not None and headers.get("host", "") not in self.hosts:
            return _error(403, "This address is not the studio's.", "Open the URL podgen studio printed.")
        query = dict(parse_qsl(scope.get("query_string", b"").decode("latin-1")))
        in_url = query.get("token", "") if scope["method"] in SAFE_METHODS else ""
        given = headers.get(HEADER) or _cookie(headers.get("cookie", "")) or in_url
        if not secrets.compare_digest(given.encode(), self.token.encode()):
            return _error(
                403,
                "A valid studio token is required.",
                "Open the URL podgen studio printed, or send the X-Podgen-Token header.",
            )
        if scope["method"] in SAFE_METHODS or secrets.compare_digest(
            headers.get(HEADER, "").encode(), self.token.encode()
        ):
            return None
        if headers.get("origin") != f"http://{headers.get('host', '')}":
            return _error(
                403,
                "This request did not come from the studio's own page.",
                "Send the X-Podgen-Token header with requests that change something.",
            )
        return None

    async def _drop_token(self, scope, query: dict[str, str], send) -> None:
        rest = urlencode({k: v for k, v in query.items() if k != "token"})
        location = scope.get("root_path", "") + scope["path"] + (f"?{rest}" if rest else "")
        cookie = f"{COOKIE}={self.token}; HttpOnly; SameSite=Strict; Path=/"
        await send(
            {
                "type": "http.response.start",
                "status": 303,
                "headers": [
                    (b"location", location.encode()),
                    (b"set-cookie", cookie.encode()),
                    (b"cache-control", b"no-store"),
                    (b"referrer-policy", b"no-referrer"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": b""})

    async def _limited(self, scope, receive, send) -> None:
        length = dict(scope["headers"]).get(b"content-length", b"0") or b"0"
        if not length.isdigit() or int(length) > self.max_body:
            return await _send(send, *_too_large(self.max_body))
        seen, started = 0, False

        async def counted():
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > self.max_body:
                raise BodyTooLarge(*_too_large_message(self.max_body))
            return message

        async def sending(message):
            nonlocal started
            started = True
            await send(message)

        try:
            await self.app(scope, counted, sending)
        except BodyTooLarge:  # raised where the app does not answer it (never, with its error handler)
            if not started:
                await _send(send, *_too_large(self.max_body))


def _too_large_message(limit: int) -> tuple[str, str]:
    return (
        f"The upload is larger than the studio takes ({limit / 1_000_000:g} MB).",
        "Give a smaller file, or run podgen make on it from the command line.",
    )


def _too_large(limit: int) -> tuple[int, bytes]:
    return _error(413, *_too_large_message(limit))


def _cookie(header: str) -> str:
    for part in header.split(";"):
        name, _, value = part.strip().partition("=")
        if name == COOKIE:
            return value
    return ""


async def _send(send, status: int, body: bytes, html: bool = False) -> None:
    """The refusal as JSON, or as a page for a browser that asked for one."""
    kind = b"application/json"
    if html:
        error = json.loads(body)
        body = PAGE.format(escape(error["error"]), escape(error["hint"])).encode()
        kind = b"text/html; charset=utf-8"
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", kind), (b"content-length", str(len(body)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": body})


PAGE = (
    '<!doctype html><html lang="en"><meta charset="utf-8"><title>podgen studio</title>'
    '<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 3rem auto">'
    "<h1>podgen studio</h1><p><strong>{}</strong></p><p>{}</p></body></html>"
)


def episode_folder(root: Path, slug: str) -> Path | None:
    """The episode folder ``slug`` names directly inside ``root``, or None: a slug is never a path."""
    if not SLUG.match(slug):
        return None
    folder = root / slug
    if folder.is_symlink() or not folder.is_dir() or folder.resolve().parent != root.resolve():
        return None
    return folder


def served(path: Path, folder: Path) -> bool:
    """Whether ``path`` is a file that really is inside ``folder``: one reached through a symlink
    that leads out of it (to ``/etc/passwd``, another episode) is not served."""
    try:
        real = path.resolve(strict=True)
    except (OSError, RuntimeError):  # missing, or a loop of symlinks
        return False
    return real.is_file() and real.is_relative_to(folder.resolve())


def shown_paths(text: str, root: Path, elsewhere: dict[Path, str]) -> str:
    """``text`` with the server's absolute paths taken out: a file in the episodes folder
    ``root`` by its path inside it, one under a folder of ``elsewhere`` by that folder's label."""
    labels = {str(root.absolute()): ("", "the episodes folder"), str(root.resolve()): ("", "the episodes folder")}
    for folder, label in elsewhere.items():
        labels.setdefault(str(folder.absolute()), (f"{label}/", label))
        labels.setdefault(str(folder.resolve()), (f"{label}/", label))
    for prefix in sorted(labels, key=len, reverse=True):
        if prefix not in ("", "/"):
            inside, alone = labels[prefix]
            path = re.compile(rf"(?<![\w.~/-]){re.escape(prefix)}(/|(?![\w-]|\.\w))")  # a path that starts there
            text = path.sub(lambda m, inside=inside, alone=alone: inside if m[1] else alone, text)
    return text


def stored_name(filename: str | None) -> str:
    """The name an upload is stored under: its last part, in safe characters, its extension kept."""

    name = Path((filename or "").replace("\\", "/")).name
    stem, suffix = Path(name).stem, Path(name).suffix.lower()
    suffix = suffix if re.fullmatch(r"\.[a-z0-9]{1,8}", suffix) else ""
    return slugify(stem, 80) + suffix
