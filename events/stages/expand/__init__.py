"""Parse a feed and expand its events into the occurrences near the window.

The feed is parsed with icalendar and expanded with recurring-ical-events. A UID group (a
master and its overrides) with a broken timing property, or one recurring-ical-events refuses,
becomes a Problem naming it; the other groups are expanded all the same. First, by default,
events.prefilter sets aside on the raw bytes what cannot reach the window (issue 5: a decade of
Google history costs what the window holds, not what the feed holds).

X-WR-TIMEZONE *is* applied (x-wr-timezone, the Google quirk), for three reasons: it is what
`recurring_ical_events.of()` itself does, so the occurrences are those of the plain reference
pass; it is how Google shows the feed (a series written in UTC keeps its local time across DST in
the calendar's zone, a floating time is in that zone); and it changes no instant of an event
written with a TZID or in UTC, only the zone a UTC time is expressed in. The venue's local date
is still the understand stage's business. `Occurrence.tzid` stays the TZID written in the feed
and `Occurrence.calendar_tz` carries the calendar's zone.

icalendar and recurring-ical-events are imported inside the functions: importing them costs
about a tenth of a second that `twir-events --help` must not pay.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Any

from events import model
from events.rules import google

#: Properties whose breakage makes it impossible to know when an event happens.
TIMING_PROPERTIES = frozenset(
    {"DTSTART", "DTEND", "DURATION", "RRULE", "RDATE", "EXDATE", "RECURRENCE-ID"}
)


@dataclass(frozen=True)
class _About:
    """What the calendar says of itself, carried on each of its occurrences."""

    timezone: str | None
    name: str | None
    google_id: str | None


def _failed(spec: model.FeedSpec, message: str) -> model.Problem:
    return model.Problem(model.ProblemKind.NOT_A_CALENDAR, spec.name, message)


@dataclass(frozen=True)
class Expansion:
    """What one feed yields for the window: its occurrences and what could not be read."""

    occurrences: tuple[model.Occurrence, ...]
    problems: tuple[model.Problem, ...]


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
    (events.prefilter) before icalendar sees them; the result is the same either way.
    """
    if not fast:
        return expand_body(feed.spec, feed.body, *query_span(window, margin_days))
    return expand_share(feed, window, margin_days=margin_days)


def expand_share(
    feed: model.FeedData,
    window: model.Window,
    share: int = 0,
    shares: int = 1,
    *,
    margin_days: int = 2,
) -> Expansion:
    """`expand` for one share of the feed's UID groups (see `prefilter.select`): processes that
    each take one share together yield what `expand` yields, each paying for its share only."""
    from events.stages.expand import prefilter

    start, stop = query_span(window, margin_days)
    body = prefilter.select(feed.body, start.date(), stop.date(), share, shares)
    if body is None:
        return Expansion((), ())
    return expand_body(feed.spec, body, start, stop)


def expand_body(spec: model.FeedSpec, body: bytes, start: datetime, stop: datetime) -> Expansion:
    """Parse `body` and expand its VEVENTs over [start, stop)."""
    import icalendar

    try:
        calendar = icalendar.Calendar.from_ical(body)
    except Exception as error:  # icalendar raises ValueError and friends on non-calendars
        return Expansion((), (_failed(spec, f"not an iCalendar feed: {_short(error)}"),))
    if calendar.name != "VCALENDAR":
        return Expansion((), (_failed(spec, "not an iCalendar feed: no VCALENDAR"),))
    if str(calendar.get("CALSCALE", "GREGORIAN")).upper() != "GREGORIAN":
        scale = _text(calendar.get("CALSCALE"))
        return Expansion(
            (), (_failed(spec, f"CALSCALE:{scale}: only Gregorian calendars are read"),)
        )

    calendar_tz = _text(calendar.get("X-WR-TIMEZONE")) or None
    calendar_name = _text(calendar.get("X-WR-CALNAME")).strip() or None
    calendar_id = google.calendar_id(spec.source, body)
    if calendar_id is None and b"PRODID:-//Google Inc" in body[:4096]:
        calendar_id = google.COMMUNITY_CALENDAR_ID  # a saved export: the one calendar TWIR reads
    about = _About(calendar_tz, calendar_name, calendar_id)
    zones = _written_zones(calendar)
    components, failures = expand_calendar(calendar, start, stop)
    occurrences = sorted(
        (_occurrence(spec, component, zones, about) for component in components),
        key=order_key,
    )
    problems = tuple(
        model.Problem(
            model.ProblemKind.UNREADABLE_ENTRY,
            spec.name,
            f"cannot expand this entry: {reason}",
            uid=uid,
            summary=summary,
        )
        for uid, summary, reason in failures
    )
    return Expansion(tuple(occurrences), problems)


