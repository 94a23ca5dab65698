"""One PDF page read through PDFium as pdfplumber sees it: chars and ruling edges in display space.

pdfplumber's TableFinder and Table.extract only use a page's `chars`, `edges` and `bbox`, so a small
stand-in object holding those lets them build grids without pdfminer parsing the content stream
(pdfminer costs 30–70 ms per page; this costs a few). The char and edge dicts carry the keys those
two read. Coordinates are pdfplumber's: points from the top-left corner of the page as displayed.
"""

from __future__ import annotations

import ctypes
from dataclasses import dataclass, field

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

Box = tuple[float, float, float, float]  # x0, top, x1, bottom

# A path thinner than this is one ruling line, not a rectangle with four sides.
THIN = 3.0


@dataclass
class PageGeometry:
    """The stand-in page: what pdfplumber's table code reads from a page."""

    bbox: Box
    chars: list[dict] = field(default_factory=list)  # real space chars included: they end words, as in pdfminer
    edges: list[dict] = field(default_factory=list)


def _to_display(left: float, bottom: float, right: float, top: float, rotation: int, mediabox: Box) -> Box:
    """A box in PDF user space (y up) to display space (y down), applying the page's /Rotate."""
    mx0, my0, mx1, my1 = mediabox
    if rotation == 90:
        return bottom - my0, left - mx0, top - my0, right - mx0
    if rotation == 180:
        return mx1 - right, bottom - my0, mx1 - left, top - my0
    if rotation == 270:
        return my1 - top, mx1 - right, my1 - bottom, mx1 - left
    return left - mx0, my1 - top, right - mx0, my1 - bottom


def _edge(x0: float, top: float, x1: float, bottom: float, orientation: str) -> dict:
    return {"x0": x0, "top": top, "x1": x1, "bottom": bottom, "width": x1 - x0, "height": bottom - top,
            "orientation": orientation, "object_type": "line"}


def _path_edges(box: Box) -> list[dict]:
    """Edges of one path object from its bounds: a thin box is one ruling, anything else a rectangle."""
    x0, top, x1, bottom = box
    if x1 - x0 < THIN:
        middle = (x0 + x1) / 2
        return [_edge(middle, top, middle, bottom, "v")]
    if bottom - top < THIN:
        middle = (top + bottom) / 2
        return [_edge(x0, middle, x1, middle, "h")]
    return [_edge(x0, top, x1, top, "h"), _edge(x0, bottom, x1, bottom, "h"),
            _edge(x0, top, x0, bottom, "v"), _edge(x1, top, x1, bottom, "v")]


def path_boxes(page: pdfium.PdfPage) -> list[Box]:
    """Display-space bounds of the page's vector path objects (rulings, cell borders, fills).

    Only top-level objects: bounds of objects inside a Form XObject are in the form's space.
    """
    rotation, mediabox = page.get_rotation() % 360, page.get_mediabox()
    left, bottom, right, top = (ctypes.c_float() for _ in range(4))
    corners = [ctypes.byref(value) for value in (left, bottom, right, top)]
    boxes = []
    for index in range(pdfium_c.FPDFPage_CountObjects(page.raw)):
        obj = pdfium_c.FPDFPage_GetObject(page.raw, index)
        if pdfium_c.FPDFPageObj_GetType(obj) == pdfium_c.FPDF_PAGEOBJ_PATH and \
                pdfium_c.FPDFPageObj_GetBounds(obj, *corners):
            boxes.append(_to_display(left.value, bottom.value, right.value, top.value, rotation, mediabox))
    return boxes


