"""Local stand-ins for the speech services, on 127.0.0.1, speaking their real protocols:

- ``OpenAISpeechServer``: HTTP ``POST /v1/audio/speech`` (JSON in, MP3 out), with injected
  latency and faults (429 with Retry-After, 500, empty or unreadable answers);
- ``EdgeServer``: edge-tts's WebSocket protocol (speech.config and SSML text frames in;
  turn.start, binary audio frames with a header, turn.end out).

Both answer with real MP3 made by Piper and ffmpeg from the text they were sent, so the audio
really says what was asked. Both count requests and the most that were ever in flight.
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from podgen.ffmpeg import run as ffmpeg


@lru_cache(maxsize=256)
def mp3_of(text: str) -> bytes:
    """Real speech: Piper's joe saying ``text``, as a 24 kHz 48 kbit/s mono MP3."""
    from podgen.speak.piper import PiperVoice

    pcm, rate = PiperVoice("joe", "", threads=1).synthesize(text)
    return ffmpeg(
        [
            "-f",
            "s16le",
            "-ar",
            str(rate),
            "-ac",
            "1",
            "-i",
            "pipe:0",
            "-ar",
            "24000",
            "-b:a",
            "48k",
            "-f",
            "mp3",
            "pipe:1",
        ],
        data=pcm,
    )


@lru_cache(maxsize=256)
def wav_of(mp3: bytes) -> bytes:
    """The same audio as a 24 kHz mono 16-bit WAV (what ``response_format: wav`` asks for)."""
    return ffmpeg(["-i", "pipe:0", "-ar", "24000", "-ac", "1", "-c:a", "pcm_s16le", "-f", "wav", "pipe:1"], data=mp3)


@dataclass
class Traffic:
    """What a server saw: every request's text, in arrival order, and the peak in flight."""

    texts: list[str] = field(default_factory=list)
    in_flight: int = 0
    peak: int = 0
    statuses: list[int] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def enter(self, text: str) -> int:
        with self.lock:
            self.texts.append(text)
            self.in_flight += 1
            self.peak = max(self.peak, self.in_flight)
            return len(self.texts)

    def leave(self, status: int) -> None:
        with self.lock:
            self.in_flight -= 1
            self.statuses.append(status)


Fault = Callable[[int, str], "tuple[int, dict, bytes] | None"]
"""(request number, text) -> an answer to send instead of speech (status, headers, body), or None."""


class OpenAISpeechServer:
    def __init__(self, latency: float = 0.0, fault: Fault | None = None, audio: Callable[[str], bytes] = mp3_of):
        self.latency, self.fault, self.audio = latency, fault, audio
        self.traffic = Traffic()
        self.auth: list[str] = []
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/v1"

    def __enter__(self) -> OpenAISpeechServer:
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()

    def answer(self, body: dict) -> tuple[int, dict, bytes]:
        number = self.traffic.enter(body["input"])
        try:
            time.sleep(self.latency)
            status, headers, data = (self.fault and self.fault(number, body["input"])) or self.speech(body)
        except BaseException:
            self.traffic.leave(500)
            raise
        self.traffic.leave(status)
        return status, headers, data

    def speech(self, body: dict) -> tuple[int, dict, bytes]:
        mp3 = self.audio(body["input"])
        if body.get("response_format", "mp3") == "wav":
            return 200, {"Content-Type": "audio/wav"}, wav_of(mp3)
        return 200, {"Content-Type": "audio/mpeg"}, mp3

    def _handler(self):
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", 0))
                body = json.loads(self.rfile.read(length))
                server.auth.append(self.headers.get("Authorization", ""))
                if self.path != "/v1/audio/speech" or not {"model", "voice", "input"} <= set(body):
                    return self._send(
                        404,
                        {"Content-Type": "application/json"},
                        json.dumps({"error": {"message": "not found"}}).encode(),
                    )
                self._send(*server.answer(body))

            def _send(self, status: int, headers: dict, data: bytes) -> None:
                self.send_response(status)
                for key, value in headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args) -> None:
                pass

        return Handler


def error(status: int, message: str, **headers: str) -> tuple[int, dict, bytes]:
    """An OpenAI-style JSON error answer."""
    body = json.dumps({"error": {"message": message, "type": "test", "code": None}}).encode()
    return status, {"Content-Type": "application/json", **headers}, body


class EdgeServer:
    """edge-tts's WebSocket service, as edge_tts.communicate speaks to it."""

    def __init__(self, latency: float = 0.0, refuse: Callable[[int], int | None] = lambda n: None):
        self.latency, self.refuse = latency, refuse
        self.traffic = Traffic()
        self.connections = 0
        self.loop = asyncio.new_event_loop()
        self.ready = threading.Event()
        self.port = 0

    @property
    def url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/consumer/speech/synthesize/readaloud/edge/v1?TrustedClientToken=x"

    def __enter__(self) -> EdgeServer:
        threading.Thread(target=self.loop.run_until_complete, args=(self._serve(),), daemon=True).start()
        self.ready.wait(10)
        return self

    def __exit__(self, *exc) -> None:
        self.loop.call_soon_threadsafe(self.stop.set)

    async def _serve(self) -> None:
        from aiohttp import web

        app = web.Application()
        app.router.add_get("/consumer/speech/synthesize/readaloud/edge/v1", self._socket)
        runner = web.AppRunner(app)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]
        self.stop = asyncio.Event()
        self.ready.set()
        await self.stop.wait()
        await runner.cleanup()

    async def _socket(self, request):
        from aiohttp import WSMsgType, web

        self.connections += 1
        refused = self.refuse(self.connections)
        if refused:
            return web.Response(status=refused, headers={"Retry-After": "0.2"})
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        async for message in ws:
            if message.type != WSMsgType.TEXT:
                continue
            head, _, body = message.data.partition("\r\n\r\n")
            if "Path:ssml" in head:
                await self._speak(ws, head, body)
                break
        await ws.close()
        return ws

    async def _speak(self, ws, head: str, ssml: str) -> None:
        text = "".join(ET.fromstring(ssml).itertext())
        self.traffic.enter(text)
        request_id = next(line for line in head.split("\r\n") if line.startswith("X-RequestId:"))
        await asyncio.sleep(self.latency)
        audio = await asyncio.get_running_loop().run_in_executor(None, mp3_of, text)
        json_head = f"{request_id}\r\nContent-Type:application/json; charset=utf-8\r\n"
        await ws.send_str(f"{json_head}Path:turn.start\r\n\r\n{{}}")
        header = f"{request_id}\r\nContent-Type:audio/mpeg\r\nPath:audio\r\n".encode()
        for start in range(0, len(audio), 4096):
            await ws.send_bytes(len(header).to_bytes(2, "big") + header + audio[start : start + 4096])
        await ws.send_str(f"{json_head}Path:turn.end\r\n\r\n{{}}")
        self.traffic.leave(200)
