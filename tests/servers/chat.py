"""A local OpenAI-compatible chat-completions server for tests.

It speaks the real protocol over real HTTP (``POST /v1/chat/completions``, ``GET /v1/models``),
so the real ``openai`` client is used unchanged. Each test scripts it:

* ``server.push(Answer(...), ...)`` queues answers, used in order before anything else;
* ``server.rules.append(fn)``: ``fn(request) -> Answer | None`` is asked for every request;
* otherwise ``server.model(request)`` answers (by default a plausible model that builds its
  answers from the text in the prompt, see ``plausible.py``).

Every request is recorded (body, headers, arrival and end time) and the most requests in
flight at once is kept, so tests can count, measure and look for leaked secrets.
"""

from __future__ import annotations

import json
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest


@dataclass
class Answer:
    content: str | None = None
    """The assistant message; None with a non-200 status sends ``body`` instead."""
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    body: Any = None
    delay: float = 0.0
    """Seconds to wait before answering (longer than the client's timeout: a hang)."""
    finish_reason: str = "stop"
    stall_after: int | None = None
    """Streamed: send this many pieces, then nothing more (a server that stops mid-answer)."""
    piece_delay: float = 0.0
    """Streamed: seconds between two pieces."""
    raw: bytes | None = None
    """Streamed: these bytes as the event stream instead of real events (a server that sends garbage)."""
    endless: bool = False
    """Streamed: ``content``, then varied words without end, whatever ``max_tokens`` says (a server
    that ignores it); a client that never stops reading stops only at ENDLESS_PIECES."""

    @classmethod
    def error(cls, status: int, message: str = "error", **headers: str) -> Answer:
        return cls(status=status, headers=headers, body={"error": {"message": message, "type": "test"}})


@dataclass
class Request:
    path: str
    headers: dict[str, str]
    body: dict[str, Any]
    raw: bytes
    started: float
    ended: float = 0.0

    @property
    def text(self) -> str:
        """All message text of the request, joined."""
        return "\n".join(str(m.get("content") or "") for m in self.body.get("messages", []))

    @property
    def schema_name(self) -> str | None:
        fmt = self.body.get("response_format") or {}
        return (fmt.get("json_schema") or {}).get("name")


Model = Callable[[Request], Answer]


def echo_model(request: Request) -> Answer:
    return Answer(content="OK")


