"""The test-feed generator: Google-shaped bytes, honest content, right dates by construction."""

from __future__ import annotations

import re
from collections import Counter
from datetime import date, datetime, timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

import icalendar
import pytest
import recurring_ical_events
from hypothesis import given, settings
from hypothesis import strategies as st

from events.rules.places import display
from tests.feedgen import build_feed, expected_listings, feed_from_block
from tests.feedgen.block import parse
from tests.feedgen.google import fold

SHARED = Path(__file__).resolve().parents[2] / "shared"
FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "rust-community-calendar.ics"
START = date(2026, 3, 4)

# A current-style block written for these tests: a hybrid Seattle Tuesday evening, a weekly
# online series, two groups on one line, a multi-day event, and a line no feed can express.
BLOCK = """Rusty Events between 2026-03-04 - 2026-04-01 🦀

### Virtual
* 2026-03-05 | Virtual (Berlin, DE) | [Rust Berlin](https://www.meetup.com/rust-berlin)
    * [**Rust Hack and Learn**](https://www.meetup.com/rust-berlin/events/400000001/)
* 2026-03-10 | Hybrid (Seattle, WA, US) | [Seattle Rust User Group](https://www.meetup.com/join-srug)
    * [**März Meetup: Ünïcödé ☕ and Rust 🦀 — a very long title that has to be folded**](https://www.meetup.com/seattle-rust-user-group/events/400000002/)
* 2026-03-11 | Virtual (Girona, ES) | [Rust Girona](https://lu.ma/rust-girona) | [Silicon Girona](https://silicongirona.github.io)
    * [**Sessió setmanal de codificació / Weekly coding session**](https://luma.com/abcd1234)
* 2026-03-12 | Virtual (Berlin, DE) | [Rust Berlin](https://www.meetup.com/rust-berlin)
    * [**Rust Hack and Learn**](https://www.meetup.com/rust-berlin/events/400000003/)
* 2026-03-19 | Virtual (Berlin, DE) | [Rust Berlin](https://www.meetup.com/rust-berlin)
    * [**Rust Hack and Learn**](https://www.meetup.com/rust-berlin/events/400000004/)
* 2026-03-24 | Virtual | [Rust Foundation](https://rustfoundation.org)
    * [**Community Call**](https://rustfoundation.org/events/community-call/)

### Europe
* 2026-03-18 - 2026-03-20 | Utrecht, NL | [RustWeek](https://rustweek.org)
    * [**RustWeek 2026**](https://rustweek.org/2026/)
* 2026-03-25 | München, DE | [Rust Munich](https://www.meetup.com/rust-munich)
    * [**Rust Munich 2026 / 1**](https://www.meetup.com/rust-munich/events/400000005/) | [**Mirror**](https://www.meetup.com/rust-munich/events/400000006/)

### North America
* 2026-03-10 | Hybrid (Seattle, WA, US) | [Seattle Rust User Group](https://www.meetup.com/join-srug)
    * [**März Meetup: Ünïcödé ☕ and Rust 🦀 — a very long title that has to be folded**](https://www.meetup.com/seattle-rust-user-group/events/400000002/)
* 2026-03-17 | Spokane, WA, US | [Spokane Rust](https://www.meetup.com/spokane-rust)
    * [**Monthly Rust Meetup**](https://www.meetup.com/spokane-rust/events/400000007/)

### Oceania
* 2026-03-26 | Brisbane City, QLD, AU | [Rust Brisbane](https://www.meetup.com/rust-brisbane)
    * [**Rust Meetup Mar 2026**](https://www.meetup.com/rust-brisbane/events/400000008/)

"""
SEEDS = range(8)
MEETING = re.compile(
    r"zoom\.us|meet\.jit\.si|meet\.google\.com|teams\.microsoft|discord\.gg|youtube"
)
LINK = re.compile(r"https?://[^\s<>\"]+")


