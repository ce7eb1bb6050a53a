"""Casting: which voice speaks for each host, per backend and language.

A host's voice is, first found: the run's ``voices`` (``--voices a,b``, one per host), the
host's own ``voices`` entry for the backend, its ``voice`` (Piper only), then the backend's
default for the language. Defaults alternate a female and a male voice, so two hosts sound
clearly different; up to four hosts get four different voices.
"""

from __future__ import annotations

import logging

from ..config import Host, Settings
from ..contracts import VoiceBackend
from ..errors import UnsupportedLanguage, UsageError
from ..registry import voices
from ..text.language import base_language

log = logging.getLogger(__name__)

MAX_HOSTS = 4

# edge-tts: female, male, female, male (Microsoft's neural voices of each locale)
EDGE_VOICES = {
    "en": [
        "en-US-EmmaMultilingualNeural",
        "en-US-AndrewMultilingualNeural",
        "en-US-AvaMultilingualNeural",
        "en-US-BrianMultilingualNeural",
    ],
    "en-GB": ["en-GB-SoniaNeural", "en-GB-RyanNeural", "en-GB-LibbyNeural", "en-GB-ThomasNeural"],
    "de": ["de-DE-KatjaNeural", "de-DE-ConradNeural", "de-DE-AmalaNeural", "de-DE-KillianNeural"],
    "fr": ["fr-FR-DeniseNeural", "fr-FR-HenriNeural", "fr-FR-EloiseNeural", "fr-FR-RemyMultilingualNeural"],
    "es": ["es-ES-ElviraNeural", "es-ES-AlvaroNeural", "es-MX-DaliaNeural", "es-MX-JorgeNeural"],
    "it": ["it-IT-ElsaNeural", "it-IT-DiegoNeural", "it-IT-IsabellaNeural", "it-IT-GiuseppeMultilingualNeural"],
    "pt": ["pt-BR-FranciscaNeural", "pt-BR-AntonioNeural", "pt-PT-RaquelNeural", "pt-PT-DuarteNeural"],
    "pt-PT": ["pt-PT-RaquelNeural", "pt-PT-DuarteNeural", "pt-BR-FranciscaNeural", "pt-BR-AntonioNeural"],
    "nl": ["nl-NL-ColetteNeural", "nl-NL-MaartenNeural", "nl-NL-FennaNeural", "nl-BE-ArnaudNeural"],
    "ja": ["ja-JP-NanamiNeural", "ja-JP-KeitaNeural", "en-US-EmmaMultilingualNeural", "en-US-AndrewMultilingualNeural"],
    "zh": ["zh-CN-XiaoxiaoNeural", "zh-CN-YunxiNeural", "zh-CN-XiaoyiNeural", "zh-CN-YunjianNeural"],
    "pl": ["pl-PL-ZofiaNeural", "pl-PL-MarekNeural", "pl-PL-AgnieszkaNeural", "en-US-AndrewMultilingualNeural"],
    "sv": ["sv-SE-SofieNeural", "sv-SE-MattiasNeural", "en-US-AvaMultilingualNeural", "en-US-BrianMultilingualNeural"],
    "ko": ["ko-KR-SunHiNeural", "ko-KR-InJoonNeural", "en-US-AvaMultilingualNeural", "ko-KR-HyunsuMultilingualNeural"],
}

# OpenAI's voices speak every language the model knows; the language goes into the instructions.
OPENAI_VOICES = ["nova", "onyx", "coral", "ash"]
OPENAI_ALL_VOICES = ["alloy", "ash", "ballad", "coral", "echo", "fable", "nova", "onyx", "sage", "shimmer", "verse"]
LANGUAGE_NAMES = {
    "en": "English",
    "de": "German",
    "fr": "French",
    "es": "Spanish",
    "it": "Italian",
    "pt": "Portuguese",
    "nl": "Dutch",
    "ja": "Japanese",
    "zh": "Chinese",
    "pl": "Polish",
    "sv": "Swedish",
    "ko": "Korean",
    "da": "Danish",
    "fi": "Finnish",
    "no": "Norwegian",
    "cs": "Czech",
    "tr": "Turkish",
    "ru": "Russian",
    "uk": "Ukrainian",
    "el": "Greek",
    "hi": "Hindi",
    "ar": "Arabic",
    "he": "Hebrew",
    "id": "Indonesian",
}


def primary(language: str) -> str:
    """The language subtag: "pt-BR" -> "pt"."""
    return base_language(language)


def for_language(table: dict[str, list[str]], language: str) -> list[str]:
    """The table's entry for "pt-PT", else for "pt", else nothing."""
    return table.get(language) or table.get(primary(language)) or []


def cast(backend: VoiceBackend, names: list[str], settings: Settings) -> list[str]:
    """One voice name per host name, for ``backend`` in ``settings.language``."""
    if not 1 <= len(names) <= MAX_HOSTS:
        raise UsageError(f"The script has {len(names)} hosts; podgen speaks 1 to {MAX_HOSTS}.")
    given = settings.voices or []
    if given and len(given) < len(names):
        raise UsageError(
            f"--voices gives {len(given)} voice(s) for {len(names)} hosts.",
            "Give one voice per host, comma-separated, e.g. --voices nova,onyx.",
        )
    defaults = backend.default_voices(settings.language)
    hosts = [settings.hosts[i] if i < len(settings.hosts) else None for i in range(len(names))]
    named = [
        given[i] if given else (hosts[i].voices.get(backend.name) if hosts[i] else None) for i in range(len(names))
    ]
    if None in named and not defaults:
        raise _unsupported(backend.name, settings)
    chosen = [voice or _piper_voice(hosts[i], backend.name) for i, voice in enumerate(named)]
    chosen = [voice or _free_default(defaults, chosen, i) for i, voice in enumerate(chosen)]
    if len(set(chosen)) < len(chosen):
        log.warning("two hosts share a voice (%s); give each its own with --voices", ", ".join(chosen))
    return chosen


def _piper_voice(host: Host | None, backend: str) -> str | None:
    """A host's ``voice`` is its Piper voice."""
    return host.voice if host is not None and backend == "piper" else None


def _free_default(defaults: list[str], chosen: list[str | None], index: int) -> str:
    """The host's default by position, or the first default no other host speaks with."""
    taken = {voice for voice in chosen if voice}
    if defaults[index % len(defaults)] not in taken:
        return defaults[index % len(defaults)]
    return next((voice for voice in defaults if voice not in taken), defaults[index % len(defaults)])


def _unsupported(backend: str, settings: Settings) -> UnsupportedLanguage:
    able = [name for name in voices.names() if name != backend and _speaks(name, settings)]
    hint = f"Use --tts {' or --tts '.join(able)}, which speak it." if able else "Name voices with --voices."
    return UnsupportedLanguage(f"The {backend} backend has no voice for language {settings.language!r}.", hint)


def _speaks(name: str, settings: Settings) -> bool:
    try:
        return bool(voices.create(name, settings).default_voices(settings.language))
    except Exception:  # a plug-in that cannot even be created speaks nothing
        return False
