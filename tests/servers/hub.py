"""A local Hugging Face Hub for tests: the file-resolve protocol that huggingface_hub's
``hf_hub_download`` speaks, over real HTTP, so the real client is used unchanged.

Like the real Hub it has two origins (two ports on 127.0.0.1):

* the hub answers ``HEAD``/``GET /{owner}/{repo}/resolve/{revision}/{path}``. Every answer
  carries ``X-Repo-Commit`` (the commit ``main`` points at). A file stored with Git LFS (every
  ``*.gguf`` on the real Hub) answers ``302 Found`` with ``Location`` on the CDN, ``X-Linked-Etag``
  (its sha256, quoted), ``X-Linked-Size`` and an ``ETag`` of the LFS pointer; the client stops at
  that redirect, because the CDN is another origin, and drops its ``Authorization`` header for
  it. A small plain git file answers ``200`` with its git blob sha1 as ``ETag`` and its
  ``Content-Length``, and its bytes on ``GET``. Failures carry ``X-Error-Code`` and
  ``X-Error-Message`` as the Hub's do: ``RepoNotFound`` (401 without a token, 404 with one),
  ``GatedRepo`` (401 / 403), ``RevisionNotFound`` and ``EntryNotFound`` (404).
* the CDN serves ``GET /blobs/{sha256}``: ``200`` with ``Content-Length`` and
  ``Accept-Ranges: bytes``, or for ``Range: bytes=START-[END]`` ``206`` with ``Content-Range``
  (``416`` for a range past the end).

Tests script it: ``hub.add(repo, path, data)``; ``hub.gated.add(repo)``; ``hub.cuts = [n, ...]``
sends only ``n`` bytes of the body of the next file ``GET`` (one cut per GET), then closes the
connection; ``hub.limit = n`` does that on every GET; ``hub.ignore_range`` answers every GET
with the whole file (``200``), as a server that does not do ranges; ``hub.drip = s`` sends the
body one byte every ``s`` seconds (each GET stops after ``hub.drip_for`` seconds); ``hub.rules`` (``fn(request) -> (status, headers) | None``) answer before anything
else. Every request is recorded in ``hub.requests``.
"""

from __future__ import annotations

import hashlib
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import unquote

import pytest

_RESOLVE = re.compile(r"^/(?P<repo>[^/]+/[^/]+)/resolve/(?P<revision>[^/]+)/(?P<path>.+)$")
_RANGE = re.compile(r"^bytes=(\d+)-(\d*)$")


@dataclass
class Request:
    origin: str  # "hub" or "cdn"
    method: str
    path: str
    headers: dict[str, str]  # names in lower case
    status: int = 0
    sent: int = 0  # body bytes sent


@dataclass
class File:
    data: bytes = field(repr=False)
    lfs: bool

    @property
    def sha256(self) -> str:
        return _sha256(self.data)

    @cached_property
    def git_oid(self) -> str:
        """The git blob id: of the file itself, or for an LFS file of its pointer file."""
        pointer = f"version https://git-lfs.github.com/spec/v1\noid sha256:{self.sha256}\nsize {len(self.data)}\n"
        body = pointer.encode() if self.lfs else self.data
        return hashlib.sha1(b"blob %d\0" % len(body) + body).hexdigest()


@lru_cache(maxsize=8)
def _sha256(data: bytes) -> str:
    """Hashed once per bytes object: tests serve the same 98 MB model again and again."""
    return hashlib.sha256(data).hexdigest()


Rule = Callable[[Request], "tuple[int, dict[str, str]] | None"]