def unfolded(ics: bytes) -> str:
    return ics.decode("utf-8").replace("\r\n ", "")


def event_link(component) -> str | None:
    """The event link as CALENDAR.md defines it: URL, else the first non-meeting link."""
    if component.get("URL"):
        return str(component.get("URL"))
    for link in LINK.findall(str(component.get("DESCRIPTION", "")).replace("&amp;", "&")):
        if link.startswith("https://www.google.com/url?"):
            link = parse_qs(urlsplit(link).query)["q"][0]
        if not MEETING.search(link):
            return link
    return None


def _next_day(day: bytes) -> bytes:
    following = datetime.strptime(day.decode(), "%Y%m%d") + timedelta(days=1)
    return following.strftime("%Y%m%dT235959Z").encode()


def in_window_listings(ics: bytes, zones: dict[str, str], start: date, end: date) -> Counter:
    """(event link, first day, last day) of every entry a correct reader would list."""
    # Google's bare-date UNTIL means "through that day" wherever the series is; a UTC end a day
    # later says the same for every zone, since occurrences are a week or more apart.
    text = re.sub(rb"UNTIL=(\d{8})(?=[;\r])", lambda m: b"UNTIL=" + _next_day(m.group(1)), ics)
    calendar = icalendar.Calendar.from_ical(text)
    found: Counter = Counter()
    span = (start - timedelta(days=2), end + timedelta(days=3))
    for occurrence in recurring_ical_events.of(calendar).between(*span):
        summary = str(occurrence.get("SUMMARY"))
        if occurrence.get("STATUS") == "CANCELLED" or re.match(r"(?i)\[?cancel", summary):
            continue
        first = occurrence.get("DTSTART").dt
        if isinstance(first, datetime):
            zone = ZoneInfo(zones[str(occurrence.get("UID"))])
            first = last = first.astimezone(zone).date()
        else:
            last = occurrence.get("DTEND").dt - timedelta(days=1)
        if first <= end and last >= start:
            found[(event_link(occurrence), first, last)] += 1
    return found


def test_feed_is_a_google_export_that_icalendar_reads():
    ics = feed_from_block(BLOCK, seed=1, start=START)
    calendar = icalendar.Calendar.from_ical(ics)
    assert calendar.get("PRODID") == "-//Google Inc//Google Calendar 70.9054//EN"
    assert calendar.get("X-WR-TIMEZONE") and calendar.get("X-WR-CALNAME")
    zones = {str(tz.get("TZID")) for tz in calendar.walk("VTIMEZONE")}
    used = {
        p.params["TZID"]
        for e in calendar.walk("VEVENT")
        for p in [e.get("DTSTART")]
        if "TZID" in p.params
    }
    assert used <= zones
    assert all(str(e.get("UID")).endswith("@google.com") for e in calendar.walk("VEVENT"))


@pytest.mark.parametrize("seed", SEEDS)
def test_lines_are_crlf_and_folded_at_75_octets_without_splitting_characters(seed):
    ics = feed_from_block(BLOCK, seed=seed, start=START)
    assert ics.endswith(b"\r\n") and b"\n" not in ics.replace(b"\r\n", b"")
    for line in ics.split(b"\r\n")[:-1]:
        assert len(line) <= 75
        line.decode("utf-8")  # a split character would not decode on its own
    assert "Ünïcödé ☕ and Rust 🦀" in unfolded(ics)


@settings(max_examples=60, deadline=None)
@given(st.text(min_size=0, max_size=300))
def test_folding_round_trips_any_text(text):
    text = text.replace("\r", "").replace("\n", "")
    folded = fold("DESCRIPTION:" + text)
    pieces = folded.split(b"\r\n")[:-1]
    assert all(len(piece) <= 75 for piece in pieces)
    assert all(piece.startswith(b" ") for piece in pieces[1:])
    assert b"".join([pieces[0]] + [p[1:] for p in pieces[1:]]).decode() == "DESCRIPTION:" + text


