"""Issue 12 §5: the library checks its arguments at the door.

`upcoming`, `build_agenda`, `to_markdown`, `to_json` and `to_data` raise a TypeError or a
ValueError that names the wrong argument, before any work, instead of failing deep inside a
stage or doing nonsense (a string read as 37 one-letter feeds). What is plainly meant is
accepted: a `Path` in `calendars`, a `datetime` as `start` (its date).
"""

from __future__ import annotations

import os
import subprocess
import sys
import traceback
from datetime import date, datetime
from pathlib import Path

import pytest

import events
from events.model import Agenda, FeedData, FeedSpec, Window

REPO = Path(__file__).resolve().parents[1]
FIXTURE = REPO / "fixtures" / "rust-community-calendar.ics"
START = date(2025, 11, 19)
WINDOW = Window.of_weeks(START, 4)


def upcoming(*args, **kwargs):
    """`events.upcoming` on local files only: no event page is fetched (no network here)."""
    kwargs.setdefault("pages", False)
    return events.upcoming(*args, **kwargs)


@pytest.fixture(scope="module")
def expected_block() -> str:
    return events.to_markdown(upcoming(START, calendars=[str(FIXTURE)]))


def _raises(kind: type[Exception], name: str, call, *args, **kwargs) -> str:
    """The call raises `kind` naming `name`, from at most three frames inside the package."""
    with pytest.raises(kind) as caught:
        call(*args, **kwargs)
    message = str(caught.value)
    assert name in message, message
    frames = [f for f in traceback.extract_tb(caught.tb) if "/events/" in f.filename]
    assert len(frames) <= 3, frames
    return message


# -- upcoming ---------------------------------------------------------------------------------


def test_a_path_in_calendars_is_read_like_its_string(expected_block):
    agenda = upcoming(START, calendars=[FIXTURE])
    assert agenda.failures == ()
    assert events.to_markdown(agenda) == expected_block


def test_a_datetime_as_start_counts_as_its_date(expected_block):
    agenda = upcoming(datetime(2025, 11, 19, 23, 30), calendars=(str(FIXTURE),))
    assert agenda.window == WINDOW
    assert events.to_markdown(agenda) == expected_block


@pytest.mark.parametrize("calendars", [str(FIXTURE), FIXTURE, b"x.ics", 5])
def test_calendars_must_be_a_list_not_one_source(calendars):
    message = _raises(TypeError, "calendars", upcoming, START, calendars=calendars)
    assert "list" in message


@pytest.mark.parametrize(
    ("calendars", "kind", "name"),
    [
        ([None], TypeError, "calendars[0]"),
        ([str(FIXTURE), 5], TypeError, "calendars[1]"),
        (["  "], ValueError, "calendars[0]"),
        ([], ValueError, "calendars"),
    ],
)
def test_each_calendar_is_a_url_or_a_path(calendars, kind, name):
    _raises(kind, name, upcoming, START, calendars=calendars)


@pytest.mark.parametrize("start", ["2025-11-19", FIXTURE, 20251119, (2025, 11, 19)])
def test_start_must_be_a_date(start):
    _raises(TypeError, "start", upcoming, start, calendars=[FIXTURE])


@pytest.mark.parametrize(
    ("weeks", "kind"),
    [(0, ValueError), (53, ValueError), (-1, ValueError), (4.0, TypeError), ("4", TypeError)],
)
def test_weeks_is_a_whole_number_from_1_to_52(weeks, kind):
    _raises(kind, "weeks", upcoming, START, weeks, calendars=[FIXTURE])


def test_weeks_may_be_1_or_52():
    assert upcoming(START, 52, calendars=[FIXTURE]).window.end == date(2026, 11, 18)
    assert upcoming(START, 1, calendars=[FIXTURE]).window.end == date(2025, 11, 26)


@pytest.mark.parametrize(
    "start", [date(9999, 12, 1), date(9999, 11, 29), date(1, 1, 1), date(1, 1, 31)]
)
def test_a_window_the_calendar_cannot_hold_is_a_value_error(start):
    _raises(ValueError, "start", upcoming, start, 4, calendars=[FIXTURE])


ONE_OFF = b"""BEGIN:VCALENDAR\r
VERSION:2.0\r
PRODID:-//test//EN\r
BEGIN:VEVENT\r
UID:one@example.org\r
DTSTART:20251120T170000Z\r
DTEND:20251120T190000Z\r
SUMMARY:Rust Berlin: Rust Hack and Learn\r
END:VEVENT\r
END:VCALENDAR\r
"""


