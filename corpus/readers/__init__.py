"""Readers: one per input form. Each turns a file into a Source of numbered, paged lines."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from corpus.errors import InputError
from corpus.source import Source

PDF_MAGIC = b"%PDF-"
SUPPORTED = (".txt", ".pdf", ".json")
# Real disclosures are a few MB (the largest corpus PDF is under 10 MB); a bigger file is refused before it
# is read, so a huge upload cannot tie a worker up.
MAX_BYTES = int(os.environ.get("GOUJI_MAX_MB", "64")) * 2**20


def document_groups(paths: list[str]) -> list[list[str]]:
    """Command-line paths as documents: 'a.pdf+b.pdf' is one document in two files (a file whose own name
    holds '+' is that file); a folder means the disclosures in it, by extension in any case (B.TXT)."""
    groups = []
    for path in paths:
        if Path(path).is_dir():
            found = [[str(p)] for p in sorted(Path(path).iterdir()) if p.suffix.lower() in SUPPORTED]
            groups += found or [[path]]  # an empty folder is reported by read_source, like any bad path
        elif "+" in path and not os.path.lexists(path):
            groups.append([os.path.normpath(part) for part in path.split("+")])
        else:
            groups.append([os.path.normpath(path)])  # ./a.txt and a.txt are one path
    return groups


KINDS_OF_FILE = [(stat.S_ISFIFO, "a named pipe"), (stat.S_ISCHR, "a device"), (stat.S_ISBLK, "a device"),
                 (stat.S_ISSOCK, "a socket")]


def check_path(path: str) -> None:
    """What can be told without reading: the file is there, is a regular file (a symlink to /dev/zero or a
    named pipe is not), and is not too large."""
    file = Path(path)
    if not os.path.lexists(path):
        raise InputError(path, "no such file")
    if file.is_dir():
        raise InputError(path, f"a folder with no disclosures in it ({', '.join(sorted(SUPPORTED))} files)")
    try:
        info = file.stat()  # through symlinks: what would be read
    except OSError as error:
        raise InputError(path, f"cannot read: {error.strerror or error}") from None
    if not stat.S_ISREG(info.st_mode):
        kind = next((name for test, name in KINDS_OF_FILE if test(info.st_mode)), "not a file")
        raise InputError(path, f"not a regular file ({kind}); skipped")
    if info.st_size > MAX_BYTES:
        raise InputError(path, _too_large(info.st_size))


def _too_large(size: int) -> str:
    return (f"too large for a disclosure ({size / 2**20:.0f} MB; the limit is {MAX_BYTES // 2**20} MB, set "
            "GOUJI_MAX_MB to change it)")


def read_bytes(path: str) -> bytes:
    """The file's bytes, never more than the limit: the size is what was read, not what the file system
    says (a file in /proc says 0 bytes; a file may grow, shrink or vanish while it is read)."""
    check_path(path)
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_BYTES + 1)
    except OSError as error:
        raise InputError(path, f"cannot read: {error.strerror or error}") from None
    if len(data) > MAX_BYTES:
        raise InputError(path, _too_large(len(data)))
    return data


def read_source(path: str) -> Source:
    """Read any supported file; the form is detected from the content, not the file name."""
    data = read_bytes(path)
    head = data[:1024]
    if not head.strip():
        raise InputError(path, "the file is empty")
    if head.lstrip().startswith(PDF_MAGIC):
        return _read_pdf_bounded(path)
    from corpus.encoding import decode_text
    from corpus.numbers import fold_digits

    text = fold_digits(decode_text(data, path))
    if text.lstrip().startswith("[") and '"page"' in text[:2000]:
        from corpus.readers.pages_json import read_pages_json

        return read_pages_json(path, text)
    from corpus.readers.text import read_text

    return read_text(path, text)


def _read_pdf_bounded(path: str) -> Source:
    """A PDF is read in a child process killed at the time limit and capped in memory: PDFium's C code
    can run for minutes and take gigabytes on a hostile file, and neither a signal nor MemoryError
    reaches it there."""
    from corpus.deadline import DEFAULT_SECONDS, remaining, too_slow
    from corpus.isolated import OutOfMemory, Timeout, WorkerDied, in_child, run_isolated
    from corpus.readers.pdf import read_pdf

    if in_child():
        return read_pdf(path)
    seconds = remaining() or DEFAULT_SECONDS or None
    try:
        return run_isolated(read_pdf, path, seconds=seconds)
    except Timeout:
        raise too_slow(path, seconds, "to read the PDF") from None
    except OutOfMemory as error:
        raise InputError(path, f"reading the PDF {error}; skipped (GOUJI_MEMORY_LIMIT, in MB, to allow more)") from None
    except WorkerDied as error:
        raise InputError(path, f"the PDF reader stopped ({error}): the file is damaged or too complex") from None


def read_sources(paths: list[str]) -> Source:
    """Several files that form one document (narrative + tables) as one Source, lines numbered on; text in
    traditional characters is read as simplified."""
    from corpus.script import simplified

    sources = [simplified(read_source(path)) for path in paths]
    if len(sources) == 1:
        return sources[0]
    from corpus.readers.combine import combine

    return combine(sources)
