"""Every exception podgen raises on purpose.

Each carries a one-line ``message`` (what is wrong), a ``hint`` (what to do) and an
``exit_code``. The CLI maps them to a one-line error in one place (``cli.console.run``).
"""

from __future__ import annotations


class PodgenError(Exception):
    """Base class: a failure the user can act on."""

    exit_code = 1
    default_hint = ""

    def __init__(self, message: str, hint: str | None = None):
        super().__init__(message)
        self.message = message
        self.hint = self.default_hint if hint is None else hint

    def __str__(self) -> str:
        return self.message


class UsageError(PodgenError):
    """The command line or configuration is wrong."""

    exit_code = 2


class ConfigError(UsageError):
    default_hint = "Fix podgen.toml or the PODGEN_* environment variables; see docs/configuration.md."


class InputError(PodgenError):
    """A source document cannot be turned into a Document."""

    exit_code = 3


class SourceNotFound(InputError):
    default_hint = "Check the path and try again."


class UnsupportedFormat(InputError):
    pass


class EncryptedDocument(InputError):
    default_hint = "Pass the password with --password, or decrypt the file first (qpdf --decrypt)."


class CorruptDocument(InputError):
    default_hint = "Re-download or re-export the file; podgen could not read it."


class EmptyDocument(InputError):
    default_hint = "Give podgen a document with some text in it."


class NeedsOCR(InputError):
    default_hint = "Run OCR first (for example: ocrmypdf in.pdf out.pdf), then give podgen the result."


class FetchError(InputError):
    default_hint = "Check the address in a browser; if it needs a login, save the page and give podgen the file."


class TooLarge(InputError):
    """Refused before any long work starts."""


class BackendError(PodgenError):
    """A writer or voice backend failed."""

    exit_code = 4


class TransientError(BackendError):
    """A failure worth trying again: a dropped connection, a timeout, a server error."""


class RequestRejected(BackendError):
    """The endpoint answered 400/422: it does not accept this request (often a response_format)."""


class RateLimited(TransientError):
    """The server asked to slow down (HTTP 429); ``retry_after`` is its Retry-After, in seconds."""

    def __init__(self, message: str, retry_after: float | None = None):
        super().__init__(message)
        self.retry_after = retry_after


class UnknownBackend(UsageError):
    pass


class UnsupportedLanguage(UsageError):
    pass


class FileSystemError(PodgenError):
    """The file system said no: a path, a permission, a full disk."""

    default_hint = "Check the path, its permissions and free space."

    @classmethod
    def of(cls, exc: OSError) -> FileSystemError:
        """``exc`` as one line: what the system said, and the file it said it of."""
        where = f": {exc.filename}" if exc.filename else ""
        return cls(f"{exc.strerror or exc}{where}.")


class MissingDependency(PodgenError):
    """A package or model podgen needs for this is not installed; the hint says what to install."""

    exit_code = 5
    DOCTOR = "`podgen doctor` shows what is installed and what is missing."

    def __init__(self, message: str, hint: str | None = None):
        super().__init__(message, f"{hint.rstrip('. ')}. {self.DOCTOR}" if hint else self.DOCTOR)


class EpisodeError(PodgenError):
    """An episode folder is missing or broken."""

    exit_code = 3
    default_hint = "Give the folder that `podgen make` wrote (it holds script.json)."


class Cancelled(PodgenError):
    """Someone stopped the work (the studio's cancel button): nothing is wrong with the input."""

    exit_code = 130
    default_hint = "Start it again to resume: clips already spoken are kept."


class CheckFailed(PodgenError):
    """An episode did not pass `podgen check` (its findings are in check.json)."""

    exit_code = 6


class BadMedia(InputError):
    """A music or cover file that cannot be used."""

    default_hint = "Check the file, or leave the option out."


class ClusterError(BackendError):
    """The Dask scheduler cannot be reached or used."""

    default_hint = "Check the address (tcp://HOST:8786) and that the scheduler is running."


class PublishError(PodgenError):
    """Episodes cannot be published as given (no episodes, a bad base URL)."""

    exit_code = 3