@dataclass
class FakeHub:
    repos: dict[str, dict[str, File]] = field(default_factory=dict)
    gated: set[str] = field(default_factory=set)
    cuts: list[int] = field(default_factory=list)
    rules: list[Rule] = field(default_factory=list)
    requests: list[Request] = field(default_factory=list)
    limit: int | None = None
    ignore_range: bool = False
    drip: float | None = None
    drip_for: float = 10.0

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._blobs: dict[str, File] = {}
        self._servers = {
            origin: ThreadingHTTPServer(("127.0.0.1", 0), _handler(self, origin)) for origin in ("hub", "cdn")
        }
        for httpd in self._servers.values():
            httpd.daemon_threads = True
            threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True).start()

    @property
    def url(self) -> str:
        """The endpoint, for HF_ENDPOINT."""
        return f"http://127.0.0.1:{self._servers['hub'].server_address[1]}"

    @property
    def cdn_url(self) -> str:
        return f"http://127.0.0.1:{self._servers['cdn'].server_address[1]}"

    def add(self, repo: str, path: str, data: bytes, lfs: bool = True) -> File:
        file = File(data, lfs)
        self.repos.setdefault(repo, {})[path] = file
        if lfs:
            self._blobs[file.sha256] = file
        return file

    def commit(self, repo: str) -> str:
        return hashlib.sha1(f"commit of {repo}".encode()).hexdigest()

    def seen(self, origin: str | None = None, method: str | None = None) -> list[Request]:
        return [r for r in self.requests if origin in (None, r.origin) and method in (None, r.method)]

    def stop(self) -> None:
        for httpd in self._servers.values():
            httpd.shutdown()
            httpd.server_close()

    def _record(self, request: Request) -> None:
        with self._lock:
            self.requests.append(request)

    def _next_cut(self) -> int | None:
        with self._lock:
            return self.cuts.pop(0) if self.cuts else None

    def answer(self, request: Request) -> tuple[int, dict[str, str], File | None]:
        """Status, headers and the file whose bytes (or part of them) a GET sends."""
        for rule in self.rules:
            if (ruled := rule(request)) is not None:
                return (*ruled, None)
        if request.origin == "cdn":
            file = self._blobs.get(request.path.removeprefix("/blobs/"))
            return (200, {}, file) if file else (404, {}, None)
        return self._resolve(request)

    def _resolve(self, request: Request) -> tuple[int, dict[str, str], File | None]:
        match = _RESOLVE.match(request.path.split("?")[0])
        if not match or match["repo"] not in self.repos:
            return _error(
                401 if "authorization" not in request.headers else 404, "RepoNotFound", "Repository not found"
            )
        repo, commit = match["repo"], self.commit(match["repo"])
        if repo in self.gated:
            return _error(
                403 if "authorization" in request.headers else 401,
                "GatedRepo",
                f"Access to model {repo} is restricted. You must have access to it and be authenticated.",
            )
        if match["revision"] not in ("main", commit):
            return _error(404, "RevisionNotFound", "Invalid rev id")
        file = self.repos[repo].get(unquote(match["path"]))
        if file is None:
            return _error(404, "EntryNotFound", "Entry not found", commit)
        if file.lfs:
            return (
                302,
                {
                    "X-Repo-Commit": commit,
                    "ETag": f'"{file.git_oid}"',
                    "X-Linked-Etag": f'"{file.sha256}"',
                    "X-Linked-Size": str(len(file.data)),
                    "Location": f"{self.cdn_url}/blobs/{file.sha256}",
                },
                None,
            )
        return 200, {"X-Repo-Commit": commit, "ETag": f'"{file.git_oid}"'}, file


def _error(status: int, code: str, message: str, commit: str | None = None) -> tuple[int, dict[str, str], None]:
    headers = {"X-Error-Code": code, "X-Error-Message": message}
    return status, headers | ({"X-Repo-Commit": commit} if commit else {}), None


def _handler(hub: FakeHub, origin: str) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: Any) -> None:
            pass

        def do_HEAD(self) -> None:
            self._serve(body=False)

        def do_GET(self) -> None:
            self._serve(body=True)

        def _serve(self, body: bool) -> None:
            request = Request(origin, self.command, self.path, {k.lower(): v for k, v in self.headers.items()})
            hub._record(request)
            status, headers, file = hub.answer(request)
            asked = None if hub.ignore_range else request.headers.get("range")
            data, status, headers = _content(file, status, headers, asked)
            request.status = status
            try:
                self.send_response(status)
                for name, value in {**headers, "Content-Length": str(len(data))}.items():
                    self.send_header(name, value)
                self.end_headers()
                if body and file and hub.drip:
                    self._drip(request, data)
                elif body:
                    cut = hub._next_cut() if file else None
                    self._send_body(request, data, hub.limit if cut is None and file else cut)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up

        def _send_body(self, request: Request, data: bytes, cut: int | None) -> None:
            sent = data if cut is None else data[:cut]
            self.wfile.write(sent)
            request.sent = len(sent)
            if cut is not None:
                self.wfile.flush()
                self.close_connection = True  # before the promised Content-Length: a broken download

        def _drip(self, request: Request, data: bytes) -> None:
            started = time.monotonic()
            while request.sent < len(data) and time.monotonic() - started < hub.drip_for:
                self.wfile.write(data[request.sent : request.sent + 1])
                self.wfile.flush()
                request.sent += 1
                time.sleep(hub.drip)
            self.close_connection = True

    return Handler


def _content(file: File | None, status: int, headers: dict[str, str], range_: str | None) -> tuple[bytes, int, dict]:
    """The body to send, with the status and headers for a whole file or for the range asked for."""
    if file is None:
        return b"", status, headers
    size, headers = len(file.data), {**headers, "Accept-Ranges": "bytes"}
    match = _RANGE.match(range_ or "")
    if not match:
        return file.data, status, headers
    start, end = int(match[1]), min(int(match[2] or size - 1), size - 1)
    if start >= size or start > end:
        return b"", 416, {**headers, "Content-Range": f"bytes */{size}"}
    return file.data[start : end + 1], 206, {**headers, "Content-Range": f"bytes {start}-{end}/{size}"}


@pytest.fixture
def fake_hub():
    """A fake Hugging Face Hub (hub and CDN) on 127.0.0.1, stopped after the test."""
    hub = FakeHub()
    yield hub
    hub.stop()


@pytest.fixture
def hub_env(fake_hub, tmp_path, monkeypatch):
    """podgen.hub pointed at the fake hub, with a Hugging Face cache of the test's own, no token,
    no proxy, and retries that wait a hundredth of a second."""
    from podgen.hub import transfer

    for name in ("HF_TOKEN", "HF_HUB_OFFLINE", "HF_HUB_CACHE", "HF_TOKEN_PATH", "XDG_CACHE_HOME"):
        monkeypatch.delenv(name, raising=False)
    for name in ("http_proxy", "https_proxy", "all_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HF_ENDPOINT", fake_hub.url)
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    monkeypatch.setattr(transfer, "BACKOFF", 0.01)
    return fake_hub
