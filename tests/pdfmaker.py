"""Small PDFs written for tests with pypdf: text in the standard Helvetica fonts (no font
files), placed line by line, so a test can set out exactly the layout it needs."""

from __future__ import annotations

from pathlib import Path

from pypdf import PdfWriter
from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

Line = tuple[float, float, float, bool, str]  # x, y, size, bold, text


def _font(writer: PdfWriter, base: str):
    return writer._add_object(
        DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Font"),
                NameObject("/Subtype"): NameObject("/Type1"),
                NameObject("/BaseFont"): NameObject(base),
                NameObject("/Encoding"): NameObject("/WinAnsiEncoding"),
            }
        )
    )


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def write_pdf(target: Path, pages: list[list[Line]], title: str = "") -> Path:
    """One PDF page per list of lines."""
    writer = PdfWriter()
    regular, bold = _font(writer, "/Helvetica"), _font(writer, "/Helvetica-Bold")
    for lines in pages:
        page = writer.add_blank_page(612, 792)
        page[NameObject("/Resources")] = DictionaryObject(
            {NameObject("/Font"): DictionaryObject({NameObject("/F1"): regular, NameObject("/F2"): bold})}
        )
        ops = "".join(f"BT /{'F2' if b else 'F1'} {s} Tf {x} {y} Td ({_escape(t)}) Tj ET\n" for x, y, s, b, t in lines)
        stream = DecodedStreamObject()
        stream.set_data(ops.encode("cp1252"))
        page[NameObject("/Contents")] = writer._add_object(stream)
    if title:
        writer.add_metadata({"/Title": title})
    writer.write(target)
    return target
