"""One UID group (a master and its overrides) expanded over a span the way
recurring-ical-events expands it, from values `lines` read, without icalendar.

This follows recurring-ical-events 3 (`series/rrule.py`, `adapters/component.py`, `util.py`)
step by step — X-WR-TIMEZONE applied first (as `x_wr_timezone.to_standard` does), a date-only
UNTIL read as Google shows it (`inclusive_until`), the master with the highest SEQUENCE,
overrides found by their RECURRENCE-ID in UTC or on the wall clock, EXDATEs by instant, wall
clock or day, DTSTART always an occurrence unless after UNTIL, the span widened by the length
of an occurrence, an occurrence kept when it overlaps the span — with two differences made on
purpose: the rule is expanded from near the span (`recurrence`), and a rule more frequent than
daily yields a day's first occurrence only. Two more are choices of this tool, made on both
paths (see `doubts`): a DTEND before DTSTART is left out rather than swapped, and a series
whose UNTIL comes before its start is reported.

Anything else unusual raises `Unplain`; the group then goes to recurring-ical-events.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from functools import lru_cache
from typing import Any, NamedTuple

from events.stages.expand.lines import Member, Moment, exdate, exdate_day
from events.stages.expand.recurrence import Expander, Unbounded, Unplain, parse

ZERO = timedelta()


class Found(NamedTuple):
    """One occurrence: the member whose texts it shows, and when."""

    member: Member
    start: Moment
    end: Moment
    from_master: bool
    recurrence: Moment | None = None  # an override's RECURRENCE-ID (in the calendar's zone)


def _is_date(value: object) -> bool:
    return isinstance(value, date) and not isinstance(value, datetime)


def _as_datetime(value: Moment, zone: tzinfo | None) -> datetime:
    """recurring-ical-events' `convert_to_datetime`."""
    if not isinstance(value, datetime):
        value = datetime(value.year, value.month, value.day)
    if value.tzinfo is None:
        return value if zone is None else value.replace(tzinfo=zone)
    return value if zone is not None else value.replace(tzinfo=None)


def _comparable(values: Sequence[Moment]) -> list[Any]:
    """recurring-ical-events' `make_comparable`."""
    if all(type(value) is datetime and value.tzinfo is not None for value in values):
        return list(values)  # what the loop below gives them: themselves (most entries)
    zone = None
    all_dates = True
    for value in values:
        if not _is_date(value):
            all_dates = False
            if isinstance(value, datetime) and value.tzinfo is not None:
                zone = value.tzinfo
                break
    if all_dates:
        return list(values)
    return [_as_datetime(value, zone) for value in values]


def _ids(moment: Moment) -> tuple[datetime, ...]:
    """recurring-ical-events' `to_recurrence_ids`."""
    if not isinstance(moment, datetime):
        return (datetime(moment.year, moment.month, moment.day),)
    if moment.tzinfo is None:
        return (moment,)
    return (moment.astimezone(UTC).replace(tzinfo=None), moment.replace(tzinfo=None))


def overlaps(span_start: Moment, span_stop: Moment, start: Moment, stop: Moment) -> bool:
    """recurring-ical-events' `time_span_contains_event` (the span's stop is excluded)."""
    if (
        type(start) is datetime
        and type(stop) is datetime
        and start.tzinfo is not None
        and stop.tzinfo is not None
        and type(span_start) is datetime
        and type(span_stop) is datetime
        and span_start.tzinfo is None
        and span_stop.tzinfo is None
    ):  # a naive span and a zoned occurrence (most): the span read in the occurrence's zone
        span_start, span_stop = _span_in(span_start, span_stop, start.tzinfo)
    else:
        span_start, span_stop, start, stop = _comparable((span_start, span_stop, start, stop))
    if start == stop:
        return bool(span_start <= start < span_stop)
    return bool(start < span_stop and span_start < stop)


@lru_cache(maxsize=256)
def _span_in(start: datetime, stop: datetime, zone: tzinfo) -> tuple[datetime, datetime]:
    return start.replace(tzinfo=zone), stop.replace(tzinfo=zone)


def to_calendar_zone(value: Moment, zone: tzinfo | None) -> Moment:
    """What `x_wr_timezone.to_standard` makes of a date or time: UTC and floating times move
    to the calendar's zone."""
    if zone is None or not isinstance(value, datetime):
        return value
    if value.tzinfo is None:
        return value.replace(tzinfo=zone)
    name = value.tzname()
    if name is not None and name.upper() == "UTC":
        return value.astimezone(zone)
    return value