def test_seattle_tuesday_evening_arrives_on_the_next_utc_day():
    written_in_utc = 0
    for seed in range(12):
        calendar = icalendar.Calendar.from_ical(feed_from_block(BLOCK, seed=seed, start=START))
        for event in calendar.walk("VEVENT"):
            link = event_link(event)
            if link != "https://www.meetup.com/seattle-rust-user-group/events/400000002/":
                continue
            if event.get("RRULE"):
                continue  # a series that began months ago; its dates are checked elsewhere
            moment = event.get("DTSTART").dt
            local = moment.astimezone(ZoneInfo("America/Los_Angeles"))
            assert local.date() == date(2026, 3, 10) and local.hour >= 17
            if "TZID" not in event.get("DTSTART").params:  # a one-off, written in UTC
                written_in_utc += 1
                assert moment.date() == date(2026, 3, 11)
    assert written_in_utc


def test_the_same_seed_gives_the_same_bytes():
    assert feed_from_block(BLOCK, seed=7, start=START) == feed_from_block(
        BLOCK, seed=7, start=START
    )


def shapes(ics: bytes) -> set[str]:
    text = unfolded(ics)
    marks = {
        "weekly series": "RRULE:FREQ=WEEKLY",
        "monthly series": "RRULE:FREQ=MONTHLY",
        "until": ";UNTIL=",
        "exdate": "\nEXDATE;TZID=",
        "edited occurrence": "\nRECURRENCE-ID;TZID=",
        "all-day": "DTSTART;VALUE=DATE:",
        "utc one-off": "\r\nDTSTART:",
        "google redirect": "https://www.google.com/url?q=",
        "html anchor": "<a href=",
        "url property": "\r\nURL:",
        "online location": "LOCATION:Online",
        "cancelled": "STATUS:CANCELLED",
        "cancelled prefix": "SUMMARY:CANCELLED: ",
        "group prefix": "SUMMARY:Rust Berlin: ",
        "bracket prefix": "SUMMARY:[",
        "hosted by": "Hosted by",
        "attendee noise": "ATTENDEE;",
        "this and following": "_R20",
    }
    return {name for name, mark in marks.items() if mark in text}


def test_different_seeds_give_different_shapes():
    seen = [shapes(feed_from_block(BLOCK, seed=seed, start=START)) for seed in range(16)]
    assert len({frozenset(s) for s in seen}) > 4
    everything = set().union(*seen)
    assert everything >= {
        "weekly series",
        "monthly series",
        "until",
        "exdate",
        "edited occurrence",
        "all-day",
        "utc one-off",
        "google redirect",
        "html anchor",
        "url property",
        "online location",
        "cancelled prefix",
        "group prefix",
        "bracket prefix",
        "hosted by",
        "attendee noise",
    }


@pytest.mark.parametrize("seed", SEEDS)
def test_every_listing_occurs_once_on_its_local_day_and_nothing_else_in_the_window(seed):
    generated = build_feed(BLOCK, seed=seed, start=START)
    found = in_window_listings(generated.ics, generated.zones, START, date(2026, 4, 1))
    wanted = {(x.url, x.date, x.end_date) for x in generated.listings}
    assert set(found) == wanted
    assert sum(found.values()) - len(wanted) <= 2  # one or two entries typed in twice


def test_two_groups_on_one_line_name_the_second_in_the_description():
    for seed in SEEDS:
        text = unfolded(feed_from_block(BLOCK, seed=seed, start=START)).replace("\\,", ",")
        assert "Co-hosted with" in text and "Silicon Girona" in text
        assert "silicongirona.github.io" in text


