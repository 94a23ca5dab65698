"""Per-page text as JSON ([{"page": 1, "text": "…"}, …]), as some PDF pipelines store it."""

from __future__ import annotations

import json

from corpus.errors import InputError
from corpus.readers.text import read_text
from corpus.source import Source


def read_pages_json(path: str, text: str) -> Source:
    try:
        pages = json.loads(text)
    except json.JSONDecodeError as error:
        raise InputError(path, f"invalid JSON: {error.msg}", error.lineno) from None
    except RecursionError:
        raise InputError(path, "invalid JSON: nested too deeply for a list of pages") from None
    if not isinstance(pages, list) or not all(isinstance(page, dict) and "text" in page for page in pages):
        raise InputError(path, 'JSON is not a list of pages ({"page": n, "text": "…"})')
    for number, page in enumerate(pages, start=1):
        if not isinstance(page.get("page", 0), int) or isinstance(page.get("page"), bool):
            raise InputError(path, f'JSON page {number}: "page" must be a whole number, not {page["page"]!r}'[:200])
        if not isinstance(page["text"], str):
            raise InputError(path, f'JSON page {number}: "text" must be a string')
    pages = sorted(pages, key=lambda page: page.get("page", 0))
    # The same joined form as the corpus' .txt files, so line numbers agree with them.
    joined = "\n\f\n".join(str(page["text"]) for page in pages)
    source = read_text(path, joined)
    source.style = "pages-json"
    return source
