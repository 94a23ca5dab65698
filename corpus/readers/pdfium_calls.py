"""The PDFium calls made once per character or page object, bound with plain handles (integers) instead of
pypdfium2's typed pointers.

pypdfium2's raw bindings return a new typed pointer object on every call; at a few hundred thousand
characters per corpus that object churn is most of the PDF reader's time. The same functions of the
same loaded library, declared with `c_void_p` handles, return integers that can be compared and used as
dictionary keys directly. Only these few per-character functions are re-declared; everything else goes
through pypdfium2.
"""

from __future__ import annotations

import ctypes
from pathlib import Path

import pypdfium2_raw

# the shared library pypdfium2 loaded (loading it again returns the same handle)
_LIBRARY = ctypes.CDLL(str(next(Path(pypdfium2_raw.__file__).parent.glob("*pdfium.*"))))
_HANDLE, _INT, _BOOL = ctypes.c_void_p, ctypes.c_int, ctypes.c_int


def _bind(name: str, result, *arguments):
    function = getattr(_LIBRARY, name)
    function.restype, function.argtypes = result, arguments
    return function


count_chars = _bind("FPDFText_CountChars", _INT, _HANDLE)
is_generated = _bind("FPDFText_IsGenerated", _INT, _HANDLE, _INT)
page_text = _bind("FPDFText_GetText", _INT, _HANDLE, _INT, _INT, _HANDLE)  # UTF-16LE into a buffer
loose_char_box = _bind("FPDFText_GetLooseCharBox", _BOOL, _HANDLE, _INT, _HANDLE)  # FS_RECTF*
text_object_of = _bind("FPDFText_GetTextObject", _HANDLE, _HANDLE, _INT)
clip_path_of = _bind("FPDFPageObj_GetClipPath", _HANDLE, _HANDLE)
count_clip_paths = _bind("FPDFClipPath_CountPaths", _INT, _HANDLE)
count_clip_segments = _bind("FPDFClipPath_CountPathSegments", _INT, _HANDLE, _INT)
clip_segment = _bind("FPDFClipPath_GetPathSegment", _HANDLE, _HANDLE, _INT, _INT)
segment_point = _bind("FPDFPathSegment_GetPoint", _BOOL, _HANDLE, _HANDLE, _HANDLE)  # float*, float*
count_objects = _bind("FPDFPage_CountObjects", _INT, _HANDLE)
object_at = _bind("FPDFPage_GetObject", _HANDLE, _HANDLE, _INT)
object_type = _bind("FPDFPageObj_GetType", _INT, _HANDLE)
object_bounds = _bind("FPDFPageObj_GetBounds", _BOOL, _HANDLE, _HANDLE, _HANDLE, _HANDLE, _HANDLE)


def handle(pointer) -> int:
    """The address behind one of pypdfium2's typed pointers (a page's `.raw`, a text page's `.raw`)."""
    return ctypes.cast(pointer, ctypes.c_void_p).value or 0


def text_of(text_page: int, count: int) -> str:
    """All `count` chars of a text page in one call, one str char per PDFium char index (the same
    code units FPDFText_GetUnicode gives one by one)."""
    buffer = (ctypes.c_uint16 * (count + 1))()
    page_text(text_page, 0, count, ctypes.addressof(buffer))
    # code unit by code unit, not decoded: a surrogate pair stays two chars, as it is two indices
    return "".join(map(chr, buffer[:count]))


class OutFloats:
    """Four float out-parameters of the calls above (bounds, points), one set per page read, so that two
    readers in two threads never share them."""

    def __init__(self) -> None:
        self.values = (ctypes.c_float * 4)()
        base = ctypes.addressof(self.values)
        self.addresses = [base + index * ctypes.sizeof(ctypes.c_float) for index in range(4)]
