"""The page stage: each event reconciled field by field with its page, what changed said, and a
page that cannot be had changing nothing but costing one warning."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from datetime import UTC, date, datetime
from importlib import resources
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from events.io.http import Page
from events.model import Agenda, Event, Group, Place, Problem, ProblemKind, Window
from events.registry import Registry, RegistryGroup
from events.stages.pages import check_pages, page_urls
from events.stages.render import event_json, to_data
from tests import event_pages as pages
from tests.helpers import FEED, event

BERLIN_TZ = ZoneInfo("Europe/Berlin")
BERLIN = Place("Berlin", "DE", None, "Europe/Berlin")
SEATTLE = Place("Seattle", "US", "WA", "America/Los_Angeles")
REGISTRY = Registry(
    [
        RegistryGroup("Rust Berlin", "https://www.meetup.com/rust-berlin", BERLIN),
        RegistryGroup(
            "Seattle Rust User Group",
            "https://www.meetup.com/join-srug",
            SEATTLE,
            names=("SRUG",),
            links=("meetup.com/seattle-rust-user-group",),
        ),
        RegistryGroup("Rust NYC", "https://www.meetup.com/rust-nyc", Place("New York", "US", "NY")),
    ]
)
HACK_URL = "https://www.meetup.com/rust-berlin/events/306046642/"


def served(url: str, body: str | bytes, *, status: int = 200, final: str | None = None) -> Page:
    data = body.encode() if isinstance(body, str) else body
    return Page(url, final or url, status, data, "text/html; charset=utf-8", "fresh", None)


def jsonld(url: str, **fields: Any) -> str:
    """A minimal event page: one Event with `fields`."""
    node = {"@context": "https://schema.org", "@type": "Event", "url": url, **fields}
    return (
        f'<html><head><script type="application/ld+json">{json.dumps(node)}</script></head></html>'
    )


def timed(ev: Event, start: datetime) -> Event:
    return replace(ev, start=start, date=start.date(), end_date=start.date())


def problem(ev: Event, kind: ProblemKind, message: str = "from understand") -> Problem:
    return Problem(kind, ev.feed, message, ev.uid, ev.title)


def online_hack(**changes: Any) -> Event:
    ev = event(
        "2025-11-20",
        title="Rust Hack and Learn",
        url=HACK_URL,
        groups=(Group("Rust Berlin", "https://www.meetup.com/rust-berlin", BERLIN),),
        mode="online",
        place=BERLIN,
    )
    return replace(timed(ev, datetime(2025, 11, 20, 19, tzinfo=BERLIN_TZ)), **changes)


def kinds(problems: tuple[Problem, ...] | list[Problem]) -> list[ProblemKind]:
    return [p.kind for p in problems]


def check(ev: Event, page: Page | None, registry: Registry = REGISTRY):
    found = {ev.url: page} if page is not None and ev.url else {}
    return check_pages([ev], found, registry)


# -- nothing to change -----------------------------------------------------------------------


def test_a_page_that_agrees_changes_nothing_but_is_remembered():
    ev = online_hack()
    (out,), notes = check(ev, served(HACK_URL, pages.MEETUP_ONLINE))
    assert notes == ()
    assert out.page is not None and out.page.name == "Rust Hack and Learn"
    assert out.changed == ()
    assert replace(out, page=None) == ev


def test_events_without_their_own_page_are_not_checked():
    no_link = event(url="https://www.google.com/calendar/event?eid=abc")
    no_link = replace(no_link, problems=(problem(no_link, ProblemKind.NO_EVENT_LINK),))
    mailto = event(url="mailto:someone@example.org", uid="uid-2")
    nothing = event(url=None, uid="uid-3")
    assert page_urls([no_link, mailto, nothing]) == ()
    out, notes = check_pages([no_link, mailto, nothing], {}, REGISTRY)
    assert out == (no_link, mailto, nothing) and notes == ()


def test_each_page_is_asked_for_once():
    a, b = event(uid="a"), event(uid="b", url="https://luma.com/abc")
    c = event(uid="c")
    assert page_urls([a, b, c]) == (a.url, "https://luma.com/abc")


# -- a page that cannot be had ----------------------------------------------------------------

FAILURES = {
    "404": served(HACK_URL, pages.NOT_FOUND, status=404),
    "403": served(HACK_URL, pages.CHALLENGE, status=403),
    "sign-in": served(
        HACK_URL, pages.MEETUP_SIGN_IN, final="https://www.meetup.com/login/?returnUri=%2Fx"
    ),
    "no event data": served(HACK_URL, pages.BLOG_POST),
    "timeout": Page(HACK_URL, None, None, None, None, "failed", "timed out after 15 s"),
    "garbage": served(HACK_URL, bytes(range(256)) * 64),
    "an image": Page(HACK_URL, HACK_URL, 200, b"\x89PNG\r\n\x1a\n", "image/png", "fresh", None),
    "not http": served(HACK_URL, pages.MEETUP_ONLINE, final="ftp://example.org/x"),
    "500 with an event": served(HACK_URL, pages.MEETUP_ONLINE, status=500),
}


@pytest.mark.parametrize("name", FAILURES, ids=list(FAILURES))
def test_a_page_that_cannot_be_had_changes_nothing_and_costs_one_warning(name):
    ev = online_hack(title="Hack and Learn")  # a page that could be read would rename it
    (out,), notes = check(ev, FAILURES[name])
    assert notes == ()
    assert replace(out, problems=ev.problems) == ev
    (warning,) = out.problems
    assert warning.kind is ProblemKind.PAGE_UNAVAILABLE
    assert warning.kind.severity.value == "warning"
    assert (warning.uid, warning.summary) == (ev.uid, ev.title)
    assert HACK_URL in warning.message


def test_the_warning_says_why():
    said = {}
    for name, page in FAILURES.items():
        (out,), _ = check(online_hack(), page)
        said[name] = out.problems[-1].message
    assert "HTTP 404" in said["404"] and "HTTP 403" in said["403"]
    assert "https://www.meetup.com/login/" in said["sign-in"]
    assert "no schema.org Event" in said["no event data"]
    assert "timed out" in said["timeout"]
    assert "image/png" in said["an image"]


def test_a_page_not_fetched_is_said_too():
    (out,), _ = check_pages([online_hack()], {}, REGISTRY)
    assert kinds(out.problems) == [ProblemKind.PAGE_UNAVAILABLE]


def test_a_cached_copy_is_read_like_a_fresh_one():
    page = replace(served(HACK_URL, pages.MEETUP_ONLINE), origin="cached", error="offline")
    (out,), _ = check(online_hack(title="Hack and Learn"), page)
    assert out.title == "Rust Hack and Learn" and out.problems == ()


# -- title and status ------------------------------------------------------------------------


def test_the_pages_name_is_the_title():
    # understand took `Rust Vienna - ` for a prefix; the page names the event as published
    url = "https://www.meetup.com/rust-vienna/events/311000001/"
    ev = event(title="December | at Sentry.io", url=url, place=Place("Vienna", "AT"))
    body = jsonld(url, name="Rust Vienna - December | at Sentry.io", startDate="2025-11-20")
    (out,), notes = check(ev, served(url, body))
    assert out.title == "Rust Vienna - December | at Sentry.io"
    assert out.changed == ("title",)
    (note,) = notes
    assert note.kind is ProblemKind.PAGE_CHANGED and note.kind.severity.value == "note"
    assert "Rust Vienna - December | at Sentry.io" in note.message
    assert note.summary == "December | at Sentry.io"


@pytest.mark.parametrize("status", ["EventCancelled", "EventPostponed"])
def test_cancelled_or_postponed_on_its_page_leaves_the_event_out(status):
    other = event(uid="other", url="https://luma.com/other")
    ev = online_hack()
    body = jsonld(
        HACK_URL,
        name="Rust Hack and Learn",
        startDate="2025-11-20T19:00:00+01:00",
        eventStatus=f"https://schema.org/{status}",
    )
    out, said = check_pages([ev, other], {HACK_URL: served(HACK_URL, body)}, REGISTRY)
    assert [e.uid for e in out] == ["other"]
    (gone,) = [p for p in said if p.uid == ev.uid]
    assert gone.kind is ProblemKind.CANCELLED
    assert status.removeprefix("Event").lower() in gone.message


def test_a_title_from_the_page_settles_a_missing_title():
    ev = online_hack(title="Rust Berlin")
    ev = replace(ev, problems=(problem(ev, ProblemKind.NO_TITLE),))
    (out,), _ = check(ev, served(HACK_URL, pages.MEETUP_ONLINE))
    assert out.title == "Rust Hack and Learn" and out.problems == ()


# -- mode and place --------------------------------------------------------------------------


def test_online_on_its_page_shows_the_groups_home():
    ev = replace(online_hack(), mode="in-person", place=Place("Potsdam", "DE"))
    (out,), notes = check(ev, served(HACK_URL, pages.MEETUP_ONLINE))
    assert (out.mode, out.place) == ("online", BERLIN)
    assert out.location == "Virtual (Berlin, DE)"
    assert out.changed == ("mode",)
    assert kinds(notes) == [ProblemKind.PAGE_CHANGED]


def test_an_in_person_page_gives_an_online_entry_its_venue():
    url = "https://www.meetup.com/rust-munich/events/311502123/"
    ev = event(
        "2025-11-26",
        title="Rust Meetup #16: Christian Meusel - Oxidizing Step by Step",
        url=url,
        group="Rust Munich",
        mode="online",
        place=None,
    )
    (out,), _ = check(ev, served(url, pages.MEETUP_IN_PERSON))
    assert out.mode == "in-person"
    assert out.location == "München, DE"
    assert set(out.changed) == {"mode", "place"}


def test_a_hybrid_page():
    url = "https://2026.rustnl.org/"
    ev = event(
        "2026-05-18",
        title="RustNL 2026",
        url=url,
        group="RustNL",
        place=Place("Utrecht", "NL", None, "Europe/Amsterdam"),
        last="2026-05-20",
    )
    (out,), _ = check(ev, served(url, pages.CONFERENCE_WORDPRESS))
    assert out.mode == "hybrid" and out.location == "Hybrid (Utrecht, NL)"
    assert out.changed == ("mode",)


def test_an_in_person_page_without_a_place_cannot_take_an_online_event_offline():
    ev = online_hack()
    body = jsonld(
        HACK_URL,
        name="Rust Hack and Learn",
        startDate="2025-11-20T19:00:00+01:00",
        eventAttendanceMode="OfflineEventAttendanceMode",
    )
    (out,), _ = check(ev, served(HACK_URL, body))
    assert out.mode == "online"
    assert kinds(out.problems) == [ProblemKind.PAGE_DISAGREES]


def test_moved_online():
    url = "https://eurorust.eu/2025/"
    ev = event(
        "2025-12-09",
        title="EuroRust 2025",
        url=url,
        group="EuroRust",
        place=Place("Paris", "FR", None, "Europe/Paris"),
        last="2025-12-10",
    )
    (out,), _ = check(ev, served(url, pages.CONFERENCE_MOVED_ONLINE))
    assert out.mode == "online"
    assert "mode" in out.changed and "status" in out.changed


def test_the_page_gives_the_place_the_entry_could_not_read():
    url = "https://luma.com/pierogi4"
    ev = event("2025-12-03", title="Rust & Pierogi #4", url=url, group="Rust Kraków", place=None)
    ev = replace(ev, problems=(problem(ev, ProblemKind.PLACE_NOT_UNDERSTOOD),))
    (out,), notes = check(ev, served(url, pages.LUMA_ADDRESS_STRING))
    assert out.location == "Kraków, PL"
    assert ProblemKind.PLACE_NOT_UNDERSTOOD not in kinds(out.problems)
    assert out.changed == ("place",)
    assert any("Kraków, PL" in n.message for n in notes)


def test_the_pages_place_beats_the_groups_home_shown_for_an_unread_venue():
    url = "https://luma.com/q7x2m1ab"
    home = Place("Brooklyn", "US", "NY", "America/New_York")
    ev = event(
        "2025-11-20",
        title="Rust NYC: Async Rust in Production",
        url=url,
        groups=(Group("Rust NYC", "https://www.meetup.com/rust-nyc", home),),
        place=home,
    )
    ev = replace(ev, problems=(problem(ev, ProblemKind.PLACE_NOT_UNDERSTOOD),))
    (out,), _ = check(ev, served(url, pages.LUMA_IN_PERSON))
    assert out.location == "New York, NY, US"
    assert out.problems == ()


def test_a_place_that_contradicts_the_entry_is_reported_and_the_page_used():
    url = "https://www.meetup.com/rust-munich/events/311502123/"
    ev = event(
        "2025-11-26",
        title="Rust Meetup #16: Christian Meusel - Oxidizing Step by Step",
        url=url,
        group="Rust Munich",
        place=Place("Augsburg", "DE", None, "Europe/Berlin"),
    )
    (out,), notes = check(ev, served(url, pages.MEETUP_IN_PERSON))
    assert out.location == "München, DE"
    (warning,) = out.problems
    assert warning.kind is ProblemKind.PAGE_DISAGREES
    assert "München, DE" in warning.message and "Augsburg, DE" in warning.message
    assert out.changed == ("place",) and notes == ()


@pytest.mark.parametrize("written", ["Munich", "munich", "MÜNCHEN", "München"])
def test_the_same_city_otherwise_written_is_no_contradiction(written):
    url = "https://www.meetup.com/rust-munich/events/311502123/"
    ev = event(
        "2025-11-26",
        title="Rust Meetup #16: Christian Meusel - Oxidizing Step by Step",
        url=url,
        group="Rust Munich",
        place=Place(written, "DE", None, "Europe/Berlin"),
    )
    (out,), notes = check(ev, served(url, pages.MEETUP_IN_PERSON))
    assert out.place == ev.place and out.changed == () and out.problems == ()


def test_a_state_the_page_only_guesses_never_contradicts_the_entrys():
    url = "https://luma.com/portland"
    address = {"@type": "PostalAddress", "addressLocality": "Portland", "addressCountry": "US"}
    body = jsonld(
        url,
        name="Rust PDX",
        startDate="2025-11-20",
        location={"@type": "Place", "address": address},
    )
    maine = Place("Portland", "US", "ME", "America/New_York")
    ev = event(title="Rust PDX", url=url, group="Rust Maine", place=maine)
    (out,), _ = check(ev, served(url, body))
    assert out.place == maine and out.problems == ()


def test_the_page_adds_a_missing_state():
    url = "https://www.eventbrite.com/e/intro-to-rust-workshop-tickets-1234567890"
    ev = event(
        "2025-11-20",
        title="Intro to Rust Workshop",
        url=url,
        group="Seattle Rust User Group",
        place=Place("Seattle", "US"),
    )
    (out,), _ = check(ev, served(url, pages.EVENTBRITE))
    assert out.location == "Seattle, WA, US"


# -- the group -------------------------------------------------------------------------------


def _no_group(url: str, **changes: Any) -> Event:
    calendar = Group("Rust Community", "https://www.google.com/calendar/embed?src=x")
    ev = event(url=url, groups=(calendar,), **changes)
    return replace(ev, problems=(problem(ev, ProblemKind.NO_GROUP),))


def test_a_known_organiser_keeps_twirs_naming():
    # the page calls it by its Eventbrite name and link; the registry knows it by its name
    url = "https://www.eventbrite.com/e/intro-to-rust-workshop-tickets-1234567890"
    ev = _no_group(url, title="Intro to Rust Workshop", place=SEATTLE)
    (out,), notes = check(ev, served(url, pages.EVENTBRITE))
    assert out.groups == (
        Group("Seattle Rust User Group", "https://www.meetup.com/join-srug", SEATTLE),
    )
    assert out.problems == ()
    assert out.changed == ("group",)
    assert any("Seattle Rust User Group" in n.message for n in notes)


def test_a_known_organiser_found_by_its_link():
    url = "https://www.meetup.com/seattle-rust-user-group/events/311351673/"
    organizer = {
        "@type": "Organization",
        "name": "SRUG - Seattle Rust User Group Meetup",
        "url": "https://www.meetup.com/seattle-rust-user-group/",
    }
    body = jsonld(
        url,
        name="November, 2025 SRUG Meetup",
        startDate="2025-11-20T18:30:00-08:00",
        organizer=organizer,
    )
    ev = _no_group(url, title="November, 2025 SRUG Meetup", place=SEATTLE)
    (out,), _ = check(ev, served(url, body))
    assert out.group == Group(
        "Seattle Rust User Group", "https://www.meetup.com/join-srug", SEATTLE
    )


def test_a_new_group_is_named_as_its_page_names_it():
    url = "https://luma.com/q7x2m1ab"
    ev = _no_group(
        url,
        title="Rust NYC: Async Rust in Production",
        place=Place("New York", "US", "NY", "America/New_York"),
    )
    registry = Registry([])  # nobody knows Rust NYC
    (out,), _ = check(ev, served(url, pages.LUMA_IN_PERSON), registry)
    assert (out.group.name, out.group.url) == ("Rust NYC", "https://luma.com/rust-nyc")
    assert kinds(out.problems) == [ProblemKind.GROUP_UNKNOWN]


def test_a_guessed_group_is_replaced_by_the_organiser():
    url = "https://www.meetup.com/rust-munich/events/311502123/"
    ev = event(
        "2025-11-26",
        title="Rust Meetup #16: Christian Meusel - Oxidizing Step by Step",
        url=url,
        group="Rust Munich Meetup Group",
        group_url=None,
        place=Place("München", "DE", None, "Europe/Berlin"),
    )
    ev = replace(
        ev,
        problems=(
            problem(ev, ProblemKind.GROUP_GUESSED),
            problem(ev, ProblemKind.GROUP_UNKNOWN),
            problem(ev, ProblemKind.NO_GROUP_LINK),
        ),
    )
    (out,), _ = check(ev, served(url, pages.MEETUP_IN_PERSON), Registry([]))
    assert (out.group.name, out.group.url) == ("Rust Munich", "https://www.meetup.com/rust-munich/")
    assert kinds(out.problems) == [ProblemKind.GROUP_UNKNOWN]  # still not in the registry


def test_a_group_the_entry_names_is_kept_whatever_the_organiser():
    ev = online_hack()
    body = pages.MEETUP_ONLINE.replace('"name":"Rust Berlin"', '"name":"Berlin Rustaceans"')
    (out,), notes = check(ev, served(HACK_URL, body))
    assert out.groups == ev.groups and notes == ()


def test_a_person_names_the_group_only_when_no_organisation_does():
    url = "https://luma.com/q7x2m1ab"
    ev = _no_group(
        url,
        title="Rust NYC: Async Rust in Production",
        place=Place("New York", "US", "NY", "America/New_York"),
    )
    (out,), _ = check(ev, served(url, pages.LUMA_IN_PERSON))
    assert out.group.name == "Rust NYC"  # the Organization, not Jane Host


def _hosted_by(*organizers: dict[str, str]) -> str:
    return jsonld(
        HACK_URL,
        name="Rust Hack and Learn",
        startDate="2025-11-20T19:00:00+01:00",
        eventAttendanceMode="https://schema.org/OnlineEventAttendanceMode",
        organizer=list(organizers),
    )


BERLIN_ORG = {
    "@type": "Organization",
    "name": "Rust Berlin",
    "url": "https://meetup.com/rust-berlin",
}
SRUG_AS_PERSON = {"@type": "Person", "name": "SRUG", "url": "https://example.org/srug"}


def test_a_known_group_organising_beside_the_entrys_is_its_co_host():
    (out,), notes = check(online_hack(), served(HACK_URL, _hosted_by(BERLIN_ORG, SRUG_AS_PERSON)))
    assert [g.name for g in out.groups] == ["Rust Berlin", "Seattle Rust User Group"]
    assert out.changed == ("group",)
    assert [n.kind for n in notes] == [ProblemKind.PAGE_CHANGED]
    assert "co-host 'Seattle Rust User Group'" in notes[0].message


@pytest.mark.parametrize(
    "organizers",
    [
        # people and names the registry does not know are no groups
        (BERLIN_ORG, {"@type": "Person", "name": "Jane Host", "url": "https://x.example/jane"}),
        # a page that does not name the entry's own group says nothing of its co-hosts
        (SRUG_AS_PERSON, {"@type": "Organization", "name": "Rust NYC"}),
        (BERLIN_ORG,),
    ],
)
def test_no_co_host_without_a_known_group_beside_the_entrys_own(organizers):
    ev = online_hack()
    (out,), notes = check(ev, served(HACK_URL, _hosted_by(*organizers)))
    assert out.groups == ev.groups and notes == ()


# -- the date --------------------------------------------------------------------------------


def test_a_different_start_date_is_reported_and_the_pages_used():
    ev = online_hack()
    body = pages.MEETUP_ONLINE.replace("2025-11-20T19:00:00+01:00", "2025-11-27T19:00:00+01:00")
    body = body.replace("2025-11-20T21:00:00+01:00", "2025-11-27T21:00:00+01:00")
    (out,), _ = check(ev, served(HACK_URL, body))
    assert (out.date, out.end_date) == (date(2025, 11, 27), date(2025, 11, 27))
    assert out.start == datetime(2025, 11, 27, 19, tzinfo=BERLIN_TZ)
    assert out.changed == ("date",)
    (warning,) = out.problems
    assert warning.kind is ProblemKind.PAGE_DISAGREES
    assert "2025-11-27" in warning.message and "2025-11-20" in warning.message


def test_a_utc_start_is_dated_where_the_event_happens():
    # 23:00 UTC on the 20th is 18:00 in New York: the same day as the calendar's
    url = "https://luma.com/q7x2m1ab"
    ny = ZoneInfo("America/New_York")
    ev = timed(
        event(
            title="Rust NYC: Async Rust in Production",
            url=url,
            group="Rust NYC",
            place=Place("New York", "US", "NY", "America/New_York"),
        ),
        datetime(2025, 11, 20, 18, tzinfo=ny),
    )
    (out,), _ = check(ev, served(url, pages.LUMA_IN_PERSON))
    assert out.date == date(2025, 11, 20) and out.changed == ()


def test_the_pages_own_offset_gives_the_local_date():
    # the calendar only knew UTC (Wednesday 02:00); the page writes Tuesday 18:00 in Seattle
    url = "https://www.meetup.com/seattle-rust-user-group/events/311351673/"
    ev = timed(
        event(title="Meetup", url=url, group="Seattle Rust User Group", place=None, mode="online"),
        datetime(2025, 11, 19, 2, tzinfo=UTC),
    )
    ev = replace(ev, problems=(problem(ev, ProblemKind.NO_TIME_ZONE),))
    body = jsonld(
        url,
        name="Meetup",
        startDate="2025-11-18T18:00:00-08:00",
        eventAttendanceMode="OnlineEventAttendanceMode",
    )
    (out,), _ = check(ev, served(url, body), Registry([]))
    assert out.date == date(2025, 11, 18)
    assert ProblemKind.NO_TIME_ZONE not in kinds(out.problems)


def test_a_multi_day_event_takes_the_pages_last_day():
    url = "https://2026.rustnl.org/"
    ev = event(
        "2026-05-18",
        title="RustNL 2026",
        url=url,
        group="RustNL",
        mode="hybrid",
        place=Place("Utrecht", "NL", None, "Europe/Amsterdam"),
    )
    (out,), _ = check(ev, served(url, pages.CONFERENCE_WORDPRESS))
    assert (out.date, out.end_date) == (date(2026, 5, 18), date(2026, 5, 20))
    assert out.changed == ("date",)


def test_a_page_far_from_the_entrys_date_is_another_occurrences():
    # a monthly series linking last month's event: its page may not move or cancel this one
    ev = _no_group(HACK_URL, title="Rust Hack and Learn", place=BERLIN)
    ev = replace(timed(ev, datetime(2025, 12, 18, 19, tzinfo=BERLIN_TZ)), mode="online")
    body = pages.MEETUP_ONLINE.replace("EventScheduled", "EventCancelled")
    (out,), _ = check(ev, served(HACK_URL, body))
    assert out.date == date(2025, 12, 18)
    assert out.group.name == "Rust Berlin"  # the organiser still names the group
    assert out.changed == ("group",)
    assert kinds(out.problems) == [ProblemKind.PAGE_DISAGREES]


def test_occurrences_of_a_series_sharing_a_page_take_it_on_its_day_only():
    weeks = [
        timed(online_hack(title="Hack & Learn"), datetime(2025, 11, day, 19, tzinfo=BERLIN_TZ))
        for day in (13, 20, 27)
    ]
    body = pages.MEETUP_ONLINE
    out, _ = check_pages(weeks, {HACK_URL: served(HACK_URL, body)}, REGISTRY)
    assert [(e.date.day, e.title) for e in out] == [
        (13, "Hack & Learn"),
        (20, "Rust Hack and Learn"),
        (27, "Hack & Learn"),
    ]
    assert all(e.problems == () for e in out)  # nothing to warn about: a series shares links


def test_a_page_moved_on_purpose_moves_the_event_however_far():
    ev = online_hack()
    body = pages.MEETUP_ONLINE.replace("2025-11-20T19:00", "2026-01-15T19:00")
    body = body.replace("EventScheduled", "EventRescheduled")
    (out,), _ = check(ev, served(HACK_URL, body))
    assert out.date == date(2026, 1, 15)
    assert set(out.changed) == {"date", "status"}


# -- output ----------------------------------------------------------------------------------


def test_the_json_carries_what_the_page_said_and_what_it_changed():
    jsonschema = pytest.importorskip("jsonschema")
    url = "https://www.meetup.com/rust-munich/events/311502123/"
    ev = event(
        "2025-11-26",
        title="Oxidizing Step by Step",
        url=url,
        group="Rust Munich",
        mode="online",
        place=None,
    )
    (out,), _ = check(ev, served(url, pages.MEETUP_IN_PERSON))
    data = event_json(out)
    assert data["page"]["name"] == "Rust Meetup #16: Christian Meusel - Oxidizing Step by Step"
    assert data["page"]["place"]["display"] == "München, DE"
    assert data["page"]["organizers"] == [
        {"name": "Rust Munich", "url": "https://www.meetup.com/rust-munich/"}
    ]
    assert set(data["changed"]) == {"title", "mode", "place"}
    schema = json.loads(resources.files("events").joinpath("data", "event.schema.json").read_text())
    agenda = Agenda(Window(date(2025, 11, 19), date(2025, 12, 17)), (), (out,))
    jsonschema.validate(to_data(agenda), schema)


def test_page_text_reaches_the_block_neutralised():
    from events.rules.block import listing

    url = "https://luma.com/evil"
    name = "Pwned](https://evil.example) **x** \x1b[2J\nsecond line"
    organizer = {"@type": "Organization", "name": "Evil [Group", "url": "javascript:alert(1)"}
    body = jsonld(url, name=name, startDate="2025-11-20", organizer=organizer)
    ev = _no_group(url, title="Something", place=BERLIN)
    (out,), notes = check(ev, served(url, body), Registry([]))
    line = listing(out)
    assert "\x1b" not in line and line.count("\n") == 2
    assert not re.search(r"(?<!\\)\]\(https://evil", line) and "javascript:" not in line
    assert r"\*\*x\*\*" in line and r"Evil \[Group" in line
    assert all("\x1b" not in n.message for n in notes)


def test_feed_names_the_problems():
    (out,), _ = check(online_hack(), FAILURES["404"])
    assert out.problems[0].feed == FEED.name


def test_a_later_series_sharing_the_link_keeps_its_day():
    # "this and following" split a weekly series: both halves link the first occurrence's page
    first = online_hack(uid="weekly")
    later = timed(
        online_hack(uid="weekly_R20251204T180000"), datetime(2025, 12, 4, 19, tzinfo=BERLIN_TZ)
    )
    out, _ = check_pages(
        [first, later], {HACK_URL: served(HACK_URL, pages.MEETUP_ONLINE)}, REGISTRY
    )
    assert [e.date for e in out] == [date(2025, 11, 20), date(2025, 12, 4)]
    assert out[0].page is not None and out[1].changed == ()


def test_days_of_a_conference_entered_one_by_one_take_the_pages_days():
    url = "https://2026.rustnl.org/"
    days = [
        event(
            f"2026-05-{day}",
            title="RustNL 2026",
            url=url,
            group="RustNL",
            mode="hybrid",
            uid=f"day{day}",
            place=Place("Utrecht", "NL", None, "Europe/Amsterdam"),
        )
        for day in (18, 19, 20)
    ]
    out, _ = check_pages(days, {url: served(url, pages.CONFERENCE_WORDPRESS)}, REGISTRY)
    assert {(e.date, e.end_date) for e in out} == {(date(2026, 5, 18), date(2026, 5, 20))}
