"""Parse a feed and expand its events into the occurrences near the window.

Three steps, so that a feed costs what its window holds (issue 5, issue 10):

1. `scan` (events.stages.expand.prefilter) reads the raw bytes, part by part, for when each
   VEVENT can happen; `plan` keeps the UID groups (a master and its overrides) that may reach
   the window and deals them into shares, one per process.
2. `expand_planned` reads each kept group's lines itself (`lines`) and expands it the way
   recurring-ical-events does (`series`), from near the window (`recurrence`).
3. A group this reader does not read exactly (a TZID that is not an IANA zone, RDATE, RANGE,
   a broken value, …) is parsed by icalendar and expanded by recurring-ical-events, as the
   whole feed would be (`expand_body`, also the reference the differential tests hold the
   fast path to).

What goes wrong costs only itself (issue 12 §2): a bad calendar property is a BAD_HEADER
warning and the feed is read without it; a VEVENT without END:VEVENT, or one whose timing
cannot be read, is an UNREADABLE_ENTRY naming it; a doubtful one (DTEND before DTSTART, UNTIL
before DTSTART, two masters for one UID) a DOUBTFUL_ENTRY; a feed that is no Gregorian
calendar a NOT_A_CALENDAR failure.

X-WR-TIMEZONE *is* applied (x-wr-timezone, the Google quirk), for three reasons: it is what
`recurring_ical_events.of()` itself does, so the occurrences are those of the plain reference
pass; it is how Google shows the feed (a series written in UTC keeps its local time across DST in
the calendar's zone, a floating time is in that zone); and it changes no instant of an event
written with a TZID or in UTC, only the zone a UTC time is expressed in. The venue's local date
is still the understand stage's business. `Occurrence.tzid` stays the TZID written in the feed
and `Occurrence.calendar_tz` carries the calendar's zone.

icalendar and recurring-ical-events are imported only when a group needs them: importing them
costs about a tenth of a second that `twir-events --help`, and most feeds, need not pay.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from events import model
from events.stages.expand import prefilter

if TYPE_CHECKING:  # loaded with the stages after the scan, not before it
    from events.stages.expand.header import About, Header

#: Properties whose breakage makes it impossible to know when an event happens.
TIMING_PROPERTIES = frozenset(
    {"DTSTART", "DTEND", "DURATION", "RRULE", "RDATE", "EXDATE", "RECURRENCE-ID"}
)

#: A VEVENT longer than this is not read (no real entry comes near it): it is reported.
MAX_ENTRY_BYTES = 1_000_000


def _failed(spec: model.FeedSpec, message: str) -> model.Problem:
    return model.Problem(model.ProblemKind.NOT_A_CALENDAR, spec.name, message)


@dataclass(frozen=True)
class Expansion:
    """What one feed yields for the window: its occurrences and what could not be read."""

    occurrences: tuple[model.Occurrence, ...]
    problems: tuple[model.Problem, ...]


@dataclass(frozen=True)
class Plan:
    """The kept UID groups of one feed, dealt into shares, and what was found on the way."""

    start: datetime  # the half-open span expanded
    stop: datetime
    header: Header | None  # None: the bytes are left whole to icalendar (share 0)
    shares: tuple[tuple[tuple[Any, ...], ...], ...]  # per share, groups of prefilter entries
    outside: tuple[tuple[int, int], ...]
    problems: tuple[model.Problem, ...]  # reported once, with share 0
    broken: tuple[tuple[int, int], ...] = ()


def query_span(window: model.Window, margin_days: int = 2) -> tuple[datetime, datetime]:
    """The half-open span expanded for `window`.

    The margin covers the difference between UTC or feed-local dates and the venue's local
    date, which is only decided later.
    """
    first = window.start - timedelta(days=margin_days)
    stop = window.end + timedelta(days=1 + margin_days)
    return datetime.combine(first, time()), datetime.combine(stop, time())


def expand(
    feed: model.FeedData, window: model.Window, *, margin_days: int = 2, fast: bool = True
) -> Expansion:
    """Expand every occurrence of `feed` that overlaps the window widened by `margin_days`.

    With `fast`, entries that provably cannot reach the window are set aside on the raw bytes
    and the rest read without icalendar where it can be read exactly; the result is the same
    either way.
    """
    if not fast:
        return expand_body(feed.spec, feed.body, *query_span(window, margin_days))
    scans = [scan_part(feed, window, 0, 1, margin_days=margin_days)]
    return expand_planned(feed, plan(feed, window, scans, 1, margin_days=margin_days), 0)


def scan_part(
    feed: model.FeedData, window: model.Window, part: int, parts: int, *, margin_days: int = 2
) -> prefilter.Scan:
    """The first step for one of `parts` processes: read its part of the raw bytes."""
    start, stop = query_span(window, margin_days)
    spans = prefilter.parts(feed.body, parts)
    low, high = spans[part] if part < len(spans) else (0, 0)
    return prefilter.scan(feed.body, start.date(), stop.date(), low, high)


def plan(
    feed: model.FeedData,
    window: model.Window,
    scans: list[prefilter.Scan],
    shares: int,
    *,
    margin_days: int = 2,
) -> Plan:
    """The second step, in one process: the kept groups of all parts, dealt into `shares`
    of about the same size (whole groups, deterministically)."""
    start, stop = query_span(window, margin_days)
    spec, body = feed.spec, feed.body
    choice = prefilter.choose(body, scans, start.date(), stop.date(), trimmed=False)
    if choice is None:
        return Plan(start, stop, None, ((),) * shares, (), ())
    from events.stages.expand.header import read_header

    header = read_header(spec, body, choice.outside)
    problems = [_unclosed(spec, body, begin, end) for begin, end in choice.broken]
    if header is None:
        return Plan(start, stop, None, ((),) * shares, (), tuple(problems), tuple(choice.broken))
    problems[:0] = header.problems
    dealt = _deal(body, choice.groups, shares)
    return Plan(
        start,
        stop,
        header,
        tuple(tuple(groups) for groups in dealt),
        tuple(choice.outside),
        tuple(problems),
    )


def _deal(body: bytes, groups: list[list[Any]], shares: int) -> list[list[tuple[Any, ...]]]:
    """The groups dealt into `shares` of about the same size, the largest first, those meeting
    at one venue (the first member's LOCATION line) kept together unless they are more than
    `VENUE_MAX` of all: the places, links and names of a venue's series are then read, and
    remembered, in one process only."""

    sizes = [sum(entry.end - entry.begin for entry in group) for group in groups]  # bytes
    total = sum(sizes)
    by_venue: dict[bytes, list[int]] = {}
    for index, group in enumerate(groups):
        by_venue.setdefault(_venue(body, group[0]), []).append(index)
    units: list[tuple[int, int, list[int]]] = []  # (size, first byte, groups): each unit once
    for same in by_venue.values():
        size = sum(sizes[i] for i in same)
        if len(same) > 1 and size > total * VENUE_MAX:  # too large to stay together
            units.extend((sizes[i], groups[i][0].begin, [i]) for i in same)
        else:
            units.append((size, groups[same[0]][0].begin, same))
    from events.parallel import deal

    units.sort(key=lambda unit: (-unit[0], unit[1]))
    dealt = deal([unit[0] for unit in units], shares)
    return [[tuple(groups[i]) for k in share for i in units[k][2]] for share in dealt]


#: The largest part of a feed's kept groups that one venue's groups may be, and stay together.
VENUE_MAX = 1 / 8


def _venue(body: bytes, entry: Any) -> bytes:
    at = body.find(b"\nLOCATION", entry.begin, entry.end)
    if at < 0:
        return b""
    stop = body.find(b"\n", at + 1, entry.end)
    return body[at:stop] if stop > 0 else body[at : entry.end]


def expand_share(
    feed: model.FeedData,
    window: model.Window,
    share: int = 0,
    shares: int = 1,
    *,
    margin_days: int = 2,
) -> Expansion:
    """`expand` for one share of the feed's kept UID groups, each process scanning it all."""
    scans = [scan_part(feed, window, 0, 1, margin_days=margin_days)]
    return expand_planned(feed, plan(feed, window, scans, shares, margin_days=margin_days), share)


def expand_planned(feed: model.FeedData, planned: Plan, share: int) -> Expansion:
    """The last step, for one share of a plan: read and expand its groups."""
    spec, body = feed.spec, feed.body
    header = planned.header
    if header is None:
        if share != 0:
            return Expansion((), ())
        if planned.broken:
            body = _without(body, planned.broken)
        result = expand_body(spec, body, planned.start, planned.stop)
        return Expansion(result.occurrences, planned.problems + result.problems)
    problems: list[model.Problem] = list(planned.problems) if share == 0 else []
    if header.scale != "GREGORIAN":
        if share != 0:
            return Expansion((), ())
        return Expansion((), (_failed(spec, _scale_message(header.scale)),))
    from events.stages.expand import fast

    occurrences: list[model.Occurrence] = []
    left: list[tuple[Any, ...]] = []
    first, stop = planned.start.date(), planned.stop.date()
    for wanted in planned.shares[share]:
        if any(entry.end - entry.begin > MAX_ENTRY_BYTES for entry in wanted):
            problems.append(_too_large(spec, body, wanted))
            continue
        read = fast.expand_wanted(spec, body, wanted, planned.start, planned.stop, header.about)
        group = wanted
        if read is None:  # the long way: the prefilter reads the group, then icalendar
            members = prefilter.trim(body, list(wanted), first, stop)
            if members is None:
                problems.append(_unbalanced(spec, body, wanted))
                continue
            if not members:
                continue
            group = tuple(members)
            read = fast.expand_group(spec, body, group, planned.start, planned.stop, header.about)
        if read is None:
            left.append(group)
            continue
        occurrences.extend(read.occurrences)
        problems.extend(read.problems)
    if left:
        groups = [list(group) for group in left]
        small = prefilter.assemble(
            body, groups, list(planned.outside), planned.start.date(), planned.stop.date()
        )
        result = expand_body(spec, small, planned.start, planned.stop, about=header.about)
        occurrences.extend(result.occurrences)
        problems.extend(result.problems)
    occurrences.sort(key=order_key)
    return Expansion(tuple(occurrences), tuple(dict.fromkeys(problems)))


def _scale_message(scale: str) -> str:
    return f"CALSCALE:{scale[:40]}: only Gregorian calendars are read"


def _without(body: bytes, spans: tuple[tuple[int, int], ...]) -> bytes:
    pieces, position = [], 0
    for begin, end in sorted(spans):
        pieces.append(body[position:begin])
        position = end
    pieces.append(body[position:])
    return b"".join(pieces)


def _entry_words(body: bytes, begin: int, end: int) -> tuple[str | None, str | None]:
    """The UID and SUMMARY of a VEVENT's bytes, as far as they can be read."""
    from events.stages.expand.lines import text

    found: dict[bytes, str] = {}
    for name, value in prefilter.text_lines(body, begin, min(end, begin + MAX_ENTRY_BYTES)):
        found.setdefault(name, text(value.decode("utf-8", "replace")))
    return found.get(b"UID"), found.get(b"SUMMARY")


def _unreadable(spec: model.FeedSpec, body: bytes, begin: int, end: int, why: str) -> model.Problem:
    """An entry set aside before it is read, named by what its raw lines say."""
    uid, summary = _entry_words(body, begin, end)
    return model.Problem(
        model.ProblemKind.UNREADABLE_ENTRY,
        spec.name,
        why,
        uid=uid or "(no UID)",
        summary=summary or "",
    )


def _unclosed(spec: model.FeedSpec, body: bytes, begin: int, end: int) -> model.Problem:
    return _unreadable(spec, body, begin, end, "this entry has no END:VEVENT: it is not read")


def _unbalanced(spec: model.FeedSpec, body: bytes, group: tuple[Any, ...]) -> model.Problem:
    why = "a component inside this entry is not closed (BEGIN without END): it is not read"
    return _unreadable(spec, body, group[0].begin, group[0].end, why)


def _too_large(spec: model.FeedSpec, body: bytes, group: tuple[Any, ...]) -> model.Problem:
    entry = max(group, key=lambda e: e.end - e.begin)
    size = (entry.end - entry.begin) // 1000
    why = f"this entry is {size} kB long, more than any calendar entry needs: it is not read"
    return _unreadable(spec, body, entry.begin, entry.end, why)


# -- the full path: icalendar and recurring-ical-events ----------------------------------------


def expand_body(
    spec: model.FeedSpec,
    body: bytes,
    start: datetime,
    stop: datetime,
    *,
    about: About | None = None,
) -> Expansion:
    """Parse `body` with icalendar and expand its VEVENTs over [start, stop).

    `about` is what the fast path already read of the calendar's own properties; without it
    they are read here (and their problems reported)."""
    return FullPass(spec, body, about=about).between(start, stop)


class FullPass:
    """A feed parsed by icalendar, prepared (`prepare`) and handed to recurring-ical-events
    once, then expanded over as many spans as asked."""

    def __init__(self, spec: model.FeedSpec, body: bytes, *, about: About | None = None) -> None:
        import icalendar

        self.spec = spec
        self.failure: model.Problem | None = None
        self.problems: list[model.Problem] = []
        try:
            with warnings.catch_warnings():  # its guesses (a vendor's TZID) are not the user's
                warnings.simplefilter("ignore")
                calendar = icalendar.Calendar.from_ical(body)
        except Exception as error:  # icalendar raises ValueError and friends on non-calendars
            self.failure = _failed(spec, f"not an iCalendar feed: {_short(error)}")
            return
        if calendar.name != "VCALENDAR":
            self.failure = _failed(spec, "not an iCalendar feed: no VCALENDAR")
            return
        if about is None:
            from events.stages.expand.header import About, calendar_id, calendar_zone

            scale = _text(calendar.get("CALSCALE", "GREGORIAN")).strip().upper()
            if scale != "GREGORIAN":
                self.failure = _failed(spec, _scale_message(scale))
                return
            zone, why = calendar_zone([_text(v) for v in _all(calendar.get("X-WR-TIMEZONE"))])
            if why:
                self.problems.append(model.Problem(model.ProblemKind.BAD_HEADER, spec.name, why))
            name = _text(calendar.get("X-WR-CALNAME")).strip() or None
            about = About(zone, name, calendar_id(spec, body))
        self.about = about
        self.zones = _written_zones(calendar)
        self.expander = _Expander(calendar, about.timezone)

    def between(self, start: datetime, stop: datetime) -> Expansion:
        if self.failure is not None:
            return Expansion((), (self.failure,))
        spec = self.spec
        expanded = self.expander.between(start, stop)
        occurrences = sorted(
            (_occurrence(spec, c, self.zones, self.about) for c in expanded.components),
            key=order_key,
        )
        problems = list(self.problems)
        problems.extend(
            model.Problem(
                model.ProblemKind.UNREADABLE_ENTRY,
                spec.name,
                f"cannot expand this entry: {reason}",
                uid=uid,
                summary=summary,
            )
            for uid, summary, reason in expanded.failures
        )
        problems.extend(
            model.Problem(model.ProblemKind.DOUBTFUL_ENTRY, spec.name, reason, uid, summary)
            for uid, summary, reason in expanded.doubts
        )
        problems.extend(
            model.Problem(model.ProblemKind.BAD_HEADER, spec.name, note) for note in expanded.notes
        )
        return Expansion(tuple(occurrences), tuple(dict.fromkeys(problems)))


@dataclass
class Expanded:
    """What recurring-ical-events yields for a calendar, and what it could not or should not."""

    components: list[Any]
    failures: list[tuple[str, str, str]]  # (uid, summary, reason) of groups not expanded
    doubts: list[tuple[str, str, str]]  # (uid, summary, reason) of groups read with a doubt
    notes: list[str]  # about the calendar as a whole (unknown TZIDs)


def expand_calendar(
    calendar: Any, start: datetime, stop: datetime, *, zone: str | None | bool = True
) -> Expanded:
    """The occurrences (icalendar components) of a calendar's VEVENTs over [start, stop).

    Exactly what `recurring_ical_events.of(calendar).between(start, stop)` yields when that
    works, with the choices of `prepare`. `zone` is the calendar's zone as already read
    (True: read it here; None: none).

    Also returns (uid, summary, reason) for every UID group that could not be expanded; the
    other groups are expanded all the same.
    """
    return _Expander(calendar, zone).between(start, stop)


class _Expander:
    """A calendar prepared once for recurring-ical-events. One query serves all the healthy
    UID groups; only if it fails is each group queried alone, to find the culprit."""

    def __init__(self, calendar: Any, zone: str | None | bool) -> None:
        self.calendar, self.doubts, self.notes = prepare(calendar, zone=zone)
        self.healthy: list[list[Any]] = []
        self.failures: list[tuple[str, str, str]] = []
        for group in _uid_groups(self.calendar.walk("VEVENT")):
            broken = [
                f"{name}: {message}"
                for component in group
                for name, message in component.errors
                if name in TIMING_PROPERTIES
            ]
            if broken:
                self.failures.append(_failure(group, "; ".join(broken)))
            else:
                self.healthy.append(group)
        self.query: Any = None
        self.alone: list[tuple[list[Any], Any]] | None = None

    def between(self, start: datetime, stop: datetime) -> Expanded:
        failures = list(self.failures)
        try:
            if self.alone is not None:
                raise ValueError("a group fails")
            if self.query is None:
                self.query = _query(self.healthy)
            components = list(self.query.between(start, stop))
        except Exception:  # noqa: BLE001 - one bad group: find it below
            components = []
            if self.alone is None:
                self.alone = []
                for group in self.healthy:
                    try:
                        self.alone.append((group, _query([group])))
                    except Exception as error:  # noqa: BLE001 - one entry's defect only
                        self.failures.append(_failure(group, _short(error)))
                        failures.append(_failure(group, _short(error)))
            for group, query in self.alone:
                try:
                    components.extend(query.between(start, stop))
                except Exception as error:  # noqa: BLE001 - one entry's defect never drops the others
                    failures.append(_failure(group, _short(error)))
        shown = {_text(component.get("UID")) for component in components}
        said = [doubt[:3] for doubt in relevant(self.doubts, shown, start, stop)]
        return Expanded(components, failures, said, self.notes)


def as_google_shows(calendar: Any) -> Any:
    """The calendar as this tool reads it (see `prepare`)."""
    return prepare(calendar)[0]


def prepare(calendar: Any, *, zone: str | None | bool = True) -> tuple[Any, list[Doubt], list[str]]:
    """The calendar with Google's two quirks read as Google reads them — X-WR-TIMEZONE (as
    recurring_ical_events.of() also applies it, when it names a zone) and a date-only UNTIL
    (`inclusive_until`) — and with the length of an entry whose DTEND comes before its DTSTART
    left out (recurring-ical-events would swap them). Also returns the doubts about entries
    and the notes about the calendar (TZIDs no zone is known for). The caller's calendar is
    left as it was."""
    from zoneinfo import ZoneInfo

    import icalendar
    import x_wr_timezone

    from events.stages.expand.header import calendar_zone
    from events.stages.expand.series import reversed_end, several_masters, until_before_start

    if zone is True:
        zone, _ = calendar_zone([_text(v) for v in _all(calendar.get("X-WR-TIMEZONE"))])
    unknown: dict[str, None] = {}
    for event in calendar.walk("VEVENT"):  # TZIDs read as floating, before they move zone
        for name in ("DTSTART", "DTEND", "RECURRENCE-ID"):
            prop = _first(event.get(name))
            tzid = _tzid(prop)
            moment = getattr(prop, "dt", None) if tzid else None
            if tzid and isinstance(moment, datetime) and moment.tzinfo is None:
                unknown.setdefault(tzid, None)
    # the same components without the calendar's own X-WR-TIMEZONE (which may be bad), the
    # VEVENTs whose length is left out copied without it
    changed = icalendar.Calendar()
    doubts: list[Doubt] = []
    for component in calendar.subcomponents:
        if getattr(component, "name", None) == "VEVENT":
            try:
                why = _reversed_end_of(component, reversed_end)
            except Exception:  # noqa: BLE001 - a broken entry is reported when it is expanded
                why = None
            if why:
                doubts.append((*_failure([component], why), None))
                copy = component.copy()
                copy.pop("DTEND", None)
                copy.pop("DURATION", None)
                for sub in component.subcomponents:
                    copy.add_component(sub)
                component = copy
        changed.subcomponents.append(component)
    calendar = x_wr_timezone.to_standard(changed, timezone=ZoneInfo(zone) if zone else None)
    calendar = inclusive_until(calendar)
    for group in _uid_groups(calendar.walk("VEVENT")):
        masters = [c for c in group if "RECURRENCE-ID" not in c]
        if len(masters) > 1:
            doubts.append((*_failure(group, several_masters(len(masters))), None))
        for master in masters:
            try:
                ends_early = _ends_before_start(master)
            except Exception:  # noqa: BLE001 - a broken rule is reported when it is expanded
                ends_early = False
            if ends_early:
                doubts.append((*_failure([master], until_before_start()), master["DTSTART"].dt))
    notes = [
        f"TZID={tzid[:60]} is not a time zone known here: times written with it are read as"
        " floating, in the calendar's zone"
        for tzid in unknown
    ]
    return calendar, doubts, notes


#: (uid, summary, reason, DTSTART): said when the entry shows in the span, or, for an entry
#: that cannot show (its UNTIL before its DTSTART), when its DTSTART lies in the span.
Doubt = tuple[str, str, str, Any]


def relevant(doubts: list[Doubt], shown: set[str], start: datetime, stop: datetime) -> list[Doubt]:
    """The doubts worth saying for the span [start, stop), given the UIDs that show in it."""
    from events.stages.expand.series import overlaps

    return [
        doubt
        for doubt in doubts
        if (doubt[0] in shown if doubt[3] is None else overlaps(start, stop, doubt[3], doubt[3]))
    ]


def _reversed_end_of(component: Any, reversed_end: Any) -> str | None:
    """Why the DTEND (or DURATION) of an entry that ends before it starts is left out."""
    start = component.get("DTSTART")
    if start is None or isinstance(start, list):
        return None
    end = component.get("DTEND")
    duration = component.get("DURATION")
    if isinstance(end, list) or isinstance(duration, list):
        return None
    return reversed_end(
        start.dt, None if end is None else end.dt, None if duration is None else duration.dt
    )


def _ends_before_start(component: Any) -> bool:
    start = _first(component.get("DTSTART"))
    rules = component.get("RRULE")
    if start is None or rules is None:
        return False
    for rule in rules if isinstance(rules, list) else [rules]:
        until = rule.get("UNTIL")
        if not until:
            continue
        first, last = start.dt, until[0]
        if isinstance(first, datetime) and not isinstance(last, datetime):
            last = datetime.combine(last, time(), tzinfo=first.tzinfo)
        elif isinstance(last, datetime) and not isinstance(first, datetime):
            first = datetime.combine(first, time(), tzinfo=last.tzinfo)
        elif isinstance(first, datetime) and (first.tzinfo is None) != (last.tzinfo is None):
            last = last.replace(tzinfo=first.tzinfo)
        try:
            if first > last:
                return True
        except TypeError:
            return False
    return False


def inclusive_until(calendar: Any) -> Any:
    """Read a date-only UNTIL on a series of timed events as the end of that day.

    Google writes `RRULE:…;UNTIL=20200331` under a `DTSTART;TZID=…:…T190000` (against RFC 5545,
    which wants a UTC date-time there) and shows the series up to and including that day.
    recurring-ical-events takes the date as midnight UTC and so drops the last occurrence of any
    series held after midnight UTC, which is most evening meetups. The day is taken in the
    zone of DTSTART (after X-WR-TIMEZONE has been applied), as Google's calendar shows it.
    Changes the calendar in place and returns it.
    """
    for event in calendar.walk("VEVENT"):
        try:
            _until_end_of_day(event)
        except Exception:  # noqa: BLE001 - a broken entry is reported when it is expanded
            continue
    return calendar


def _until_end_of_day(event: Any) -> None:
    start = event.get("DTSTART")
    rules = event.get("RRULE")
    if start is None or rules is None or not isinstance(start.dt, datetime):
        return
    for rule in rules if isinstance(rules, list) else [rules]:
        until = rule.get("UNTIL")
        if not until or isinstance(until[0], datetime):
            continue
        end = datetime.combine(until[0], time(23, 59, 59), tzinfo=start.dt.tzinfo)
        rule["UNTIL"] = [end if end.tzinfo is None else end.astimezone(UTC)]


def _query(groups: list[list[Any]]) -> Any:
    """recurring-ical-events' query over a calendar of these UID groups."""
    import icalendar
    import recurring_ical_events

    calendar = icalendar.Calendar()
    for group in groups:
        for component in group:
            calendar.add_component(component)
    return recurring_ical_events.of(calendar)


def _failure(group: list[Any], reason: str) -> tuple[str, str, str]:
    master = next((c for c in group if "RECURRENCE-ID" not in c), group[0])
    return _text(master.get("UID")), _text(master.get("SUMMARY")), reason


def _uid_groups(components: Any) -> list[list[Any]]:
    """Group VEVENTs the way recurring-ical-events does: by UID; no UID, no group."""
    groups: dict[object, list[Any]] = {}
    for component in components:
        uid = component.get("UID")
        key: object = object() if uid is None else str(uid)
        groups.setdefault(key, []).append(component)
    return list(groups.values())


def _written_zones(calendar: Any) -> dict[tuple[str, object], str | None]:
    """The TZID each VEVENT wrote on its DTSTART, by (UID, RECURRENCE-ID or None).

    Read before X-WR-TIMEZONE rewrites UTC times, so that it says what the feed said. An
    entry without UID has no key: its occurrences cannot be told from those of another.
    """
    zones: dict[tuple[str, object], str | None] = {}
    for event in calendar.walk("VEVENT"):
        uid = _text(event.get("UID"))
        if not uid:
            continue
        recurrence = _first(event.get("RECURRENCE-ID"))
        zones.setdefault((uid, getattr(recurrence, "dt", None)), _tzid(event.get("DTSTART")))
    return zones


def _occurrence(
    spec: model.FeedSpec,
    component: Any,
    zones: dict[tuple[str, object], str | None],
    about: About,
) -> model.Occurrence:
    """One occurrence as recurring-ical-events produced it, as plain values."""
    uid = _text(component.get("UID"))
    recurrence = getattr(_first(component.get("RECURRENCE-ID")), "dt", None)
    # An override's own zone, else the master's (occurrences of a master carry their start as
    # RECURRENCE-ID, which no override shares, or it would have replaced them).
    tzid = zones.get((uid, recurrence), zones.get((uid, None))) if uid else None
    end = component.get("DTEND")
    return model.Occurrence(
        feed=spec,
        uid=uid,
        summary=_text(component.get("SUMMARY")),
        description=_text(component.get("DESCRIPTION")),
        location=_text(component.get("LOCATION")),
        url=_text(component.get("URL")).strip() or None,
        start=component["DTSTART"].dt,
        end=None if end is None else end.dt,
        status=_text(component.get("STATUS")).strip().upper() or None,
        organizer=_organizer(component.get("ORGANIZER")),
        tzid=tzid,
        calendar_tz=about.timezone,
        calendar_name=about.name,
        calendar_id=about.google_id,
    )


def _all(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def _first(value: Any) -> Any:
    """A property written twice comes back as a list; the first one counts."""
    if isinstance(value, list):
        return value[0] if value else None
    return value


def _text(value: Any) -> str:
    """A text property as a plain str ("" when missing)."""
    value = _first(value)
    return "" if value is None else str(value)


def _organizer(value: Any) -> str | None:
    value = _first(value)
    if value is None:
        return None
    name = _text(getattr(value, "params", {}).get("CN")).strip()
    return name or None


def _tzid(value: Any) -> str | None:
    value = _first(value)
    tzid = getattr(value, "params", {}).get("TZID")
    return _text(tzid) or None


def order_key(occurrence: model.Occurrence) -> tuple[datetime, str]:
    """Sort by instant (dates and floating times as if UTC), then UID; occurrences of one UID
    at one instant stay in the order recurring-ical-events yields them (its master's before
    its overrides'), which decides which copy of a duplicate is listed."""
    start = occurrence.start
    if not isinstance(start, datetime):
        moment = datetime.combine(start, time())
    elif start.tzinfo is None:
        moment = start
    else:
        moment = start.astimezone(UTC).replace(tzinfo=None)
    return moment, occurrence.uid


def _short(error: Exception, limit: int = 200) -> str:
    text = str(error) or type(error).__name__
    return text if len(text) <= limit else text[: limit - 1] + "…"


__all__ = [
    "Expansion",
    "Plan",
    "expand",
    "expand_body",
    "expand_calendar",
    "expand_planned",
    "expand_share",
    "order_key",
    "plan",
    "query_span",
    "scan_part",
]