class ChatServer:
    def __init__(self, model: Model = echo_model, latency: float = 0.0):
        self.model = model
        self.latency = latency
        self.rules: list[Callable[[Request], Answer | None]] = []
        self.queue: list[Answer] = []
        self.requests: list[Request] = []
        self.in_flight = 0
        self.max_in_flight = 0
        self.pieces_sent = 0
        """Streamed events written so far (a client that stops reading stops this count)."""
        self._lock = threading.Lock()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._httpd.server_address[1]}/v1"

    def start(self) -> ChatServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._thread.is_alive():
            self._httpd.shutdown()
        self._httpd.server_close()

    def push(self, *answers: Answer) -> None:
        with self._lock:
            self.queue.extend(answers)

    def chat_requests(self) -> list[Request]:
        return [r for r in self.requests if r.path.endswith("/chat/completions")]

    def _answer_for(self, request: Request) -> Answer:
        with self._lock:
            if self.queue:
                return self.queue.pop(0)
        for rule in self.rules:
            answer = rule(request)
            if answer is not None:
                return answer
        return self.model(request)

    def _enter(self, request: Request) -> None:
        with self._lock:
            self.requests.append(request)
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)

    def _leave(self, request: Request) -> None:
        with self._lock:
            self.in_flight -= 1
            request.ended = time.monotonic()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def handle(self) -> None:
                try:
                    super().handle()
                except (ConnectionResetError, BrokenPipeError):
                    pass  # the client closed the connection (a stream it stopped reading)

            def do_GET(self) -> None:
                if self.path.rstrip("/").endswith("/models"):
                    self._send(200, {"object": "list", "data": [{"id": "test-model", "object": "model"}]})
                else:
                    self._send(404, {"error": {"message": "not found"}})

            def do_POST(self) -> None:
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                request = Request(
                    self.path,
                    {k.lower(): v for k, v in self.headers.items()},
                    json.loads(raw or b"{}"),
                    raw,
                    time.monotonic(),
                )
                server._enter(request)
                try:
                    self._reply(request)
                finally:
                    server._leave(request)

            def _reply(self, request: Request) -> None:
                if not self.path.endswith("/chat/completions"):
                    return self._send(404, {"error": {"message": f"no route {self.path}"}})
                try:
                    answer = server._answer_for(request)
                except Exception as exc:  # a broken test model: say so instead of dropping the connection
                    answer = Answer.error(500, f"test model failed: {type(exc).__name__}: {exc}")
                time.sleep(server.latency + answer.delay)
                if answer.status != 200 or answer.content is None:
                    return self._send(answer.status, answer.body, answer.headers)
                if request.body.get("stream"):
                    return self._stream(request, answer)
                self._send(200, completion(request, answer))

            def _stream(self, request: Request, answer: Answer) -> None:
                """Server-sent events, one chunk per piece of about 4 characters, as chat servers send."""
                try:
                    self.send_response(200)
                    self.send_header("Content-Type", "text/event-stream")
                    self.send_header("Transfer-Encoding", "chunked")
                    self.end_headers()
                    events = [answer.raw] if answer.raw is not None else stream_events(request, answer)
                    for number, event in enumerate(events):
                        if answer.stall_after is not None and number >= answer.stall_after:
                            time.sleep(3600)
                        self._chunk(event)
                        time.sleep(answer.piece_delay)
                        server.pieces_sent += 1
                    self._chunk(b"")
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def _chunk(self, data: bytes) -> None:
                self.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
                self.wfile.flush()

            def _send(self, status: int, body: Any, headers: dict[str, str] | None = None) -> None:
                data = body if isinstance(body, bytes) else json.dumps(body).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    for name, value in (headers or {}).items():
                        self.send_header(name.replace("_", "-"), value)
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (a timeout test)

        return Handler


def completion(request: Request, answer: Answer) -> dict[str, Any]:
    prompt_tokens = sum(len(str(m.get("content") or "")) for m in request.body.get("messages", [])) // 4
    return {
        "id": f"chatcmpl-{len(answer.content or '')}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": request.body.get("model", "test-model"),
        "choices": [
            {
                "index": 0,
                "finish_reason": answer.finish_reason,
                "message": {"role": "assistant", "content": answer.content},
            }
        ],
        "usage": {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": len(answer.content or "") // 4,
            "total_tokens": prompt_tokens + len(answer.content or "") // 4,
        },
    }


PIECE = 4
"""Characters per streamed piece (about one token)."""
ENDLESS_PIECES = 50_000
"""Where an endless answer ends after all: so a client without a budget of its own fails a test,
rather than hang it."""
WORDS = (
    "lamp oil wick flame glass brass street gas light city night river bridge tower market bell "
    "window harbour ship sail rope anchor stone wall gate road cart horse field wheat mill bread "
    "oven baker candle wax honey bee garden rose thorn apple pear orchard ladder roof chimney smoke"
).split()


def stream_events(request: Request, answer: Answer):
    """The SSE events of a streamed chat completion: role, content pieces, finish reason, [DONE]."""
    content = answer.content or ""
    base = {
        "id": "chatcmpl-stream",
        "object": "chat.completion.chunk",
        "created": int(time.time()),
        "model": request.body.get("model", "test-model"),
    }

    def event(delta: dict[str, Any], finish: str | None = None) -> bytes:
        body = {**base, "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}
        return f"data: {json.dumps(body)}\n\n".encode()

    yield event({"role": "assistant", "content": ""})
    for start in range(0, len(content), PIECE):
        yield event({"content": content[start : start + PIECE]})
    if answer.endless:
        words = random.Random(7)
        for _ in range(ENDLESS_PIECES):
            yield event({"content": f" {words.choice(WORDS)}"})
    yield event({}, answer.finish_reason)
    yield b"data: [DONE]\n\n"


@pytest.fixture
def chat_server():
    """A chat server with the plausible model, on 127.0.0.1, stopped after the test."""
    from .plausible import plausible

    server = ChatServer(plausible).start()
    yield server
    server.stop()