class _Adapter:
    """A member as recurring-ical-events' ComponentAdapter sees it."""

    def __init__(self, member: Member, zone: tzinfo | None) -> None:
        self.member = member
        self.raw_start = to_calendar_zone(member.start, zone)  # type: ignore[arg-type]
        self.zone = zone
        self.recurrence = (
            None if member.recurrence is None else to_calendar_zone(member.recurrence, zone)
        )
        end = None if member.end is None else to_calendar_zone(member.end, zone)
        start = self.raw_start
        self.doubt = reversed_end(start, end, member.duration)
        if end is not None:
            raw_end = end
        elif member.duration is not None:
            if member.duration.seconds and _is_date(start):
                raise Unplain("a DURATION of hours on an all-day start")
            raw_end = start + member.duration
        else:
            raw_end = start + timedelta(days=1) if _is_date(start) else start
        first, last = _comparable((start, raw_end))
        if first > last:  # left out on both paths (`reversed_end`): as if it had no end
            last = first if not _is_date(first) else first + timedelta(days=1)
        self.start, self.end = first, last
        self.duration = last - first
        self.sequence = member.sequence
        self.ids = () if self.recurrence is None else _ids(self.recurrence)


def length_in_days(member: Member) -> float:
    """How long each occurrence of a member lasts, in days, as recurring-ical-events reckons
    it (never negative: an end before the start is left out)."""
    start, end = member.start, member.end
    assert start is not None
    if end is not None:
        first, last = _comparable((start, end))
        length = last - first
    elif member.duration is not None:
        length = member.duration
    else:
        length = timedelta(days=1) if _is_date(start) else ZERO
    return max(length.total_seconds() / 86400, 0.0)


def _highest(first: _Adapter | None, second: _Adapter) -> _Adapter:
    """recurring-ical-events' `with_highest_sequence` (the first wins a tie)."""
    if first is None or second.sequence > first.sequence:
        return second
    return first


def _until(value: str, start: datetime, all_dates: bool) -> datetime | date:
    """The UNTIL recurring-ical-events and dateutil end a rule at, for a DTSTART already moved
    to the calendar's zone (a date-only UNTIL under a timed start read as its day's end)."""
    if len(value) == 8:
        day = date(int(value[:4]), int(value[4:6]), int(value[6:8]))
        if all_dates:
            return day
        end = datetime.combine(day, time(23, 59, 59), tzinfo=start.tzinfo)
        return end if end.tzinfo is None else end.astimezone(UTC)
    moment = datetime(
        int(value[:4]),
        int(value[4:6]),
        int(value[6:8]),
        int(value[9:11]),
        int(value[11:13]),
        int(value[13:15]),
    )
    if all_dates and value.endswith("Z"):
        return moment.date()  # recurring-ical-events keeps the date of a UTC UNTIL
    if start.tzinfo is None:
        return moment  # on a floating series, a UTC UNTIL loses its Z
    return moment.replace(tzinfo=UTC)  # a floating UNTIL on a zoned series: read as UTC


def expand_group(
    members: Sequence[Member],
    span_start: datetime,
    span_stop: datetime,
    zone: tzinfo | None,
) -> tuple[list[Found], list[str]]:
    """The occurrences of one UID group over [span_start, span_stop) (naive: read in each
    occurrence's own zone), and what is doubtful about the group (`doubts`)."""
    adapters = [_Adapter(member, zone) for member in members]
    core: _Adapter | None = None
    masters = 0
    changes: dict[datetime, _Adapter] = {}
    for adapter in adapters:
        if adapter.recurrence is None:
            masters += 1
            core = _highest(core, adapter)
            continue
        if adapter.member.rules or adapter.member.exdates:
            raise Unplain("an override with rules of its own")
        for key in adapter.ids:
            changes[key] = _highest(changes.get(key), adapter)
    modifications = list(dict.fromkeys(changes.values()))  # in order, once each
    doubts = [adapter.doubt for adapter in adapters if adapter.doubt]
    if masters > 1:
        doubts.append(several_masters(masters))
    found: list[Found] = []
    returned: set[_Adapter] = set()
    checked_datetimes: set[object] = set()
    early = False
    if core is not None:
        found, returned, checked_datetimes, early = _from_core(core, changes, span_start, span_stop)
    for adapter in modifications:
        if adapter in returned or checked_datetimes & set(adapter.ids):
            continue
        if overlaps(span_start, span_stop, adapter.start, adapter.end):
            returned.add(adapter)
            found.append(
                Found(adapter.member, adapter.start, adapter.end, False, adapter.recurrence)
            )
    if not found:  # a doubt about an entry that does not show is not worth saying
        doubts = []
    if early:  # it would have shown
        doubts.append(until_before_start())
    return found, doubts


