"""A kept UID group read and expanded without icalendar (`lines`, `series`), as Occurrences.

Returns None when the group is not read exactly here; the caller then gives it to icalendar
and recurring-ical-events, unless its rule could run away there (more often than daily, or a
COUNT too large to iterate), which is reported instead: recurring-ical-events would iterate
every instance from DTSTART (issue 12 §3).
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any, NamedTuple

from events import model
from events.stages.expand import series
from events.stages.expand.header import About
from events.stages.expand.lines import Member, iana_zone, read_member
from events.stages.expand.recurrence import Unplain

# a rule recurring-ical-events would iterate instance by instance for too long
_RUNAWAY = re.compile(
    rb"\nRRULE[;:][^\n]*(?:FREQ=(?:SECONDLY|MINUTELY|HOURLY)|BY(?:HOUR|MINUTE|SECOND)=[^;\r\n]*,"
    rb"|COUNT=\d{6})",
    re.IGNORECASE,
)


class Read(NamedTuple):
    occurrences: list[model.Occurrence]
    problems: list[model.Problem]


def runaway(body: bytes, group: tuple[Any, ...]) -> bool:
    """Whether a group has a rule recurring-ical-events must not be given."""
    return any(_RUNAWAY.search(body, entry.begin, entry.end) for entry in group)


def expand_wanted(
    spec: model.FeedSpec,
    body: bytes,
    group: tuple[Any, ...],
    start: datetime,
    stop: datetime,
    about: About,
) -> Read | None:
    """`expand_group` for a whole wanted group, its masters read once: how long their
    occurrences last says which overrides may matter (`prefilter.overrides_to_read`); only
    those are read. None when a master is not read here."""
    from events.stages.expand import prefilter

    masters = [entry for entry in group if entry.recurrence is None]
    try:
        read = {id(entry): read_member(body[entry.begin : entry.end]) for entry in masters}
        reach = max((series.length_in_days(member) for member in read.values()), default=0.0)
    except Exception:  # noqa: BLE001 - Unplain, or a date dateutil refuses: the long way
        return None
    overrides = prefilter.overrides_to_read(list(group), start.date(), stop.date(), reach)
    kept = sorted(masters + overrides)
    return expand_group(spec, body, tuple(kept), start, stop, about, read)


def expand_group(
    spec: model.FeedSpec,
    body: bytes,
    group: tuple[Any, ...],
    start: datetime,
    stop: datetime,
    about: About,
    read: dict[int, Member] | None = None,
) -> Read | None:
    """The occurrences of one prefilter group over [start, stop), or None (see above).
    `read` holds members already read, by the id of their entry."""
    read = read or {}
    try:
        members = [
            read.get(id(entry)) or read_member(body[entry.begin : entry.end]) for entry in group
        ]
        by_uid: dict[str, list[Member]] = {}
        for member in members:
            if member.uid is None:
                raise Unplain("no UID")
            by_uid.setdefault(member.uid, []).append(member)
        zone = iana_zone(about.timezone) if about.timezone else None
        occurrences: list[model.Occurrence] = []
        problems: list[model.Problem] = []
        for uid, same in by_uid.items():
            found, doubts = series.expand_group(same, start, stop, zone)
            occurrences.extend(_occurrence(spec, uid, same, item, about) for item in found)
            master = next((m for m in same if m.recurrence is None), same[0])
            summary = master.texts.get("SUMMARY", "")
            problems.extend(
                model.Problem(model.ProblemKind.DOUBTFUL_ENTRY, spec.name, why, uid, summary)
                for why in doubts
            )
    except Exception as error:  # noqa: BLE001 - Unplain, or anything dateutil refuses
        if not runaway(body, group):
            return None
        uid, summary = _words(body, group)
        why = str(error) if isinstance(error, Unplain) else type(error).__name__
        return Read(
            [],
            [
                model.Problem(
                    model.ProblemKind.UNREADABLE_ENTRY,
                    spec.name,
                    f"cannot expand this entry: a rule repeating more often than daily or"
                    f" too many times, not read exactly ({why[:80]})",
                    uid,
                    summary,
                )
            ],
        )
    return Read(occurrences, problems)


def _words(body: bytes, group: tuple[Any, ...]) -> tuple[str, str]:
    from events.stages.expand import _entry_words

    uid, summary = _entry_words(body, group[0].begin, group[0].end)
    return uid or "(no UID)", summary or ""


def _occurrence(
    spec: model.FeedSpec, uid: str, same: list[Member], found: series.Found, about: About
) -> model.Occurrence:
    member = found.member
    texts = member.texts
    tzid = _written_zone(same, found)
    return model.Occurrence(
        feed=spec,
        uid=uid,
        summary=texts.get("SUMMARY", ""),
        description=texts.get("DESCRIPTION", ""),
        location=texts.get("LOCATION", ""),
        url=texts.get("URL", "").strip() or None,
        start=found.start,
        end=found.end,
        status=texts.get("STATUS", "").strip().upper() or None,
        organizer=(member.organizer or "").strip() or None,
        tzid=tzid,
        calendar_tz=about.timezone,
        calendar_name=about.name,
        calendar_id=about.google_id,
    )


def _written_zone(same: list[Member], found: series.Found) -> str | None:
    """The TZID the feed wrote for this occurrence, as the full path finds it
    (`expand._written_zones`): the override's own, else the first master's."""
    recurrence: object = found.recurrence if not found.from_master else found.start
    master_zone: str | None = None
    seen_master = False
    for member in same:
        if member.recurrence is None:
            if not seen_master:
                master_zone, seen_master = member.start_tzid, True
        elif member.recurrence == recurrence:
            return member.start_tzid
    return master_zone
