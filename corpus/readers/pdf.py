"""PDF files: the text layer and the ruled tables of every page, read from PDFium geometry.

The text is the pages' lines joined like the corpus' .txt extractions (pages separated by a form-feed
line), so a finding's line number can be looked up in `gouji parse --format json` output and its page
in the PDF itself. A table row's cells ride on the row's first text line; further lines of the same
row (a wrapped cell) are marked `continued`.
"""

from __future__ import annotations

# Every module reading needs is loaded here, before a reading child is forked: under its memory cap
# the child cannot map a new shared library.
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from corpus.encoding import garbled
from corpus.errors import InputError
from corpus.numbers import fold_digits
from corpus.readers.pdf_geometry import page_objects, read_chars, read_geometry
from corpus.readers.pdf_layout import TextLine, attach_rows, grid_rows, group_lines
from corpus.source import Source, SourceLine

# Below this many characters per page on average the PDF is a scan (no text layer).
MIN_CHARS_PER_PAGE = 20
# Fewer vector paths than this and the page has no ruled table (checked on every corpus page).
MIN_TABLE_PATHS = 8
PAGE_BREAK = "\f"
# More text and drawing objects than this on one page is no disclosure page (the busiest corpus page has
# 2,717): a hostile file of a million paths would take minutes and gigabytes to lay out.
MAX_PAGE_OBJECTS = 50_000


def read_pdf(path: str) -> Source:
    pages = [_page_lines(path, number, page) for number, page in enumerate(_open(path), start=1)]
    if not pages:
        raise InputError(path, "the PDF has no pages")
    if sum(len(line.text) for lines in pages for line in lines) < MIN_CHARS_PER_PAGE * len(pages):
        raise InputError(path, "the PDF has no text layer (a scan?); OCR it first")
    if garbled("".join(line.text for lines in pages for line in lines)):
        raise InputError(path, "the PDF's fonts have no usable character map: its text comes out as "
                               "garbage (a broken ToUnicode map); OCR it or get another copy")
    return _source(path, pages)


def _open(path: str) -> list:
    """The document's pages; a file PDFium cannot open becomes an InputError."""
    try:
        document = pdfium.PdfDocument(path)
        return [document[index] for index in range(len(document))]
    except pdfium.PdfiumError as error:
        if error.err_code in (pdfium_c.FPDF_ERR_PASSWORD, pdfium_c.FPDF_ERR_SECURITY):
            raise InputError(path, "the PDF is encrypted (password protected)") from None
        reason = "bad file format" if error.err_code == pdfium_c.FPDF_ERR_FORMAT else "a page cannot be loaded"
        raise InputError(path, f"not a readable PDF (truncated or damaged: {reason})") from None


def _page_lines(path: str, number: int, page) -> list[TextLine]:
    count = pdfium_c.FPDFPage_CountObjects(page)
    if count > MAX_PAGE_OBJECTS:
        raise InputError(path, f"page {number} has {count:,} text and drawing objects (a disclosure page has a few "
                               f"thousand, at most {MAX_PAGE_OBJECTS:,} are read): too complex to read")
    objects = page_objects(page)
    chars = read_chars(page, objects.hiding)
    lines = group_lines(chars)
    if len(objects.boxes) < MIN_TABLE_PATHS:
        return lines
    geometry = read_geometry(page, objects.boxes, chars)
    attach_rows(lines, grid_rows(geometry))
    return lines


def _source(path: str, pages: list[list[TextLine]]) -> Source:
    texts = []
    lines: list[SourceLine] = []
    for page_number, page in enumerate(pages, start=1):
        if page_number > 1:
            lines.append(SourceLine("", len(lines) + 1, page_number))  # the form-feed line
        folded = []
        for line in page or [TextLine([], 0.0, 0.0)]:  # an empty page is one empty line
            # full-width digits read as ASCII, like the text readers (one character for one: positions hold)
            folded.append(fold_digits(line.text))
            lines.append(SourceLine(folded[-1], len(lines) + 1, page_number, line.cells,
                                    continued=line.continued, cut=sum(1 for c in line.chars if c["cut"])))
        texts.append("\n".join(folded))
    text = f"\n{PAGE_BREAK}\n".join(texts)
    return Source(path=path, style="pdf", text=text, lines=lines, page_count=len(pages))
