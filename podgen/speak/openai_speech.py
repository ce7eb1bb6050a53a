"""OpenAI speech (``/v1/audio/speech``) through the ``openai`` package: OpenAI itself, or any
server that speaks the same protocol (``tts_base_url``, e.g. a local Kokoro server).

The key comes from OPENAI_API_KEY and goes nowhere else: not into cache keys, logs or errors.
The speak stage gives it at most ``speak.MAX_SPOKEN_CHARS`` at once, well under the input limit.
"""

from __future__ import annotations

import io
import logging
import re
import wave

from .. import redact
from ..config import Settings
from ..errors import BackendError, MissingDependency, RateLimited, TransientError, UsageError
from ..ffmpeg import decode_pcm
from ..llm.endpoint import DEFAULT_BASE_URL, find_endpoint, retry_after
from ..llm.http import guard_logs
from .casting import LANGUAGE_NAMES, OPENAI_ALL_VOICES, OPENAI_VOICES, primary
from .pcm import trim

log = logging.getLogger(__name__)

RATE = 24000
TIMEOUT = 120.0


class OpenAIVoice:
    def __init__(self, backend: OpenAIBackend, name: str):
        self.backend, self.name = backend, name

    def cache_key(self) -> str:
        b = self.backend
        return f"openai/{b.endpoint}/{b.model}/{self.name}/{b.instructions or ''}/speed={b.speed}/{RATE}"

    def synthesize(self, text: str) -> tuple[bytes, int]:
        return self._audio(text), RATE

    def _audio(self, text: str) -> bytes:
        answer = self.backend.request(text, self.name)
        if not answer:
            raise BackendError(f"{self.backend.endpoint} sent no audio.")
        try:
            pcm = trim(_pcm(answer), RATE)
        except BackendError as exc:
            raise BackendError(f"{self.backend.endpoint} sent audio that cannot be read ({exc.message})") from None
        if not pcm:
            raise BackendError(f"{self.backend.endpoint} sent only silence.")
        return pcm


def _pcm(answer: bytes) -> bytes:
    """Mono 16-bit PCM at RATE: read directly from a WAV in that form (what we ask for), else
    decoded by ffmpeg (a server that answers MP3 whatever was asked, or another WAV form)."""
    if answer[:4] == b"RIFF":
        try:
            with wave.open(io.BytesIO(answer)) as src:
                if (src.getnchannels(), src.getsampwidth(), src.getframerate()) == (1, 2, RATE):
                    return src.readframes(src.getnframes())
        except (wave.Error, EOFError):
            pass
    return decode_pcm(answer, RATE)


class OpenAIBackend:
    name = "openai"
    concurrency = 8

    def __init__(self, settings=None):

        settings = settings or Settings()
        found = find_endpoint(settings.tts_base_url)  # the same discovery as the chat writer's
        self.base_url = found.base_url if found else None
        self.endpoint = redact.url(self.base_url or DEFAULT_BASE_URL).rstrip("/")
        self.model, self.speed, self.language = settings.tts_model, settings.tts_speed, settings.language
        self.instructions = _instructions(settings) if self.model.startswith("gpt-4o") else None
        self._key = found.api_key if found and found.has_key else ""
        self._client = None

    def voice(self, name: str) -> OpenAIVoice:
        return OpenAIVoice(self, name)

    def ready(self) -> tuple[bool, str]:
        """Whether there is somewhere to send speech: an API key, or a speech server's URL."""
        if self.base_url:
            return True, f"speech server {self.endpoint}"
        if self._key:
            return True, "OPENAI_API_KEY is set"
        return False, "no OPENAI_API_KEY and no --tts-base-url"

    def voices(self) -> list[str]:
        return OPENAI_ALL_VOICES if self.default_voices(self.language) else []

    def default_voices(self, language: str) -> list[str]:
        return OPENAI_VOICES if primary(language) in LANGUAGE_NAMES else []

    def client(self):
        if self._client is None:
            self._client = self._open()
        return self._client

    def _open(self):
        try:
            import openai
        except ImportError:  # pragma: no cover - a core dependency
            raise MissingDependency("The openai backend needs the openai package.", "pip install openai") from None
        if not self._key and not self.base_url:
            raise UsageError(
                "OPENAI_API_KEY is not set.", "Export your key, or point --tts-base-url at a local speech server."
            )

        guard_logs(self._key or None)
        # retries are podgen's own (speak.pace), so that a 429 lowers the number of requests in flight
        return openai.OpenAI(api_key=self._key or "unused", base_url=self.base_url, max_retries=0, timeout=TIMEOUT)

    def request(self, text: str, voice: str) -> bytes:
        import openai

        extra = {"instructions": self.instructions} if self.instructions else {}
        try:
            answer = self.client().audio.speech.create(
                model=self.model, voice=voice, input=text, speed=self.speed, response_format="wav", **extra
            )
            return answer.read()
        except openai.RateLimitError as exc:
            raise RateLimited(self._say(exc), retry_after(exc.response.headers)) from None
        except (openai.InternalServerError, openai.APIConnectionError) as exc:
            raise TransientError(self._say(exc)) from None
        except openai.APIStatusError as exc:
            raise BackendError(self._say(exc)) from None

    def _say(self, exc) -> str:
        """The server's message, on one line, with the key (should it echo it) blanked out."""
        status = getattr(exc, "status_code", None)
        text = redact.text(re.sub(r"\s+", " ", str(getattr(exc, "message", None) or exc)).strip(), [self._key])
        return f"{self.endpoint} answered {status}: {text}" if status else f"{self.endpoint}: {text}"


def _instructions(settings) -> str | None:
    language = LANGUAGE_NAMES.get(primary(settings.language))
    parts = [settings.tts_instructions, f"Speak {language}." if language and language != "English" else None]
    return " ".join(p for p in parts if p) or None
