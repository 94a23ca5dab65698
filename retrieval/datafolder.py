"""The data folder as a whole: one writer at a time, damage said in one line, a damaged store set aside.

The originals are the documents; everything in the data folder can be rebuilt from them. So a damaged
store is never repaired in place: it is moved to `damaged-<time>/` (kept for a look, never deleted) and
the next `gouji index` builds a new one."""

from __future__ import annotations

import errno
import fcntl
import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

FACTS = ("facts.sqlite", "facts.sqlite-wal", "facts.sqlite-shm")
LOCK = ".writer.lock"


class StoreDamaged(Exception):
    """A file of the data folder cannot be read as what it should be."""

    def __init__(self, path: Path, detail: str):
        self.path = path
        super().__init__(f"{path} is damaged ({detail}); `gouji index --rebuild PATH…` sets it aside and "
                         "rebuilds the store from the documents")


class StoreReadOnly(Exception):
    """The data folder cannot be written: reading works, indexing does not."""

    def __init__(self, folder: Path):
        super().__init__(f"{folder}: the data folder is read-only; ask and search work, index cannot write")


class StoreUnwritable(Exception):
    """A write to the data folder failed for lack of space (or failing storage): nothing is set aside or
    half-stored, the store holds what was indexed before."""

    def __init__(self, folder: Path, detail: str):
        super().__init__(f"{folder}: cannot write ({detail}: is the disk full?); the store holds what was "
                         "indexed before; free some space and index again")


# How SQLite, chroma's Rust core and the OS say that a write did not fit.
NO_SPACE_ERRNOS = {errno.ENOSPC, errno.EFBIG, errno.EDQUOT}
NO_SPACE_WORDS = ("database or disk is full", "disk I/O error", "No space left on device", "File too large",
                  "Disk quota exceeded")


def no_space(error: BaseException) -> str | None:
    """What says, in `error` or the errors behind it, that a write did not fit; None when nothing does."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, OSError) and current.errno in NO_SPACE_ERRNOS:
            return current.strerror or os.strerror(current.errno)
        text = str(current)
        for words in NO_SPACE_WORDS:
            if words.lower() in text.lower():
                return words
        current = current.__cause__ or current.__context__
    return None


def set_aside(folder: Path, names: tuple[str, ...]) -> Path | None:
    """Move the named files or folders of the data folder into damaged-<time>/; where they went, or None."""
    present = [folder / name for name in names if (folder / name).exists()]
    if not present:
        return None
    target = folder / time.strftime("damaged-%Y%m%d-%H%M%S")
    target.mkdir(exist_ok=True)
    for path in present:
        path.rename(target / path.name)
    return target


def writable(folder: Path) -> bool:
    return os.access(folder, os.W_OK)


@contextmanager
def one_writer(folder: Path, say=lambda message: print(f"gouji: {message}", file=sys.stderr)) -> Iterator[None]:
    """Hold the data folder's writer lock for the body. A second `gouji index` on the same folder waits
    for the first (and says so once) instead of interleaving its writes with it."""
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / LOCK, "a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            say(f"{folder}: another gouji is writing to this data folder; waiting for it to finish")
            fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
