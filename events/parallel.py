"""Work on the second core: run a function over several inputs in forked processes.

A decade of calendar history cut down to the window still leaves hundreds of entries for
icalendar and recurring-ical-events to parse and expand; on a machine with two cores, two
processes do it in about half the time. Forking (not spawning) keeps everything already
imported and loaded, so a worker costs a few milliseconds. Results come back pickled; a worker
that fails in any way leaves its input to the calling process, so the answer never depends on
whether a second process was available.
"""

from __future__ import annotations

import os
import pickle
from collections.abc import Callable, Sequence
from typing import TypeVar

In = TypeVar("In")
Out = TypeVar("Out")


def usable_cores(limit: int = 2) -> int:
    """The cores this process may run on, at most `limit`."""
    try:
        return max(1, min(limit, len(os.sched_getaffinity(0))))
    except AttributeError:  # no sched_getaffinity: not Linux, stay in one process
        return 1


def run(function: Callable[[In], Out], inputs: Sequence[In]) -> list[Out]:
    """`[function(x) for x in inputs]`, the first input here and each other in a forked child."""
    if len(inputs) < 2 or not hasattr(os, "fork"):
        return [function(item) for item in inputs]
    children = [_start(function, item) for item in inputs[1:]]
    results = [function(inputs[0])]
    for (pid, read_end), item in zip(children, inputs[1:], strict=True):
        results.append(_collect(pid, read_end, function, item))
    return results


def _start(function: Callable[[In], Out], item: In) -> tuple[int, int]:
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: compute, send, and leave without running anything else
        status = 1
        try:
            os.close(read_end)
            data = pickle.dumps(function(item), pickle.HIGHEST_PROTOCOL)
            with os.fdopen(write_end, "wb") as out:
                out.write(data)
            status = 0
        finally:
            os._exit(status)
    os.close(write_end)
    return pid, read_end


def _collect(pid: int, read_end: int, function: Callable[[In], Out], item: In) -> Out:
    with os.fdopen(read_end, "rb") as incoming:
        data = incoming.read()
    _, status = os.waitpid(pid, 0)
    if status == 0:
        try:
            return pickle.loads(data)
        except Exception:  # noqa: BLE001 - a result that does not come back is computed here
            pass
    return function(item)
