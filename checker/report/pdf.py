"""The original PDF with a highlight and a comment at every finding's text (pypdf annotations).

Lines of a PDF document are the extracted text's lines; to place a highlight, the start of that line is
searched on its page with PDFium, which gives the rectangles to mark."""

from __future__ import annotations

import io

from checker.findings import Finding
from checker.runner import Report

COLOURS = {"error": "ff6666", "warning": "ffcc33", "rounding": "66a3ff", "note": "aaaaaa"}


class NotAPdf(ValueError):
    pass


def _page_map(documents: list) -> list[tuple[int, int]]:
    """Document page (1-based) -> (source index, page index in that file)."""
    return [(index, page) for index, document in enumerate(documents) for page in range(len(document))]


def _rects(document, page_index: int, needle: str) -> list[tuple[float, float, float, float]]:
    textpage = document[page_index].get_textpage()
    hit = textpage.search(needle, match_case=True).get_next()
    if hit is None:
        return []
    start, count = hit
    return [textpage.get_rect(i) for i in range(textpage.count_rects(start, count))]


def _annotate(writer, report: Report, sources: list, pages: list[tuple[int, int]], finding: Finding) -> None:
    from pypdf.annotations import Highlight, Text
    from pypdf.generic import ArrayObject, FloatObject

    lines = report.document.text.split("\n")
    for evidence in finding.evidence:
        if not evidence.page or evidence.page > len(pages) or evidence.line > len(lines):
            continue
        source, page_index = pages[evidence.page - 1]
        text = lines[evidence.line - 1].strip()
        needle = text.split()[0] if text.split() else ""
        if len(needle) < 2:
            continue
        offset = sum(1 for s, _ in pages if s < source)
        for left, bottom, right, top in _rects(sources[source], page_index, needle[:24])[:1]:
            quad = ArrayObject([FloatObject(v) for v in (left, top, right, top, left, bottom, right, bottom)])
            writer.add_annotation(offset + page_index, Highlight(rect=(left, bottom, right, top), quad_points=quad,
                                                                 highlight_color=COLOURS[finding.severity]))
            writer.add_annotation(offset + page_index, Text(rect=(right, top - 14, right + 14, top),
                                                            text=f"{finding.rule} {finding.severity}: {finding.message}"))


ACTIONS = ("/OpenAction", "/AA")  # what a viewer runs by itself: on opening, on a page, on a field
RUNNING = ("/JavaScript", "/Launch", "/SubmitForm", "/ImportData", "/URI")


def _without_actions(writer) -> None:
    """The annotated copy runs nothing: no open action, no additional actions, no JavaScript name tree, and
    no annotation action that runs a script, launches a program, submits or fetches anything."""
    from pypdf.generic import NameObject

    root = writer._root_object
    for key in ACTIONS:
        root.pop(NameObject(key), None)
    names = root.get("/Names")
    if names is not None:
        names.get_object().pop(NameObject("/JavaScript"), None)
    for page in writer.pages:
        page.pop(NameObject("/AA"), None)
        for annotation in page.get("/Annots") or []:
            annotation = annotation.get_object()
            annotation.pop(NameObject("/AA"), None)
            action = annotation.get("/A")
            if action is not None and action.get_object().get("/S") in RUNNING:
                annotation.pop(NameObject("/A"), None)


def render(reports: list[Report]) -> bytes:
    from pypdf import PdfReader, PdfWriter
    from pypdf.errors import PyPdfError

    if len(reports) != 1:
        raise NotAPdf("the pdf report annotates one PDF document at a time")
    report = reports[0]
    sources = report.document.sources or [report.document.path]
    if report.document.style != "pdf":
        raise NotAPdf(f"{report.document.path}: the pdf report annotates the original PDF; this input is text")
    import pypdfium2 as pdfium

    writer = PdfWriter()
    try:
        for path in sources:
            writer.append(PdfReader(path))
        _without_actions(writer)
    except (RecursionError, PyPdfError, ValueError, KeyError, TypeError) as error:
        raise NotAPdf(f"{report.document.path}: the annotated copy cannot be made (pypdf cannot copy this PDF: "
                      f"{type(error).__name__}); the findings and the other report formats are not affected") from None
    opened = [pdfium.PdfDocument(path) for path in sources]  # searched for every finding: opened once
    try:
        pages = _page_map(opened)
        for finding in report.findings:
            _annotate(writer, report, opened, pages, finding)
    finally:
        for document in opened:
            document.close()
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()
