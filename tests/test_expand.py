"""Parse-and-expand: what one feed yields for a window, and what it reports it cannot read."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from events import model
from events.stages.expand import expand

SPEC = model.FeedSpec(name="community", source="community.ics")
WINDOW = model.Window(date(2025, 11, 19), date(2025, 12, 17))
BERLIN = ZoneInfo("Europe/Berlin")


def calendar(*events: str, header: str = "X-WR-TIMEZONE:America/Los_Angeles") -> bytes:
    """A Google-style calendar around the given VEVENT bodies (lines joined with CRLF)."""
    lines = ["BEGIN:VCALENDAR", "PRODID:-//Google Inc//Google Calendar 70.9054//EN"]
    lines += ["VERSION:2.0", header] if header else ["VERSION:2.0"]
    for event in events:
        lines += ["BEGIN:VEVENT", *event.strip().splitlines(), "END:VEVENT"]
    lines.append("END:VCALENDAR")
    return ("\r\n".join(lines) + "\r\n").encode()


def run(body: bytes, window: model.Window = WINDOW, **options: object):
    return expand(model.FeedData(SPEC, body), window, **options)


ONE_OFF = """
UID:one@google.com
DTSTART:20251120T023000Z
DTEND:20251120T043000Z
SUMMARY:Seattle Rust User Group: November Meetup
DESCRIPTION:Talks\\, pizza\\nRSVP: https://www.meetup.com/seattle-rust-user-group/events/1/
LOCATION:Seattle\\, WA\\, USA
URL:https://www.meetup.com/seattle-rust-user-group/events/1/
STATUS:confirmed
ORGANIZER;CN="Rust Seattle":mailto:host@example.com
"""

SERIES = """
UID:series@google.com
DTSTART;TZID=Europe/Berlin:20251106T190000
DTEND;TZID=Europe/Berlin:20251106T210000
RRULE:FREQ=WEEKLY;UNTIL=20251218T180000Z;BYDAY=TH
EXDATE;TZID=Europe/Berlin:20251127T190000
SUMMARY:Rust Berlin: Rust Hack and Learn
"""

MOVED = """
UID:series@google.com
RECURRENCE-ID;TZID=Europe/Berlin:20251204T190000
DTSTART;TZID=Europe/London:20251205T180000
DTEND;TZID=Europe/London:20251205T200000
SUMMARY:Rust Berlin: Rust Hack and Learn (moved to Friday)
"""


def test_one_off_event_becomes_an_occurrence_with_its_text_fields() -> None:
    [occurrence] = run(calendar(ONE_OFF)).occurrences
    assert occurrence.uid == "one@google.com"
    assert occurrence.summary == "Seattle Rust User Group: November Meetup"
    assert occurrence.description.startswith("Talks, pizza\nRSVP: https://www.meetup.com/")
    assert occurrence.location == "Seattle, WA, USA"
    assert occurrence.url == "https://www.meetup.com/seattle-rust-user-group/events/1/"
    assert occurrence.status == "CONFIRMED"
    assert occurrence.organizer == "Rust Seattle"
    assert occurrence.feed is SPEC


def test_utc_times_are_shown_in_the_calendar_zone_at_the_same_instant() -> None:
    [occurrence] = run(calendar(ONE_OFF)).occurrences
    assert occurrence.start == datetime(2025, 11, 20, 2, 30, tzinfo=UTC)
    assert occurrence.start.tzinfo == ZoneInfo("America/Los_Angeles")
    assert occurrence.end == datetime(2025, 11, 20, 4, 30, tzinfo=UTC)
    assert occurrence.tzid is None
    assert occurrence.calendar_tz == "America/Los_Angeles"


def test_series_written_in_utc_keeps_its_local_time_across_dst_in_the_calendar_zone() -> None:
    weekly = "UID:utc-series\nDTSTART:20251016T170000Z\nRRULE:FREQ=WEEKLY;COUNT=4"
    window = model.Window(date(2025, 10, 16), date(2025, 11, 6))
    body = calendar(weekly, header="X-WR-TIMEZONE:Europe/Berlin")
    hours = [o.start.astimezone(BERLIN).hour for o in run(body, window).occurrences]
    assert hours == [19, 19, 19, 19]  # 17:00 UTC before 26 October, 18:00 UTC after


def test_floating_times_are_read_in_the_calendar_zone() -> None:
    floating = "UID:floating\nDTSTART:20251125T190000\nDTEND:20251125T210000"
    body = calendar(floating, header="X-WR-TIMEZONE:Europe/Berlin")
    [occurrence] = run(body).occurrences
    assert occurrence.start == datetime(2025, 11, 25, 19, tzinfo=BERLIN)


def test_missing_text_fields_are_empty_and_missing_url_is_none() -> None:
    body = calendar("UID:bare\nDTSTART:20251125T180000Z", header="")
    [occurrence] = run(body).occurrences
    assert (occurrence.summary, occurrence.description, occurrence.location) == ("", "", "")
    assert occurrence.url is None
    assert occurrence.status is None
    assert occurrence.organizer is None
    assert occurrence.calendar_tz is None


def test_series_expands_in_its_time_zone_without_excluded_dates() -> None:
    occurrences = run(calendar(SERIES)).occurrences
    assert [o.start for o in occurrences] == [
        datetime(2025, 11, 20, 19, tzinfo=BERLIN),
        datetime(2025, 12, 4, 19, tzinfo=BERLIN),
        datetime(2025, 12, 11, 19, tzinfo=BERLIN),
        datetime(2025, 12, 18, 19, tzinfo=BERLIN),
    ]
    assert {o.tzid for o in occurrences} == {"Europe/Berlin"}


def test_moved_occurrence_replaces_the_original_one_with_its_own_time_and_zone() -> None:
    occurrences = run(calendar(SERIES, MOVED)).occurrences
    starts = [o.start for o in occurrences]
    assert datetime(2025, 12, 4, 19, tzinfo=BERLIN) not in starts
    [moved] = [o for o in occurrences if o.summary.endswith("(moved to Friday)")]
    assert moved.start == datetime(2025, 12, 5, 18, tzinfo=ZoneInfo("Europe/London"))
    assert moved.tzid == "Europe/London"


def test_override_without_its_master_still_shows() -> None:
    [occurrence] = run(calendar(MOVED)).occurrences
    assert occurrence.summary.endswith("(moved to Friday)")


def test_multi_day_event_running_at_the_window_start_is_included() -> None:
    running = "UID:conf\nDTSTART;VALUE=DATE:20251110\nDTEND;VALUE=DATE:20251122\nSUMMARY:Conf"
    over = "UID:past\nDTSTART;VALUE=DATE:20251101\nDTEND;VALUE=DATE:20251110\nSUMMARY:Past"
    occurrences = run(calendar(running, over)).occurrences
    assert [(o.uid, o.start, o.end) for o in occurrences] == [
        ("conf", date(2025, 11, 10), date(2025, 11, 22))
    ]
    assert occurrences[0].all_day


def test_margin_reaches_events_whose_utc_date_is_outside_the_window() -> None:
    # An Auckland meetup at 10:00 on Wednesday 19 November starts on the 18th in UTC.
    early = "UID:early\nDTSTART:20251118T210000Z\nDTEND:20251118T230000Z"
    assert [o.uid for o in run(calendar(early)).occurrences] == ["early"]
    assert run(calendar(early), margin_days=0).occurrences == ()


def test_broken_entries_become_problems_and_the_others_still_expand() -> None:
    bad_date = "UID:bad-date\nSUMMARY:Bad date\nDTSTART:2025112x"
    bad_rule = (
        "UID:bad-rule\nSUMMARY:Bad rule\nDTSTART:20251120T180000Z\nRRULE:FREQ=WEEKLY;BYDAY=XX"
    )
    misspelt = (  # icalendar reads it; recurring-ical-events refuses it
        "UID:misspelt\nSUMMARY:Misspelt rule\nDTSTART;TZID=Europe/Berlin:20251120T190000\n"
        "RRULE:FREQ=WEEKLY;BYDAY=TH;UNTL=20251218"
    )
    result = run(calendar(bad_date, ONE_OFF, bad_rule, misspelt))
    assert [o.uid for o in result.occurrences] == ["one@google.com"]
    assert {(p.feed, p.uid, p.summary) for p in result.problems} == {
        ("community", "bad-date", "Bad date"),
        ("community", "bad-rule", "Bad rule"),
        ("community", "misspelt", "Misspelt rule"),
    }


@pytest.mark.parametrize(
    "body",
    [b"", b"<!DOCTYPE html><html><body>Not found</body></html>", b"BEGIN:VCALENDAR\r\n"],
    ids=["empty", "html", "truncated"],
)
def test_body_that_is_not_a_calendar_is_one_problem_and_no_occurrences(body: bytes) -> None:
    result = run(body)
    assert result.occurrences == ()
    [problem] = result.problems
    assert problem.feed == "community" and problem.uid is None


def test_cancelled_status_is_passed_on_upper_cased() -> None:
    body = calendar("UID:gone\nDTSTART:20251125T180000Z\nSTATUS:cancelled")
    assert [o.status for o in run(body).occurrences] == ["CANCELLED"]


def test_fast_and_full_paths_give_the_same_occurrences() -> None:
    past = "UID:old\nDTSTART:20161120T023000Z\nDTEND:20161120T043000Z\nSUMMARY:Old"
    body = calendar(past, ONE_OFF, SERIES, MOVED)
    assert run(body).occurrences == run(body, fast=False).occurrences
    assert len(run(body).occurrences) == 5


def test_a_date_only_until_keeps_the_last_evening_of_the_series() -> None:
    series = (
        "UID:weekly\nSUMMARY:Weekly\nDTSTART;TZID=America/Los_Angeles:20251105T190000\n"
        "DTEND;TZID=America/Los_Angeles:20251105T210000\nRRULE:FREQ=WEEKLY;UNTIL=20251126"
    )
    days = [o.start.date() for o in run(calendar(series)).occurrences]
    assert days[-1] == date(2025, 11, 26)
    assert len(days) == len(set(days))


def test_far_exdates_of_a_series_are_set_aside_before_parsing_and_near_ones_kept() -> None:
    from events.stages.expand import prefilter

    series = (
        "UID:x\nSUMMARY:x\nDTSTART:20160107T190000Z\nRRULE:FREQ=WEEKLY\n"
        "EXDATE:20161229T190000Z\nEXDATE:20251127T190000Z"
    )
    far = "UID:far\nSUMMARY:far\nDTSTART:20170101T190000Z"
    body = prefilter.select(calendar(series, far), date(2025, 11, 17), date(2025, 12, 20))
    assert b"EXDATE:20161229" not in body and b"EXDATE:20251127" in body
    days = {o.start.date() for o in run(calendar(series)).occurrences}
    assert date(2025, 11, 27) not in days and date(2025, 12, 4) in days
