"""Issue 11 §5: `--format table` (what was guessed or warned for each event, and from which
source) and `--format ics` (an iCalendar feed other sites can subscribe to, read back here with
icalendar and recurring-ical-events)."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

import icalendar
import recurring_ical_events

import events
from events.model import Agenda, Problem, ProblemKind, Section, Window
from events.stages.ics import event_uid, to_ics
from events.stages.table import review_rows, to_text_table
from tests.helpers import event

REPO = Path(__file__).resolve().parents[1]
FEED = REPO / "fixtures" / "rust-community-calendar.ics"
WINDOW = Window(date(2025, 11, 19), date(2025, 12, 17))


def run(*args: str) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run(
        [sys.executable, "-m", "events", *args],
        capture_output=True,
        cwd=REPO,
        env=env,
        timeout=120,
    )


def agenda_of(*listed) -> Agenda:
    return Agenda(WINDOW, (Section("Europe", tuple(listed)),), tuple(listed))


def test_the_table_says_what_was_guessed_and_where_each_event_came_from():
    guessed = replace(
        event("2025-11-20", title="Hack night"),
        problems=(
            Problem(ProblemKind.GROUP_GUESSED, "cal", "group 'Rust X' recognised by its title"),
            Problem(ProblemKind.DUPLICATE, "cal", "2 copies listed once"),
        ),
        sources=("Rust Community Calendar", "Rust X on Meetup"),
    )
    clean = replace(event("2025-11-21", title="Talks\x1b[31m", uid="u2"), sources=("cal",))
    text = to_text_table(agenda_of(guessed, clean))
    lines = text.splitlines()
    assert lines[0] == "Rusty Events between 2025-11-19 - 2025-12-17: 2 events, 1 with warnings"
    at = next(i for i, line in enumerate(lines) if "Hack night" in line)
    assert lines[at].split()[:3] == ["2025-11-20", "Berlin,", "DE"]
    under = lines[at + 1 : at + 5]
    assert under[0].strip() == "link: https://www.meetup.com/rust-x/events/1/"
    assert under[1].strip() == "from: Rust Community Calendar, Rust X on Meetup"
    assert under[2].strip() == "warning: group 'Rust X' recognised by its title"
    assert under[3].strip() == "note: 2 copies listed once"
    assert "\x1b" not in text  # nothing from a feed reaches the terminal raw
    assert [r.notes for r in review_rows(agenda_of(clean))] == [()]


def test_format_table_off_a_terminal_is_plain_text(cli):
    done = cli("--from", "2025-11-19", "--calendar", str(FEED), "--format", "table")
    assert done.returncode == 0
    text = done.stdout
    assert text.startswith("Rusty Events between 2025-11-19 - 2025-12-17: ")
    assert f"from: {FEED}" in text
    assert "Rust Hack and Learn" in text and "\x1b[" not in text


def test_the_ics_feed_has_one_event_per_listing_readable_by_icalendar_and_recurring():
    agenda = events.upcoming(date(2025, 11, 19), calendars=[str(FEED)])
    body = to_ics(agenda, now=datetime(2025, 11, 18, 12, tzinfo=UTC))
    calendar = icalendar.Calendar.from_ical(body)
    entries = calendar.walk("VEVENT")
    assert len(entries) == len(agenda.events)  # a hybrid event once, though listed twice
    assert len({str(e["UID"]) for e in entries}) == len(entries)
    by_uid = {str(e["UID"]): e for e in entries}
    for listed in agenda.events:
        entry = by_uid[event_uid(listed)]
        assert str(entry["SUMMARY"]) == listed.title
        assert str(entry["URL"]) == listed.url
        start = entry.decoded("DTSTART")
        assert start == (listed.start if isinstance(listed.start, datetime) else listed.date)
    between = recurring_ical_events.of(calendar).between(date(2025, 11, 19), date(2025, 12, 19))
    assert len(list(between)) == len(agenda.events)
    assert body.startswith(b"BEGIN:VCALENDAR\r\n") and b"\r\nEND:VCALENDAR\r\n" in body


def test_ics_uids_are_stable_from_run_to_run_and_all_day_events_keep_their_days():
    multi = event("2026-05-18", last="2026-05-20", title="RustWeek", uid="rw@x")
    first = to_ics(agenda_of(multi), now=datetime(2026, 1, 1, tzinfo=UTC))
    second = to_ics(agenda_of(multi), now=datetime(2026, 1, 1, tzinfo=UTC))
    assert first == second
    entry = icalendar.Calendar.from_ical(first).walk("VEVENT")[0]
    assert entry.decoded("DTSTART") == date(2026, 5, 18)
    assert entry.decoded("DTEND") == date(2026, 5, 21)  # exclusive
    other = replace(multi, date=date(2026, 5, 19))
    assert event_uid(other) != event_uid(multi)  # another occurrence of the same entry


def test_ics_carries_no_link_that_is_not_http_and_no_control_character():
    bad = event("2025-11-20", title="Evil\x07 title", url="javascript:alert(1)")
    entry = icalendar.Calendar.from_ical(to_ics(agenda_of(bad))).walk("VEVENT")[0]
    assert "URL" not in entry
    assert str(entry["SUMMARY"]) == "Evil title"


def test_format_ics_through_the_command(tmp_path):
    out = tmp_path / "rust.ics"
    done = run("--from", "2025-11-19", "--calendar", str(FEED), "--format", "ics", "-o", str(out))
    assert done.returncode == 0 and done.stdout == b""
    calendar = icalendar.Calendar.from_ical(out.read_bytes())
    assert len(calendar.walk("VEVENT")) > 40


def test_on_a_terminal_the_table_is_drawn_with_rich_and_keeps_links_whole():
    from io import StringIO

    from rich.console import Console

    from events.cli.review import print_review

    warned = replace(
        event("2025-11-20", title="Hack [night]"),
        problems=(Problem(ProblemKind.PLACE_NOT_UNDERSTOOD, "cal", "place 'x' not understood"),),
        sources=("Rust Community Calendar",),
    )
    out = StringIO()
    print_review(Console(file=out, width=250, color_system=None), agenda_of(warned))
    text = out.getvalue()
    assert "Hack [night]" in text  # rich markup in a title stays text
    assert "https://www.meetup.com/rust-x/events/1/" in text
    assert "place 'x' not" in text and "Rust Community" in text
