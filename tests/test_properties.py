"""Issue 14 §3 and issue 12 §6: properties that hold for every feed, however it is typed.

Hypothesis writes Google-style feeds of entries in every shape of CALENDAR.md §2 — summaries with
group prefixes and cancelled markers, titles with hostile text, descriptions in HTML and plain
text with event pages, wrapped links, meeting rooms, `javascript:` links and "Hosted by" lines,
locations of every shape down to garbage, UTC, TZID and all-day times, weekly series — and reads
them through `events.build_agenda` and `events.to_markdown`/`to_json`:

- no block is ever non-canonical (`rules.block.noncanonical_lines`);
- no entry is lost without a problem naming its UID;
- only http(s) links reach the block, which renders (CommonMark, every scheme accepted) to its
  listings' group links and bold event links and nothing else;
- no raw control or invisible character in the block, the JSON or a problem's text.

The text rules are fuzzed on their own too. Examples are bounded and derandomized so that the
suite stays fast and every run checks the same cases; `HYPOTHESIS_EXAMPLES` raises the bound for
a longer hunt.
"""

from __future__ import annotations

import html
import json
import os
import random
import re
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from functools import cache
from zoneinfo import ZoneInfo

import pytest

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import HealthCheck, Phase, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

import events  # noqa: E402
from events.model import (  # noqa: E402
    Agenda,
    Event,
    FeedData,
    FeedSpec,
    Group,
    Place,
    Problem,
    ProblemKind,
    Window,
)
from events.rules.block import noncanonical_lines  # noqa: E402
from events.rules.dates import window_error  # noqa: E402
from events.rules.text import clean_text, markdown_text  # noqa: E402
from events.stages.arrange import arrange  # noqa: E402
from tests import inert  # noqa: E402
from tests.feedgen import block as published  # noqa: E402
from tests.feedgen.google import (  # noqa: E402
    PRODID,
    VEvent,
    escape,
    event_lines,
    fold,
    vtimezone_lines,
)
from tests.feedgen.places import address  # noqa: E402
from tests.feedgen.text import google_wrapped, meeting_link  # noqa: E402

EXAMPLES = int(os.environ.get("HYPOTHESIS_EXAMPLES", "0"))


#: While hunting: `HYPOTHESIS_NO_SHRINK=1` reports failures as found (shrinking a feed is slow),
#: `HYPOTHESIS_RANDOM=1` draws new examples on every run instead of the same ones.
PHASES = tuple(
    p for p in Phase if not (os.environ.get("HYPOTHESIS_NO_SHRINK") and p is Phase.shrink)
)


def bounded(examples: int):
    return settings(
        max_examples=EXAMPLES or examples,
        deadline=None,
        derandomize=not os.environ.get("HYPOTHESIS_RANDOM"),
        database=None,
        phases=PHASES,
        report_multiple_bugs=False,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )


WINDOW = Window.of_weeks(date(2026, 3, 4), 4)
STAMP = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)

# -- text people type, and text an attacker types ----------------------------------------------

WORDS = [
    "Rust",
    "Meetup",
    "Hack and Learn",
    "#16",
    "Rust <> JS",
    "An intro to `nom`",
    "[in English]",
    "| at Sentry.io",
    "🦀",
    "🏳️‍🌈",
    "München",
    "Kraków",
    "東京",
    "steady_state",
    "Q&A",
    "<3",
    "-",
    ":",
    "(online)",
    "2026",
]
HOSTILE = [
    "\\",
    "]",
    "[",
    "](",
    "(",
    ")",
    "**",
    "*",
    "_",
    "`",
    "``",
    "<",
    ">",
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "</b>",
    "<!--",
    "<https://evil.example/>",
    "<javascript:alert(1)>",
    "<x@evil.example>",
    "![x](https://evil.example/i.png)",
    "[x](javascript:alert(1))",
    "[Evil](/phish)",
    "x](https://evil.example/) [y",
    "&#27;",
    "&amp;",
    "&lt;b&gt;",
    "|",
    "\n",
    "\n* 2026-03-05 | Virtual | [Evil](https://evil.example/)\n",
    "\n### Europe\n",
    "\t",
    "\x1b[31m",
    "\x1b]0;pwned\x07",
    "\x00",
    "\x7f",
    "\x85",
    "\x9b",
    "\u202e",
    "\u2066",
    "\u200b",
    "\u200d",
    "\ufeff",
    "\u00ad",
    "\u2028",
    "#",
    "> ",
    "- ",
    "1. ",
    "    ",
    "~~",
    "$",
    "{{",
    "%0A",
]


