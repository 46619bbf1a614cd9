"""The window, cancellations and duplicates."""

from __future__ import annotations

from datetime import date

from events.model import Window
from events.stages.select import select

from .helpers import event

WINDOW = Window.of_weeks(date(2025, 11, 19), 4)


def test_both_ends_of_the_window_are_inclusive():
    kept = select(
        [
            event("2025-11-18", uid="before"),
            event("2025-11-19", uid="first"),
            event("2025-12-17", uid="last"),
            event("2025-12-18", uid="after"),
        ],
        WINDOW,
    )
    assert [e.uid for e in kept.events] == ["first", "last"]


def test_a_multi_day_event_still_running_on_the_first_day_stays():
    kept = select([event("2025-11-17", last="2025-11-19")], WINDOW)
    assert len(kept.events) == 1


def test_cancelled_events_are_left_out_and_reported():
    kept = select([event(cancelled=True, title="Meetup")], WINDOW)
    assert kept.events == ()
    assert "cancelled" in kept.problems[0].message


def test_the_same_event_link_on_the_same_day_is_listed_once():
    kept = select(
        [event(uid="a"), event(uid="b", url="https://www.meetup.com/rust-x/events/1")], WINDOW
    )
    assert len(kept.events) == 1


def test_the_same_link_on_another_day_is_another_listing():
    kept = select([event("2025-11-20"), event("2025-11-27", uid="b")], WINDOW)
    assert len(kept.events) == 2


def test_the_same_uid_from_two_feeds_is_listed_once():
    kept = select([event(uid="x", url=None), event(uid="x", url="https://luma.com/abc")], WINDOW)
    assert len(kept.events) == 1


def test_two_events_without_links_on_one_day_are_two_listings():
    kept = select(
        [event(uid="a", url=None, title="A"), event(uid="b", url=None, title="B")], WINDOW
    )
    assert len(kept.events) == 2


def test_two_sessions_one_feed_links_to_its_group_page_are_two_listings():
    """One calendar, one day, one link (the group's page), two titles at two times: two events
    (a group's office hours and its game jam), not one entered twice."""
    from dataclasses import replace
    from datetime import UTC, datetime

    page = "https://lu.ma/seattle-rust-study-group"
    hours = replace(
        event(uid="a", title="Rust Office Hours", url=page),
        start=datetime(2025, 11, 21, 17, tzinfo=UTC),
    )
    jam = replace(
        event(uid="b", title="Bevy Game Jam Sync", url=page),
        start=datetime(2025, 11, 21, 19, tzinfo=UTC),
    )
    again = replace(hours, uid="c", title="Rust Office Hours #12")  # entered twice
    moved = replace(jam, uid="d", title="Game Jam", start=hours.start)  # the same start
    assert [e.uid for e in select([hours, jam], WINDOW).events] == ["a", "b"]
    assert [e.uid for e in select([hours, again], WINDOW).events] == ["a"]
    assert [e.uid for e in select([hours, moved], WINDOW).events] == ["a"]
