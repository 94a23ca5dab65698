"""A time limit per document, so one pathological input cannot hang a batch, a check or the web app."""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

from corpus.errors import InputError

DEFAULT_SECONDS = float(os.environ.get("GOUJI_TIME_LIMIT", "120"))

_ends: list[float] = []  # the active limits' end times, innermost last


def remaining() -> float | None:
    """Seconds left under the innermost active limit of this thread's process (None: no limit active);
    work handed to a child process is given no more than this."""
    return max(0.01, _ends[-1] - time.monotonic()) if _ends else None


def too_slow(path: str, seconds: float, work: str = "to read and check") -> InputError:
    """The one-line error for work on `path` stopped at its limit."""
    return InputError(path, f"took longer than {seconds:g} s {work}; skipped "
                            "(--time-limit or GOUJI_TIME_LIMIT to allow more)")


@contextmanager
def time_limit(path: str, seconds: float | None = None) -> Iterator[None]:
    """Raise InputError for `path` when the body runs longer than `seconds` (0: no limit).

    SIGALRM only works in a process's main thread; elsewhere (the web app's workers, which keep their own
    limit) the body runs unlimited.
    """
    seconds = DEFAULT_SECONDS if seconds is None else seconds
    if seconds <= 0 or threading.current_thread() is not threading.main_thread():
        yield
        return

    def expire(signum, frame):
        raise too_slow(path, seconds)

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    _ends.append(time.monotonic() + seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        _ends.pop()
