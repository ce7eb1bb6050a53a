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

PROGRESS_LABELS = {
    "batch": "Documents",
    "ingest": "Reading sources",
    "pages": "Reading PDF pages",
    "ocr": "OCR (pages)",
    "download": "Downloading (KB)",
    "text": "Cleaning text (KB)",
    "transcribe": "Transcribing (min)",
    "write": "Writing the script",
    "tokens": "Model answering",
    "speak": "Speaking lines",
    "mix": "Mixing audio",
    "video": "Making the video",
    "short": "Making the short video",
    "check": "Checking",
    "publish": "Publishing",
}
"""What each Progress stage is called where people see it: the command line's bars and the
studio's (which gets them from the page it is served)."""


class Extractor:
    """Turns one source (a file path) into a Document. Built-in extractors and plug-ins subclass
    it, as markitdown's converters subclass ``DocumentConverter``.

    :meth:`accepts` looks at the extension (and, where a subclass says so, the content, with
    ``podgen.ingest.sniff``); :meth:`check` raises TooLarge from headers alone, before any
    source is read; :meth:`extract` does the reading, and reports long work (OCR, speech)
    through ``progress``."""

    name: str = ""
    priority: int = 50
    """Lower runs first when several extractors accept the same source."""
    extensions: tuple[str, ...] = ()
    """File extensions this extractor handles, with the dot, for error messages."""

    def accepts(self, path: Path) -> bool:
        return path.suffix.lower() in self.extensions

    def check(self, path: Path, settings: Settings) -> None:
        """Raise ``errors.TooLarge`` when the source is over a limit (pages, minutes); cheap."""

    def extract(self, path: Path, settings: Settings, progress: Progress | None = None) -> Document:
        raise NotImplementedError


def report_draft(progress: Progress | None, script: Script) -> None:
    """Hand the script written so far to the run (when its progress takes drafts: ``make``'s
    does, to speak the first chapters while the rest is written). A writer that writes chapter
    by chapter calls this after each; the script it returns in the end is what counts."""
    draft = getattr(progress, "draft", None)
    if callable(draft):
        draft(script)


class Writer:
    """Turns a Document into a Script of the settings' hosts. Built-in writers and plug-ins
    subclass it; a writer reports its work as ("write", done, total) through ``progress``, and
    may report its script so far with :func:`report_draft`."""

    name: str = ""

    def write(self, document: Document, settings: Settings, progress: Progress | None = None) -> Script:
        raise NotImplementedError


@runtime_checkable
class Voice(Protocol):
    """Speaks text in one voice. Returns mono 16-bit PCM and its sample rate. The speak stage
    gives it at most ``speak.MAX_SPOKEN_CHARS`` (300) characters at a time: a longer line comes
    in pieces cut between sentences, whose audio the stage joins."""

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