def _no_cr(text: str) -> str:
    # A feed can hold no lone CR in a value (RFC 5545 has no escape for it; producers write \n)
    return text.replace("\r", "\n")


chunks = st.one_of(
    st.sampled_from(WORDS), st.sampled_from(HOSTILE), st.text(max_size=4).map(_no_cr)
)
hostile_text = st.lists(chunks, min_size=1, max_size=7).map(" ".join) | st.lists(
    chunks, max_size=6
).map("".join)

# -- groups, links and places -----------------------------------------------------------------

KNOWN = [
    ("Rust Berlin", "https://www.meetup.com/rust-berlin/"),
    ("Seattle Rust User Group", "https://www.meetup.com/join-srug/"),
    ("Rust Girona", "https://lu.ma/rust-girona"),
]
UNKNOWN = [
    ("Rust Kraków", "https://www.meetup.com/rust-krakow/"),
    ("Rust Kampala", "https://www.meetup.com/rust-kampala/"),
    ("RustConf", "https://rustconf.com/"),
]
PLACES = [
    published.Place("Berlin", "DE"),
    published.Place("Seattle", "US", "WA"),
    published.Place("Sydney", "AU", "NSW"),
    published.Place("London", "GB"),
    published.Place("Kraków", "PL"),
    published.Place("Tokyo", "JP"),
    published.Place("São Paulo", "BR"),
    published.Place("Toronto", "CA", "ON"),
    published.Place("Kampala", "UG"),
]
ZONES = ["Europe/Berlin", "America/Los_Angeles", "Australia/Sydney", "Asia/Tokyo", "UTC"]


@st.composite
def groups(draw) -> tuple[str, str]:
    kind = draw(st.sampled_from(["known", "unknown", "hostile"]))
    if kind == "known":
        return draw(st.sampled_from(KNOWN))
    if kind == "unknown":
        return draw(st.sampled_from(UNKNOWN))
    page = draw(
        st.sampled_from(
            ["https://www.meetup.com/rust-evil/", "https://evil.example/", "javascript:alert(1)"]
        )
    )
    return draw(hostile_text), page


@st.composite
def event_links(draw, group_page: str) -> str | None:
    n = draw(st.integers(300000000, 399999999))
    slug = group_page.rstrip("/").rsplit("/", 1)[-1] or "rust"
    return draw(
        st.sampled_from(
            [
                None,
                f"https://www.meetup.com/{slug}/events/{n}/",
                f"https://luma.com/{slug[:4]}{n % 9973}",
                f"https://lu.ma/e{n}",
                f"https://www.eventbrite.com/e/rust-night-tickets-{n}",
                f"https://hasgeek.com/rustlang/{n}/",
                "https://rustconf.com/",
                f"https://docs.google.com/forms/d/{n}/viewform",
                "javascript:alert(document.cookie)",
                "data:text/html,<script>alert(1)</script>",
                "https://evil.example/)](javascript:alert(1))",
                "www.meetup.com/no-scheme/events/1/",
            ]
        )
    )


@cache
def _vtimezone(tzid: str) -> tuple[str, ...]:
    return tuple(vtimezone_lines(tzid, STAMP.year))


