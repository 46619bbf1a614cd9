"""The fast path yields exactly the occurrences of a plain full pass.

The fast path sets entries aside on the raw bytes (prefilter), reads the rest without icalendar
(lines, series) and expands rules from near the window (recurrence). The full pass parses the
whole feed with icalendar and expands it with recurring-ical-events. On every calendar of
recurring-ical-events' own test corpus, on the real Google exports in ../shared/corpus and on
generated feeds, for many windows (around the calendar's own dates, moved occurrences, DST
changes, and years after an old series began), every occurrence must be equal, field by field
(times with their zones, texts, TZID written). An entry that one side cannot expand and the
other can is a difference like any other: nothing is left out of the comparison.
"""

from __future__ import annotations

import importlib.util
import os
import re
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from events import model
from events.stages import expand
from events.stages.expand import lines, prefilter

RIE_CALENDARS = Path(importlib.util.find_spec("recurring_ical_events").origin).parent / (
    "test/calendars"
)
# ../shared beside the repository (or beside the folder of worktrees holding it)
SHARED_CORPUS = next(
    (
        folder / "shared" / "corpus"
        for folder in Path(__file__).resolve().parents[1:4]
        if (folder / "shared" / "corpus").is_dir()
    ),
    Path(__file__).resolve().parents[2] / "shared" / "corpus",
)
ANCHOR = re.compile(rb"\n(DTSTART|DTEND|RECURRENCE-ID|RRULE)[^\n]*?[:=](\d{8})", re.IGNORECASE)
SPEC = model.FeedSpec("differential", "differential.ics")
REPORTED = (model.ProblemKind.UNREADABLE_ENTRY, model.ProblemKind.DOUBTFUL_ENTRY)


def described(occurrences) -> list[tuple[str, ...]]:
    """Every field of every occurrence, times with their zones, in a comparable order."""
    return sorted(
        (
            o.uid,
            repr(o.start),
            repr(o.end),
            o.summary,
            o.description,
            o.location,
            repr(o.url),
            repr(o.status),
            repr(o.organizer),
            repr(o.tzid),
            repr(o.calendar_tz),
            repr(o.calendar_name),
            repr(o.calendar_id),
        )
        for o in occurrences
    )


def reported(expansion: expand.Expansion) -> set[tuple[model.ProblemKind, str | None]]:
    return {(p.kind, p.uid) for p in expansion.problems if p.kind in REPORTED}


def fast_expansion(body: bytes, window: model.Window) -> expand.Expansion:
    """The fast path as the pipeline runs it on a large feed: the bytes scanned in parts, the
    kept groups dealt into chunks, each chunk expanded alone (fewer of each than the pipeline
    makes, and uneven: a part or a chunk may be empty)."""
    feed = model.FeedData(SPEC, body)
    scans = [expand.scan_part(feed, window, part, 3) for part in range(3)]
    planned = expand.plan(feed, window, scans, 5)
    shares = [expand.expand_planned(feed, planned, share) for share in range(5)]
    return expand.Expansion(
        tuple(o for share in shares for o in share.occurrences),
        tuple(p for share in shares for p in share.problems),
    )


def compare(
    body: bytes, window: model.Window, reference: expand.FullPass | None = None
) -> list[tuple[str, ...]]:
    """Assert that both paths agree on `window` (`reference`: the full pass of `body`, read
    once for several windows); return what they found."""
    start, stop = expand.query_span(window)
    full = (reference or expand.FullPass(SPEC, body)).between(start, stop)
    fast = fast_expansion(body, window)
    assert described(fast.occurrences) == described(full.occurrences), window
    failed = {uid for kind, uid in reported(full)}
    listed = {o.uid for o in full.occurrences} | {o.uid for o in fast.occurrences}
    # what the fast path reports, the full pass reports too; about an entry that has
    # occurrences, both say the same
    assert reported(fast) <= reported(full), window
    assert {r for r in reported(fast) if r[1] in listed} == {
        r for r in reported(full) if r[1] in listed
    }, window
    assert not {uid for kind, uid in reported(fast)} - failed
    return described(full.occurrences)


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
    if days:  # years after the first series began: expanded from near the window
        windows.append(model.Window.of_weeks(days[0] + timedelta(days=3 * 365 + 17), 4))
    return windows


