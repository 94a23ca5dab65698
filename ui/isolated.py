"""A piece of work in a child process that is killed at its time limit: a check that runs away (a PDF of a
million paths) is stopped, not merely no longer waited for, and never holds up anyone else's."""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable
from concurrent.futures import TimeoutError as Timeout

from corpus.errors import InputError


def run_isolated(function: Callable, *args, seconds: float):
    """function(*args) in a forked child (it starts with everything this process has loaded); its result,
    or the exception it raised; Timeout after `seconds`, with the child killed."""
    context = multiprocessing.get_context("fork")
    reader, writer = context.Pipe(duplex=False)
    child = context.Process(target=_child, args=(writer, function, args), daemon=True)
    child.start()
    writer.close()
    try:
        if not reader.poll(seconds):
            raise Timeout(f"stopped after {seconds:g} s")
        try:
            outcome = reader.recv()
        except EOFError:  # the child died without a word: killed by the system, out of memory
            raise RuntimeError(f"the check process ended unexpectedly (exit {child.join(5) or child.exitcode})") from None
    finally:
        if child.is_alive():
            child.kill()
        child.join()
        reader.close()
    kind, *value = outcome
    if kind == "ok":
        return value[0]
    if kind == "input":
        raise InputError(*value)
    raise RuntimeError(value[0])


def _child(writer, function: Callable, args: tuple) -> None:
    try:
        writer.send(("ok", function(*args)))
    except InputError as error:
        writer.send(("input", error.path, error.problem, error.line))
    except BaseException as error:  # noqa: BLE001 - everything goes back to the parent as one message
        writer.send(("error", f"{type(error).__name__}: {error}"[:300]))
    finally:
        writer.close()
