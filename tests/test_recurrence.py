"""Rules expanded from near the window give exactly what dateutil gives from DTSTART, and a
series costs the same whatever its age (issue 10 §1); rules more frequent than daily yield a
day's first instance and are never iterated across the window (issue 12 §3)."""

from __future__ import annotations

import os
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from dateutil.rrule import rrulestr
from hypothesis import given, settings
from hypothesis import strategies as st

from events.stages.expand import recurrence
from events.stages.expand.recurrence import Expander, Unplain, parse

ZONES = [None, "Europe/Berlin", "America/New_York", "Australia/Sydney", "Asia/Kolkata"]
DAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]


@st.composite
def rules(draw: st.DrawFn) -> str:
    """A rule of the kinds calendars hold, and odder ones."""
    freq = draw(st.sampled_from(["YEARLY", "MONTHLY", "WEEKLY", "DAILY"]))
    parts = [f"FREQ={freq}"]
    if draw(st.booleans()):
        parts.append(f"INTERVAL={draw(st.integers(1, 5))}")
    if draw(st.booleans()):
        parts.append(f"WKST={draw(st.sampled_from(DAYS))}")
    if freq in ("WEEKLY", "MONTHLY", "YEARLY") and draw(st.booleans()):
        picked = draw(st.lists(st.sampled_from(DAYS), min_size=1, max_size=3, unique=True))
        if freq != "WEEKLY" and draw(st.booleans()):
            numbers = ["1", "2", "-1", "4", "+3", "5", "-2", "-5"]
            picked = [f"{draw(st.sampled_from(numbers))}{d}" for d in picked]
        parts.append("BYDAY=" + ",".join(picked))
    elif freq in ("MONTHLY", "YEARLY") and draw(st.booleans()):
        days = draw(st.lists(st.sampled_from([1, 13, 28, 29, 31, -1, -7]), min_size=1, max_size=2))
        parts.append("BYMONTHDAY=" + ",".join(map(str, dict.fromkeys(days))))
    if freq == "YEARLY" and draw(st.booleans()):
        parts.append(f"BYMONTH={draw(st.integers(1, 12))}")
    if freq in ("MONTHLY", "YEARLY") and "BYDAY" in "".join(parts) and draw(st.booleans()):
        parts.append(f"BYSETPOS={draw(st.sampled_from(['1', '-1', '2']))}")
    if freq == "DAILY" and draw(st.booleans()):
        parts.append(f"BYDAY={draw(st.sampled_from(DAYS))}")
    if draw(st.integers(0, 4)) == 0:
        parts.append("BYHOUR=9")
    return ";".join(parts)


@settings(max_examples=int(os.environ.get("RULE_EXAMPLES", "120")), deadline=None)
@given(
    rule=rules(),
    zone=st.sampled_from(ZONES),
    start=st.datetimes(datetime(1998, 1, 1), datetime(2025, 6, 1)),
    ending=st.sampled_from(["none", "count", "until"]),
    count=st.integers(1, 400),
    offset=st.integers(-400, 400),
)
def test_expanding_from_near_the_window_gives_what_dateutil_gives_from_dtstart(
    rule: str, zone: str | None, start: datetime, ending: str, count: int, offset: int
) -> None:
    tz = ZoneInfo(zone) if zone else None
    start = start.replace(microsecond=0, tzinfo=tz)
    until = None
    if ending == "count":
        rule += f";COUNT={count}"
    elif ending == "until":
        until = start + timedelta(days=count * 11)
        until = until.astimezone(ZoneInfo("UTC")) if tz else until
        rule += f";UNTIL={until:%Y%m%dT%H%M%S}" + ("Z" if tz else "")
    low = datetime(2025, 11, 17, tzinfo=tz) + timedelta(days=offset)
    high = low + timedelta(days=33)
    expected = rrulestr(rule, dtstart=start).between(low, high, inc=True)
    assert Expander(parse(rule), start, until).between(low, high) == expected


def test_an_old_weekly_series_is_not_iterated_from_its_start(monkeypatch) -> None:
    """Whether dateutil or arithmetic counts the instances, it starts near the window."""
    built = []
    real, counted = recurrence._dateutil, recurrence._by_arithmetic

    def counting(rule, parts, start, count, until):
        made = real(rule, parts, start, count, until)
        built.append(start)
        return made

    def by_arithmetic(rule, parts, start, *rest):
        built.append(start)
        return counted(rule, parts, start, *rest)

    monkeypatch.setattr(recurrence, "_dateutil", counting)
    monkeypatch.setattr(recurrence, "_by_arithmetic", by_arithmetic)
    berlin = ZoneInfo("Europe/Berlin")
    low = datetime(2025, 11, 17, tzinfo=berlin)
    for year in (1990, 2014, 2025):
        built.clear()
        start = datetime(year, 1, 2, 19, tzinfo=berlin)
        found = Expander(parse("FREQ=WEEKLY;BYDAY=TH"), start, None).between(
            low, low + timedelta(days=33)
        )
        assert len(found) == 5
        assert built and all(low - moment <= timedelta(days=30) for moment in built)


