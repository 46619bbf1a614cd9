"""Recurrence rules expanded from near the window: a series costs the same whatever its age.

dateutil (which recurring-ical-events uses) iterates a rule from its DTSTART, so a weekly series
running since 2014 takes 600 steps to reach a four-week window of 2025. The instances of a rule
in one of its periods (a year, a month, a week, a day, an hour, …) depend only on that period
and on the rule's parts once the parts DTSTART implies are written out (the weekday of a WEEKLY
rule, the day of a MONTHLY one, the time of day of all of them): RFC 5545 §3.3.10 and
dateutil alike. So the rule is rebuilt with those parts explicit and its start moved to the
beginning of a period of the same phase (a whole number of INTERVALs later) shortly before the
window; it then yields exactly the instances the original yields from there on. COUNT is
carried over by counting what was skipped, for rules whose periods all hold the same number of
instances; other COUNT rules are bounded by their COUNT and iterated as they are.

Rules more frequent than daily (HOURLY, MINUTELY, SECONDLY, or several times a day) are never
iterated across the window: the window asks for the first instance of each day only (issue 12
§3), which is what a listing of the day shows.

Everything not read here exactly (an unknown part, a malformed value) raises `Unplain`, and the
entry goes to recurring-ical-events instead.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from functools import lru_cache
from typing import Any

YEARLY, MONTHLY, WEEKLY, DAILY, HOURLY, MINUTELY, SECONDLY = range(7)  # dateutil's numbers
FREQUENCIES = {
    "YEARLY": YEARLY,
    "MONTHLY": MONTHLY,
    "WEEKLY": WEEKLY,
    "DAILY": DAILY,
    "HOURLY": HOURLY,
    "MINUTELY": MINUTELY,
    "SECONDLY": SECONDLY,
}
WEEKDAYS = {"MO": 0, "TU": 1, "WE": 2, "TH": 3, "FR": 4, "SA": 5, "SU": 6}

#: A COUNT rule whose periods do not all hold as many instances is iterated from its DTSTART,
#: up to this many instances; beyond, it is not expanded at all (and reported).
MAX_ITERATED_COUNT = 100_000

_NUMBERS = re.compile(r"[+-]?\d{1,3}(?:,[+-]?\d{1,3})*")
_DAYS = re.compile(
    r"(?:[+-]?\d{1,2})?(?:MO|TU|WE|TH|FR|SA|SU)(?:,(?:[+-]?\d{1,2})?(?:MO|TU|WE|TH|FR|SA|SU))*"
)
_UNTIL = re.compile(r"\d{8}(?:T\d{6}Z?)?")
#: (name, lowest, highest, zero allowed) of the numeric BY… parts
_RANGES = {
    "BYSECOND": (0, 59, True),
    "BYMINUTE": (0, 59, True),
    "BYHOUR": (0, 23, True),
    "BYMONTHDAY": (-31, 31, False),
    "BYYEARDAY": (-366, 366, False),
    "BYWEEKNO": (-53, 53, False),
    "BYMONTH": (1, 12, False),
    "BYSETPOS": (-366, 366, False),
}


class Unplain(Exception):
    """Not read exactly here: the entry is left to icalendar and recurring-ical-events."""


class Unbounded(Exception):
    """A rule whose instances near the window cannot be found without iterating without bound."""


@dataclass(frozen=True)
class Rule:
    """An RRULE value, read strictly (RFC 5545 §3.3.10)."""

    freq: int
    interval: int = 1
    count: int | None = None
    until: str | None = None  # as written: YYYYMMDD or YYYYMMDDTHHMMSS[Z]
    wkst: int | None = None
    parts: tuple[tuple[str, tuple[Any, ...]], ...] = ()  # BY… parts, in dateutil's names

    def part(self, name: str) -> tuple[Any, ...] | None:
        return next((values for key, values in self.parts if key == name), None)

    @property
    def sub_daily(self) -> bool:
        """More frequent than daily: every instance but a day's first is left out."""
        if self.freq > DAILY:
            return True
        sizes = [len(self.part(name) or (0,)) for name in ("byhour", "byminute", "bysecond")]
        return sizes[0] * sizes[1] * sizes[2] > 1