def compare_on_its_windows(body: bytes) -> None:
    reference = expand.FullPass(SPEC, body)
    for window in windows_for(body):
        compare(body, window, reference)


def rie_calendars() -> list[Path]:
    return sorted(RIE_CALENDARS.glob("*.ics")) if RIE_CALENDARS.is_dir() else []


@pytest.mark.skipif(not rie_calendars(), reason="recurring-ical-events ships no test calendars")
@pytest.mark.parametrize("path", rie_calendars(), ids=lambda path: path.stem)
def test_fast_path_matches_full_pass_on_recurring_ical_events_corpus(path: Path) -> None:
    compare_on_its_windows(path.read_bytes())


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
    compare_on_its_windows(path.read_bytes())


# --- the comparison notices what it is there to notice --------------------------------------

GOOGLE_LIKE = (
    "UID:weekly@google.com\nSUMMARY:Weekly\nDTSTART;TZID=Europe/Berlin:20240104T190000\n"
    "DTEND;TZID=Europe/Berlin:20240104T210000\nRRULE:FREQ=WEEKLY;BYDAY=TH",
    "UID:one@google.com\nSUMMARY:Once\nDTSTART:20251120T180000Z\nDTEND:20251120T200000Z",
    "UID:odd@google.com\nSUMMARY:Odd zone\nDTSTART;TZID=W. Europe Standard Time:20251121T190000"
    "\nDTEND;TZID=W. Europe Standard Time:20251121T210000",  # read by icalendar, not here
)


def test_a_corrupted_end_on_the_fast_path_is_a_difference(monkeypatch) -> None:
    body = feed(*GOOGLE_LIKE)
    window = model.Window(date(2025, 11, 19), date(2025, 12, 17))
    compare(body, window)
    read = lines.read_member

    def corrupted(raw: bytes) -> lines.Member:
        member = read(raw)
        if member.end is not None:
            member.end += timedelta(hours=1)
        return member

    monkeypatch.setattr(lines, "read_member", corrupted)
    monkeypatch.setattr("events.stages.expand.fast.read_member", corrupted)
    with pytest.raises(AssertionError):
        compare(body, window)


def test_a_corrupted_end_on_the_icalendar_path_is_a_difference(monkeypatch) -> None:
    body = feed(*GOOGLE_LIKE)
    window = model.Window(date(2025, 11, 19), date(2025, 12, 17))
    assemble = prefilter._assemble

    def corrupted(body: bytes, *args, **kwargs) -> bytes:
        return re.sub(rb"(DTEND[^:\n]*:\d{8}T)(\d\d)", rb"\g<1>23", assemble(body, *args, **kwargs))

    monkeypatch.setattr(prefilter, "_assemble", corrupted)
    with pytest.raises(AssertionError):
        compare(body, window)


def test_an_entry_only_one_side_can_expand_is_a_difference(monkeypatch) -> None:
    from events.stages.expand import fast

    body = feed(*GOOGLE_LIKE)
    window = model.Window(date(2025, 11, 19), date(2025, 12, 17))

    def cannot(spec, body, group, *args):  # the fast path gives up on every group it reads
        problem = model.Problem(model.ProblemKind.UNREADABLE_ENTRY, spec.name, "no", "x", "")
        return fast.Read([], [problem])

    monkeypatch.setattr(fast, "expand_group", cannot)
    with pytest.raises(AssertionError):
        compare(body, window)


# --- the edges the fast path must get right ------------------------------------------------


