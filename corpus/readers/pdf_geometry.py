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

from corpus.readers import pdfium_calls as calls

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


@dataclass
class PageObjects:
    boxes: list[Box]  # display-space bounds of the page's vector paths (rulings, cell borders, fills)
    hiding: dict[int, Box]  # text object -> its clip box (page space), where that clip may hide some of it


def page_objects(page: pdfium.PdfPage) -> PageObjects:
    """One pass over the page's objects: the bounds of its paths, and the text objects that their clip
    path may hide in part (on most pages none: each lies inside its clip).

    Only top-level objects: bounds and clips of objects inside a Form XObject are in the form's space, so
    text in a form is never taken for hidden (comparing its clip with page-space char boxes hid the
    visible cover titles of the Jiangsu PDFs).
    """
    rotation, mediabox = page.get_rotation() % 360, page.get_mediabox()
    page_handle = calls.handle(page.raw)
    path_type, text_type = pdfium_c.FPDF_PAGEOBJ_PATH, pdfium_c.FPDF_PAGEOBJ_TEXT
    boxes, hiding, out = [], {}, calls.OutFloats()
    clips: dict[tuple, Box | None] = {}
    for index in range(calls.count_objects(page_handle)):
        obj = calls.object_at(page_handle, index)
        kind = calls.object_type(obj)
        if kind == path_type and calls.object_bounds(obj, *out.addresses):
            left, bottom, right, top = out.values
            boxes.append(_to_display(left, bottom, right, top, rotation, mediabox))
        elif kind == text_type and (clip := _hiding_clip(obj, clips, out)) is not None:
            hiding[obj] = clip
    return PageObjects(boxes, hiding)


def read_chars(page: pdfium.PdfPage, hiding: dict[int, Box] | None = None) -> list[dict]:
    """The page's text chars with loose boxes (font ascent to descent, like pdfminer's), in stream order.

    Chars PDFium generated itself (the spaces and line breaks it guesses) are skipped; spaces that are
    in the PDF are kept because pdfplumber breaks words at them. A char of a text object in `hiding`
    (page_objects) is flagged "hidden" outside its clip, "cut" across its edge. The per-char calls are
    pdfium_calls'.
    """
    if hiding is None:
        hiding = page_objects(page).hiding
    rotation, mediabox = page.get_rotation() % 360, page.get_mediabox()
    textpage = page.get_textpage()
    text_handle = calls.handle(textpage.raw)
    rect = (ctypes.c_float * 4)()  # an FS_RECTF: left, top, right, bottom (read at once, not by field)
    rect_address = ctypes.addressof(rect)
    chars = []
    try:
        count = calls.count_chars(text_handle)
        for index, text in enumerate(calls.text_of(text_handle, count)):
            # PDFium generates only spaces and line breaks of its own
            if text in "\r\n\x00\ufffe" or (text == " " and calls.is_generated(text_handle, index) == 1):
                continue
            calls.loose_char_box(text_handle, index, rect_address)
            left, upper, right, lower = rect
            clip = hiding.get(calls.text_object_of(text_handle, index)) if hiding else None
            shown = "shown" if clip is None else _shown((left, lower, right, upper), clip)
            x0, top, x1, bottom = _to_display(left, lower, right, upper, rotation, mediabox)
            # hidden chars (outside their object's clip path: not on the printed page) are kept flagged so
            # that lines are numbered as in the text layer; line grouping drops them
            chars.append({"text": text, "x0": x0, "x1": x1, "top": top, "bottom": bottom, "doctop": top,
                          "upright": True, "cut": shown == "cut", "hidden": shown == "hidden"})
    finally:
        textpage.close()
    return chars


def _clip_bounds(clip: int, out: calls.OutFloats) -> Box | None:
    """The box (page space) a clip path leaves visible: each path's bounding box, intersected (a clip of
    several paths shows only where they all overlap)."""
    boxes = []
    for path in range(calls.count_clip_paths(clip)):
        count = calls.count_clip_segments(clip, path)
        # a rectangle (4 corners, maybe closed by a 5th point) is known from two opposite corners
        corners = (0, 2) if count in (4, 5) else range(count)
        xs, ys = [], []
        for index in corners:
            segment = calls.clip_segment(clip, path, index)
            if segment and calls.segment_point(segment, out.addresses[0], out.addresses[1]):
                xs.append(out.values[0])
                ys.append(out.values[1])
        if xs:
            boxes.append((min(xs), min(ys), max(xs), max(ys)))
    if not boxes:
        return None
    return (max(b[0] for b in boxes), max(b[1] for b in boxes), min(b[2] for b in boxes), min(b[3] for b in boxes))


def _hiding_clip(text_object: int, clips: dict[tuple, Box | None], out: calls.OutFloats) -> Box | None:
    """The box (page space, 1 pt of slack) of the text object's clip path when it may hide some of the
    object's chars; None when it hides none (no clip, or the whole object lies inside it, as on most pages)."""
    clip = calls.clip_path_of(text_object)
    if not clip:
        return None
    # each text object has its own clip handle but the paths behind them are shared: a clip is known by
    # its paths' first segments, so each distinct clip is read once
    paths = calls.count_clip_paths(clip)
    if paths <= 0:
        return None
    key = (calls.clip_segment(clip, 0, 0), calls.clip_segment(clip, 1, 0)) if paths == 2 else \
        tuple(calls.clip_segment(clip, path, 0) for path in range(paths))
    if key not in clips:
        clips[key] = _clip_bounds(clip, out)
    bounds = clips[key]
    if bounds is None:
        return None
    box = (bounds[0] - 1, bounds[1] - 1, bounds[2] + 1, bounds[3] + 1)
    if calls.object_bounds(text_object, *out.addresses):
        left, bottom, right, top = out.values
        if box[0] <= left and box[1] <= bottom and right <= box[2] and top <= box[3]:
            return None
    return box


SHOWN_SHARE = 0.8  # of a char's box inside its clip: less is a char printed in part


def _shown(char: Box, clip: Box) -> str:
    """"shown", "cut" (its box crosses the edge of its text object's clip: printed in part) or "hidden"
    (outside it: a producer that overflows a text box repeats the box on the next page and clips it)."""
    left, bottom, right, top = clip
    char_left, char_bottom, char_right, char_top = char  # page space, like the clip
    # the share of the glyph's box inside the clip: none is hidden text; a box that only touches the
    # edge ("目录") is shown; a sliver or a half is a char printed in part, kept so that it is reported
    width, height = max(char_right - char_left, 0.1), max(char_top - char_bottom, 0.1)
    across = (min(char_right, right) - max(char_left, left)) / width
    down = (min(char_top, top) - max(char_bottom, bottom)) / height
    if min(across, down) <= 0.05:
        return "hidden"
    return "shown" if min(across, down) >= SHOWN_SHARE else "cut"


def read_geometry(page: pdfium.PdfPage, boxes: list[Box], chars: list[dict]) -> PageGeometry:
    """The stand-in page of `chars` (read_chars) and the rulings of `boxes`; hidden chars are left out."""
    width, height = page.get_size()
    edges = [edge for box in boxes for edge in _path_edges(box)]
    return PageGeometry((0.0, 0.0, width, height), [char for char in chars if not char["hidden"]], edges)
