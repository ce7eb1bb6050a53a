"""ZIP containers (EPUB, DOCX) read within limits, so a small file cannot unzip into gigabytes.

Before a member is read, its size as the archive's directory declares it (``ZipInfo.file_size``)
is checked against ``max_unzipped_mb``, and so is the sum over everything that will be read;
a member larger than 1 MB that is compressed more than 200:1 is refused as a zip bomb (real
XML and XHTML compress 5-20:1). Members are then read in 1 MB chunks and counted, so even an
archive whose directory lies cannot make podgen hold more than the limit. (Python's zipfile
also stops at the declared size and checks the CRC.) Each refusal is one line, TooLarge.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterable
from pathlib import Path

from ..config import Settings
from ..errors import TooLarge

MB = 1024 * 1024
MAX_RATIO = 200
"""The most a member larger than RATIO_FLOOR may be compressed (inflated size / stored size)."""
RATIO_FLOOR = MB
CHUNK = MB


class Members:
    """The members of one open archive, read within ``settings.max_unzipped_mb``."""

    def __init__(self, archive: zipfile.ZipFile, path: Path, settings: Settings):
        self.archive, self.path = archive, path
        self.limit = int(settings.max_unzipped_mb * MB)
        self.read_so_far = 0

    def check(self, names: Iterable[str] | None = None) -> None:
        """Refuse before reading: any of ``names`` (every member when None) too large or too
        compressed, or all of them together larger than the limit."""
        infos = self.archive.infolist() if names is None else [self._info(n) for n in names]
        total = 0
        for info in infos:
            if info is not None:
                self._check_one(info)
                total += info.file_size
        if self.read_so_far + total > self.limit:
            raise self._too_large(f"unzips to {_mb(self.read_so_far + total)} MB")

    def read(self, name: str) -> bytes:
        """One member's bytes (KeyError when there is none), after :meth:`check`, in chunks."""
        info = self._info(name)
        if info is None:
            raise KeyError(name)
        self.check([name])
        chunks = []
        with self.archive.open(info) as member:
            while chunk := member.read(CHUNK):
                self.read_so_far += len(chunk)
                if self.read_so_far > self.limit:
                    raise self._too_large(f"unzips to more than {_mb(self.limit)} MB")
                chunks.append(chunk)
        return b"".join(chunks)

    def _info(self, name: str) -> zipfile.ZipInfo | None:
        try:
            return self.archive.getinfo(name)
        except KeyError:
            return None

    def _check_one(self, info: zipfile.ZipInfo) -> None:
        if info.file_size > self.limit:
            raise self._too_large(f"holds {info.filename!r}, which unzips to {_mb(info.file_size)} MB")
        if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            ratio = info.file_size / max(info.compress_size, 1)
            raise TooLarge(
                f"{self.path.name} holds {info.filename!r}, compressed {ratio:,.0f}:1 "
                f"({_mb(info.compress_size)} MB unzip to {_mb(info.file_size)} MB): a zip bomb, "
                f"not a document; podgen reads members compressed up to {MAX_RATIO}:1.",
                "Re-export the document from the program that made it.",
            )

    def _too_large(self, what: str) -> TooLarge:
        return TooLarge(
            f"{self.path.name} {what}; podgen unzips at most {_mb(self.limit)} MB (max_unzipped_mb).",
            "Re-export it without what it does not need (large images), or raise max_unzipped_mb.",
        )


def read_head(archive: zipfile.ZipFile, name: str, size: int) -> bytes | None:
    """The first ``size`` bytes of member ``name`` (None when there is none): for sniffing,
    which never inflates more than it looks at."""
    try:
        with archive.open(name) as member:
            return member.read(size)
    except KeyError:
        return None


def _mb(size: int) -> str:
    mb = size / MB
    return f"{mb:,.0f}" if mb >= 10 else f"{mb:,.2g}"
