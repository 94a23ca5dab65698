"""Where batch work runs: in this process, in N local processes, or as Ray tasks.

Every way gives a `map(function, *iterables)` that yields results in input order, so `gouji check` and
`gouji index` run the same functions (ui.cli._check_one, retrieval.indexer.prepare) and write the same
outputs whichever is chosen; only this process writes. Ray is for more than one machine: each node
needs gouji installed and the input files at the same paths (a shared volume).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager

Mapper = Callable[..., Iterator]


class BatchError(Exception):
    """Ray could not be started or reached; the message says which and why."""


@contextmanager
def workers(jobs: int = 1, ray: str | None = None) -> Iterator[Mapper]:
    """A map over `jobs` local processes, or over Ray when `ray` is given ("" = a local Ray)."""
    if ray is not None:
        with _ray_map(ray or None) as run:
            yield run
    elif jobs > 1:
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(max_workers=jobs) as pool:
            yield pool.map
    else:
        yield map


@contextmanager
def _ray_map(address: str | None) -> Iterator[Mapper]:
    # no usage report, no dashboard: gouji never talks to the network on its own
    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
    try:
        import ray
    except ImportError as error:
        raise BatchError("Ray is not installed: pip install 'gouji[scale]'") from error
    if address and address != "auto":
        _reachable(address)
    try:
        ray.init(address=address, include_dashboard=False, log_to_driver=False, configure_logging=False,
                 ignore_reinit_error=True)
    except (ConnectionError, RuntimeError, ValueError) as error:
        where = f"the Ray cluster at {address}" if address else "a local Ray"
        raise BatchError(f"cannot start {where}: {str(error).splitlines()[0]}") from error

    task = ray.remote(_apply)

    def run(function: Callable, *iterables: Iterable) -> Iterator:
        pending = [task.remote(function, *arguments) for arguments in zip(*iterables)]
        for reference in pending:  # in input order, each as soon as it and those before it are done
            yield ray.get(reference)

    try:
        yield run
    finally:
        ray.shutdown()


def _apply(function: Callable, *arguments):
    """The Ray task: any module-level function of gouji, called on a worker."""
    return function(*arguments)


def _reachable(address: str, seconds: float = 5.0) -> None:
    """Fail in seconds, not minutes: ray.init waits long for a head node that is not there."""
    import socket

    host, _, port = address.removeprefix("ray://").rpartition(":")
    if not host or not port.isdigit():
        raise BatchError(f"not a Ray address: {address} (expected host:port or ray://host:port)")
    try:
        socket.create_connection((host, int(port)), timeout=seconds).close()
    except OSError as error:
        raise BatchError(f"cannot reach the Ray cluster at {address}: {error.strerror or error}") from error