@pytest.mark.parametrize("seed", SEEDS)
def test_the_feed_holds_what_people_type_not_the_published_answer(seed):
    ics = feed_from_block(BLOCK, seed=seed, start=START)
    text = unfolded(ics)
    for published in ("Virtual (", "Hybrid (", "](", "[**", "Rusty Events", "### "):
        assert published not in text
    calendar = icalendar.Calendar.from_ical(ics)
    for event in calendar.walk("VEVENT"):
        location = str(event.get("LOCATION", ""))
        if event_link(event) == "https://www.meetup.com/rust-berlin/events/400000003/":
            assert "Berlin, DE" not in location or location.startswith("Online (")


def test_listings_no_entry_can_express_are_reported_and_left_out():
    generated = build_feed(BLOCK, seed=3, start=START)
    assert [(x.title, x.problem) for x in generated.excluded] == [
        ("Rust Munich 2026 / 1", "several titles on one line")
    ]
    assert b"400000005" not in generated.ics


def test_a_multi_day_event_is_all_day_with_an_exclusive_end():
    calendar = icalendar.Calendar.from_ical(feed_from_block(BLOCK, seed=2, start=START))
    (event,) = [e for e in calendar.walk("VEVENT") if event_link(e) == "https://rustweek.org/2026/"]
    assert event.get("DTSTART").dt == date(2026, 3, 18)
    assert event.get("DTEND").dt == date(2026, 3, 21)


def render(listings, section: str) -> list[str]:
    lines = []
    for x in listings:
        if section in x.sections:
            when = f"{x.date}" if x.date == x.end_date else f"{x.date} - {x.end_date}"
            groups = " | ".join(f"[{name}]({url})" for name, url in x.groups)
            titles = " | ".join(f"[**{title}**]({url})" for title, url in x.titles)
            lines += [f"* {when} | {x.location} | {groups}", f"    * {titles}"]
    return lines


def test_expected_listings_are_the_block_itself():
    listings = parse(BLOCK)
    for section in ("Virtual", "Europe", "North America", "Oceania"):
        published = BLOCK.split(f"### {section}\n")[1].split("\n\n")[0].splitlines()
        assert render(listings, section) == published
    assert len(expected_listings(BLOCK)) == len(listings) - 1


def test_older_styles_are_read_leniently():
    old = (
        "Rusty Events between 2023-02-01 - 2023-03-01 🦀\n\n### Europe:\n\n"
        "* 2023-02-16, 2023-02-17 | London, UK | [Rust Nation UK](https://www.rustnationuk.com/)\n"
        "    * [**Rust Nation '23**](https://www.rustnationuk.com/)\n\n"
        "### North America:\n\n"
        "* 2023-02-21 | Virtual and In-Person (Seattle, WA, US) | [A](https://a.example) + "
        "[B](https://b.example)\n    * [**Talk**]https://a.example/events/1)\n"
    )
    nation, talk = parse(old)
    assert (nation.date, nation.end_date, nation.sections) == (
        date(2023, 2, 16),
        date(2023, 2, 17),
        ("Europe",),
    )
    assert (talk.mode, display(talk.place), len(talk.groups)) == ("hybrid", "Seattle, WA, US", 2)
    assert talk.url == "https://a.example/events/1" and talk.problem is None


@pytest.mark.skipif(not (SHARED / "twir" / "sections").is_dir(), reason="../shared not present")
@pytest.mark.parametrize("week", ["2023-06-07", "2024-09-25", "2025-11-19"])
def test_published_weeks_round_trip_by_construction(week):
    text = (SHARED / "twir" / "sections" / f"{week}.md").read_text(encoding="utf-8")
    start = date.fromisoformat(week)
    generated = build_feed(text, seed=int(week.replace("-", "")), start=start)
    found = in_window_listings(generated.ics, generated.zones, start, start + timedelta(days=28))
    wanted = {
        (x.url, x.date, x.end_date)
        for x in generated.listings
        if x.end_date >= start and x.date <= start + timedelta(days=28)
    }
    assert set(found) == wanted


def fixture_events() -> list[str]:
    return re.findall(r"BEGIN:VEVENT\r\n(.*?)END:VEVENT", unfolded(FIXTURE.read_bytes()), re.S)


