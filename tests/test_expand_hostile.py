"""Hostile feeds (issue 12 §2 and §3): one bad piece costs only itself, and the cost of a feed
is bounded by the window, whatever its entries say."""

from __future__ import annotations

import resource
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from events import model, pipeline
from events.model import ProblemKind
from events.stages.expand import expand

WINDOW = model.Window(date(2025, 11, 19), date(2025, 12, 17))
GOOD = """DTSTART:20251120T180000Z
DTEND:20251120T200000Z
UID:good@google.com
SUMMARY:Rust Berlin: Rust Hack and Learn
LOCATION:Rosenthaler Str. 40, 10178 Berlin, Germany
DESCRIPTION:https://www.meetup.com/rust-berlin/events/123/"""
OTHER = (
    GOOD.replace("good@", "other@")
    .replace("20251120", "20251127")
    .replace("/123/", "/124/")
    .replace("Hack and Learn", "Social")
)


def calendar(*events: str, header: str = "X-WR-TIMEZONE:Europe/Berlin") -> bytes:
    lines = ["BEGIN:VCALENDAR", "PRODID:-//Google Inc//Google Calendar 70.9054//EN"]
    lines += ["VERSION:2.0", "CALSCALE:GREGORIAN", *header.splitlines()]
    for event in events:
        lines += ["BEGIN:VEVENT", *event.strip().splitlines(), "END:VEVENT"]
    lines.append("END:VCALENDAR")
    return ("\r\n".join(lines) + "\r\n").encode()


def agenda(*bodies: bytes) -> model.Agenda:
    """The agenda of a good feed and of the given ones, as the library builds it."""
    feeds = [model.FeedData(model.FeedSpec("good", "good.ics"), calendar(GOOD))]
    feeds += [
        model.FeedData(model.FeedSpec(f"feed{n}", f"feed{n}.ics"), body)
        for n, body in enumerate(bodies, 1)
    ]
    return pipeline.build_agenda(feeds, WINDOW)


def listed(result: model.Agenda) -> set[str]:
    return {event.uid for event in result.events}


def said(result: model.Agenda, kind: ProblemKind) -> list[model.Problem]:
    return [p for p in result.problems + result.failures if p.kind is kind]


@pytest.mark.parametrize(
    "header",
    [
        "X-WR-TIMEZONE:Europe/Atlantis",
        "X-WR-TIMEZONE:Europe/Berlin;x",
        "X-WR-TIMEZONE:Europe\\,Berlin",
        "X-WR-TIMEZONE:Europe/Berlin\nX-WR-TIMEZONE:America/New_York",
        "X-WR-TIMEZONE:/etc/passwd",
    ],
    ids=["unknown", "semicolon", "escape", "twice", "path"],
)
def test_a_bad_calendar_zone_is_a_warning_and_the_feed_is_read_without_it(header: str) -> None:
    result = agenda(calendar(OTHER, header=header))
    assert listed(result) == {"good@google.com", "other@google.com"}
    [problem] = said(result, ProblemKind.BAD_HEADER)
    assert problem.feed == "feed1" and "X-WR-TIMEZONE" in problem.message
    assert not result.failures


def test_the_full_path_reads_a_bad_calendar_zone_the_same_way() -> None:
    body = calendar(OTHER, header="X-WR-TIMEZONE:Europe/Atlantis")
    feed = model.FeedData(model.FeedSpec("feed", "feed.ics"), body)
    fast, full = expand(feed, WINDOW), expand(feed, WINDOW, fast=False)
    assert fast.occurrences == full.occurrences and len(fast.occurrences) == 1
    assert [p.kind for p in full.problems] == [ProblemKind.BAD_HEADER]


def test_an_unknown_tzid_is_a_warning_and_its_times_are_floating() -> None:
    body = calendar(
        OTHER.replace("DTSTART:20251127T180000Z", "DTSTART;TZID=Mars/Olympus:20251127T190000")
    )
    result = agenda(body)
    assert listed(result) == {"good@google.com", "other@google.com"}
    [problem] = said(result, ProblemKind.BAD_HEADER)
    assert "Mars/Olympus" in problem.message and problem.feed == "feed1"
    [other] = [e for e in result.events if e.uid == "other@google.com"]
    assert other.date == date(2025, 11, 27)


UNCLOSED = "UID:unclosed@google.com\nSUMMARY:Never ends\nDTSTART:20251121T180000Z"


@pytest.mark.parametrize("where", ["first", "last"])
def test_an_entry_without_its_end_is_named_and_the_others_are_listed(where: str) -> None:
    body = calendar(OTHER)
    opened = ("BEGIN:VEVENT\r\n" + UNCLOSED.replace("\n", "\r\n") + "\r\n").encode()
    if where == "first":
        body = body.replace(b"BEGIN:VEVENT\r\n", opened + b"BEGIN:VEVENT\r\n", 1)
    else:
        body = body.replace(b"END:VCALENDAR", opened + b"END:VCALENDAR")
    result = agenda(body)
    assert listed(result) == {"good@google.com", "other@google.com"}
    [problem] = said(result, ProblemKind.UNREADABLE_ENTRY)
    assert (problem.feed, problem.uid, problem.summary) == (
        "feed1",
        "unclosed@google.com",
        "Never ends",
    )


