"""The few PDFium functions podgen calls, bound once with plain integer handles.

pypdfium2's own helpers wrap every object in a Python class and its raw bindings type every
handle as a pointer class: both cost more than PDFium's own work on a page of text. These
bindings take and return handles as integers. pypdfium2 is imported on first use (0.2 s).
"""

from __future__ import annotations

import ctypes
from pathlib import Path
from typing import Any

from ..errors import CorruptDocument, EncryptedDocument

_V, _I, _F, _D = ctypes.c_void_p, ctypes.c_int, ctypes.c_float, ctypes.c_double
_ERRORS = {2: "the file cannot be read", 3: "its structure is damaged", 5: "its security handler is unsupported"}
_PASSWORD = 4


class Document:
    """An open PDFium document and the bytes it reads from (PDFium keeps a pointer to them)."""

    def __init__(self, handle: int, data: Any):
        self.handle, self.data = handle, data


class _Pdfium:
    TEXT, PATH, IMAGE, FORM = 1, 2, 3, 5

    def __init__(self) -> None:
        self._module: Any = None

    def __getattr__(self, name: str) -> Any:
        """The bound functions exist once the library is loaded: load it on first use."""
        if self._module is None and not name.startswith("__"):
            self._bind()
            return getattr(self, name)
        raise AttributeError(name)

    @property
    def raw(self) -> Any:
        if self._module is None:
            self._bind()
        return self._module

    def _bind(self) -> None:
        import pypdfium2.raw as raw  # loads and initialises the library

        self._module = raw
        fn = _binder(raw)
        self.count_objects = fn("FPDFPage_CountObjects", _I, _V)
        self.get_object = fn("FPDFPage_GetObject", _V, _V, _I)
        self.count_form_objects = fn("FPDFFormObj_CountObjects", _I, _V)
        self.get_form_object = fn("FPDFFormObj_GetObject", _V, _V, ctypes.c_ulong)
        self.object_type = fn("FPDFPageObj_GetType", _I, _V)
        self.text_object = fn("FPDFText_GetTextObject", _V, _V, _I)
        self._bounds = fn("FPDFPageObj_GetBounds", _I, _V, *[ctypes.POINTER(_F)] * 4)
        self._matrix = fn("FPDFPageObj_GetMatrix", _I, _V, _V)
        self._font_size = fn("FPDFTextObj_GetFontSize", _I, _V, ctypes.POINTER(_F))
        self.font = fn("FPDFTextObj_GetFont", _V, _V)
        self._font_name = fn("FPDFFont_GetBaseFontName", ctypes.c_size_t, _V, _V, ctypes.c_size_t)
        self._font_weight = fn("FPDFFont_GetWeight", _I, _V)
        self._font_flags = fn("FPDFFont_GetFlags", _I, _V)
        self._count_chars = fn("FPDFText_CountChars", _I, _V)
        self.unicode = fn("FPDFText_GetUnicode", ctypes.c_uint, _V, _I)
        self._char_box = fn("FPDFText_GetCharBox", _I, _V, _I, *[ctypes.POINTER(_D)] * 4)
        self._doubles = [_D() for _ in range(4)]
        self._get_text = fn("FPDFText_GetText", _I, _V, _I, _I, _V)
        self._load_page = fn("FPDF_LoadPage", _V, _V, _I)
        self.close_page = fn("FPDF_ClosePage", None, _V)
        self._load_text = fn("FPDFText_LoadPage", _V, _V)
        self._close_text = fn("FPDFText_ClosePage", None, _V)
        self._rotation = fn("FPDFPage_GetRotation", _I, _V)
        self._width = fn("FPDF_GetPageWidthF", _F, _V)
        self._height = fn("FPDF_GetPageHeightF", _F, _V)
        self._bounding_box = fn("FPDF_GetPageBoundingBox", _I, _V, _V)
        self._fs_rect = raw.FS_RECTF()
        self._to_device = fn("FPDF_PageToDevice", _I, _V, _I, _I, _I, _I, _I, _D, _D, *[ctypes.POINTER(_I)] * 2)
        self._floats = [_F() for _ in range(4)]
        self._fs_matrix = raw.FS_MATRIX()
        self._text_buffer = (ctypes.c_ushort * 1024)()

    def load(self, path: Path, password: str | None) -> Document:
        data = path.read_bytes()
        buffer = ctypes.create_string_buffer(data, len(data))
        secret = password.encode("utf-8") if password else None
        handle = self.raw.FPDF_LoadMemDocument64(buffer, len(data), secret)
        address = ctypes.cast(handle, _V).value
        if not address:
            raise self._load_error(path)
        return Document(address, buffer)

    def _load_error(self, path: Path) -> Exception:
        code = self.raw.FPDF_GetLastError()
        if code == _PASSWORD:
            return EncryptedDocument(f"{path.name} is encrypted and the password given is wrong.")
        return CorruptDocument(f"{path.name} is not a readable PDF ({_ERRORS.get(code, 'PDFium cannot open it')}).")

    def close_document(self, doc: Document) -> None:
        self.raw.FPDF_CloseDocument(ctypes.cast(doc.handle, self.raw.FPDF_DOCUMENT))

    def page_count(self, doc: Document) -> int:
        return self.raw.FPDF_GetPageCount(ctypes.cast(doc.handle, self.raw.FPDF_DOCUMENT))

    def load_page(self, doc: Document, number: int) -> int:
        return self._load_page(doc.handle, number) or 0

    def load_text(self, page: int) -> int:
        return self._load_text(page) or 0

    def close_text(self, text: int) -> None:
        if text:
            self._close_text(text)

    def page_geometry(self, page: int) -> tuple[float, float, int]:
        """The shown page's width and height (PDFium applies /Rotate), and its rotation in quarter turns."""
        return self._width(page), self._height(page), self._rotation(page)

    def page_corner(self, page: int) -> tuple[float, float]:
        """The lower left corner of the page's shown box, in its user space."""
        rect = self._fs_rect
        if not self._bounding_box(page, ctypes.addressof(rect)):
            return 0.0, 0.0
        return min(rect.left, rect.right), min(rect.bottom, rect.top)

    def to_device(self, page: int, width: float, height: float, rotation: int, x: float, y: float) -> tuple[int, int]:
        dx, dy = ctypes.c_int(), ctypes.c_int()
        self._to_device(page, 0, 0, round(width), round(height), rotation, x, y, dx, dy)
        return dx.value, dy.value

    def char_count(self, text: int) -> int:
        return max(self._count_chars(text), 0) if text else 0

    def text_range(self, text: int, start: int, count: int) -> str:
        """The characters from index ``start``: asked for range by range, as PDFium's text of a
        whole page does not keep one character per index (it drops some control characters)."""
        if len(self._text_buffer) < 2 * count + 2:
            self._text_buffer = (ctypes.c_ushort * (2 * count + 64))()
        address = ctypes.addressof(self._text_buffer)
        written = self._get_text(text, start, count, address)
        return ctypes.string_at(address, 2 * max(written - 1, 0)).decode("utf-16-le", "replace")

    def char_box(self, text: int, index: int) -> tuple[float, float, float, float]:
        """(left, bottom, right, top) of a character in the page's space."""
        left, right, bottom, top = self._doubles
        if not self._char_box(text, index, left, right, bottom, top):
            return 0.0, 0.0, 0.0, 0.0
        return left.value, bottom.value, right.value, top.value

    def bounds(self, obj: int) -> tuple[float, float, float, float]:
        left, bottom, right, top = self._floats
        if not self._bounds(obj, left, bottom, right, top):
            return 0.0, 0.0, 0.0, 0.0
        return left.value, bottom.value, right.value, top.value

    def matrix(self, obj: int) -> tuple[float, float, float, float, float, float]:
        m = self._fs_matrix
        if not self._matrix(obj, ctypes.addressof(m)):
            return 1.0, 0.0, 0.0, 1.0, 0.0, 0.0
        return m.a, m.b, m.c, m.d, m.e, m.f

    def font_size(self, obj: int) -> float:
        size = self._floats[0]
        return size.value if self._font_size(obj, size) else 0.0

    def font_info(self, font: int) -> tuple[str, int, int]:
        """(base name, weight or -1, descriptor flags) of a font handle."""
        if not font:
            return "", -1, 0
        length = self._font_name(font, None, 0)
        name = ctypes.create_string_buffer(max(length, 1))
        self._font_name(font, ctypes.addressof(name), length)
        return name.value.decode("utf-8", "replace"), self._font_weight(font), self._font_flags(font)


def _binder(raw: Any):
    """Rebind a PDFium function with integer handles: (name, result type, *argument types)."""

    def bind(name: str, result: Any, *args: Any) -> Any:
        address = ctypes.cast(getattr(raw, name), _V).value
        return ctypes.CFUNCTYPE(result, *args)(address)

    return bind


PDFIUM = _Pdfium()
