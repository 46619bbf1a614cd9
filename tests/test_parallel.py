"""Two processes give exactly what one gives."""

from __future__ import annotations

import os
import time
from datetime import date
from pathlib import Path

import pytest

from events import parallel, pipeline
from events.model import FeedData, FeedSpec, Window
from events.stages.render import to_json, to_markdown

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "rust-community-calendar.ics"
WINDOW = Window.of_weeks(date(2025, 11, 19), 4)


def agenda_with(monkeypatch: pytest.MonkeyPatch, cores: int):
    monkeypatch.setattr(parallel, "usable_cores", lambda limit=2: cores)
    monkeypatch.setattr(pipeline, "PARALLEL_MIN_BYTES", 0)
    feed = FeedData(FeedSpec("snapshot", str(FIXTURE)), FIXTURE.read_bytes())
    return pipeline.build_agenda([feed], WINDOW)


@pytest.mark.skipif(not hasattr(os, "fork"), reason="no fork on this platform")
def test_two_processes_give_the_same_block_json_and_warnings(monkeypatch):
    one = agenda_with(monkeypatch, 1)
    two = agenda_with(monkeypatch, 2)
    assert to_markdown(two) == to_markdown(one)
    assert to_json(two) == to_json(one)
    assert sorted(map(str, two.problems)) == sorted(map(str, one.problems))


def test_run_keeps_the_order_of_its_inputs():
    assert parallel.run(lambda n: n * n, [1, 2, 3]) == [1, 4, 9]


def test_a_result_that_cannot_be_sent_back_is_computed_here():
    made_here = os.getpid()
    results = parallel.run(lambda n: (lambda: n, os.getpid()), [1, 2])  # lambdas do not pickle
    assert [f() for f, _ in results] == [1, 2]
    assert all(pid == made_here for _, pid in results)


def test_a_worker_that_fails_leaves_its_input_to_the_caller():
    calls = []

    def flaky(n: int) -> int:
        calls.append(n)
        if os.getpid() != parent:
            raise RuntimeError("worker trouble")
        return n + 1

    parent = os.getpid()
    assert parallel.run(flaky, [10, 20]) == [11, 21]


CHILD_OUTLIVES = """
import os, sys, time
from events import parallel
if sys.argv[2] == "lifeline-only":
    parallel._PR_SET_PDEATHSIG = -1  # an option prctl refuses: only the pipe is left
def work(n):
    if n == 1:
        with open(sys.argv[1], "w") as out:
            out.write(str(os.getpid()))
    time.sleep(120)
    return n
parallel.run(work, [0, 1])
"""


def _gone(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return True
    return state in ("Z", "X")  # a zombie has ended


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc to watch a process")
@pytest.mark.parametrize("how", ["pdeathsig", "lifeline-only"])
def test_a_worker_dies_with_its_parent(tmp_path: Path, how: str) -> None:
    import signal
    import subprocess
    import sys
    import time

    marker = tmp_path / "child.pid"
    parent = subprocess.Popen([sys.executable, "-c", CHILD_OUTLIVES, str(marker), how])
    try:
        deadline = time.monotonic() + 60
        while not (marker.exists() and marker.read_text()) and time.monotonic() < deadline:
            time.sleep(0.05)
        child = int(marker.read_text())
        assert not _gone(child)
        parent.send_signal(signal.SIGKILL)
        parent.wait()
        deadline = time.monotonic() + 20
        while not _gone(child) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert _gone(child)
    finally:
        parent.kill()


def test_pooled_keeps_the_order_of_its_inputs_whoever_computes_them():
    def square_and_where(n: int) -> tuple[int, int]:
        time.sleep(0.005)  # long enough for the other process to start and take its share
        return n * n, os.getpid()

    results = parallel.pooled(square_and_where, list(range(40)), cores=2)
    assert [square for square, _ in results] == [n * n for n in range(40)]
    if hasattr(os, "fork"):
        assert len({pid for _, pid in results}) == 2  # both processes took some


def test_pooled_runs_first_here_while_the_others_work():
    ran: list[int] = []
    results = parallel.pooled(lambda n: n + 1, [1, 2, 3], first=lambda: ran.append(os.getpid()))
    assert results == [2, 3, 4]
    assert ran == [os.getpid()]


def test_what_a_failing_worker_took_is_computed_here():
    parent = os.getpid()

    def flaky(n: int) -> int:
        time.sleep(0.002)  # the worker takes some of them
        if os.getpid() != parent and n % 3 == 0:
            raise RuntimeError("worker trouble")
        return -n

    assert parallel.pooled(flaky, list(range(30)), cores=2) == [-n for n in range(30)]


@pytest.mark.skipif(not hasattr(os, "fork"), reason="no fork on this platform")
def test_when_this_process_fails_the_workers_are_ended_and_the_error_is_raised(tmp_path):
    started = tmp_path / "started"

    def slow(n: int) -> int:
        if os.getpid() != parent:
            started.write_text(str(os.getpid()))
            time.sleep(60)
        return n

    def failing_first() -> None:
        while not started.exists():
            time.sleep(0.01)
        raise ValueError("no registry")

    parent = os.getpid()
    with pytest.raises(ValueError, match="no registry"):
        parallel.pooled(slow, [1, 2, 3], first=failing_first, cores=2)
    assert _gone(int(started.read_text()))


def test_pooled_results_that_cannot_be_sent_back_are_computed_here():
    made_here = os.getpid()

    def unpicklable(n: int) -> tuple[object, int]:
        time.sleep(0.002)
        return (lambda: n), os.getpid()

    results = parallel.pooled(unpicklable, list(range(20)), cores=2)
    assert [f() for f, _ in results] == list(range(20))  # type: ignore[operator]
    assert all(pid == made_here for _, pid in results)


def test_pooled_receives_more_than_a_pipe_holds():
    def large(n: int) -> bytes:
        time.sleep(0.001)
        return bytes([n % 256]) * 100_000  # 30 of them: far more than a pipe's 64 KiB

    assert parallel.pooled(large, list(range(30)), cores=2) == [large(n) for n in range(30)]


def test_deal_gives_each_item_in_turn_to_the_lightest_part_the_heaviest_part_first():
    # 5 and 4 to each, 3 to the 4, 3 to the 5, 1 to the first of the two that weigh 8
    assert parallel.deal([5, 4, 3, 3, 1], 2) == [[0, 3], [1, 2, 4]]
    parts = parallel.deal([9, 1, 1, 1], 3)
    assert parts == [[0], [1, 3], [2]]  # 9, then 2, then 1: heaviest first, ties in order
    assert parallel.deal([], 2) == [[], []]
