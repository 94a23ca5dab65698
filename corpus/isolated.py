"""A piece of work in a child process that is killed at its time limit and capped in memory: a PDF of a
million paths or a runaway check is stopped, not merely no longer waited for, and never holds up or
starves anything else. PDFium is C code that neither SIGALRM nor Python's MemoryError can interrupt;
a child process can always be killed, and its address-space cap makes an allocation fail in the child
instead of the machine swapping."""

from __future__ import annotations

import multiprocessing
import os
import resource
from collections.abc import Callable
from concurrent.futures import TimeoutError as Timeout

from corpus.errors import InputError

# What one child may allocate beyond what it inherits from its parent (GOUJI_MEMORY_LIMIT, in MB).
MEMORY_BUDGET_BYTES = int(float(os.environ.get("GOUJI_MEMORY_LIMIT", "2048")) * 2**20)

_in_child = False


class OutOfMemory(RuntimeError):
    """The child needed more memory than its budget."""


class WorkerDied(RuntimeError):
    """The child ended without an answer: killed by the system, or C code that aborted."""


def in_child() -> bool:
    """True inside a run_isolated child: work there is already bounded, so it need not fork again."""
    return _in_child


def run_isolated(function: Callable, *args, seconds: float | None, memory_bytes: int | None = MEMORY_BUDGET_BYTES,
                 niceness: int = 0):
    """function(*args) in a forked child (it starts with everything this process has loaded); its result,
    or the exception it raised; Timeout after `seconds` (None: no limit of its own, a signal in the parent
    still ends the wait), with the child killed. OutOfMemory when it needed more than `memory_bytes`.
    `niceness` lowers the child's CPU priority (a web check yields the cores to chat answers)."""
    context = multiprocessing.get_context("fork")
    reader, writer = context.Pipe(duplex=False)
    child = context.Process(target=_child, args=(writer, function, args, memory_bytes, niceness), daemon=True)
    child.start()
    writer.close()
    try:
        if not reader.poll(seconds):
            raise Timeout(f"stopped after {seconds:g} s")
        try:
            outcome = reader.recv()
        except EOFError:  # the child died without a word: killed by the system, or C code out of memory
            child.join(5)
            raise WorkerDied(f"the worker process ended unexpectedly (exit {child.exitcode})") from None
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
    if kind == "memory":
        raise OutOfMemory(f"needed more than {memory_bytes // 2**20} MB of memory")
    raise RuntimeError(value[0])


def _child(writer, function: Callable, args: tuple, memory_bytes: int | None, niceness: int) -> None:
    global _in_child
    _in_child = True
    try:
        if niceness:
            os.nice(niceness)
        if memory_bytes:
            _cap_memory(memory_bytes)
        writer.send(("ok", function(*args)))
    except InputError as error:
        writer.send(("input", error.path, error.problem, error.line))
    except MemoryError:
        writer.send(("memory",))
    except BaseException as error:  # noqa: BLE001 - everything goes back to the parent as one message
        writer.send(("error", f"{type(error).__name__}: {error}"[:300]))
    finally:
        writer.close()


def _cap_memory(budget: int) -> None:
    """Address space = what the child inherited + budget (a fixed cap would also count the parent's
    libraries and chromadb's reservations, which are mapped but never touched)."""
    inherited = _address_space()
    if inherited is None:
        return
    limit = inherited + budget
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def _address_space() -> int | None:
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmSize:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return None
