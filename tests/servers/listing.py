"""Local servers for discovery tests: one that lists models the way OpenAI-compatible servers do
(``GET /v1/models``), one that answers every path with a fixed page, and one that accepts
connections and never says a word. All bind 127.0.0.1 on a free port."""

from __future__ import annotations

import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class PageServer:
    """Answers every GET with ``status``, ``content_type`` and ``body``; records each request's headers."""

    def __init__(self, body: bytes, status: int = 200, content_type: str = "application/json"):
        self.body, self.status, self.content_type = body, status, content_type
        self.requests: list[tuple[str, dict[str, str]]] = []
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    @property
    def port(self) -> int:
        return self._httpd.server_address[1]

    def start(self) -> PageServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                server.requests.append((self.path, {k.lower(): v for k, v in self.headers.items()}))
                self.send_response(server.status)
                self.send_header("Content-Type", server.content_type)
                self.send_header("Content-Length", str(len(server.body)))
                self.end_headers()
                self.wfile.write(server.body)

        return Handler


def models_server(*ids: str) -> PageServer:
    """A server whose ``GET /v1/models`` (and every other path) is an OpenAI model list of ``ids``."""
    data = [{"id": i, "object": "model", "owned_by": "test"} for i in ids]
    return PageServer(json.dumps({"object": "list", "data": data}).encode())


class SilentServer:
    """Accepts every connection, reads nothing and answers nothing until stopped."""

    def __init__(self) -> None:
        self._socket = socket.create_server(("127.0.0.1", 0))
        self._socket.settimeout(0.1)
        self._held: list[socket.socket] = []
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)

    @property
    def port(self) -> int:
        return self._socket.getsockname()[1]

    def start(self) -> SilentServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopped.set()
        self._thread.join()
        self._socket.close()
        for conn in self._held:
            conn.close()

    def _accept(self) -> None:
        while not self._stopped.is_set():
            try:
                conn, _ = self._socket.accept()
            except TimeoutError:
                continue
            self._held.append(conn)
