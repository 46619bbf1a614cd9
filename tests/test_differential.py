"""The fast path yields exactly the occurrences of a plain full pass.

The fast path sets entries aside on the raw bytes (events.prefilter) before icalendar parses
anything. Whatever it sets aside must never have shown: on every calendar of
recurring-ical-events' own test corpus, on the real Google exports in ../shared/corpus, and on
generated feeds, for many windows (around the calendar's own dates, moved occurrences, DST
changes), the (uid, start, end, recurrence-id, summary) of every occurrence must be equal.
"""

from __future__ import annotations

import importlib.util
import re
from datetime import date, datetime, timedelta
from pathlib import Path

import icalendar
import pytest
import recurring_ical_events
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from events import model
from events.stages import expand
from events.stages.expand import prefilter

RIE_CALENDARS = Path(importlib.util.find_spec("recurring_ical_events").origin).parent / (
    "test/calendars"
)
SHARED_CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
ANCHOR = re.compile(rb"\n(DTSTART|DTEND|RECURRENCE-ID|RRULE)[^\n]*?[:=](\d{8})", re.IGNORECASE)

Key = tuple[str, object, object, object, str]


def keys(components: list) -> set[Key]:
    """What identifies an occurrence: its UID, start, end, recurrence-id and title."""
    result = set()
    for component in components:
        recurrence = component.get("RECURRENCE-ID")
        end = component.get("DTEND")
        result.add(
            (
                str(component.get("UID")),
                component["DTSTART"].dt,
                None if end is None else end.dt,
                None if recurrence is None else recurrence.dt,
                str(component.get("SUMMARY", "")),
            )
        )
    return result


