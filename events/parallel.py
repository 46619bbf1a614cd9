"""Work on the second core: run a function over several inputs in forked processes.

A decade of calendar history cut down to the window still leaves hundreds of entries to read,
expand and understand; on a machine with two cores, two processes do it in about half the
time. Forking (not spawning) keeps everything already imported and loaded, so a worker costs a
few milliseconds. Results come back pickled; a worker that fails in any way leaves its input
to the calling process, so the answer never depends on whether a second process was available.

`run` gives each process its inputs beforehand; `pooled` lets every process take the next input
as soon as it is free, so that a process slowed by the rest of the machine (or given more to do
first) simply takes fewer of them.

A worker never outlives the process that forked it (issue 12 §4): on Linux the kernel kills it
when its parent dies (PR_SET_PDEATHSIG); everywhere, a thread of the worker waits on a pipe
whose other end only the parent holds, and ends the worker when that end closes.
"""

from __future__ import annotations

import os
import pickle
import signal
import threading
from collections.abc import Callable, Sequence
from contextlib import suppress
from typing import Any, TypeVar

In = TypeVar("In")
Out = TypeVar("Out")

_PR_SET_PDEATHSIG = 1  # from <sys/prctl.h>


def usable_cores(limit: int = 2) -> int:
    """The cores this process may run on, at most `limit`."""
    try:
        return max(1, min(limit, len(os.sched_getaffinity(0))))
    except AttributeError:  # no sched_getaffinity: not Linux, stay in one process
        return 1


def deal(weights: Sequence[float], parts: int) -> list[list[int]]:
    """The indexes of items of these weights dealt into `parts` of about the same weight, each
    item in turn (the heaviest first, for even parts) to the lightest part so far; the parts
    come heaviest first, so that processes taking them in order take the largest first."""
    loads = [0.0] * parts
    dealt: list[list[int]] = [[] for _ in range(parts)]
    for index, weight in enumerate(weights):
        lightest = loads.index(min(loads))
        dealt[lightest].append(index)
        loads[lightest] += weight
    order = sorted(range(parts), key=lambda part: -loads[part])  # stable: deterministic
    return [dealt[part] for part in order]


def run(function: Callable[[In], Out], inputs: Sequence[In]) -> list[Out]:
    """`[function(x) for x in inputs]`, the first input here and each other in a forked child."""
    if len(inputs) < 2 or not hasattr(os, "fork"):
        return [function(item) for item in inputs]
    children = [_start(function, item) for item in inputs[1:]]
    results = [function(inputs[0])]
    for (pid, read_end, lifeline), item in zip(children, inputs[1:], strict=True):
        results.append(_collect(pid, read_end, lifeline, function, item))
    return results


def pooled(
    function: Callable[[In], Out],
    inputs: Sequence[In],
    *,
    first: Callable[[], object] | None = None,
    cores: int | None = None,
) -> list[Out]:
    """`[function(x) for x in inputs]`, worked through by this process and forked children
    (`cores` processes in all, default `usable_cores()`), each taking the next input from a
    queue as soon as it is free. `first` runs here while the children already work (its
    return value is dropped: what it makes, it keeps for the caller). The results come in the
    order of `inputs`, whichever process computed them; whatever a child took and did not
    send back is computed here."""
    count = usable_cores() if cores is None else cores
    if count < 2 or len(inputs) < 2 or not hasattr(os, "fork") or len(inputs) > _QUEUE_MAX:
        if first is not None:
            first()
        return [function(item) for item in inputs]
    queue, filling = os.pipe()
    with os.fdopen(filling, "wb") as tokens:  # the whole queue, written before any fork
        tokens.write(b"".join(index.to_bytes(_TOKEN, "little") for index in range(len(inputs))))
    workers: list[_Worker] = []
    done: dict[int, Out] = {}
    try:
        for _ in range(count - 1):  # each kept at once: a later fork that fails ends it
            workers.append(_Worker.start(function, inputs, queue))
        if first is not None:
            first()
        while token := os.read(queue, _TOKEN):
            index = int.from_bytes(token, "little")
            done[index] = function(inputs[index])
            for worker in workers:  # what they sent meanwhile, so that their pipes never fill
                worker.receive(done, wait=False)
        for worker in workers:
            worker.receive(done, wait=True)
    except BaseException:
        for worker in workers:  # no one will read what they send
            worker.kill()
        raise
    finally:
        os.close(queue)
        for worker in workers:
            worker.close()
    return [done[index] if index in done else function(item) for index, item in enumerate(inputs)]


_TOKEN = 2  # bytes a queued index takes: well under PIPE_BUF, so each read takes one whole
_QUEUE_MAX = 4096  # indexes whose tokens fit in any pipe's buffer before anyone reads it
_LENGTH = 8  # bytes of a frame's length: each result comes back as one frame, when computed