def calendar_bytes(entries: list[VEvent], name: str) -> bytes:
    """A Google-style `basic.ics` of `entries`, as tests/feedgen writes one, with each zone's
    VTIMEZONE computed once (working one out takes longer than a whole example)."""
    lines = [
        "BEGIN:VCALENDAR",
        f"PRODID:{PRODID}",
        "VERSION:2.0",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape(name)}",
        "X-WR-TIMEZONE:Europe/Berlin",
    ]
    for tzid in sorted({e.tzid for e in entries if e.tzid}):
        lines += _vtimezone(tzid)
    for entry in entries:
        lines += event_lines(entry, STAMP)
    lines.append("END:VCALENDAR")
    return b"".join(fold(line) for line in lines)


@dataclass
class Shape:
    """One generated entry and what the test must find out about it."""

    vevent: VEvent
    uid: str


def _link(url: str, html_style: bool, wrapped: bool, rng: random.Random, label: str) -> str:
    href = google_wrapped(url, rng) if wrapped and url.startswith("http") else url
    if html_style:
        return f'<a href="{html.escape(href)}" target="_blank">{html.escape(label)}</a>'
    return href


@st.composite
def entries(draw, index: int, earlier: list[str]) -> Shape:
    rng = draw(st.randoms(use_true_random=False))
    group, group_page = draw(groups())
    title = draw(st.one_of(st.sampled_from(WORDS), hostile_text))
    prefix = draw(st.sampled_from(["", "{g}: ", "{g} - ", "[{g}] "]))
    summary = prefix.format(g=group) + title
    status = "CONFIRMED"
    marker = draw(
        st.sampled_from([None] * 16 + ["CANCELLED: ", "Cancelled - ", "[CANCELED] ", "S"])
    )
    if marker == "S":
        status = "CANCELLED"
    elif marker:
        summary = marker + summary

    link = draw(event_links(group_page))
    html_style = draw(st.booleans())
    wrapped = draw(st.booleans())
    parts: list[str] = []
    if draw(st.booleans()):
        blurb = draw(hostile_text)
        parts.append(html.escape(blurb) if html_style and draw(st.booleans()) else blurb)
    if link and draw(st.booleans()):
        lead = draw(st.sampled_from(["RSVP: ", "Details: ", "Register at ", ""]))
        parts.append(lead + _link(link, html_style, wrapped, rng, link))
    meeting = draw(st.sampled_from([None, "meeting", "hybrid"]))
    if meeting:
        lead = "Hybrid event: join us in person or online: " if meeting == "hybrid" else "Join: "
        parts.append(lead + _link(meeting_link(group, rng), html_style, False, rng, "call"))
    if draw(st.booleans()):
        parts.append("Also: " + _link("javascript:alert(1)", html_style, False, rng, "click"))
    if draw(st.booleans()):
        hosted = _link(group_page, html_style, wrapped, rng, group)
        parts.append(f"Hosted by {hosted}" if html_style else f"Hosted by {group}: {hosted}")
    separator = "<br>" if html_style else "\n"
    description = separator.join(parts) or None

    place = draw(st.sampled_from(PLACES))
    location = draw(
        st.sampled_from(
            [
                "address",
                "address",
                "display",
                "online",
                "online-home",
                "meeting-url",
                "empty",
                "none",
                "garbage",
                "markdown",
                "online-markup",
            ]
        )
    )
    if location == "address":
        where: str | None = address(place, rng)
    elif location == "display":
        where = place.display
    elif location == "online":
        where = draw(st.sampled_from(["Online", "Online event", "Virtual", "online"]))
    elif location == "online-home":
        where = f"Online ({place.display})"
    elif location == "meeting-url":
        where = meeting_link(group, rng)
    elif location == "empty":
        where = ""
    elif location == "none":
        where = None
    elif location == "garbage":
        where = draw(st.one_of(hostile_text, st.sampled_from(["TBD", "Room 4.12", "48.85, 2.35"])))
    elif location == "markdown":
        where = f"Hauptstr. 1, 10178 {draw(st.sampled_from(HOSTILE))} Berlin, Germany"
    else:
        tail = place.display.split(", ", 1)[-1] if draw(st.booleans()) else place.country
        where = f"Online ({draw(hostile_text)}, {tail})"

    day = WINDOW.start + timedelta(days=draw(st.integers(2, 24)))
    timing = draw(st.sampled_from(["utc", "tzid", "all-day", "series"]))
    zone = draw(st.sampled_from(ZONES))
    hour = draw(st.integers(8, 20))
    tzid: str | None = None
    rrule = None
    start: datetime | date
    if timing == "all-day":
        start = day
        end: datetime | date = day + timedelta(days=draw(st.integers(1, 3)))
    else:
        start = datetime(day.year, day.month, day.day, hour, 30, tzinfo=ZoneInfo(zone))
        end = start + timedelta(hours=2)
        tzid = zone if timing in ("tzid", "series") else None
        if timing == "series":
            rrule = "FREQ=WEEKLY;COUNT=2"

    if earlier and draw(st.integers(0, 9)) == 0:
        uid = draw(st.sampled_from(earlier))  # the same UID twice
    else:
        odd = draw(st.sampled_from(["", "", "", "<b>", "[x](y)", " é ", "*_`"]))
        uid = f"e{index}{odd}x{draw(st.integers(0, 999))}@google.com"
    url = draw(st.sampled_from([None, None, link, "javascript:alert(1)", "not a url"]))
    vevent = VEvent(
        uid=uid,
        summary=_no_cr(summary),
        start=start,
        end=end,
        created=STAMP - timedelta(days=40),
        tzid=tzid,
        rrule=rrule,
        description=_no_cr(description) if description else None,
        location=_no_cr(where) if where is not None else None,
        url=url,
        status=status,
    )
    return Shape(vevent, uid)


