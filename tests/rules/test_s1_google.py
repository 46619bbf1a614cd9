"""CALENDAR.md §1: every Google entry has a public page; a feed tells its calendar id."""

from __future__ import annotations

from events.rules.google import COMMUNITY_CALENDAR_ID, calendar_id, embed_page, event_page

FEED = (
    "https://calendar.google.com/calendar/ical/apd9vmbc22egenmtu5l6c5jbfc%40group.calendar"
    ".google.com/public/basic.ics"
)


def test_the_event_page_of_an_entry_as_twir_published_it() -> None:
    # TWIR 2023-04: https://www.google.com/calendar/event?eid=MWI0bWJz…
    page = event_page("1b4mbscmje265k2d838m1obdu9@google.com", COMMUNITY_CALENDAR_ID)
    assert page == (
        "https://www.google.com/calendar/event?eid="
        "MWI0bWJzY21qZTI2NWsyZDgzOG0xb2JkdTkgYXBkOXZtYmMyMmVnZW5tdHU1bDZjNWpiZmNAZw"
    )


def test_no_page_for_an_entry_that_is_not_googles_or_of_no_known_calendar() -> None:
    assert event_page("event_1@meetup.com", COMMUNITY_CALENDAR_ID) is None
    assert event_page("x@google.com", None) is None


def test_the_calendar_id_from_the_export_url_or_the_body() -> None:
    assert calendar_id(FEED) == COMMUNITY_CALENDAR_ID
    body = b"ATTENDEE;CN=abc123xyz@group.calendar.google.com:mailto:abc123xyz@group.calendar.googl"
    assert calendar_id("saved.ics", body) == "abc123xyz@group.calendar.google.com"
    assert calendar_id("saved.ics", b"BEGIN:VCALENDAR") is None


def test_the_calendar_id_in_a_folded_attendee_line_is_read_whole() -> None:
    # Google folds at 75 octets, wherever that falls: here inside the calendar's id
    body = (
        b"ATTENDEE;CUTYPE=INDIVIDUAL;ROLE=REQ-PARTICIPANT;PARTSTAT=ACCEPTED;CN=apd9vm\r\n"
        b" bc22egenmtu5l6c5jbfc@group.calendar.google.com;X-NUM-GUESTS=0:mailto:apd9vmbc22eg\r\n"
        b" enmtu5l6c5jbfc@group.calendar.google.com\r\n"
    )
    assert calendar_id("saved.ics", body) == COMMUNITY_CALENDAR_ID


def test_the_calendar_page_people_know() -> None:
    assert embed_page(COMMUNITY_CALENDAR_ID) == (
        "https://www.google.com/calendar/embed?src="
        "apd9vmbc22egenmtu5l6c5jbfc%40group.calendar.google.com"
    )