def feed(*events: str, header: str = "X-WR-CALNAME:edge") -> bytes:
    lines_ = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//test//EN", header]
    for event in events:
        lines_ += ["BEGIN:VEVENT", *event.strip().splitlines(), "END:VEVENT"]
    lines_.append("END:VCALENDAR")
    return ("\r\n".join(lines_) + "\r\n").encode()


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
    "escapes in texts and quoted parameters": feed(
        PAST,
        "UID:e\\;1\nSUMMARY:a\\, b\\nc \\\\ d\\; e\\N f\\x\n"
        "LOCATION;LANGUAGE=de:Hauptstr. 1\\, Berlin"
        '\nDESCRIPTION;ALTREP="cid:x:y":"quoted":z\nURL:https://a.example/c\\,d\n'
        'ORGANIZER;CN="Doe, Jane":mailto:jane@example.com\nSTATUS:tentative\n'
        'DTSTART;TZID="Europe/Berlin":20251120T190000',
    ),
    "a quote that never closes, empty values, a carriage return inside a value": feed(
        PAST,
        'UID:q1\nSUMMARY;X="a:b\nDTSTART:20251120T190000Z',
        "UID:q2\nSUMMARY:\nLOCATION:a\rb\nDTSTART;TZID=Europe/Berlin:20251121T190000",
        'UID:q3\nSUMMARY:q3\nDTSTART;X="u;v";TZID=Europe/Berlin:20251122T190000',
    ),
    "a monthly series since 2003 on the third and last Fridays": feed(
        PAST,
        "UID:l\nSUMMARY:l\nDTSTART;TZID=America/New_York:20030131T180000\n"
        "DTEND;TZID=America/New_York:20030131T200000\nRRULE:FREQ=MONTHLY;BYDAY=3FR,-1FR\n"
        "EXDATE;TZID=America/New_York:20251128T180000",
    ),
    "a COUNT series since 2010 still running": feed(
        PAST,
        "UID:c\nSUMMARY:c\nDTSTART;TZID=Europe/London:20100104T183000\n"
        "RRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,WE;COUNT=850",
        "UID:c\nSUMMARY:c moved\nRECURRENCE-ID;TZID=Europe/London:20251124T183000\n"
        "DTSTART;TZID=Europe/London:20251125T190000",
    ),
    "a BYSETPOS series since 2012": feed(
        PAST,
        "UID:p\nSUMMARY:p\nDTSTART;TZID=Australia/Sydney:20120131T180000\n"
        "RRULE:FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1",
    ),
    "an all-day yearly series since 2001": feed(
        PAST, "UID:y\nSUMMARY:y\nDTSTART;VALUE=DATE:20011126\nRRULE:FREQ=YEARLY"
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
    shown = []
    reference = expand.FullPass(SPEC, body)
    for window in EDGE_WINDOWS:
        shown += compare(body, window, reference)
    # Each case shows something, except the traps (an entry in the window that must not show).
    assert bool(shown) != (body in TRAPS)
    assert not any(key[0] == "past" for key in shown)


# --- generated feeds ------------------------------------------------------------------------

#: generated feeds tried (more with DIFF_EXAMPLES=…, for a longer search)
EXAMPLES = int(os.environ.get("DIFF_EXAMPLES", "100"))
ZONES = ["Europe/Berlin", "America/Los_Angeles", "Pacific/Kiritimati", "Australia/Sydney"]
FIRST_DAY = date(2024, 1, 1)


@st.composite
def moments(draw: st.DrawFn, first: date = FIRST_DAY, days: int = 900) -> tuple[datetime, str]:
    """A start and how it is written: UTC, a TZID, floating, or a whole day."""
    day = first + timedelta(days=draw(st.integers(0, days)))
    kind = draw(st.sampled_from(["utc", "tzid", "tzid", "floating", "date"]))
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


RULES = [
    "FREQ=WEEKLY",
    "FREQ=WEEKLY;WKST=SU;INTERVAL=2;BYDAY=TH",
    "FREQ=WEEKLY;BYDAY=MO,TH",
    "FREQ=MONTHLY;BYDAY=2TU",
    "FREQ=MONTHLY;BYDAY=-1FR",
    "FREQ=MONTHLY;BYMONTHDAY=31",
    "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1",
    "FREQ=MONTHLY;INTERVAL=3;BYDAY=1WE",
    "FREQ=DAILY;INTERVAL=3",
    "FREQ=YEARLY;BYMONTH=11;BYDAY=4TH",
    "FREQ=YEARLY",
]


@st.composite
def entries(draw: st.DrawFn, uid: str, old: bool) -> list[list[str]]:
    """One UID group: a one-off, or a series (sometimes begun years before the window) with
    EXDATEs, RDATEs and overrides near its start or near the window."""
    if old:
        start, kind = draw(moments(date(2003, 1, 1), 365 * 18))
    else:
        start, kind = draw(moments())
    unit = timedelta(days=1) if kind == "date" else timedelta(hours=1)
    length = unit * draw(st.integers(0, 30 if kind == "date" else 80))
    master = [f"UID:{uid}", written("DTSTART", start, kind), f"SUMMARY:{uid}"]
    if draw(st.booleans()):
        master.append(written("DTEND", start + length, kind))
    elif draw(st.booleans()):
        master.append(f"DURATION:P{length.days}DT{length.seconds}S")
    if not old and not draw(st.booleans()):
        return [master]
    rule = draw(st.sampled_from(RULES))
    ending = draw(st.sampled_from(["until", "until-date", "count", "endless", "endless"]))
    step = 7 if "WEEKLY" in rule else 30 if "MONTHLY" in rule else 3 if "DAILY" in rule else 365
    horizon = (date(2026, 6, 1) - start.date()).days if old else step * 40
    until = start + timedelta(days=draw(st.integers(step, max(step, horizon))))
    if ending == "until":
        rule += f";UNTIL={until:%Y%m%dT%H%M%S}" + ("" if kind in ("floating", "date") else "Z")
        if kind == "date":
            rule = rule[: -len("T000000")]
    elif ending == "until-date":
        rule += f";UNTIL={until:%Y%m%d}"
    elif ending == "count":
        rule += f";COUNT={draw(st.integers(1, max(2, horizon // step + 5)))}"
    master.append(f"RRULE:{rule}")
    group = [master]
    near = datetime.combine(date(2025, 11, 19), start.time())
    around = [start + timedelta(days=step * n) for n in range(0, 6)]
    around += [near + timedelta(days=n) for n in range(-7, 35, 1 if step < 7 else 7)]
    for moment in draw(st.lists(st.sampled_from(around), max_size=3)):
        master.append(written("EXDATE", moment, kind))
    if draw(st.integers(0, 4)) == 0:
        extra = start + timedelta(days=draw(st.integers(-60, 400)))
        master.append(written("RDATE", extra, kind))
    for moment in draw(st.lists(st.sampled_from(around), max_size=3, unique=True)):
        moved = moment + timedelta(days=draw(st.integers(-40, 40)) if draw(st.booleans()) else 0)
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
    count = draw(st.integers(1, 20))
    groups = [draw(entries(f"event-{index}", draw(st.booleans()))) for index in range(count)]
    members = [member for group in groups for member in group]
    order = draw(st.permutations(range(len(members))))
    zone = draw(st.sampled_from(["", "X-WR-TIMEZONE:America/New_York", "X-WR-TIMEZONE:UTC"]))
    lines_ = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//test//EN"] + ([zone] if zone else [])
    for index in order:
        lines_ += ["BEGIN:VEVENT", *members[index], "END:VEVENT"]
    lines_.append("END:VCALENDAR")
    return ("\r\n".join(lines_) + "\r\n").encode()


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(body=feeds(), data=st.data())
def test_fast_path_matches_full_pass_on_generated_feeds(body: bytes, data: st.DataObject) -> None:
    days = sorted({date(int(d[:4]), int(d[4:6]), int(d[6:])) for _, d in ANCHOR.findall(body)})
    days.append(date(2025, 11, 19))
    edge = data.draw(st.sampled_from(days)) + timedelta(days=data.draw(st.integers(-12, 12)))
    window = model.Window.of_weeks(edge, data.draw(st.integers(1, 6)))
    compare(body, window)