def read_chars(page: pdfium.PdfPage) -> list[dict]:
    """The page's text chars with loose boxes (font ascent to descent, like pdfminer's), in stream order.

    Chars PDFium generated itself (the spaces and line breaks it guesses) are skipped; spaces that are
    in the PDF are kept because pdfplumber breaks words at them.
    """
    rotation, mediabox = page.get_rotation() % 360, page.get_mediabox()
    textpage = page.get_textpage()
    handle = textpage.raw
    rect = pdfium_c.FS_RECTF()
    clips: dict[tuple[int, ...], Box | None] = {}
    chars = []
    try:
        for index in range(pdfium_c.FPDFText_CountChars(handle)):
            if pdfium_c.FPDFText_IsGenerated(handle, index) == 1:
                continue
            text = chr(pdfium_c.FPDFText_GetUnicode(handle, index))
            if text in "\r\n\x00\ufffe":
                continue
            pdfium_c.FPDFText_GetLooseCharBox(handle, index, ctypes.byref(rect))
            shown = _shown(handle, index, rect, clips)
            x0, top, x1, bottom = _to_display(rect.left, rect.bottom, rect.right, rect.top, rotation, mediabox)
            # hidden chars (outside their object's clip path: not on the printed page) are kept flagged so
            # that lines are numbered as in the text layer; line grouping drops them
            chars.append({"text": text, "x0": x0, "x1": x1, "top": top, "bottom": bottom, "doctop": top,
                          "upright": True, "cut": shown == "cut", "hidden": shown == "hidden"})
    finally:
        textpage.close()
    return chars


_X, _Y = ctypes.c_float(), ctypes.c_float()
_X_REF, _Y_REF = ctypes.byref(_X), ctypes.byref(_Y)


def _clip_bounds(clip) -> Box | None:
    """The box (page space) a clip path leaves visible: each path's bounding box, intersected (a clip of
    several paths shows only where they all overlap)."""
    boxes = []
    x, y = _X, _Y
    for path in range(pdfium_c.FPDFClipPath_CountPaths(clip)):
        count = pdfium_c.FPDFClipPath_CountPathSegments(clip, path)
        # a rectangle (4 corners, maybe closed by a 5th point) is known from two opposite corners
        corners = (0, 2) if count in (4, 5) else range(count)
        xs, ys = [], []
        for index in corners:
            segment = pdfium_c.FPDFClipPath_GetPathSegment(clip, path, index)
            if segment and pdfium_c.FPDFPathSegment_GetPoint(segment, _X_REF, _Y_REF):
                xs.append(x.value)
                ys.append(y.value)
        if xs:
            boxes.append((min(xs), min(ys), max(xs), max(ys)))
    if not boxes:
        return None
    return (max(b[0] for b in boxes), max(b[1] for b in boxes), min(b[2] for b in boxes), min(b[3] for b in boxes))


SHOWN_SHARE = 0.8  # of a char's box inside its clip: less is a char printed in part


def _shown(handle, index: int, rect, clips: dict[tuple[int, ...], Box | None]) -> str:
    """"shown", "cut" (its box crosses the edge of its text object's clip: printed in part) or "hidden"
    (outside it: a producer that overflows a text box repeats the box on the next page and clips it)."""
    text_object = pdfium_c.FPDFText_GetTextObject(handle, index)
    clip = pdfium_c.FPDFPageObj_GetClipPath(text_object) if text_object else None
    if not clip:
        return "shown"
    # each text object has its own clip handle but the paths behind them are shared: a clip is known by
    # its paths' first segments, so each distinct clip is read once
    key = tuple(ctypes.cast(pdfium_c.FPDFClipPath_GetPathSegment(clip, path, 0), ctypes.c_void_p).value or 0
                for path in range(pdfium_c.FPDFClipPath_CountPaths(clip)))
    if key not in clips:
        clips[key] = _clip_bounds(clip)
    bounds = clips[key]
    if bounds is None:
        return "shown"
    left, bottom, right, top = bounds[0] - 1, bounds[1] - 1, bounds[2] + 1, bounds[3] + 1
    # the share of the glyph's box inside the clip: none is hidden text; a box that only touches the
    # edge ("目录") is shown; a sliver or a half is a char printed in part, kept so that it is reported
    width, height = max(rect.right - rect.left, 0.1), max(rect.top - rect.bottom, 0.1)
    across = (min(rect.right, right) - max(rect.left, left)) / width
    down = (min(rect.top, top) - max(rect.bottom, bottom)) / height
    if min(across, down) <= 0.05:
        return "hidden"
    return "shown" if min(across, down) >= SHOWN_SHARE else "cut"


def read_geometry(page: pdfium.PdfPage, boxes: list[Box], chars: list[dict]) -> PageGeometry:
    """The stand-in page of `chars` (read_chars) and the rulings of `boxes`; hidden chars are left out."""
    width, height = page.get_size()
    edges = [edge for box in boxes for edge in _path_edges(box)]
    return PageGeometry((0.0, 0.0, width, height), [char for char in chars if not char["hidden"]], edges)