def _from_core(
    core: _Adapter,
    changes: dict[datetime, _Adapter],
    span_start: datetime,
    span_stop: datetime,
) -> tuple[list[Found], set[_Adapter], set[object], bool]:
    """The master's occurrences (and the overrides they lead to), what was returned, the
    EXDATEs by time, and whether the rule ends before DTSTART, which lies in the span."""
    member = core.member
    if len(member.rules) > 1:
        raise Unplain("several RRULEs")
    kinds = {_kind(core.start), _kind(core.end)}
    kinds |= {_written_kind(item, core.zone) for item in member.exdates}
    if len(kinds) > 1:
        raise Unplain("dates, floating and zoned times mixed")
    all_dates = kinds == {"date"}
    zone = core.start.tzinfo if isinstance(core.start, datetime) else None
    start = _as_datetime(core.start, zone)
    low = _as_datetime(span_start - core.duration, zone)
    high = _as_datetime(span_stop, zone)
    checked_datetimes: set[object] = set()
    checked_dates: set[date] = set()
    for excluded in _near_exdates(core, changes, low, high):
        checked_datetimes.update(_ids(excluded))
        checked_datetimes.add(_as_datetime(excluded, zone))
        if not isinstance(excluded, datetime):
            checked_dates.add(excluded)
    early = False
    candidates: list[datetime] = []
    expander = None
    until: datetime | date | None = None
    if member.rules:
        rule = parse(member.rules[0])
        if rule.until is not None:
            until = _until(rule.until, start, all_dates)
        bound = None if until is None else _as_datetime(until, zone)
        expander = Expander(rule, start, bound)
        if bound is not None and start > bound:
            early = overlaps(span_start, span_stop, core.start, core.start)
    if (until is None or not start > _as_datetime(until, zone)) and low <= start <= high:
        candidates.append(start)  # DTSTART is an occurrence unless the rule ended before it

    def hidden(moment: datetime) -> bool:
        ids = _ids(moment)
        return (
            _day(moment) in checked_dates
            or bool(checked_datetimes.intersection(ids))
            or any(key in changes for key in ids)
        )

    if expander is not None:
        try:
            if expander.rule.sub_daily:
                visible = [moment for moment in candidates if not hidden(moment)]
                candidates = _first_of_each_day(
                    visible + expander.first_each_day(low, high, hidden)
                )
            else:
                candidates.extend(expander.between(low, high))
        except Unbounded as error:
            raise Unplain(str(error)) from None
    found = []
    returned_starts: set[datetime] = set()
    returned: set[_Adapter] = set()
    dates_only = _is_date(core.start) and _is_date(core.end)
    for moment in candidates:
        ids = _ids(moment)
        if (
            moment in returned_starts
            or _day(moment) in checked_dates
            or checked_datetimes.intersection(ids)
        ):
            continue
        adapter = core
        for key in ids:
            adapter = changes.get(key, adapter)
        if adapter is core:
            returned_starts.add(moment)
            end = moment + core.duration
            first: Moment = moment.date() if dates_only else moment
            last: Moment = end.date() if dates_only else end
            if overlaps(span_start, span_stop, first, last):
                found.append(Found(member, first, last, True))
        elif adapter not in returned:
            returned.add(adapter)
            if overlaps(span_start, span_stop, adapter.start, adapter.end):
                found.append(
                    Found(adapter.member, adapter.start, adapter.end, False, adapter.recurrence)
                )
    return found, returned, checked_datetimes, early


def _written_kind(item: tuple[str, dict[str, str]], zone: tzinfo | None) -> str:
    """The kind of an EXDATE value (X-WR-TIMEZONE gives floating ones the calendar's zone)."""
    value, params = item
    if len(value) == 8:
        return "date"
    zoned = value.endswith("Z") or "TZID" in params or zone is not None
    return "aware" if zoned else "naive"


def _near_exdates(
    core: _Adapter, changes: dict[datetime, _Adapter], low: datetime, high: datetime
) -> list[Moment]:
    """The master's EXDATEs (in the calendar's zone) that may hide an occurrence between `low`
    and `high` or one of the overrides; the others, a day or two away at least, cannot."""
    if not core.member.exdates:
        return []
    days = [(low.date() - timedelta(days=2), high.date() + timedelta(days=2))]
    for adapter in dict.fromkeys(changes.values()):
        replaced = adapter.recurrence
        if replaced is not None:
            day = replaced.date() if isinstance(replaced, datetime) else replaced
            days.append((day - timedelta(days=2), day + timedelta(days=2)))
    near = []
    for item in core.member.exdates:
        day = exdate_day(item)
        if any(first <= day <= last for first, last in days):
            near.append(to_calendar_zone(exdate(item), core.zone))
    return near


def _kind(value: Moment) -> str:
    if not isinstance(value, datetime):
        return "date"
    return "naive" if value.tzinfo is None else "aware"


def _day(moment: datetime) -> date:
    return date(moment.year, moment.month, moment.day)


def _first_of_each_day(moments: Iterable[datetime]) -> list[datetime]:
    days: dict[date, datetime] = {}
    for moment in sorted(moments):
        days.setdefault(_day(moment), moment)
    return list(days.values())


# -- what both paths report about an entry they still read -----------------------------------


def reversed_end(start: Moment, end: Moment | None, duration: timedelta | None) -> str | None:
    """Why an entry's length is left out: its DTEND (or DURATION) ends before its DTSTART
    (recurring-ical-events would swap the two, listing a week-long event)."""
    if end is None:
        if duration is not None and duration < ZERO:
            return "its DURATION is negative: listed as if it had none"
        return None
    first, last = _comparable((start, end))
    if last < first:
        return "its DTEND comes before its DTSTART: listed as if it had none"
    return None


def until_before_start() -> str:
    return "its rule ends (UNTIL) before it starts: it has no occurrence"


def several_masters(count: int) -> str:
    return (
        f"{count} entries share this UID without a RECURRENCE-ID: only the one with the"
        " highest SEQUENCE (the first of them on a tie) is listed"
    )