def test_a_count_is_carried_over_by_counting() -> None:
    start = datetime(2001, 1, 1, 18, tzinfo=ZoneInfo("Europe/London"))
    rule = "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,WE;COUNT=1300"
    low = datetime(2025, 11, 1, tzinfo=start.tzinfo)
    expected = rrulestr(rule, dtstart=start).between(low, low + timedelta(days=60), inc=True)
    assert expected  # the series is still running
    assert Expander(parse(rule), start, None).between(low, low + timedelta(days=60)) == expected


def test_a_huge_count_is_counted_not_iterated() -> None:
    start = datetime(2000, 1, 1, tzinfo=ZoneInfo("UTC"))
    expander = Expander(parse("FREQ=SECONDLY;COUNT=1000000000"), start, None)
    low = datetime(2025, 11, 17, tzinfo=start.tzinfo)
    days = expander.first_each_day(low, low + timedelta(days=33), lambda moment: False)
    assert days == [low + timedelta(days=n) for n in range(34)]  # one a day, still running
    low = datetime(2031, 9, 7, tzinfo=start.tzinfo)  # 10**9 seconds end on 9 September 2031
    days = expander.first_each_day(low, low + timedelta(days=5), lambda moment: False)
    assert days == [low, low + timedelta(days=1), low + timedelta(days=2)]


@pytest.mark.parametrize(
    "rule", ["FREQ=SECONDLY", "FREQ=MINUTELY;INTERVAL=7", "FREQ=HOURLY;BYMINUTE=0,30"]
)
def test_rules_more_frequent_than_daily_give_the_first_instance_of_each_day(rule: str) -> None:
    zone = ZoneInfo("America/Los_Angeles")
    start = datetime(2000, 3, 4, 5, 6, 7, tzinfo=zone)
    low = datetime(2025, 11, 1, 23, tzinfo=zone)
    high = low + timedelta(hours=2)
    # dateutil from a start of the same phase just before the span (from 2000 it would take
    # it days to get there)
    step = {"SECONDLY": 1, "MINUTELY": 7 * 60, "HOURLY": 3600}[rule.split(";")[0][5:]]
    wall = (low - timedelta(hours=2)).replace(tzinfo=None) - start.replace(tzinfo=None)
    near = start + timedelta(seconds=step * (int(wall.total_seconds()) // step))
    expected: dict = {}
    for moment in rrulestr(rule, dtstart=near).between(low, high, inc=True):
        expected.setdefault(moment.date(), moment)
    got = Expander(parse(rule), start, None).first_each_day(low, high, lambda moment: False)
    assert got == list(expected.values())
    assert len(got) == 2  # one a day (the span covers parts of two days)


def test_skipped_instances_give_way_to_the_next_one_of_the_day() -> None:
    start = datetime(2025, 1, 1, tzinfo=ZoneInfo("UTC"))
    low = datetime(2025, 11, 20, tzinfo=start.tzinfo)
    excluded = {low, low + timedelta(hours=1)}
    got = Expander(parse("FREQ=HOURLY"), start, None).first_each_day(
        low, low + timedelta(hours=30), excluded.__contains__
    )
    assert got == [low + timedelta(hours=2), low + timedelta(hours=24)]


@pytest.mark.parametrize(
    "value",
    [
        "FREQ=FORTNIGHTLY",
        "FREQ=WEEKLY;BYDAY=XX",
        "FREQ=WEEKLY;COUNT=3;UNTIL=20250101",
        "FREQ=WEEKLY;INTERVAL=0",
        "freq=weekly",
        "FREQ=WEEKLY;FREQ=DAILY",
        "FREQ=MONTHLY;BYMONTHDAY=0",
        "FREQ=WEEKLY;X-NAME=1",
        "FREQ=WEEKLY;COUNT=-2",
    ],
)
def test_rules_not_read_exactly_are_left_to_recurring_ical_events(value: str) -> None:
    with pytest.raises(Unplain):
        parse(value)
