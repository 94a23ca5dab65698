"""PDF files: the text layer page by page (pdfplumber), joined like the corpus' .txt extractions.

Line numbers of a PDF refer to this extracted text (pages joined by a form feed line), so a finding's
line can be opened in `gouji parse --format json` output and its page in the PDF itself.
"""

from __future__ import annotations

import logging

from corpus.errors import InputError
from corpus.readers.text import read_text
from corpus.source import Source

# Below this many characters per page on average the PDF is a scan (no text layer).
MIN_CHARS_PER_PAGE = 20


def read_pdf(path: str) -> Source:
    import pdfplumber
    from pdfminer.pdfdocument import PDFPasswordIncorrect
    from pdfminer.pdfparser import PDFSyntaxError

    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    try:
        with pdfplumber.open(path) as pdf:
            pages = [page.extract_text() or "" for page in pdf.pages]
    except PDFPasswordIncorrect:
        raise InputError(path, "the PDF is encrypted (password protected)") from None
    except PDFSyntaxError as error:
        raise InputError(path, f"not a readable PDF (truncated or damaged: {error})") from None
    except Exception as error:  # noqa: BLE001 - pdfminer raises many types for damaged files
        if "password" in str(error).lower() or "encrypt" in str(error).lower():
            raise InputError(path, "the PDF is encrypted (password protected)") from None
        raise InputError(path, f"not a readable PDF (truncated or damaged: {type(error).__name__})") from None
    if not pages:
        raise InputError(path, "the PDF has no pages")
    if sum(len(text.strip()) for text in pages) < MIN_CHARS_PER_PAGE * len(pages):
        raise InputError(path, "the PDF has no text layer (a scan?); OCR it first")
    source = read_text(path, "\n\f\n".join(pages))
    source.style = "pdf"
    source.page_count = len(pages)
    return source