def test_the_calendars_extremes_still_run(tmp_path):
    # A one-off feed: a decade of weekly series expanded up to year 9999 is the expansion's
    # cost to bound (issue 12 §3), not what this test is about.
    feed = tmp_path / "one.ics"
    feed.write_bytes(ONE_OFF)
    early = upcoming(date(1, 2, 1), calendars=[feed])
    late = upcoming(date(9999, 11, 2), calendars=[feed])
    assert early.failures == late.failures == ()
    assert late.window.end == date(9999, 11, 30)


@pytest.mark.parametrize(
    ("keyword", "value", "kind"),
    [
        ("config", 5, TypeError),
        ("config", "", ValueError),
        ("cache_dir", 5, TypeError),
        ("offline", "yes", TypeError),
        ("refresh", 1, TypeError),
        ("timeout", 0, ValueError),
        ("timeout", float("nan"), ValueError),
        ("timeout", "30", TypeError),
        ("retries", -1, ValueError),
        ("retries", 1.5, TypeError),
        ("on_progress", "print", TypeError),
        ("pages", "yes", TypeError),
        ("deadline", 0, ValueError),
        ("deadline", "60", TypeError),
        ("registry", 5, TypeError),
    ],
)
def test_every_other_argument_is_checked(keyword, value, kind):
    _raises(kind, keyword, upcoming, START, calendars=[FIXTURE], **{keyword: value})


def test_none_start_means_the_next_wednesday():
    agenda = upcoming(None, calendars=[FIXTURE])
    assert agenda.window.start == events.next_issue_date()


# -- build_agenda -----------------------------------------------------------------------------


def _feed() -> FeedData:
    return FeedData(FeedSpec("snapshot", str(FIXTURE)), FIXTURE.read_bytes())


def test_build_agenda_takes_feed_data_in_any_iterable(expected_block):
    agenda = events.build_agenda(iter([_feed()]), WINDOW)
    assert events.to_markdown(agenda) == expected_block


@pytest.mark.parametrize(
    ("feeds", "name"),
    [
        (None, "feeds"),
        (str(FIXTURE), "feeds"),
        (_feed(), "feeds"),
        ([FIXTURE], "feeds[0]"),
        ([_feed(), str(FIXTURE)], "feeds[1]"),
    ],
)
def test_build_agenda_refuses_what_is_not_feed_data(feeds, name):
    _raises(TypeError, name, events.build_agenda, feeds, WINDOW)


def test_a_feed_whose_body_is_not_bytes_is_refused():
    feed = FeedData(FeedSpec("x", "x"), "BEGIN:VCALENDAR")  # type: ignore[arg-type]
    _raises(TypeError, "feeds[0].body", events.build_agenda, [feed], WINDOW)


@pytest.mark.parametrize(
    ("window", "kind"),
    [
        (None, TypeError),
        ((START, date(2025, 12, 17)), TypeError),
        (Window(datetime(2025, 11, 19), datetime(2025, 12, 17)), TypeError),
        (Window(date(2025, 12, 17), START), ValueError),
        (Window(date(1, 1, 1), date(1, 1, 29)), ValueError),
        (Window(date(9999, 12, 1), date(9999, 12, 31)), ValueError),
    ],
)
def test_build_agenda_checks_its_window(window, kind):
    _raises(kind, "window", events.build_agenda, [_feed()], window)


def test_build_agenda_refuses_a_registry_that_is_not_one():
    _raises(TypeError, "registry", events.build_agenda, [_feed()], WINDOW, registry={})


# -- renderers --------------------------------------------------------------------------------


@pytest.mark.parametrize("render", [events.to_markdown, events.to_json, events.to_data])
@pytest.mark.parametrize("value", [None, "x", {}, WINDOW])
def test_renderers_take_an_agenda(render, value):
    _raises(TypeError, "agenda", render, value)


def test_to_markdown_header_is_a_flag():
    _raises(TypeError, "header", events.to_markdown, Agenda(WINDOW, (), ()), header="no")


# -- the command line -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--from", "0001-01-01"], "too early"),
        (["--from", "9999-12-01"], "too late"),
        (["--from", "9999-11-20", "--weeks", "2"], "would end after"),
    ],
)
def test_a_window_off_the_calendar_is_a_usage_error(args, says):
    done = subprocess.run(
        [sys.executable, "-m", "events", *args, "--calendar", str(FIXTURE)],
        capture_output=True,
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        timeout=60,
    )
    stderr = done.stderr.decode()
    assert done.returncode == 2, stderr
    assert done.stdout == b""
    assert len(stderr.splitlines()) == 1 and "--from" in stderr and says in stderr
    assert "Traceback" not in stderr