@st.composite
def shape_lists(draw) -> list[Shape]:
    """Entries of one or more feeds; now and then a copy of an earlier one under its own UID
    (entered twice, or present in two feeds)."""
    shapes: list[Shape] = []
    for index in range(draw(st.integers(1, 6))):
        if shapes and draw(st.integers(0, 7)) == 0:
            original = draw(st.sampled_from(shapes)).vevent
            uid = f"copy{index}-{original.uid}"
            shapes.append(Shape(replace(original, uid=uid), uid))
        else:
            shapes.append(draw(entries(index, [s.uid for s in shapes])))
    return shapes


@st.composite
def feeds(draw, count: int = 1) -> tuple[list[FeedData], list[str]]:
    """`count` feeds sharing the generated entries out, and every UID they hold."""
    shapes = draw(shape_lists())
    owners = [draw(st.integers(0, count - 1)) for _ in shapes]
    out = []
    for index in range(count):
        name = draw(st.sampled_from(["Rust Community", "Rust Berlin", "x\x1b[2J"]))
        body = calendar_bytes(
            [s.vevent for s, o in zip(shapes, owners, strict=True) if o == index], name
        )
        group_feed = draw(st.sampled_from([None, None, KNOWN[0], UNKNOWN[0]]))
        spec = FeedSpec(
            f"generated{index}.ics",
            f"generated{index}.ics",
            group=group_feed[0] if group_feed else None,
            group_url=group_feed[1] if group_feed else None,
        )
        out.append(FeedData(spec, body))
    return out, [s.uid for s in shapes]


# -- the properties ---------------------------------------------------------------------------


def _clean(text: str) -> bool:
    return not inert.CONTROLS.search(text) and not inert.invisible(text)


def check_agenda(agenda: Agenda, uids: list[str]) -> None:
    block = events.to_markdown(agenda)
    assert noncanonical_lines(block) == [], block
    listings = sum(len(section.events) for section in agenda.sections)
    assert inert.problems(block, expected_listings=listings) == [], block

    listed = {e.uid for e in agenda.events}
    named = {p.uid for p in agenda.problems + agenda.failures if p.uid is not None}
    lost = [uid for uid in uids if uid not in listed and uid not in named]
    assert lost == [], (lost, [str(p) for p in agenda.problems + agenda.failures])

    text = events.to_json(agenda)
    assert _clean(text)
    for string in inert.strings(json.loads(text)):
        assert _clean(string), string
    for problem in agenda.problems + agenda.failures:
        assert _clean(str(problem)) and "\n" not in str(problem), str(problem)


