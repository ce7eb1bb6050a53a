"""The small interface each stage's backends share."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from .models import Document, Script

if TYPE_CHECKING:
    from .config import Settings

Progress = Callable[[str, int, int], None]
"""Reports work done: (stage, done, total). The library calls it; the CLI draws bars."""


@runtime_checkable
class Extractor(Protocol):
    """Turns one source (a file path) into a Document.

    ``accepts`` looks at the extension and at the content (``podgen.ingest.sniff``). An
    extractor whose work is long (OCR, speech) may take a keyword argument
    ``progress: Progress | None`` in ``extract``; the registry passes it when it has one.
    It may also have ``check(path, settings)``, which raises TooLarge from headers alone,
    before any source is read."""

    name: str
    priority: int
    """Lower runs first when several extractors accept the same source."""
    extensions: tuple[str, ...]
    """File extensions this extractor handles, with the dot, for error messages."""

    def accepts(self, path: Path) -> bool: ...

    def extract(self, path: Path, settings: Settings) -> Document: ...


@runtime_checkable
class Writer(Protocol):
    """Turns a Document into a Script of the settings' hosts.

    A writer whose ``write`` also takes a ``progress`` keyword gets the run's Progress callback
    and reports ("write", done, total) through it."""

    name: str

    def write(self, document: Document, settings: Settings) -> Script: ...


@runtime_checkable
class Voice(Protocol):
    """Speaks text in one voice. Returns mono 16-bit PCM and its sample rate."""

    def cache_key(self) -> str:
        """Everything that changes the audio besides the text (backend, voice, settings)."""
        ...

    def synthesize(self, text: str) -> tuple[bytes, int]: ...


class VoiceBackend(Protocol):
    """Makes Voice objects from voice names (for example "joe" or "joe-bright").

    The registry calls the backend's constructor with the run's Settings. ``synthesize`` raises
    ``errors.TransientError`` (or ``RateLimited``) for failures worth retrying, another
    ``BackendError`` for the rest; an empty or unreadable answer is an error, never silence."""

    name: str
    concurrency: int
    """Lines to speak at the same time when the settings do not say."""

    def voice(self, name: str) -> Voice: ...

    def voices(self) -> list[str]:
        """The voices there are (for the settings' language, where the backend knows it)."""
        ...

    def default_voices(self, language: str) -> list[str]:
        """Up to four default voices for ``language``, in host order; [] if it cannot speak it."""
        ...

    # Optional: ``ready() -> tuple[bool, str]``, whether the backend can speak now and, if not,
    # why (no key, a service out of reach). `podgen doctor` shows it; without it, a backend with
    # default voices for the language counts as ready.