def test_fixture_is_a_folded_google_export_without_the_answer_in_it():
    ics = FIXTURE.read_bytes()
    assert ics.startswith(b"BEGIN:VCALENDAR\r\nPRODID:-//Google Inc//Google Calendar 70.9054//EN")
    assert all(len(line) <= 75 for line in ics.split(b"\r\n"))
    assert b"\n" not in ics.replace(b"\r\n", b"")
    text = unfolded(ics)
    for published in ("Virtual (", "Hybrid (", "](", "[**", "Leipzig\\, SN"):
        assert published not in text
    assert len(icalendar.Calendar.from_ical(ics).walk("VEVENT")) == len(fixture_events())


def test_fixture_holds_the_shapes_the_core_issue_asks_for():
    events = fixture_events()
    text = "\n".join(events)
    locations = re.findall(r"^LOCATION:(.*)$", text, re.M)
    address_styles = {
        "US": r", [A-Z]{2} \d{5}",
        "AU": r" (?:NSW|QLD|VIC|WA|ACT) \d{4}",
        "UK": r" [A-Z]{1,2}\d{1,2} \d[A-Z]{2}",
        "postcode before city": r", \d{4,5} [A-ZÄÖÜ][a-zäöüé]",
        "CA": r" [A-Z]\d[A-Z] \d[A-Z]\d",
    }
    starts = Counter(
        (re.search(r"^DTSTART:(\S+)", e, re.M).group(1), event_link_text(e))
        for e in events
        if re.search(r"^DTSTART:", e, re.M) and "RECURRENCE-ID" not in e
    )
    assert re.search(r"^DTSTART:2025112\dT\d{6}Z", text, re.M)  # one-off in UTC
    assert any("DTSTART;TZID=" in e and "RRULE:FREQ=WEEKLY" in e for e in events)
    assert any("DTSTART;TZID=" in e and "RRULE:FREQ=MONTHLY" in e for e in events)
    assert "\nEXDATE;TZID=" in text and "\nRECURRENCE-ID;TZID=" in text
    assert any(multi_day(e) for e in events)
    assert '<a href="https://www.google.com/url?q=' in text
    assert sum(any(re.search(p, x) for x in locations) for p in address_styles.values()) >= 4
    assert "LOCATION:Online" in text and re.search(r"(?i)hybrid", text)
    assert re.search(r"^SUMMARY:(?:CANCELLED: |Cancelled - |\[CANCELED\] )", text, re.M)
    assert max(starts.values()) >= 2  # an event entered twice
    assert "Co-hosted with Silicon Girona: https://silicongirona.github.io" in text
    assert re.search(r"^DTSTART:202(?:4|50[1-9])", text, re.M)  # older history


def event_link_text(event: str) -> str | None:
    found = re.search(r"https://www\.meetup\.com/[^/\s]+/events/\d+", event)
    return found.group(0) if found else None


def multi_day(event: str) -> bool:
    first = re.search(r"DTSTART;VALUE=DATE:(\d{8})", event)
    last = re.search(r"DTEND;VALUE=DATE:(\d{8})", event)
    if not (first and last):
        return False
    days = datetime.strptime(last.group(1), "%Y%m%d") - datetime.strptime(first.group(1), "%Y%m%d")
    return days.days >= 2


@pytest.mark.skipif(not (SHARED / "twir" / "sections").is_dir(), reason="../shared not present")
def test_fixture_prints_the_published_block_with_leipzig_by_the_convention():
    import events

    published = (SHARED / "twir" / "sections" / "2025-11-19.md").read_text(encoding="utf-8")
    agenda = events.upcoming(date(2025, 11, 19), 4, calendars=[str(FIXTURE)], pages=False)
    assert events.to_markdown(agenda) == published.replace("Leipzig, SN, DE", "Leipzig, DE")