@bounded(300)
@given(feeds())
def test_any_feed_gives_a_canonical_inert_block_and_loses_no_entry_silently(generated):
    feeds_, uids = generated
    check_agenda(events.build_agenda(feeds_, WINDOW), uids)


@bounded(100)
@given(feeds(count=2))
def test_copies_of_one_event_in_two_feeds_lose_none_silently(generated):
    feeds_, uids = generated
    check_agenda(events.build_agenda(feeds_, WINDOW), uids)


@pytest.mark.parametrize("home", ["Toronto, CA", "Sydney, AU", "San Francisco, US"])
def test_an_online_home_without_its_state_is_shown_with_it(home):
    """Found by the property test and the probes: `Online (Toronto, CA)` once showed as
    `Virtual (Toronto, CA)`, without the state §3 asks for (fixed in understanding)."""
    entry = VEvent(
        uid="online-home@google.com",
        summary="Rust Kampala: Online Night",
        start=datetime(2026, 3, 10, 18, 0, tzinfo=UTC),
        end=datetime(2026, 3, 10, 20, 0, tzinfo=UTC),
        created=STAMP - timedelta(days=40),
        description="RSVP: https://www.meetup.com/rust-kampala/events/312000003/",
        location=f"Online ({home})",
    )
    feed = FeedData(FeedSpec("f.ics", "f.ics"), calendar_bytes([entry], "Rust Community"))
    block = events.to_markdown(events.build_agenda([feed], WINDOW))
    assert noncanonical_lines(block) == [], block


# -- the text rules on their own ----------------------------------------------------------------

any_text = st.one_of(hostile_text, st.text(max_size=30))


def _squeezed(text: str) -> str:
    return "".join(text.split()).replace("*", "")


@bounded(400)
@given(title=any_text, group=any_text, city=any_text)
def test_escaped_text_renders_as_itself_in_every_place_of_a_listing(title, group, city):
    shown_title, shown_group, shown_city = map(markdown_text, (title, group, city))
    for shown in (shown_title, shown_group, shown_city):
        assert "\n" not in shown and _clean(shown)
    block = (
        "Rusty Events between 2026-03-04 - 2026-04-01 🦀\n\n### Europe\n"
        f"* 2026-03-05 | {shown_city or 'Berlin'}, DE | [{shown_group or 'G'}](https://g.example/)\n"
        f"    * [**{shown_title or 'T'}**](https://e.example/)\n\n"
    )
    assert inert.problems(block, expected_listings=1) == [], block
    rendered = inert.render(block)
    (head,), (line,) = rendered.heads, rendered.titles
    assert head.links == ["https://g.example/"] and line.links == ["https://e.example/"]
    if shown_title:
        assert _squeezed(line.text) == _squeezed(clean_text(title))


@bounded(300)
@given(any_text)
def test_clean_text_is_one_clean_line_and_idempotent(text):
    once = clean_text(text)
    assert _clean(once) and "\n" not in once and once == once.strip()
    assert clean_text(once) == once
    assert markdown_text(once) == markdown_text(text)


@bounded(300)
@given(st.one_of(any_text, st.text(alphabet="ab *_`<&[]()\\é", max_size=12)))
def test_markdown_text_written_as_it_is_only_when_escaping_changes_nothing(text):
    from events.rules.text import _escaped

    assert markdown_text(text) == _escaped(clean_text(text))