@lru_cache(maxsize=1024)
def parse(value: str) -> Rule:
    """Read an RRULE value; `Unplain` unless every part is one dateutil reads the same way
    (read once for each way a rule is written: most series share a few)."""
    seen: dict[str, str] = {}
    for piece in value.split(";"):
        key, equals, text = piece.partition("=")
        if not equals or key in seen or not key.isupper():
            raise Unplain(f"rule part {piece!r}")
        seen[key] = text
    freq = FREQUENCIES.get(seen.pop("FREQ", ""))
    if freq is None:
        raise Unplain("rule without a known FREQ")
    fields: dict[str, Any] = {"freq": freq}
    if "INTERVAL" in seen:
        interval = seen.pop("INTERVAL")
        if not interval.isdigit() or not 1 <= int(interval) <= 100_000:
            raise Unplain(f"INTERVAL={interval}")
        fields["interval"] = int(interval)
    if "COUNT" in seen:
        count = seen.pop("COUNT")
        if not count.isdigit() or int(count) < 1 or "UNTIL" in seen:
            raise Unplain(f"COUNT={count}")
        fields["count"] = int(count)
    if "UNTIL" in seen:
        until = seen.pop("UNTIL")
        if not _UNTIL.fullmatch(until):
            raise Unplain(f"UNTIL={until}")
        fields["until"] = until
    if "WKST" in seen:
        wkst = WEEKDAYS.get(seen.pop("WKST"))
        if wkst is None:
            raise Unplain("WKST")
        fields["wkst"] = wkst
    parts: list[tuple[str, tuple[Any, ...]]] = []
    if "BYDAY" in seen:
        days = seen.pop("BYDAY")
        if not _DAYS.fullmatch(days):
            raise Unplain(f"BYDAY={days}")
        read = []
        for day in days.split(","):
            n = int(day[:-2]) if day[:-2] else None
            if n == 0 or (n is not None and abs(n) > 53):
                raise Unplain(f"BYDAY={days}")
            read.append((WEEKDAYS[day[-2:]], n))
        parts.append(("byweekday", tuple(read)))
    for key, (low, high, zero) in _RANGES.items():
        if key not in seen:
            continue
        text = seen.pop(key)
        if not _NUMBERS.fullmatch(text):
            raise Unplain(f"{key}={text}")
        numbers = tuple(int(number) for number in text.split(","))
        if any(not low <= n <= high or (n == 0 and not zero) for n in numbers):
            raise Unplain(f"{key}={text}")
        parts.append(("by" + key[2:].lower(), numbers))
    if seen:
        raise Unplain(f"rule parts {sorted(seen)}")
    return Rule(parts=tuple(sorted(parts)), **fields)


def _explicit(rule: Rule, start: datetime) -> dict[str, Any]:
    """The rule's BY… parts with those DTSTART implies written out, as dateutil implies them."""
    parts = {name: values for name, values in rule.parts}
    if not parts.keys() & {"byweekno", "byyearday", "bymonthday", "byweekday"}:
        if rule.freq == YEARLY:
            parts.setdefault("bymonth", (start.month,))
            parts["bymonthday"] = (start.day,)
        elif rule.freq == MONTHLY:
            parts["bymonthday"] = (start.day,)
        elif rule.freq == WEEKLY:
            parts["byweekday"] = ((start.weekday(), None),)
    if rule.freq < HOURLY:
        parts.setdefault("byhour", (start.hour,))
    if rule.freq < MINUTELY:
        parts.setdefault("byminute", (start.minute,))
    if rule.freq < SECONDLY:
        parts.setdefault("bysecond", (start.second,))
    return parts


def _dateutil(rule: Rule, parts: dict[str, Any], start: datetime, count: int | None, until: Any):
    from dateutil.rrule import rrule, weekday

    arguments = dict(parts)
    if "byweekday" in arguments:
        arguments["byweekday"] = [weekday(day, n) for day, n in arguments["byweekday"]]
    return rrule(
        rule.freq,  # type: ignore[arg-type]
        dtstart=start,
        interval=rule.interval,
        wkst=rule.wkst,
        count=count,
        until=until,
        cache=False,
        **arguments,
    )


