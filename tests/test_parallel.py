"""Two processes give exactly what one gives."""

from __future__ import annotations

import os
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
