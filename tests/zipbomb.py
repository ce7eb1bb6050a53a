"""ZIP files written by hand for the tests: real members, and members that inflate to far more
than they take on disk (a deflate block of 1 MB of spaces, repeated: each block starts afresh,
so the repeats form one valid stream). A 1 GB member takes about 1 MB."""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass
from pathlib import Path

BLOCK = b" " * (1 << 20)


@dataclass
class Bomb:
    """A member of ``megabytes`` MB of spaces, after ``prefix``."""

    megabytes: int
    prefix: bytes = b""


def _deflated(member: bytes | Bomb) -> tuple[bytes, int, int]:
    """(raw deflate data, CRC-32, inflated size)."""
    if isinstance(member, bytes):
        packer = zlib.compressobj(9, zlib.DEFLATED, -15)
        return packer.compress(member) + packer.flush(), zlib.crc32(member), len(member)
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    head = packer.compress(member.prefix) + packer.flush(zlib.Z_FULL_FLUSH)
    piece = packer.compress(BLOCK) + packer.flush(zlib.Z_FULL_FLUSH)
    crc = zlib.crc32(member.prefix)
    for _ in range(member.megabytes):
        crc = zlib.crc32(BLOCK, crc)
    data = head + piece * member.megabytes + packer.flush()
    return data, crc, len(member.prefix) + member.megabytes * len(BLOCK)


def write_zip(path: Path, members: list[tuple[str, bytes | Bomb]], stored: tuple[str, ...] = ("mimetype",)) -> Path:
    """A ZIP of ``members`` in order (names in ``stored`` are stored, the rest deflated)."""
    local, central = bytearray(), bytearray()
    for name, member in members:
        raw = name.encode()
        if name in stored and isinstance(member, bytes):
            data, crc, size, method = member, zlib.crc32(member), len(member), 0
        else:
            (data, crc, size), method = _deflated(member), 8
        offset = len(local)
        local += struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, method, 0, 0x21, crc, len(data), size, len(raw), 0)
        local += raw + data
        central += (
            struct.pack(
                "<IHHHHHHIIIHHHHHII",
                0x02014B50,
                20,
                20,
                0,
                method,
                0,
                0x21,
                crc,
                len(data),
                size,
                len(raw),
                0,
                0,
                0,
                0,
                0,
                offset,
            )
            + raw
        )
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(members), len(members), len(central), len(local), 0)
    path.write_bytes(bytes(local + central + end))
    return path


CONTAINER = b"""<?xml version="1.0"?>
<container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">
  <rootfiles><rootfile full-path="OEBPS/content.opf" media-type="application/oebps-package+xml"/></rootfiles>
</container>"""
PACKAGE = b"""<?xml version="1.0"?>
<package xmlns="http://www.idpf.org/2007/opf" version="3.0" unique-identifier="id">
  <metadata xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>Ducks</dc:title><dc:identifier id="id">x</dc:identifier></metadata>
  <manifest>
    <item id="one" href="one.xhtml" media-type="application/xhtml+xml"/>
    <item id="two" href="two.xhtml" media-type="application/xhtml+xml"/>
  </manifest>
  <spine><itemref idref="one"/><itemref idref="two"/></spine>
</package>"""
CHAPTER = (
    b"<html xmlns='http://www.w3.org/1999/xhtml'><body><h1>Ducks</h1><p>Ducks paddle across the pond every "
    b"morning, and the keepers feed them bread by the water.</p></body></html>"
)


def epub(path: Path, second: bytes | Bomb = CHAPTER) -> Path:
    """A small real EPUB of two chapters; the second may be a bomb."""
    return write_zip(
        path,
        [
            ("mimetype", b"application/epub+zip"),
            ("META-INF/container.xml", CONTAINER),
            ("OEBPS/content.opf", PACKAGE),
            ("OEBPS/one.xhtml", CHAPTER),
            ("OEBPS/two.xhtml", second),
        ],
    )


CONTENT_TYPES = b"""<?xml version="1.0" encoding="UTF-8"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
  <Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
  <Default Extension="xml" ContentType="application/xml"/>
  <Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>
</Types>"""
RELS = b"""<?xml version="1.0" encoding="UTF-8"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
  <Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>
</Relationships>"""
BODY = (
    b'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
    b"<w:body><w:p><w:r><w:t>"
)
BODY_END = b"</w:t></w:r></w:p></w:body></w:document>"


def docx(path: Path, megabytes: int = 0) -> Path:
    """A minimal real Word document; with ``megabytes``, its one paragraph is that many MB of spaces."""
    text = b"Ducks paddle across the pond every morning, and the keepers feed them bread by the water."
    document: bytes | Bomb = BODY + text + BODY_END if not megabytes else Bomb(megabytes, BODY + text)
    return write_zip(
        path, [("[Content_Types].xml", CONTENT_TYPES), ("_rels/.rels", RELS), ("word/document.xml", document)]
    )