def expand_calendar(
    calendar: Any, start: datetime, stop: datetime
) -> tuple[list[Any], list[tuple[str, str, str]]]:
    """The occurrences (icalendar components) of a calendar's VEVENTs over [start, stop).

    Exactly what `recurring_ical_events.of(calendar).between(start, stop)` yields when that works.

    Also returns (uid, summary, reason) for every UID group that could not be expanded; the
    other groups are expanded all the same. One recurring-ical-events query serves all the
    healthy groups; only if it fails is each group queried alone to find the culprit.
    """
    calendar = as_google_shows(calendar)
    healthy: list[list[Any]] = []
    failures: list[tuple[str, str, str]] = []
    for group in _uid_groups(calendar.walk("VEVENT")):
        broken = [
            f"{name}: {message}"
            for component in group
            for name, message in component.errors
            if name in TIMING_PROPERTIES
        ]
        if broken:
            failures.append(_failure(group, "; ".join(broken)))
        else:
            healthy.append(group)
    try:
        return _between(healthy, start, stop), failures
    except Exception:  # one bad group: find it below
        pass
    components = []
    for group in healthy:
        try:
            components.extend(_between([group], start, stop))
        except Exception as error:  # any defect of one entry must not drop the others
            failures.append(_failure(group, _short(error)))
    return components, failures


def as_google_shows(calendar: Any) -> Any:
    """The calendar with Google's two quirks read as Google reads them: X-WR-TIMEZONE (as
    recurring_ical_events.of() also applies it) and date-only UNTIL (`inclusive_until`)."""
    import x_wr_timezone

    return inclusive_until(x_wr_timezone.to_standard(calendar))


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


def _between(groups: list[list[Any]], start: datetime, stop: datetime) -> list[Any]:
    import icalendar
    import recurring_ical_events

    calendar = icalendar.Calendar()
    for group in groups:
        for component in group:
            calendar.add_component(component)
    return list(recurring_ical_events.of(calendar).between(start, stop))


def _failure(group: list[Any], reason: str) -> tuple[str, str, str]:
    master = next((c for c in group if "RECURRENCE-ID" not in c), group[0])
    return _text(master.get("UID")), _text(master.get("SUMMARY")), reason


def _uid_groups(components: Iterable[Any]) -> list[list[Any]]:
    """Group VEVENTs the way recurring-ical-events does: by UID; no UID, no group."""
    groups: dict[object, list[Any]] = {}
    for component in components:
        uid = component.get("UID")
        key: object = object() if uid is None else str(uid)
        groups.setdefault(key, []).append(component)
    return list(groups.values())


def _written_zones(calendar: Any) -> dict[tuple[str, object], str | None]:
    """The TZID each VEVENT wrote on its DTSTART, by (UID, RECURRENCE-ID or None).

    Read before X-WR-TIMEZONE rewrites UTC times, so that it says what the feed said.
    """
    zones: dict[tuple[str, object], str | None] = {}
    for event in calendar.walk("VEVENT"):
        recurrence = _first(event.get("RECURRENCE-ID"))
        key = (_text(event.get("UID")), getattr(recurrence, "dt", None))
        zones.setdefault(key, _tzid(event.get("DTSTART")))
    return zones


def _occurrence(
    spec: model.FeedSpec,
    component: Any,
    zones: dict[tuple[str, object], str | None],
    about: _About,
) -> model.Occurrence:
    """One occurrence as recurring-ical-events produced it, as plain values."""
    uid = _text(component.get("UID"))
    recurrence = getattr(_first(component.get("RECURRENCE-ID")), "dt", None)
    # An override's own zone, else the master's (occurrences of a master carry their start as
    # RECURRENCE-ID, which no override shares, or it would have replaced them).
    tzid = zones.get((uid, recurrence), zones.get((uid, None)))
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
    """Sort by instant (dates and floating times as if UTC), then UID."""
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


__all__ = ["Expansion", "expand", "expand_body", "expand_calendar", "query_span"]
