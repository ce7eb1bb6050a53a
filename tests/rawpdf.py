"""Hand-built PDFs for bad-input tests: a file is its numbered objects, written with a correct
cross-reference table, so that the damage is only the one the test means."""

from __future__ import annotations

import zlib

FONT = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"
SENTENCE = b"The keepers climbed the tower every evening to light the lamp."
TEXT = b"BT /F1 12 Tf 72 700 Td (" + SENTENCE + b") Tj ET"
RESOURCES = b"<< /Font << /F1 5 0 R >> >>"


def raw_pdf(objects: dict[int, bytes]) -> bytes:
    """A PDF of these objects (1 is the catalog)."""
    out = bytearray(b"%PDF-1.7\n")
    offsets = {}
    for number in sorted(objects):
        offsets[number] = len(out)
        out += b"%d 0 obj\n%s\nendobj\n" % (number, objects[number])
    xref, size = len(out), max(objects) + 1
    out += b"xref\n0 %d\n0000000000 65535 f \n" % size
    for number in range(1, size):
        out += b"%010d 00000 n \n" % offsets[number] if number in offsets else b"0000000000 65535 f \n"
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (size, xref)
    return bytes(out)


def stream(data: bytes, entries: bytes = b"") -> bytes:
    return b"<< /Length %d %s >>\nstream\n%s\nendstream" % (len(data), entries, data)


def one_page(
    media: bytes = b"[0 0 612 792]",
    kids: bytes = b"[3 0 R]",
    count: bytes = b"1",
    content: bytes = TEXT,
    resources: bytes = RESOURCES,
    more: dict[int, bytes] | None = None,
) -> bytes:
    """A one-page PDF (objects 1-5) saying SENTENCE, with any part replaced."""
    objects = {
        1: b"<< /Type /Catalog /Pages 2 0 R >>",
        2: b"<< /Type /Pages /Kids %s /Count %s >>" % (kids, count),
        3: b"<< /Type /Page /Parent 2 0 R /MediaBox %s /Contents 4 0 R /Resources %s >>" % (media, resources),
        4: stream(content),
        5: FONT,
    }
    return raw_pdf({**objects, **(more or {})})


def self_drawing_form(times: int) -> bytes:
    """A page drawing a form that draws itself ``times`` times."""
    form = stream(
        b"/X1 Do " * times + TEXT,
        b"/Type /XObject /Subtype /Form /BBox [0 0 612 792] /Resources << /XObject << /X1 6 0 R >> /Font << /F1 5 0 R >> >>",
    )
    resources = b"<< /Font << /F1 5 0 R >> /XObject << /X1 6 0 R >> >>"
    return one_page(content=TEXT + b" /X1 Do", resources=resources, more={6: form})


def huge_image_scan() -> bytes:
    """A page with no text and one image that says it is 100,000 pixels square."""
    image = stream(
        zlib.compress(b"\0" * 1000),
        b"/Type /XObject /Subtype /Image /Width 100000 /Height 100000 /ColorSpace /DeviceGray "
        b"/BitsPerComponent 8 /Filter /FlateDecode",
    )
    content = b"q 500 0 0 500 50 50 cm /Im1 Do Q"
    return one_page(content=content, resources=b"<< /XObject << /Im1 6 0 R >> >>", more={6: image})
