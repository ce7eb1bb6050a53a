"""edge-tts: Microsoft Edge's free neural voices, over its WebSocket service (needs internet).

The service answers with MP3, which ffmpeg decodes to mono PCM. ``probe`` says whether the
service can be reached, quickly, for ``--tts auto``.
"""

from __future__ import annotations

import asyncio
import logging
import socket
import ssl
import threading
import time
from functools import lru_cache
from urllib.parse import urlsplit

from ..errors import BackendError, MissingDependency, RateLimited, TransientError
from ..ffmpeg import decode_pcm
from .casting import EDGE_VOICES, for_language, primary
from .pcm import trim

log = logging.getLogger(__name__)

RATE = 24000  # the service's audio-24khz-48kbitrate-mono-mp3
PROBE_TIMEOUT = 1.5  # seconds
OFFLINE_HINT = "Check the network connection, or speak offline with --tts piper."


def _edge_tts():
    try:
        import edge_tts
        import edge_tts.communicate
    except ImportError:  # pragma: no cover - a core dependency
        raise MissingDependency("The edge backend needs edge-tts.", "pip install edge-tts") from None
    return edge_tts


def endpoint() -> tuple[str, int]:
    """Host and port of the service (edge_tts.communicate.WSS_URL)."""
    url = urlsplit(_edge_tts().communicate.WSS_URL)
    return url.hostname or "", url.port or (443 if url.scheme == "wss" else 80)


def probe(timeout: float = PROBE_TIMEOUT) -> tuple[bool, str]:
    """(True, why) when the service accepts a connection (and, for wss, a TLS handshake) within
    ``timeout`` seconds. Remembered for the rest of the process."""
    secure = urlsplit(_edge_tts().communicate.WSS_URL).scheme == "wss"
    return _probe(*endpoint(), secure, timeout)


@lru_cache(maxsize=8)
def _probe(host: str, port: int, secure: bool, timeout: float) -> tuple[bool, str]:
    found: list[tuple[bool, str]] = []
    start = time.perf_counter()

    def connect() -> None:  # in a thread: a slow name lookup does not obey socket timeouts
        try:
            with socket.create_connection((host, port), timeout=timeout) as sock:
                if secure:  # a TLS handshake: a proxy that accepts any connection is not the service
                    _tls().wrap_socket(sock, server_hostname=host).close()
            found.append((True, f"answered in {time.perf_counter() - start:.2f}s"))
        except (OSError, ssl.SSLError) as exc:
            found.append((False, f"cannot be reached ({getattr(exc, 'strerror', None) or exc})"))

    thread = threading.Thread(target=connect, daemon=True)
    thread.start()
    thread.join(timeout)
    return found[0] if found else (False, f"did not answer within {timeout}s")


def _tls() -> ssl.SSLContext:
    import certifi

    return ssl.create_default_context(cafile=certifi.where())


class EdgeVoice:
    def __init__(self, name: str, rate: str, pitch: str):
        self.name, self.rate, self.pitch = name, rate, pitch

    def cache_key(self) -> str:
        host, port = endpoint()
        return f"edge/{host}:{port}/{self.name}/rate={self.rate}/pitch={self.pitch}/{RATE}"

    def synthesize(self, text: str) -> tuple[bytes, int]:
        mp3 = asyncio.run(self._fetch(text))
        if not mp3:
            raise BackendError("edge-tts sent no audio.")
        try:
            pcm = decode_pcm(mp3, RATE)
        except BackendError as exc:
            raise BackendError(f"edge-tts sent audio that cannot be read ({exc.message})") from None
        pcm = trim(pcm, RATE)
        if not pcm:
            raise BackendError("edge-tts sent only silence.")
        return pcm, RATE

    async def _fetch(self, text: str) -> bytes:
        import aiohttp

        edge_tts = _edge_tts()
        audio = bytearray()
        talk = edge_tts.Communicate(
            text, self.name, rate=self.rate, pitch=self.pitch, connect_timeout=10, receive_timeout=60
        )
        try:
            async for chunk in talk.stream():
                if chunk["type"] == "audio":
                    audio += chunk["data"]
        except aiohttp.ClientResponseError as exc:
            raise _status_error(exc) from None
        except aiohttp.ClientConnectorError as exc:
            raise _connect_error(exc) from None
        except (TimeoutError, aiohttp.ClientError, edge_tts.exceptions.WebSocketError) as exc:
            raise TransientError(f"edge-tts connection failed: {exc or type(exc).__name__}") from None
        except edge_tts.exceptions.EdgeTTSException as exc:
            raise BackendError(f"edge-tts: {exc}") from None
        return bytes(audio)


def _status_error(exc) -> BackendError:
    if exc.status == 429:
        after = (exc.headers or {}).get("Retry-After")
        return RateLimited("edge-tts: too many requests (429)", float(after) if after else None)
    if exc.status >= 500:
        return TransientError(f"edge-tts: server error {exc.status} {exc.message}")
    return BackendError(f"edge-tts refused the request: {exc.status} {exc.message}")


def _connect_error(exc) -> BackendError:
    """Offline altogether fails at once; a passing drop is tried again."""
    _probe.cache_clear()
    answered, why = probe()
    if not answered:
        return BackendError(f"edge-tts's service {why}", OFFLINE_HINT)
    return TransientError(f"edge-tts connection failed: {exc}")


class EdgeBackend:
    name = "edge"
    concurrency = 8

    def __init__(self, settings=None):
        self.language = settings.language if settings is not None else "en"
        speed = settings.tts_speed if settings is not None else 1.0
        self.rate = f"{round((speed - 1) * 100):+d}%"
        self.pitch = f"{settings.tts_pitch if settings is not None else 0:+d}Hz"

    def voice(self, name: str) -> EdgeVoice:
        return EdgeVoice(name, self.rate, self.pitch)

    def ready(self) -> tuple[bool, str]:
        """Whether Microsoft's online service answers now (edge-tts speaks only through it)."""
        answered, why = probe()
        return answered, f"the online service {why}" if not answered else "the online service answers"

    def default_voices(self, language: str) -> list[str]:
        return for_language(EDGE_VOICES, language)

    def voices(self) -> list[str]:
        """Every voice of the language, from the service; podgen's defaults when it is out of reach."""
        answered, why = probe()
        if not answered:
            log.warning("edge-tts's service %s: showing podgen's default voices only", why)
            return self.default_voices(self.language)
        try:
            found = asyncio.run(asyncio.wait_for(_edge_tts().list_voices(), 15))
        except Exception as exc:  # the list is a convenience: say so and show the defaults
            log.warning("edge-tts's voice list could not be read (%s): showing podgen's default voices only", exc)
            return self.default_voices(self.language)
        return sorted(v["ShortName"] for v in found if primary(v["Locale"]) == primary(self.language))