@bounded(300)
@given(
    st.one_of(any_text, st.text(alphabet=" \u00a0\u115fab\u200d\u034f\u3164\U000e0041", max_size=8))
)
def test_json_taken_as_already_clean_holds_only_clean_strings(text):
    import json

    from events.rules.text import json_already_clean

    values = {"a": text, "b": [text, "x" + text, None], "c": {"d": text + "y", "e": 1}}
    compact = json.dumps(values, ensure_ascii=False, separators=(",", ":"))
    if json_already_clean(compact):
        assert all(clean_text(item) == item for item in (text, "x" + text, text + "y"))
    single = json.dumps({"a": text}, ensure_ascii=False, separators=(",", ":"))
    if text.isascii() and '"' not in text and "\\" not in text:  # else it may go the long way
        assert json_already_clean(single) is (clean_text(text) == text)


@bounded(300)
@given(
    st.one_of(any_text, st.text(alphabet=" \u00a0\u115fab\u200d\u034f\u3164\U000e0041", max_size=8))
)
def test_text_taken_as_already_clean_is_what_the_full_cleaning_gives(text):
    from events.rules.text import _cleaned

    assert clean_text(text) == _cleaned(text)


@bounded(200)
@given(
    title=any_text,
    name=any_text,
    city=any_text,
    uid=any_text,
    url=st.one_of(st.none(), any_text, st.just("https://e.example/a b)c\x1b")),
    message=any_text,
)
def test_json_strings_are_clean_and_links_http_whatever_an_event_holds(
    title, name, city, uid, url, message
):
    place = Place(city, "DE", None, None)
    event = Event(
        uid=uid,
        feed=name,
        title=title,
        url=url,
        groups=(Group(name, url),),
        mode="hybrid",
        place=place,
        start=date(2026, 3, 5),
        date=date(2026, 3, 5),
        end_date=date(2026, 3, 5),
        problems=(Problem(ProblemKind.NO_GROUP, name, message, uid, title),),
    )
    data = json.loads(events.to_json(Agenda(WINDOW, (), (event,))))
    for string in inert.strings(data):
        assert _clean(string), string
    (item,) = data["events"]
    for link in (item["url"], item["group"]["url"]):
        assert link is None or inert.HTTP.match(link)
    sections, listed, _ = arrange([event])
    block = events.to_markdown(Agenda(WINDOW, sections, listed))
    assert inert.problems(block) == [], block


# -- icalendar's own fuzzing corpus -------------------------------------------------------------


def _icalendar_calendars():
    """The calendars icalendar installs with its tests: OSS-Fuzz's crashers
    (`fuzz_testcase_*.ics`), the broken calendars it keeps, and the rest."""
    from importlib import resources

    folder = resources.files("icalendar").joinpath("tests", "calendars")
    if not folder.is_dir():
        return []
    return sorted((p for p in folder.iterdir() if p.name.endswith(".ics")), key=lambda p: p.name)


CORPUS = _icalendar_calendars()
_DAY = re.compile(rb"DTSTART[^:\r\n]*:(\d{4})(\d\d)(\d\d)")


def _first_window(body: bytes) -> Window | None:
    """A window from the first date a calendar starts an event on, so that something is listed."""
    for match in _DAY.finditer(body):
        try:
            day = date(*map(int, match.groups()))
        except ValueError:
            continue
        if window_error(day, 4) is None:
            return Window.of_weeks(day, 4)
    return None


def test_icalendars_fuzzing_corpus_is_installed():
    if not CORPUS:
        pytest.skip("icalendar installs no test calendars here")
    assert any(p.name.startswith("fuzz_testcase") for p in CORPUS)


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.name)
def test_icalendars_test_and_fuzzing_calendars_never_break_the_run(path):
    """Each calendar, broken or not, gives an agenda (or its feed's failure), never an
    exception, and what it lists holds the block's properties. Their UIDs are not all known
    to be readable, so only those of events read are checked to be accounted for."""
    body = path.read_bytes()
    for window in filter(None, (WINDOW, _first_window(body))):
        feed = FeedData(FeedSpec(path.name, path.name), body)
        agenda = events.build_agenda([feed], window)
        check_agenda(agenda, [])
