"""Readers: one per input form. Each turns a file into a Source of numbered, paged lines."""

from __future__ import annotations

import os
from pathlib import Path

from corpus.errors import InputError
from corpus.source import Source

PDF_MAGIC = b"%PDF-"
SUPPORTED = (".txt", ".pdf", ".json")
# Real disclosures are a few MB (the largest corpus PDF is under 10 MB); a bigger file is refused before it
# is read, so a huge upload cannot tie a worker up.
MAX_BYTES = int(os.environ.get("GOUJI_MAX_MB", "64")) * 2**20


def document_groups(paths: list[str]) -> list[list[str]]:
    """Command-line paths as documents: 'a.pdf+b.pdf' is one document in two files; a folder means the
    disclosures in it."""
    groups = []
    for path in paths:
        if Path(path).is_dir():
            found = [[str(p)] for p in sorted(Path(path).iterdir()) if p.suffix in SUPPORTED]
            groups += found or [[path]]  # an empty folder is reported by read_source, like any bad path
        else:
            groups.append(path.split("+"))
    return groups


def check_path(path: str) -> None:
    """What can be told without reading: the file is there, is a file, and is not too large."""
    file = Path(path)
    if not file.exists():
        raise InputError(path, "no such file")
    if file.is_dir():
        raise InputError(path, f"a folder with no disclosures in it ({', '.join(sorted(SUPPORTED))} files)")
    size = file.stat().st_size
    if size > MAX_BYTES:
        raise InputError(path, f"too large for a disclosure ({size / 2**20:.0f} MB; the limit is "
                               f"{MAX_BYTES // 2**20} MB, set GOUJI_MAX_MB to change it)")


def read_source(path: str) -> Source:
    """Read any supported file; the form is detected from the content, not the file name."""
    check_path(path)
    file = Path(path)
    with file.open("rb") as handle:
        head = handle.read(1024)
    if not head.strip():
        raise InputError(path, "the file is empty")
    if head.lstrip().startswith(PDF_MAGIC):
        from corpus.readers.pdf import read_pdf

        return read_pdf(path)
    from corpus.encoding import decode_text
    from corpus.numbers import fold_digits

    text = fold_digits(decode_text(file.read_bytes(), path))
    if text.lstrip().startswith("[") and '"page"' in text[:2000]:
        from corpus.readers.pages_json import read_pages_json

        return read_pages_json(path, text)
    from corpus.readers.text import read_text

    return read_text(path, text)


def read_sources(paths: list[str]) -> Source:
    """Several files that form one document (narrative + tables) as one Source, lines numbered on; text in
    traditional characters is read as simplified."""
    from corpus.script import simplified

    sources = [simplified(read_source(path)) for path in paths]
    if len(sources) == 1:
        return sources[0]
    from corpus.readers.combine import combine

    return combine(sources)