class _Worker:
    """A forked process taking inputs from the queue and sending each result back as soon as
    it is computed (a frame: its length, then the pickled index and result), so that neither
    the pickling nor the reading waits until the end."""

    def __init__(self, pid: int, incoming: int, lifeline: int) -> None:
        self.pid, self.incoming, self.lifeline = pid, incoming, lifeline
        self.buffer = bytearray()
        self.ended = False

    @classmethod
    def start(cls, function: Callable[[In], Out], inputs: Sequence[In], queue: int) -> _Worker:
        pid, read_end, lifeline = _fork(lambda out: _serve(function, inputs, queue, out))
        os.set_blocking(read_end, False)
        return cls(pid, read_end, lifeline)

    def receive(self, done: dict[int, Any], *, wait: bool) -> None:
        """Put what the worker has sent into `done`; with `wait`, all it will send."""
        if self.ended:
            return
        if wait:
            os.set_blocking(self.incoming, True)
        while True:
            try:
                data = os.read(self.incoming, 1 << 20)
            except BlockingIOError:
                break
            if not data:
                self.ended = True
                os.waitpid(self.pid, 0)  # what it sent stands, whatever its status
                break
            self.buffer += data
        while len(self.buffer) >= _LENGTH:
            size = int.from_bytes(self.buffer[:_LENGTH], "little")
            if len(self.buffer) < _LENGTH + size:
                break
            frame = bytes(self.buffer[_LENGTH : _LENGTH + size])
            del self.buffer[: _LENGTH + size]
            with suppress(Exception):  # a frame that does not load: computed here instead
                index, result = pickle.loads(frame)
                done[index] = result

    def kill(self) -> None:
        if not self.ended:
            with suppress(OSError):
                os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)
            self.ended = True

    def close(self) -> None:
        os.close(self.incoming)
        os.close(self.lifeline)


def _serve(function: Callable[[In], Out], inputs: Sequence[In], queue: int, out: int) -> None:
    """The worker's loop: each input taken from the queue, its frame written without waiting
    when the pipe has room (the rest after the next input, or at the end)."""
    os.set_blocking(out, False)
    pending = bytearray()
    while token := os.read(queue, _TOKEN):
        index = int.from_bytes(token, "little")
        result = function(inputs[index])
        try:
            frame = pickle.dumps((index, result), pickle.HIGHEST_PROTOCOL)
        except Exception:  # noqa: BLE001 - a result that cannot be sent is computed there
            continue
        pending += len(frame).to_bytes(_LENGTH, "little") + frame
        with suppress(BlockingIOError):
            while pending:
                del pending[: os.write(out, pending)]
    os.set_blocking(out, True)
    while pending:
        del pending[: os.write(out, pending)]
    os.close(out)


def _start(function: Callable[[In], Out], item: In) -> tuple[int, int, int]:
    return _fork(lambda out: _send(function(item), out))


def _send(result: object, out: int) -> None:
    data = pickle.dumps(result, pickle.HIGHEST_PROTOCOL)
    with os.fdopen(out, "wb") as stream:
        stream.write(data)


def _fork(child: Callable[[int], None]) -> tuple[int, int, int]:
    """A forked process running `child` with the write end of a pipe, then leaving without
    running anything else (status 0 if `child` returned); its pid, the read end, and the
    lifeline whose closing ends it."""
    with suppress(ImportError):  # what each child needs to die with this process, loaded once
        import ctypes  # noqa: F401
    read_end, write_end = os.pipe()
    alive_read, alive_write = os.pipe()  # the parent holds the write end while it lives
    parent = os.getpid()
    pid = os.fork()
    if pid == 0:
        status = 1
        try:
            os.close(read_end)
            os.close(alive_write)
            _die_with(parent, alive_read)
            child(write_end)
            status = 0
        finally:
            os._exit(status)
    os.close(write_end)
    os.close(alive_read)
    return pid, read_end, alive_write


def _die_with(parent: int, lifeline: int) -> None:
    """End this (forked) process as soon as `parent` is gone."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):  # not Linux: the lifeline below does it
        pass
    if os.getppid() != parent:  # the parent died before the line above
        os._exit(1)

    def watch() -> None:
        try:
            while os.read(lifeline, 1):
                pass
        except OSError:
            pass
        os._exit(1)  # the parent's end closed: it is gone

    threading.Thread(target=watch, daemon=True).start()


def _collect(
    pid: int, read_end: int, lifeline: int, function: Callable[[In], Out], item: In
) -> Out:
    try:
        with os.fdopen(read_end, "rb") as incoming:
            data = incoming.read()
        _, status = os.waitpid(pid, 0)
    finally:
        os.close(lifeline)
    if status == 0:
        try:
            return pickle.loads(data)
        except Exception:  # noqa: BLE001 - a result that does not come back is computed here
            pass
    return function(item)