@pytest.mark.parametrize(
    ("entry", "kind"),
    [
        ("UID:bad@google.com\nSUMMARY:Month 13\nDTSTART:20251320T180000Z", "unreadable"),
        ("UID:bad@google.com\nSUMMARY:Hour 25\nDTSTART:20251122T250000Z", "unreadable"),
        ("UID:bad@google.com\nSUMMARY:April 31\nDTSTART:20250431T180000Z", "unreadable"),
        (
            "UID:bad@google.com\nSUMMARY:Until before\nDTSTART;TZID=Europe/Berlin:20251120T190000"
            "\nRRULE:FREQ=WEEKLY;UNTIL=20251101T000000Z",
            "doubtful",
        ),
        (
            "UID:bad@google.com\nSUMMARY:Ends before\nDTSTART:20251121T180000Z\n"
            "DTEND:20251114T180000Z",
            "doubtful",
        ),
        (
            "UID:bad@google.com\nSUMMARY:Negative\nDTSTART:20251121T180000Z\nDURATION:-P7D",
            "doubtful",
        ),
    ],
    ids=["month-13", "hour-25", "april-31", "until-before-start", "dtend-before", "duration"],
)
def test_a_bad_entry_is_named_and_the_others_are_listed(entry: str, kind: str) -> None:
    result = agenda(calendar(OTHER, entry))
    assert {"good@google.com", "other@google.com"} <= listed(result)
    expected = ProblemKind.UNREADABLE_ENTRY if kind == "unreadable" else ProblemKind.DOUBTFUL_ENTRY
    [problem] = said(result, expected)
    assert (problem.feed, problem.uid) == ("feed1", "bad@google.com")


def test_an_entry_ending_before_it_starts_is_listed_on_its_day_only() -> None:
    entry = (
        "UID:bad@google.com\nSUMMARY:Rust Berlin: Ends before\nDTSTART:20251121T180000Z\n"
        "DTEND:20251114T180000Z\nDESCRIPTION:https://www.meetup.com/rust-berlin/events/125/"
    )
    [event] = [e for e in agenda(calendar(entry)).events if e.uid == "bad@google.com"]
    assert event.date == event.end_date == date(2025, 11, 21)


def test_a_second_entry_with_the_same_uid_is_named() -> None:
    again = OTHER.replace("20251127", "20251203").replace("/124/", "/126/")
    result = agenda(calendar(OTHER, again))
    [problem] = said(result, ProblemKind.DOUBTFUL_ENTRY)
    assert problem.uid == "other@google.com" and "share this UID" in problem.message
    assert "good@google.com" in listed(result) and "other@google.com" in listed(result)


def test_a_calendar_that_is_not_gregorian_fails_alone() -> None:
    body = calendar(OTHER).replace(b"CALSCALE:GREGORIAN", b"CALSCALE:JULIAN")
    result = agenda(body)
    assert listed(result) == {"good@google.com"}
    [failure] = result.failures
    assert failure.kind is ProblemKind.NOT_A_CALENDAR and failure.feed == "feed1"


def test_an_entry_larger_than_any_entry_needs_is_named_not_read() -> None:
    huge = OTHER.replace("DESCRIPTION:", "DESCRIPTION:" + "x" * 1_100_000 + " ")
    result = agenda(calendar(huge))
    [problem] = said(result, ProblemKind.UNREADABLE_ENTRY)
    assert problem.uid == "other@google.com" and "kB" in problem.message
    assert listed(result) == {"good@google.com"}


# --- runaway recurrences, through the command, with the bounds of issue 12 §3 ---------------

RUNAWAYS = {
    "secondly": OTHER.replace("DTEND:20251127T200000Z", "RRULE:FREQ=SECONDLY"),
    "secondly-count": OTHER.replace("DTSTART:20251127T180000Z", "DTSTART:20251101T000000Z").replace(
        "DTEND:20251127T200000Z", "RRULE:FREQ=SECONDLY;COUNT=1000000000"
    ),
    "minutely-since-2000": OTHER.replace(
        "DTSTART:20251127T180000Z", "DTSTART:20000101T000000Z"
    ).replace("DTEND:20251127T200000Z", "RRULE:FREQ=MINUTELY"),
    "hourly-odd-zone": OTHER.replace(
        "DTSTART:20251127T180000Z", "DTSTART;TZID=W. Europe Standard Time:20000101T000000"
    ).replace("DTEND:20251127T200000Z", "RRULE:FREQ=HOURLY;BYMINUTE=0,1,2"),
    "daily-every-second": OTHER.replace(
        "DTEND:20251127T200000Z",
        "RRULE:FREQ=DAILY;"
        "BYHOUR=0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23;"
        "BYMINUTE=" + ",".join(map(str, range(60))) + ";BYSECOND=" + ",".join(map(str, range(60))),
    ),
}


def _limited() -> None:
    limit = 600 * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


@pytest.mark.parametrize("name", sorted(RUNAWAYS))
def test_a_runaway_rule_costs_what_the_window_holds(tmp_path: Path, name: str) -> None:
    good, bad = tmp_path / "good.ics", tmp_path / f"{name}.ics"
    good.write_bytes(calendar(GOOD))
    bad.write_bytes(calendar(RUNAWAYS[name]))
    args = ["--from", "2025-11-19", "--weeks", "4", "--calendar", str(good), "--calendar", str(bad)]
    done = subprocess.run(
        [sys.executable, "-m", "events", *args, "--format", "json", "--offline"],
        capture_output=True,
        text=True,
        timeout=20,
        preexec_fn=_limited,
    )
    assert "Traceback" not in done.stderr
    assert done.returncode == 0, done.stderr
    import json

    events = json.loads(done.stdout)["events"]
    assert any(event["uid"] == "good@google.com" for event in events)
    days = [event["date"] for event in events if event["uid"] == "other@google.com"]
    assert len(days) == len(set(days))  # one line a day at most
    if name != "hourly-odd-zone":  # that one is named as not read exactly, and left out
        assert days, done.stderr