def windows_for(body: bytes) -> list[model.Window]:
    """Windows around the calendar's own dates, its moved occurrences, and DST changes."""
    found: dict[bytes, set[date]] = {}
    for name, digits in ANCHOR.findall(body):
        try:
            day = date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
        except ValueError:
            continue
        if date(1900, 1, 1) < day < date(2100, 1, 1):
            found.setdefault(name.upper(), set()).add(day)
    days = sorted(set().union(*found.values())) if found else []
    anchors = set(days[:1] + days[-1:] + days[len(days) // 2 : len(days) // 2 + 1])
    anchors |= set(sorted(found.get(b"RECURRENCE-ID", ()))[:3])
    anchors |= set(sorted(found.get(b"RRULE", ()))[-2:])  # where series end (UNTIL)
    windows = [model.Window(date(2025, 11, 19), date(2025, 12, 17))]
    for anchor in sorted(anchors):
        windows.append(model.Window(anchor, anchor + timedelta(days=6)))
        windows.append(model.Window(anchor - timedelta(days=13), anchor - timedelta(days=1)))
    for year in sorted({days[0].year, days[len(days) // 2].year} if days else set()):
        windows.append(model.Window(date(year, 3, 24), date(year, 4, 1)))  # DST in Europe
        windows.append(model.Window(date(year, 10, 24), date(year, 11, 4)))  # and back
    return windows


def fast_keys(body: bytes, window: model.Window) -> tuple[set[Key], set[str]]:
    """The fast path's occurrences, and the UIDs it could not expand."""
    start, stop = expand.query_span(window)
    found: set[Key] = set()
    failed: set[str] = set()
    # dealt into two shares, as for two processes: together they must give the full pass
    for share in range(2):
        small = prefilter.select(body, start.date(), stop.date(), share, 2)
        if small is None:
            continue
        calendar = icalendar.Calendar.from_ical(small)
        components, failures = expand.expand_calendar(calendar, start, stop)
        found |= keys(components)
        failed |= {uid for uid, _, _ in failures}
    return found, failed


def compare_with_full_pass(body: bytes) -> None:
    """Compare on every window; the plain pass when it can read the calendar, else expand's."""
    calendar = icalendar.Calendar.from_ical(body)
    try:
        query = recurring_ical_events.of(expand.as_google_shows(calendar))
    except Exception:  # read per window below
        query = None
    for window in windows_for(body):
        start, stop = expand.query_span(window)
        fast, failed = fast_keys(body, window)
        try:
            full = keys(query.between(start, stop))  # type: ignore[union-attr]
        except Exception:  # the plain pass cannot read it: expand's full pass reports per entry
            components, failures = expand.expand_calendar(calendar, start, stop)
            full = keys(components)
            failed |= {uid for uid, _, _ in failures}
        full = {key for key in full if key[0] not in failed}
        assert {key for key in fast if key[0] not in failed} == full, window


def rie_calendars() -> list[Path]:
    return sorted(RIE_CALENDARS.glob("*.ics")) if RIE_CALENDARS.is_dir() else []


@pytest.mark.skipif(not rie_calendars(), reason="recurring-ical-events ships no test calendars")
@pytest.mark.parametrize("path", rie_calendars(), ids=lambda path: path.stem)
def test_fast_path_matches_full_pass_on_recurring_ical_events_corpus(path: Path) -> None:
    compare_with_full_pass(path.read_bytes())


@pytest.mark.parametrize(
    "name",
    [
        "finos-community-basic.ics",
        "galaxy-wg-basic.ics",
        "rie-benchmark-issue42.ics",
        "rie-issue_173_only_modifications_error.ics",
    ],
)
def test_fast_path_matches_full_pass_on_real_google_exports(name: str) -> None:
    path = SHARED_CORPUS / name
    if not path.exists():
        pytest.skip(f"{path} is absent")
    compare_with_full_pass(path.read_bytes())


# --- the edges the fast path must get right ------------------------------------------------


def feed(*events: str, header: str = "X-WR-CALNAME:edge") -> bytes:
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//test//EN", header]
    for event in events:
        lines += ["BEGIN:VEVENT", *event.strip().splitlines(), "END:VEVENT"]
    lines.append("END:VCALENDAR")
    return ("\r\n".join(lines) + "\r\n").encode()


PAST = "UID:past\nSUMMARY:past\nDTSTART:20200101T180000Z"  # always set aside
EDGES = {
    "long occurrences of an ended series": feed(
        PAST,
        "UID:long\nSUMMARY:long\nDTSTART;VALUE=DATE:20250901\nDTEND;VALUE=DATE:20250921\n"
        "RRULE:FREQ=MONTHLY;UNTIL=20251101",
    ),
    "last occurrences of a COUNT series": feed(
        PAST, "UID:count\nSUMMARY:count\nDTSTART:20250903T180000Z\nRRULE:FREQ=WEEKLY;COUNT=12"
    ),
    "override moved out of the window": feed(
        PAST,
        "UID:s\nSUMMARY:s\nDTSTART;TZID=Europe/Berlin:20250102T190000\nRRULE:FREQ=WEEKLY",
        "UID:s\nSUMMARY:moved away\nRECURRENCE-ID;TZID=Europe/Berlin:20251120T190000\n"
        "DTSTART;TZID=Europe/Berlin:20260320T190000",
    ),
    "override moved into the window": feed(
        PAST,
        "UID:s\nSUMMARY:s\nDTSTART;TZID=Europe/Berlin:20190103T190000\n"
        "RRULE:FREQ=WEEKLY;UNTIL=20190601T000000Z",
        "UID:s\nSUMMARY:moved here\nRECURRENCE-ID;TZID=Europe/Berlin:20190110T190000\n"
        "DTSTART;TZID=Europe/Berlin:20251120T190000",
    ),
    "override cancelled by its far master's EXDATE, UIDs spelt differently": feed(
        PAST,
        "UID:ab\\,c\nSUMMARY:s\nDTSTART:20190103T190000Z\nRRULE:FREQ=WEEKLY;COUNT=3\n"
        "EXDATE:20190110T190000Z",
        "UID:ab\\,\n c\nSUMMARY:excluded\nRECURRENCE-ID:20190110T190000Z\nDTSTART:20251120T190000Z",
    ),
    "a decade-old series with far and near EXDATEs": feed(
        PAST,
        "UID:x\nSUMMARY:x\nDTSTART:20160107T190000Z\nRRULE:FREQ=WEEKLY\n"
        "EXDATE:20161229T190000Z\nEXDATE:20251127T190000Z\nEXDATE:20251204T190000Z",
    ),
    "later occurrences moved by this-and-future": feed(
        PAST,
        "UID:t\nSUMMARY:t\nDTSTART:20250102T190000Z\nRRULE:FREQ=WEEKLY;UNTIL=20250501T000000Z",
        "UID:t\nSUMMARY:t2\nRECURRENCE-ID;RANGE=THISANDFUTURE:20250102T190000Z\n"
        "DTSTART:20251106T190000Z",
    ),
    "RDATEs of an ended series": feed(
        PAST,
        "UID:r\nSUMMARY:r\nDTSTART:20190103T190000Z\nRRULE:FREQ=WEEKLY;COUNT=2\n"
        "RDATE:20251125T190000Z,20190601T190000Z/P200W",
    ),
    "a long DURATION": feed(PAST, "UID:d\nSUMMARY:d\nDTSTART:20251001T090000Z\nDURATION:P50D"),
    "a bare-date UNTIL with a TZID start": feed(
        PAST,
        "UID:b\nSUMMARY:b\nDTSTART;TZID=Pacific/Kiritimati:20251001T230000\n"
        "RRULE:FREQ=DAILY;UNTIL=20251114",
    ),
    "floating times in a calendar zone far from UTC": feed(
        PAST,
        "UID:f\nSUMMARY:f\nDTSTART:20251113T233000",
        header="X-WR-TIMEZONE:Pacific/Kiritimati",
    ),
    "two masters, the winning one far away": feed(
        PAST,
        "UID:m\nSUMMARY:old winner\nSEQUENCE:2\nDTSTART:20190103T190000Z",
        "UID:m\nSUMMARY:loser\nSEQUENCE:1\nDTSTART:20251120T190000Z",
    ),
    "an override whose alarm has a UID of its own": feed(
        PAST,
        "UID:a1\nSUMMARY:excluded\nRECURRENCE-ID:20190110T190000Z\nDTSTART:20251120T190000Z\n"
        "BEGIN:VALARM\nUID:a2\nACTION:DISPLAY\nTRIGGER:-PT15M\nEND:VALARM",
        "UID:a1\nSUMMARY:a1\nDTSTART:20190103T190000Z\nRRULE:FREQ=WEEKLY;COUNT=3\n"
        "EXDATE:20190110T190000Z",
        "UID:a3\nSUMMARY:a3\nDTSTART:20251120T190000Z\nBEGIN:VALARM\nACTION:DISPLAY\n"
        "TRIGGER:-PT15M\nEND:VALARM",
    ),
    "folded, lower-case and UID-less lines": feed(
        PAST,
        "UID:x\nSUMMARY:x\nDTSTART;TZID=Europe/Berlin:2025\n 1120T190000",
        "uid:y\nsummary:y\ndtstart:20251121T190000Z",
        "SUMMARY:no uid\nDTSTART:20251122T190000Z",
    ),
}
TRAPS = (
    EDGES["override cancelled by its far master's EXDATE, UIDs spelt differently"],
    EDGES["two masters, the winning one far away"],
)
EDGE_WINDOWS = [
    model.Window(date(2025, 11, 12), date(2025, 11, 19)),
    model.Window(date(2025, 11, 19), date(2025, 12, 17)),
    model.Window(date(2025, 11, 22), date(2025, 11, 29)),
]


@pytest.mark.parametrize("body", EDGES.values(), ids=EDGES.keys())
def test_fast_path_matches_full_pass_on_edge_cases(body: bytes) -> None:
    calendar = icalendar.Calendar.from_ical(body)
    shown = set()
    for window in EDGE_WINDOWS:
        start, stop = expand.query_span(window)
        full = keys(recurring_ical_events.of(expand.as_google_shows(calendar)).between(start, stop))
        assert fast_keys(body, window) == (full, set()), window
        shown |= full
    # Each case shows something, except the traps (an entry in the window that must not show).
    assert bool(shown) != (body in TRAPS)
    assert not any(key[0] == "past" for key in shown)


# --- generated feeds ------------------------------------------------------------------------

ZONES = ["Europe/Berlin", "America/Los_Angeles", "Pacific/Kiritimati", "Pacific/Pago_Pago"]
FIRST_DAY = date(2024, 1, 1)


@st.composite
def moments(draw: st.DrawFn) -> tuple[datetime, str]:
    """A start and how it is written: UTC, a TZID, floating, or a whole day."""
    day = FIRST_DAY + timedelta(days=draw(st.integers(0, 900)))
    kind = draw(st.sampled_from(["utc", "tzid", "floating", "date"]))
    moment = datetime(day.year, day.month, day.day, draw(st.integers(0, 23)), 30)
    if kind == "date":
        return moment.replace(hour=0, minute=0), "date"
    return moment, draw(st.sampled_from(ZONES)) if kind == "tzid" else kind


def written(name: str, moment: datetime, kind: str) -> str:
    if kind == "date":
        return f"{name};VALUE=DATE:{moment:%Y%m%d}"
    if kind == "utc":
        return f"{name}:{moment:%Y%m%dT%H%M%S}Z"
    if kind == "floating":
        return f"{name}:{moment:%Y%m%dT%H%M%S}"
    return f"{name};TZID={kind}:{moment:%Y%m%dT%H%M%S}"


@st.composite
def entries(draw: st.DrawFn, uid: str) -> list[list[str]]:
    """One UID group: a one-off, or a series with EXDATEs, RDATEs and overrides."""
    start, kind = draw(moments())
    unit = timedelta(days=1) if kind == "date" else timedelta(hours=1)
    length = unit * draw(st.integers(0, 30 if kind == "date" else 80))
    master = [f"UID:{uid}", written("DTSTART", start, kind), f"SUMMARY:{uid}"]
    if draw(st.booleans()):
        master.append(written("DTEND", start + length, kind))
    elif draw(st.booleans()):
        master.append(f"DURATION:P{length.days}DT{length.seconds}S")
    if not draw(st.booleans()):
        return [master]
    frequency = draw(st.sampled_from(["DAILY", "WEEKLY", "MONTHLY", "YEARLY"]))
    rule = f"FREQ={frequency};INTERVAL={draw(st.integers(1, 3))}"
    if frequency in ("WEEKLY", "MONTHLY") and draw(st.booleans()):
        rule += ";BYDAY=" + ("2TU" if frequency == "MONTHLY" else "MO,TH")
    ending = draw(st.sampled_from(["until", "until-date", "count", "endless"]))
    step = {"DAILY": 1, "WEEKLY": 7, "MONTHLY": 30, "YEARLY": 365}[frequency]
    until = start + timedelta(days=step * draw(st.integers(1, 40)))
    if ending == "until":
        rule += f";UNTIL={until:%Y%m%dT%H%M%S}" + ("" if kind in ("floating", "date") else "Z")
        if kind == "date":
            rule = rule[: -len("T000000")]
    elif ending == "until-date":
        rule += f";UNTIL={until:%Y%m%d}"
    elif ending == "count":
        rule += f";COUNT={draw(st.integers(1, 40))}"
    master.append(f"RRULE:{rule}")
    group = [master]
    instances = [start + timedelta(days=step * n) for n in range(0, 12)]
    for moment in draw(st.lists(st.sampled_from(instances), max_size=2)):
        master.append(written("EXDATE", moment, kind))
    if draw(st.booleans()):
        extra = start + timedelta(days=draw(st.integers(-60, 400)))
        master.append(written("RDATE", extra, kind))
    for moment in draw(st.lists(st.sampled_from(instances), max_size=3, unique=True)):
        moved = moment + timedelta(days=draw(st.integers(-40, 40)))
        override = [f"UID:{uid}", written("RECURRENCE-ID", moment, kind), f"SUMMARY:{uid} moved"]
        override.append(written("DTSTART", moved, kind))
        if draw(st.integers(0, 9)) == 0:
            override[1] = override[1].replace("RECURRENCE-ID", "RECURRENCE-ID;RANGE=THISANDFUTURE")
        group.append(override)
    if draw(st.integers(0, 5)) == 0:
        group = group[1:] or group  # overrides whose master is missing
    return group


@st.composite
def feeds(draw: st.DrawFn) -> bytes:
    groups = [draw(entries(f"event-{index}")) for index in range(draw(st.integers(1, 25)))]
    members = [member for group in groups for member in group]
    order = draw(st.permutations(range(len(members))))
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//test//EN"]
    for index in order:
        lines += ["BEGIN:VEVENT", *members[index], "END:VEVENT"]
    lines.append("END:VCALENDAR")
    return ("\r\n".join(lines) + "\r\n").encode()


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(body=feeds(), data=st.data())
def test_fast_path_matches_full_pass_on_generated_feeds(body: bytes, data: st.DataObject) -> None:
    days = sorted({date(int(d[:4]), int(d[4:6]), int(d[6:])) for _, d in ANCHOR.findall(body)})
    edge = data.draw(st.sampled_from(days)) + timedelta(days=data.draw(st.integers(-12, 12)))
    window = model.Window.of_weeks(edge, data.draw(st.integers(1, 6)))
    start, stop = expand.query_span(window)
    fast, failed = fast_keys(body, window)
    components, failures = expand.expand_calendar(icalendar.Calendar.from_ical(body), start, stop)
    failed |= {uid for uid, _, _ in failures}
    full = {key for key in keys(components) if key[0] not in failed}
    assert {key for key in fast if key[0] not in failed} == full