_TIME_OF_DAY = ("byhour", "byminute", "bysecond")
_AT_ONE_TIME = frozenset({"byweekday", *_TIME_OF_DAY})


def _by_arithmetic(
    rule: Rule,
    parts: dict[str, Any],
    start: datetime,
    count: int | None,
    until: datetime | None,
    low: datetime,
    high: datetime,
) -> list[datetime] | None:
    """What `rrule(dtstart=start, …).between(low, high, inc=True)` yields, for the rules most
    series have, counted out without dateutil: WEEKLY on plain weekdays and MONTHLY on
    numbered ones (`3TU`, `-1WE`), once a day at one time; `start` is the beginning of one of
    the rule's periods (a week from WKST, a month), so that each period's instances are its
    days in order. None for any other rule (dateutil then counts)."""
    if set(parts) != _AT_ONE_TIME or any(len(parts[name]) != 1 for name in _TIME_OF_DAY):
        return None
    days = parts["byweekday"]
    (hour,), (minute,), (second,) = parts["byhour"], parts["byminute"], parts["bysecond"]
    if rule.freq == WEEKLY and all(n is None for _, n in days):
        offsets = sorted({(day - start.weekday()) % 7 for day, _ in days})

        def days_of(period: date) -> list[date]:
            return [period + timedelta(days=offset) for offset in offsets]

        def following(period: date) -> date:
            return period + timedelta(weeks=rule.interval)

    elif rule.freq == MONTHLY and all(n for _, n in days):

        def days_of(period: date) -> list[date]:
            first_day, length = calendar.monthrange(period.year, period.month)
            last_day = (first_day + length - 1) % 7
            numbers = set()
            for day, n in days:
                if n > 0:
                    number = 1 + (day - first_day) % 7 + 7 * (n - 1)
                else:
                    number = length - (last_day - day) % 7 + 7 * (n + 1)
                if 1 <= number <= length:
                    numbers.add(number)
            return [period.replace(day=number) for number in sorted(numbers)]

        def following(period: date) -> date:
            months = period.year * 12 + period.month - 1 + rule.interval
            return date(months // 12, months % 12 + 1, 1)

    else:
        return None
    zone, period = start.tzinfo, start.date()
    found: list[datetime] = []
    for _ in range(100_000):  # the window is a few weeks away: never nearly as many periods
        for day in days_of(period):
            moment = datetime(day.year, day.month, day.day, hour, minute, second, tzinfo=zone)
            if (until is not None and moment > until) or count == 0 or moment > high:
                return found
            if count is not None:
                count -= 1
            if moment >= low:
                found.append(moment)
        if period.year >= 9999:
            return None  # dateutil's own end of time: let it say so
        period = following(period)
    return None


def _period_start(freq: int, moment: datetime, wkst: int) -> datetime:
    """The beginning of the period (of the rule's frequency) that holds `moment` (wall clock)."""
    if freq == YEARLY:
        return moment.replace(month=1, day=1, hour=0, minute=0, second=0, microsecond=0)
    if freq == MONTHLY:
        return moment.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    if freq == WEEKLY:
        day = moment - timedelta(days=(moment.weekday() - wkst) % 7)
        return day.replace(hour=0, minute=0, second=0, microsecond=0)
    if freq == DAILY:
        return moment.replace(hour=0, minute=0, second=0, microsecond=0)
    if freq == HOURLY:
        return moment.replace(minute=0, second=0, microsecond=0)
    if freq == MINUTELY:
        return moment.replace(second=0, microsecond=0)
    return moment.replace(microsecond=0)


def _units_between(freq: int, first: datetime, later: datetime) -> int:
    """Whole periods of the rule's frequency from `first` to `later` (wall clock, floored)."""
    if freq == YEARLY:
        return later.year - first.year
    if freq == MONTHLY:
        return (later.year - first.year) * 12 + later.month - first.month
    seconds = (later - first).total_seconds()
    unit = {WEEKLY: 604800, DAILY: 86400, HOURLY: 3600, MINUTELY: 60, SECONDLY: 1}[freq]
    return int(seconds // unit)


def _advance(freq: int, period: datetime, units: int) -> datetime:
    """`period` moved by `units` periods of the rule's frequency (wall clock)."""
    if freq == YEARLY:
        return period.replace(year=period.year + units)
    if freq == MONTHLY:
        months = period.year * 12 + period.month - 1 + units
        return period.replace(year=months // 12, month=months % 12 + 1)
    unit = {WEEKLY: 604800, DAILY: 86400, HOURLY: 3600, MINUTELY: 60, SECONDLY: 1}[freq]
    return period + timedelta(seconds=unit * units)


def _per_period(rule: Rule, parts: dict[str, Any]) -> int | None:
    """How many instances each period of the rule holds, when all hold the same number."""
    names = set(parts)
    time_parts = {"byhour", "byminute", "bysecond"}
    timeset = 1
    for name in time_parts & names:
        timeset *= len(parts[name])
    days = parts.get("byweekday")
    month_days = parts.get("bymonthday")
    if rule.freq == YEARLY:
        if names - time_parts != {"bymonth", "bymonthday"}:
            return None
        if not all(1 <= day <= 28 for day in month_days or ()):
            return None
        return len(parts["bymonth"]) * len(month_days or ()) * timeset
    if rule.freq == MONTHLY:
        if names - time_parts == {"bymonthday"}:
            assert month_days is not None
            if all(1 <= d <= 28 for d in month_days) or all(-28 <= d <= -1 for d in month_days):
                return len(month_days) * timeset
            return None
        if names - time_parts == {"byweekday"}:
            assert days is not None
            numbers = [n for _, n in days]
            if all(n is not None and 1 <= n <= 4 for n in numbers) or all(
                n is not None and -4 <= n <= -1 for n in numbers
            ):
                return len(set(days)) * timeset
        return None
    if rule.freq == WEEKLY:
        if names - time_parts != {"byweekday"}:
            return None
        assert days is not None
        return len({day for day, _ in days}) * timeset
    if rule.freq == DAILY:
        return timeset if names <= time_parts else None
    allowed = {HOURLY: {"byminute", "bysecond"}, MINUTELY: {"bysecond"}, SECONDLY: set()}
    if not names <= allowed[rule.freq]:
        return None
    count = 1
    for name in names:
        count *= len(parts[name])
    return count


class Expander:
    """One rule from one DTSTART (the DTSTART of the series after X-WR-TIMEZONE: aware, naive,
    or a naive midnight for all-day series) up to `until` (already in DTSTART's terms)."""

    def __init__(self, rule: Rule, start: datetime, until: datetime | None) -> None:
        self.rule = rule
        self.start = start
        self.until = until
        self.zone: tzinfo | None = start.tzinfo
        self.parts = _explicit(rule, start)
        wkst = rule.wkst if rule.wkst is not None else calendar.firstweekday()
        self.wkst = wkst
        self.first_period = _period_start(rule.freq, start.replace(tzinfo=None), wkst)

    def _wall(self, moment: datetime) -> datetime:
        """`moment` as a wall-clock time of the rule's zone."""
        if moment.tzinfo is not None and self.zone is not None:
            moment = moment.astimezone(self.zone)
        return moment.replace(tzinfo=None)

    def _near(self, moment: datetime, margin: timedelta) -> tuple[datetime, int | None] | None:
        """Where the rule may start to yield exactly the original's instances from well
        before `moment` on (never after the original's DTSTART), with the COUNT left from
        there; None when none is left."""
        rule = self.rule
        target = self._wall(moment) - margin
        units = _units_between(rule.freq, self.first_period, target)
        skip = units // rule.interval  # the period (of the rule's phase) holding `target`
        if skip < 1:
            return self.start, rule.count
        period = _advance(rule.freq, self.first_period, skip * rule.interval)
        count = rule.count
        if count is not None:
            skipped = self._skipped(skip, period)
            if skipped >= count:
                return None
            count -= skipped
        return period.replace(tzinfo=self.zone), count

    def _from(self, moment: datetime, margin: timedelta) -> Any:
        """A dateutil rule yielding exactly the original's instances from well before
        `moment` on (never from after the original's DTSTART)."""
        near = self._near(moment, margin)
        if near is None:
            return None
        return _dateutil(self.rule, self.parts, near[0], near[1], self.until)

    def _skipped(self, skip: int, period: datetime) -> int:
        """How many instances the original yields before `period`, the start of its
        `skip`-th period after the first."""
        per = _per_period(self.rule, self.parts)
        if per is None:
            raise Unbounded("COUNT of a rule whose periods do not hold as many instances")
        second = _advance(self.rule.freq, self.first_period, self.rule.interval)
        head = _dateutil(self.rule, self.parts, self.start, None, self.until)
        edge = second.replace(tzinfo=self.zone)
        first = len(head.between(self.start - timedelta(seconds=1), edge))
        return first + (skip - 1) * per

    def _margin(self, moment: datetime) -> timedelta:
        if self.rule.freq <= DAILY:
            return timedelta(days=2)
        shift = timedelta()
        if moment.tzinfo is not None and self.zone is not None:
            offsets = {
                (moment + timedelta(hours=hours)).astimezone(self.zone).utcoffset()
                for hours in (-26, 0, 26)
            }
            if len(offsets) > 1:
                shift = timedelta(hours=3)  # an offset change nearby: the wall clock jumps
        return shift

    def _iterated(self) -> bool:
        """Whether the rule is iterated from its DTSTART (a COUNT rule not counted)."""
        count = self.rule.count
        if count is None or _per_period(self.rule, self.parts) is not None:
            return False
        if count > MAX_ITERATED_COUNT:
            raise Unbounded(f"COUNT={count} on a rule that cannot be counted")
        return True

    def between(self, low: datetime, high: datetime) -> list[datetime]:
        """The instances from `low` to `high`, both included, as dateutil's `between` yields
        them from the original DTSTART (not counting DTSTART itself unless the rule does)."""
        if self._iterated():
            rule = _dateutil(self.rule, self.parts, self.start, self.rule.count, self.until)
        else:
            near = self._near(low, self._margin(low))
            if near is None:
                return []
            start, count = near
            if start is not self.start:  # the start of a period: counted by arithmetic?
                found = _by_arithmetic(self.rule, self.parts, start, count, self.until, low, high)
                if found is not None:
                    return found
            rule = _dateutil(self.rule, self.parts, start, count, self.until)
        return list(rule.between(low, high, inc=True))

    def first_each_day(
        self, low: datetime, high: datetime, skip: Callable[[datetime], bool]
    ) -> list[datetime]:
        """For a rule more frequent than daily: on each day (of the rule's zone) from `low`
        to `high`, the first instance not `skip`ped, within [low, high]."""
        if self._iterated():
            rule = _dateutil(self.rule, self.parts, self.start, self.rule.count, self.until)
            days: dict[date, datetime] = {}
            for moment in rule.between(low, high, inc=True):
                if not skip(moment):
                    days.setdefault(self._wall(moment).date(), moment)
            return list(days.values())
        found = []
        day = self._wall(low).date()
        last = self._wall(high).date()
        while day <= last:
            begin = datetime.combine(day, datetime.min.time())
            if self.zone is not None:
                begin = begin.replace(tzinfo=self.zone)
            begin = max(begin, low)
            following = datetime.combine(day + timedelta(days=1), datetime.min.time())
            end = following.replace(tzinfo=self.zone) if self.zone is not None else following
            rule = self._from(begin, self._margin(begin))
            moment = None if rule is None else rule.after(begin, inc=True)
            while moment is not None and moment < end and moment <= high and skip(moment):
                moment = rule.after(moment)
            if moment is not None and moment < end and moment <= high:
                found.append(moment)
            day += timedelta(days=1)
        return found
