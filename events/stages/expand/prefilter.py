"""Set aside, on the raw bytes, the entries of a feed that cannot touch the window.

Google exports a calendar's whole history, and parsing it with icalendar costs time and memory
in proportion to the feed, while an issue needs a few weeks of it. This module returns the feed
without the VEVENTs that provably cannot change what the window shows. Everything else (header,
VTIMEZONEs, other components) is passed on byte for byte, and so are the kept VEVENTs, minus
bookkeeping lines nobody downstream reads (DTSTAMP, CREATED, ATTENDEE, X-…): icalendar and
recurring-ical-events see what they would have seen, minus the distant past and future.

Two stages keep it cheap. One regex pass reads, for every VEVENT, the few values that say when
it happens (DTSTART, DTEND, RECURRENCE-ID, UID, and whether it has RRULE, RDATE, DURATION or a
nested component); a plain entry whose days lie before or after the window is set aside there.
Every UID group (a master and its overrides) with a member that might matter is then read line
by line (`_timing`): masters stay with the whole group they rule, overrides stay when they or
the occurrence they replace come near the window.

Whenever the bytes are not understood, the answer is "keep": an unreadable VEVENT keeps its
group, and an unusual structure (a nested VEVENT, unbalanced BEGIN/END, a UID line with quoted
parameters) keeps everything. tests/test_differential.py holds the fast path to the full one.
"""

from __future__ import annotations

import math
import re
from array import array
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import NamedTuple
from zlib import crc32

#: Days of slack on each side of the span: UTC offsets (up to a day), a DTEND written in
#: another zone than its DTSTART, and the time of day all fit in it.
SLACK_DAYS = 3

#: A COUNT series longer than this is kept rather than expanded to find its end.
MAX_COUNT = 100_000

# Every pattern starts at the newline before its line (a VEVENT is never a calendar's first
# line). A VEVENT's match runs from that newline to the end of its END:VEVENT line, newline
# excluded, so cutting matches out leaves the lines around them whole.
# Parameters without quotes, then the value; lines written otherwise fall to "unusual" below.
_PARAMS = rb'(?:;[^:\n"]*)?:'
_END_OF_LINE = rb"\r?(?=\n(?![ \t]))"  # and no folded continuation
# a DATE or DATE-TIME whose digits may be a date (month 13, 31 April or hour 25 are "unusual",
# so that the entry is read and named): its YYYYMMDD
_DAY = (
    rb"(\d{4}(?:(?:0[1-9]|1[0-2])(?:0[1-9]|1\d|2[0-8])|(?:0[13-9]|1[0-2])(?:29|30)"
    rb"|(?:0[13578]|1[02])31|0229))"
    rb"(?:[Tt](?:[01]\d|2[0-3])[0-5]\d[0-5]\d[Zz]?)?" + _END_OF_LINE
)
_EVENT = re.compile(
    rb"\nBEGIN:VEVENT[ \t]*\r?(?=\n)(?:\n(?:"
    + rb"[^DdRrUuBb\n][^\n]*"  # most lines: not one of those below, passed over first
    + (rb"|DTSTART" + _PARAMS + _DAY)
    + (rb"|DTEND" + _PARAMS + _DAY)
    + (rb'|RECURRENCE-ID(?:;(?![^:\n]*RANGE=)[^:\n"]*)?:' + _DAY)
    + (rb"|RRULE" + _PARAMS + rb"([^\r\n]*)" + _END_OF_LINE)
    + (rb"|UID" + _PARAMS + rb"([^\r\n]*(?:\r?\n[ \t][^\r\n]*)*)\r?(?=\n)")
    + rb"|(UID)[;:][^\n]*"
    + rb"|(BEGIN)[;:][^\n]*"
    + rb"|(DTSTART|DTEND|RECURRENCE-ID|RRULE|RDATE|DURATION)[;:][^\n]*"
    + rb"|[^\n]*"
    + rb"))*?\nEND:VEVENT[ \t]*\r?(?=\n|\Z)",
    re.IGNORECASE,
)
# Lines of a VEVENT that neither recurring-ical-events nor an Occurrence reads; icalendar
# spends a third of its time on them, so kept VEVENTs go without them.
_BOOKKEEPING = re.compile(
    rb"\n(?:DTSTAMP|CREATED|LAST-MODIFIED|TRANSP|ATTENDEE|CLASS|PRIORITY|X-[A-Za-z0-9-]*)"
    rb"[;:][^\n]*(?:\n[ \t][^\n]*)*",
    re.IGNORECASE,
)
# An EXDATE line with one plainly written date (Google writes one a line).
_FAR_EXDATE = re.compile(
    rb"\nEXDATE" + _PARAMS + rb"(\d{8})(?:[Tt]\d{6}[Zz]?)?\r?(?=\n(?![ \t]))", re.IGNORECASE
)
_UID_NOISE = b"\\ \t\r\n"  # left out of UID keys
_NEXT_EVENT = re.compile(rb"\nBEGIN:VEVENT[ \t]*\r?(?=\n|\Z)", re.IGNORECASE)
_FIRST_EVENT = re.compile(rb"BEGIN:VEVENT[ \t]*\r?(?=\n|\Z)", re.IGNORECASE)
_CALENDAR_END = re.compile(rb"\nEND:VCALENDAR", re.IGNORECASE)
_RRULES = re.compile(rb"\nRRULE[;:]", re.IGNORECASE)
_LINES = re.compile(
    rb"\n(BEGIN|END|UID|DTSTART|DTEND|DURATION|RRULE|RDATE|RECURRENCE-ID)"
    rb"([;:][^\n]*(?:\n[ \t][^\n]*)*)",
    re.IGNORECASE,
)
_FOLD = re.compile(rb"\r?\n[ \t]")
_MOMENT = re.compile(rb"(\d{4})(\d\d)(\d\d)(?:T(\d\d)(\d\d)(\d\d)(Z?))?")
_DURATION = re.compile(
    rb"([+-]?)P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?",
    re.IGNORECASE,
)


class _Unsure(Exception):
    """The bytes are not what this module understands; the caller keeps more."""


@dataclass
class _Timing:
    """When a VEVENT can happen, in day ordinals with fractions."""

    first: float  # earliest start
    last: float  # latest start, infinity for an endless series
    length: float  # longest occurrence, in days
    recurrence: float | None = None  # the RECURRENCE-ID of an override
    whole_series: bool = False  # RANGE=THISANDFUTURE: moves all later occurrences


class _Entry(NamedTuple):
    """What the first pass reads of one VEVENT: where it is and, when plainly written, when."""

    begin: int  # the match in body: from the newline before BEGIN:VEVENT to that after END
    end: int
    key: object  # the UID group
    start: bytes | None  # YYYYMMDD of DTSTART, of DTEND, of RECURRENCE-ID
    finish: bytes | None
    recurrence: bytes | None
    rule: bytes | None  # the RRULE value
    unusual: bool  # RDATE, DURATION, a nested component, or a timing line not plainly written


class _Span:
    """The span being asked for, widened by the slack, as day ordinals and YYYYMMDD bytes."""

    def __init__(self, first: date, stop: date) -> None:
        self.low = first.toordinal() - SLACK_DAYS
        self.high = stop.toordinal() + SLACK_DAYS
        self.low_day = self.day(self.low)
        self.high_day = self.day(self.high)

    @staticmethod
    @lru_cache(maxsize=4096)
    def day(ordinal: float) -> bytes:
        """YYYYMMDD of a day ordinal; beyond the calendar, a bound every date passes."""
        if ordinal < 1:
            return b"00000000"
        if ordinal > date.max.toordinal():
            return b"99999999"
        return _digits(date.fromordinal(math.floor(ordinal)))


@lru_cache(maxsize=16)
def _span(first: date, stop: date) -> _Span:
    """The `_Span` of [first, stop), made once for the groups of a window."""
    return _Span(first, stop)


def _digits(day: date) -> bytes:
    return b"%04d%02d%02d" % (day.year, day.month, day.day)


class Scan(NamedTuple):
    """What one pass over a part of a feed finds: its VEVENTs, the bytes between them, the
    VEVENTs that never end, and whether the part was understood at all.

    Only the VEVENTs of the groups wanted in this part are kept whole; the others (most of a
    feed: one-off events far from the span) as the CRC of their UID key and their place,
    which is all a worker needs to send back (`choose` reads again the few it needs); the
    overrides and series set aside, already read, as what was read of them."""

    entries: list[_Entry]  # the members of the groups wanted here
    wanted: list[object]  # keys of the UID groups with a member that may matter
    others: array  # crc32 of the key, begin, end of every far one-off VEVENT with a UID
    aside: list[_Entry]  # the other VEVENTs read and set aside (overrides, series far away)
    total: int  # VEVENTs in the part
    outside: list[tuple[int, int]]  # spans of what lies between VEVENTs
    broken: list[tuple[int, int]]  # a BEGIN:VEVENT without its END:VEVENT, to the next one
    unsure: bool


class Choice(NamedTuple):
    """The VEVENTs that may matter for a span, by UID group, and what surrounds them."""

    groups: list[list[_Entry]]  # each group's kept members, in the feed's order
    outside: list[tuple[int, int]]
    broken: list[tuple[int, int]]
    total: int  # VEVENTs in the feed


def parts(body: bytes, count: int) -> list[tuple[int, int]]:
    """`count` spans covering `body`, cut just before a BEGIN:VEVENT, for scanning apart."""
    cuts = [0]
    for index in range(1, count):
        cut = _NEXT_EVENT.search(body, max(cuts[-1], len(body) * index // count))
        if cut is None:
            break
        cuts.append(cut.start())
    cuts.append(len(body))
    return [
        (low, high) for low, high in zip(cuts, cuts[1:], strict=False) if high > low or low == 0
    ]


def scan(body: bytes, first: date, stop: date, low: int = 0, high: int | None = None) -> Scan:
    """Read the VEVENTs of body[low:high] (see `parts`) for the span [first, stop)."""
    span = _Span(first, stop)
    low_day, high_day = span.low_day, span.high_day
    high = len(body) if high is None else high
    entries: list[_Entry] = []
    others = array("q")
    aside: list[_Entry] = []
    outside: list[tuple[int, int]] = []
    broken: list[tuple[int, int]] = []
    wanted: dict[object, None] = {}
    position = low
    count = 0
    try:
        for match in _EVENT.finditer(body, low, high):
            begin, end = match.span()
            if match.group(7):  # a BEGIN line inside: a VEVENT that never ended may start here
                inner = _NEXT_EVENT.search(body, begin + 1, end)
                while inner is not None:
                    broken.append((begin, inner.start()))
                    begin = inner.start()
                    match = _EVENT.match(body, begin, end)  # type: ignore[assignment]
                    if match is None:
                        raise _Unsure("a VEVENT inside a VEVENT")
                    inner = _NEXT_EVENT.search(body, begin + 1, end) if match.group(7) else None
            if begin != position:
                outside.append((position, begin))
            position = end
            count += 1
            start, finish, recurrence, rule, uid, odd_uid, nested, unusual = match.groups()
            if not (odd_uid or nested or unusual or rule or recurrence) and start is not None:
                # most of a feed: a one-off event, plainly written; far from the span?
                folded = None if uid is None else uid.translate(None, _UID_NOISE).lower()
                last = finish if finish is not None and finish > start else start
                if folded not in wanted and (start > high_day or last < low_day):
                    if folded is not None:
                        others.extend((crc32(folded), begin, end))
                    continue
            entry = _entry(body, match, begin, end)
            key = entry.key
            if key in wanted or (
                entry.unusual
                or not _plainly_apart(entry, low_day, low_day, high_day)
                or (entry.rule is not None and len(_RRULES.findall(body, begin, end)) != 1)
            ):
                wanted[key] = None
                entries.append(entry)
            elif isinstance(key, bytes):  # one without UID, set aside, is a group of its own
                aside.append(entry)
        if position != high:
            outside.append((position, high))
    except _Unsure:
        return Scan([], [], array("q"), [], 0, [], [], True)
    # a VEVENT that never ends and has no other after it lies outside the others: set it apart
    kept_outside = []
    for begin, end in outside:
        opened = _NEXT_EVENT.search(body, begin, end) or (
            _FIRST_EVENT.match(body, begin, end) if begin == 0 else None
        )
        if opened is None:
            kept_outside.append((begin, end))
            continue
        closing = _CALENDAR_END.search(body, opened.start(), end)
        stop_at = closing.start() if closing else end
        if opened.start() > begin:
            kept_outside.append((begin, opened.start()))
        broken.append((opened.start(), stop_at))
        if stop_at < end:
            kept_outside.append((stop_at, end))
    return Scan(entries, list(wanted), others, aside, count, kept_outside, broken, False)


def _entry(body: bytes, match: re.Match[bytes], begin: int, end: int) -> _Entry:
    """What the scan reads of the VEVENT `match` found at body[begin:end]."""
    start, finish, recurrence, rule, uid, odd_uid, nested, unusual = match.groups()
    if odd_uid:
        raise _Unsure("a UID line not plainly written")
    if nested:  # a nested component may hold a UID of its own: read the VEVENT's
        uids = _member(body, begin, end).get(b"UID")
        uid = _value(uids[0])[1] if uids else None
    # Group by UID, keyed generously (merging groups only ever keeps more): UIDs that
    # icalendar reads as equal differ at most in folds, escapes and the case of \N.
    # A VEVENT without UID is a series of its own, as in recurring-ical-events.
    key: object = object() if uid is None else uid.translate(None, _UID_NOISE).lower()
    return _Entry(begin, end, key, start, finish, recurrence, rule, bool(nested or unusual))


def choose(
    body: bytes, scans: list[Scan], first: date, stop: date, *, trimmed: bool = True
) -> Choice | None:
    """The UID groups of the scanned parts that may matter for [first, stop), each with the
    members that may matter (all of them unless `trimmed`: `trim` then says which); None when
    some bytes were not understood (keep everything)."""
    if any(part.unsure for part in scans):
        return None
    wanted = {key for part in scans for key in part.wanted}
    crcs = {crc32(key) for key in wanted if isinstance(key, bytes)}
    groups: dict[object, list[_Entry]] = {}
    for part in scans:
        for entry in part.entries:
            groups.setdefault(entry.key, []).append(entry)
    try:
        for part in scans:
            others = part.others
            for index in range(0, len(others), 3):
                if others[index] in crcs:  # maybe a member of a wanted group: read it again
                    begin, end = others[index + 1], others[index + 2]
                    match = _EVENT.match(body, begin, end)
                    if match is None:
                        return None
                    entry = _entry(body, match, begin, end)
                    if entry.key in wanted:
                        groups.setdefault(entry.key, []).append(entry)
    except _Unsure:
        return None
    for part in scans:
        for entry in part.aside:
            if entry.key in wanted:
                groups[entry.key].append(entry)
    for group in groups.values():
        group.sort()  # in the feed's order
    total = sum(part.total for part in scans)
    kept = []
    for group in groups.values():
        members: list[_Entry] | None = trim(body, group, first, stop) if trimmed else group
        if members is None:
            return None
        if members:
            kept.append(members)
    outside = [gap for part in scans for gap in part.outside]
    broken = [entry for part in scans for entry in part.broken]
    return Choice(kept, outside, broken, total)


def trim(body: bytes, group: list[_Entry], first: date, stop: date) -> list[_Entry] | None:
    """The members of one UID group that may matter for [first, stop) (none: the group cannot
    reach it), or None when its lines are not understood (its BEGIN and END lines do not
    match)."""
    try:
        aside = {id(entry) for entry in _set_aside(body, group, _Span(first, stop))}
    except _Unsure:
        return None
    return [entry for entry in group if id(entry) not in aside]


def share_of(key: object, shares: int) -> int:
    """The share (of `shares` processes) a UID group goes to; a group without UID to 0."""
    return crc32(key) % shares if isinstance(key, bytes) else 0


def select(body: bytes, first: date, stop: date, share: int = 0, shares: int = 1) -> bytes | None:
    """Return a calendar holding every VEVENT that may matter for [first, stop).

    The result is `body` itself when nothing can be set aside or the bytes are not understood.
    With `shares` > 1, only the UID groups of one share (by a hash of the UID) are kept, so that
    several processes can each read the whole feed and go on with their own share; every share
    keeps all that is not a VEVENT (header, VTIMEZONEs). A share other than 0 is None when the
    bytes are not understood (share 0 then has the whole feed). VEVENTs without END:VEVENT are
    left out.
    """
    choice = choose(body, [scan(body, first, stop)], first, stop)
    if choice is None:
        return body if share == 0 else None
    groups = [group for group in choice.groups if share_of(group[0].key, shares) == share]
    if shares == 1 and not choice.broken and sum(map(len, groups)) == choice.total:
        return body
    return assemble(body, groups, choice.outside, first, stop)


def assemble(
    body: bytes,
    groups: list[list[_Entry]],
    outside: list[tuple[int, int]],
    first: date,
    stop: date,
) -> bytes:
    """A calendar of the given VEVENTs (in their places) and of everything that is not a
    VEVENT, for icalendar."""
    span = _Span(first, stop)
    kept = [entry for group in groups for entry in group]
    # A far EXDATE still matters to a group with overrides (it hides the override of that
    # occurrence, wherever the override moved it) or with moved ranges: those keep them all.
    untrimmed = {
        group[0].key
        for group in groups
        if any(entry.unusual or entry.recurrence is not None for entry in group)
    }
    return _assemble(body, kept, outside, span, untrimmed)


def _assemble(
    body: bytes,
    kept: list[_Entry],
    others: list[tuple[int, int]],
    span: _Span,
    untrimmed: set[object],
) -> bytes:
    """The body with only the kept VEVENTs, in their places, without their bookkeeping lines
    and without single-date EXDATEs far from the span (a decade-old series carries dozens; an
    excluded date only ever removes the occurrence at that instant); everything that is not a
    VEVENT stays as it was. The groups in `untrimmed` keep all their EXDATEs."""

    def trim_exdate(match: re.Match[bytes]) -> bytes:
        return match.group(0) if span.low_day <= match.group(1) <= span.high_day else b""

    def trimmed(event: bytes) -> bytes:
        return _FAR_EXDATE.sub(trim_exdate, _BOOKKEEPING.sub(b"", event))

    # per span: None for what is not a VEVENT, else whether its far EXDATEs may go
    spans = sorted(
        [(entry.begin, entry.end, entry.key not in untrimmed) for entry in kept]
        + [(begin, end, None) for begin, end in others]
    )
    return b"".join(
        body[begin:end]
        if trim is None
        else (trimmed(body[begin:end]) if trim else _BOOKKEEPING.sub(b"", body[begin:end]))
        for begin, end, trim in spans
    )


_TEXT_LINES = re.compile(rb"\n(UID|SUMMARY)(?:;[^:\n]*)?:([^\r\n]*(?:\r?\n[ \t][^\r\n]*)*)", re.I)


def text_lines(body: bytes, begin: int, end: int) -> list[tuple[bytes, bytes]]:
    """The UID and SUMMARY lines of the VEVENT at body[begin:end] (unfolded), to name it when
    it cannot be read."""
    return [
        (name.upper(), _FOLD.sub(b"", value))
        for name, value in _TEXT_LINES.findall(body, begin, end)
    ]


def _plainly_apart(
    entry: _Entry, low_day: bytes, recurrence_low_day: bytes, high_day: bytes
) -> bool:
    """Whether a plainly written VEVENT lies whole days before or after the span.

    Compares YYYYMMDD digits as bytes; the slack in the bounds covers the time of day and time
    zones. A series counts when it starts after the span or ends (UNTIL, or a bound of its
    COUNT) before it, with occurrences shorter than a day; an entry that ends before it
    starts, by its DTSTART alone. An override also needs the
    occurrence it replaces (RECURRENCE-ID) to lie before `recurrence_low_day` (which allows for
    the master's length) or after the span, or its master would show that occurrence again.
    """
    start = entry.start
    if start is None:
        return False
    recurrence = entry.recurrence
    if start > high_day:
        return recurrence is None or recurrence > high_day
    last: bytes | None
    if entry.rule is None:
        last = entry.finish or start
    else:
        last = _last_day(entry.rule, start)
        if last is None or entry.finish not in (None, start):
            return False
    # A DTEND or an UNTIL before DTSTART is left out (and reported when DTSTART is near)
    last = max(last, start)
    if last >= low_day:
        return False
    return recurrence is None or recurrence < recurrence_low_day or recurrence > high_day


def _last_day(rule: bytes, start: bytes) -> bytes | None:
    """The YYYYMMDD by which a rule has certainly started its last occurrence, if cheap to say.

    That is its one UNTIL, or for a COUNT rule of the simple kinds a bound (`_count_bound`).
    None when the rule is endless, has both, or is anything else; the group is then read fully.
    """
    rule = rule.upper()
    index = rule.find(b"UNTIL=")
    if index >= 0:
        if b"COUNT" in rule or rule.find(b"UNTIL=", index + 1) >= 0:
            return None
        digits = rule[index + 6 : index + 14]
        return digits if len(digits) == 8 and digits.isdigit() else None
    parts = dict(part.partition(b"=")[::2] for part in rule.split(b";"))
    count = parts.get(b"COUNT", b"")
    if b"FREQ" not in parts or not count.isdigit() or int(count) > MAX_COUNT:
        return None
    try:
        first = date(int(start[:4]), int(start[4:6]), int(start[6:8]))
        bound = _count_bound(parts, int(count), first.day)
        if bound is None:
            return None
        return _digits(first + timedelta(days=bound))
    except (ValueError, OverflowError):
        return None


def _member(body: bytes, begin: int, end: int) -> dict[bytes, list[bytes]]:
    """Read the timing lines of the VEVENT at body[begin:end], skipping nested components."""
    lines: dict[bytes, list[bytes]] = {}
    depth = 0
    for name, rest in _LINES.findall(body, begin, end):
        name = name.upper()
        if name == b"BEGIN" or name == b"END":
            component = rest[1:].strip().upper() if rest[:1] == b":" else b""
            if name == b"BEGIN":
                if depth and component == b"VEVENT":
                    raise _Unsure("a VEVENT nested in a VEVENT")
                depth += 1
            else:
                depth -= 1
                if depth < 0 or (depth == 0 and component != b"VEVENT"):
                    raise _Unsure("unbalanced BEGIN/END")
        elif depth == 1:
            lines.setdefault(name, []).append(rest)
    if depth:
        raise _Unsure("unbalanced BEGIN/END")
    return lines


def _set_aside(body: bytes, group: list[_Entry], span: _Span) -> list[_Entry]:
    """The members of one UID group that cannot change what the span shows.

    The masters are read first: their longest occurrence is how far before the span an
    occurrence they yield may begin and still reach it. An override whose own days and the
    occurrence it replaces lie plainly apart from the span (on the digits the scan read) goes
    without being read; the others are read, and `_members_aside` decides.
    """
    masters = [entry for entry in group if entry.recurrence is None]
    timings = [_timing_of(_member(body, *entry[:2]), span.low) for entry in masters]
    reach = max((timing.length if timing else math.inf for timing in timings), default=0.0)
    if not math.isfinite(reach):
        timings = [_timing_of(_member(body, *entry[:2]), span.low) for entry in group]
        return _members_aside(group, timings, span)
    recurrence_low_day = span.day(span.low - reach)
    apart = [
        entry.recurrence is not None
        and entry.rule is None
        and not entry.unusual
        and _plainly_apart(entry, span.low_day, recurrence_low_day, span.high_day)
        for entry in group
    ]
    if all(
        aside or entry.recurrence is None for entry, aside in zip(group, apart, strict=True)
    ) and not any(_touches(timing, span, reach) for timing in timings):
        return group  # no master touches the span, and no override comes near it
    read = [entry for entry, aside in zip(group, apart, strict=True) if not aside]
    by_id = {id(entry): timing for entry, timing in zip(masters, timings, strict=True)}
    read_timings = [
        by_id[id(entry)] if id(entry) in by_id else _timing_of(_member(body, *entry[:2]), span.low)
        for entry in read
    ]
    aside = _members_aside(read, read_timings, span, reach)
    if len(aside) == len(read):
        return group  # nothing of the group touches the span
    set_aside = {id(entry) for entry in aside}
    kept_ids = [
        timing.recurrence
        for entry, timing in zip(read, read_timings, strict=True)
        if timing is not None and timing.recurrence is not None and id(entry) not in set_aside
    ]
    # an override plainly apart still stays beside a kept one replacing about the same
    # occurrence (SEQUENCE decides between them)
    unread_aside = [
        entry
        for entry, is_apart in zip(group, apart, strict=True)
        if is_apart
        and all(abs(_ordinal(entry.recurrence) - other) > SLACK_DAYS + 1 for other in kept_ids)
    ]
    return aside + unread_aside


def overrides_to_read(group: list[_Entry], first: date, stop: date, reach: float) -> list[_Entry]:
    """The overrides of a group whose masters are read elsewhere (their longest occurrence
    lasting `reach` days) that may change what [first, stop) shows: all but those plainly
    apart (`_set_aside`), which stay only beside one replacing about the same occurrence."""
    span = _span(first, stop)
    recurrence_low_day = span.day(span.low - reach)
    near: list[_Entry] = []
    apart: list[_Entry] = []
    for entry in group:
        if entry.recurrence is None:
            continue
        if (
            entry.rule is None
            and not entry.unusual
            and _plainly_apart(entry, span.low_day, recurrence_low_day, span.high_day)
        ):
            apart.append(entry)
        else:
            near.append(entry)
    replaced = [_ordinal(entry.recurrence) for entry in near]
    near += [
        entry
        for entry in apart
        if any(abs(_ordinal(entry.recurrence) - other) <= SLACK_DAYS + 1 for other in replaced)
    ]
    return sorted(near)


@lru_cache(maxsize=8192)
def _ordinal(day: bytes | None) -> float:
    """The day ordinal of YYYYMMDD digits (the scan's, so a plain date)."""
    assert day is not None
    try:
        return float(date(int(day[:4]), int(day[4:6]), int(day[6:8])).toordinal())
    except ValueError:
        return math.inf


def _members_aside(
    group: list[_Entry], timings: list[_Timing | None], span: _Span, reach: float | None = None
) -> list[_Entry]:
    """Which members of a group to set aside, knowing when each can happen.

    Nothing of the group touches the span: all of it. Otherwise the masters stay (their
    EXDATEs and rules decide about every override), and so does every override that touches
    the span by its own time or by the occurrence it replaces (RECURRENCE-ID, widened by the
    longest occurrence of the group); an override far from the span only replaces an
    occurrence far from it. Overrides replacing about the same occurrence as a kept one stay
    too, since SEQUENCE decides between them.
    """
    longest = max((timing.length if timing else math.inf for timing in timings), default=0.0)
    reach = longest if reach is None else max(reach, longest)
    touching = [_touches(timing, span, reach) for timing in timings]
    if not any(touching):
        return group
    kept_ids = [
        timing.recurrence
        for timing, touches in zip(timings, touching, strict=True)
        if touches and timing is not None and timing.recurrence is not None
    ]
    return [
        entry
        for entry, timing, touches in zip(group, timings, touching, strict=True)
        if not touches
        and timing is not None
        and timing.recurrence is not None
        and all(abs(timing.recurrence - other) > SLACK_DAYS for other in kept_ids)
    ]


def _touches(timing: _Timing | None, span: _Span, reach: float) -> bool:
    """Whether a member may show in the span, or unshow its master's occurrence there."""
    if timing is None or timing.whole_series:
        return True
    if timing.recurrence is not None and span.low - reach <= timing.recurrence <= span.high:
        return True
    return timing.first <= span.high and timing.last + timing.length >= span.low


def _timing_of(lines: dict[bytes, list[bytes]], low: float) -> _Timing | None:
    """When a member can happen, or None when its lines are not understood."""
    try:
        return _timing(lines, low)
    except (_Unsure, ValueError, OverflowError):
        return None


def _timing(lines: dict[bytes, list[bytes]], low: float) -> _Timing:
    """Read when a VEVENT can happen; raise _Unsure when its lines are not understood."""
    start_value = _value(_single(lines, b"DTSTART"))[1]
    start, start_is_date = _moment(start_value)
    timing = _Timing(start, start, _duration_of(lines, start, start_is_date))
    if b"RECURRENCE-ID" in lines:
        params, value = _value(_single(lines, b"RECURRENCE-ID"))
        timing.whole_series = b"THISANDFUTURE" in params.upper()
        timing.recurrence = _moment(value)[0]
    for line in lines.get(b"RDATE", ()):
        for moment, length in _rdates(_value(line)[1]):
            timing.first = min(timing.first, moment)
            timing.last = max(timing.last, moment)
            timing.length = max(timing.length, length)
    for rule in lines.get(b"RRULE", ()):
        end = _rule_end(_value(rule)[1], start_value, start, low - timing.length)
        timing.last = max(timing.last, end)
    return timing


def _single(lines: dict[bytes, list[bytes]], name: bytes) -> bytes:
    found = lines.get(name, ())
    if len(found) != 1:
        raise _Unsure(f"{len(found)} {name!r} lines")
    return found[0]


def _value(line: bytes) -> tuple[bytes, bytes]:
    """Split `;PARAMS:value` (folded) at the first colon outside quotes."""
    if b"\n" in line:
        line = _FOLD.sub(b"", line)
    line = line.rstrip(b"\r")
    if line[:1] == b":":
        return b"", line[1:]
    if b'"' not in line:
        params, colon, value = line[1:].partition(b":")
        if colon:
            return params, value
        raise _Unsure("a property line without a value")
    quoted = False
    for index, byte in enumerate(line):
        if byte == 0x22:  # "
            quoted = not quoted
        elif byte == 0x3A and not quoted:  # :
            return line[1:index], line[index + 1 :]
    raise _Unsure("a property line without a value")


def _moment(value: bytes) -> tuple[float, bool]:
    """A DATE or DATE-TIME as a day ordinal with fraction; UTC and wall-clock alike."""
    match = _MOMENT.fullmatch(value.strip())
    if match is None:
        raise _Unsure(f"unreadable date {value!r}")
    year, month, day, hour, minute, second, _ = match.groups()
    ordinal = date(int(year), int(month), int(day)).toordinal()
    if hour is None:
        return float(ordinal), True
    return ordinal + (int(hour) * 3600 + int(minute) * 60 + int(second)) / 86400, False


def _duration(value: bytes) -> float:
    match = _DURATION.fullmatch(value.strip())
    if match is None or value.strip().upper() in (b"P", b"+P", b"-P"):
        raise _Unsure(f"unreadable duration {value!r}")
    sign, weeks, days, hours, minutes, seconds = match.groups()
    total: float = int(weeks or 0) * 7 + int(days or 0)
    total += (int(hours or 0) * 3600 + int(minutes or 0) * 60 + int(seconds or 0)) / 86400
    return -total if sign == b"-" else total


def _duration_of(lines: dict[bytes, list[bytes]], start: float, start_is_date: bool) -> float:
    """How long each occurrence lasts, in days (never negative)."""
    if b"DTEND" in lines:
        end, _ = _moment(_value(_single(lines, b"DTEND"))[1])
        return max(end - start, 0.0)
    if b"DURATION" in lines:
        return max(_duration(_value(_single(lines, b"DURATION"))[1]), 0.0)
    return 1.0 if start_is_date else 0.0


def _rdates(value: bytes) -> list[tuple[float, float]]:
    """RDATE values as (start, length) pairs; a PERIOD's length is its own."""
    result = []
    for item in value.split(b","):
        begin, slash, finish = item.partition(b"/")
        moment, _ = _moment(begin)
        length = 0.0
        if slash:
            if finish.lstrip(b"+-")[:1].upper() == b"P":
                length = _duration(finish)
            else:
                length = _moment(finish)[0] - moment
        result.append((moment, max(length, 0.0)))
    return result


def _rule_end(rule: bytes, start_value: bytes, start: float, needed: float) -> float:
    """The latest start a rule can produce, or infinity when it cannot be bounded cheaply.

    `needed` is the earliest start that would still matter: a COUNT series that begins before
    it is checked for whether it lasts until then, by a bound or by expanding it.
    """
    parts = {}
    for part in rule.split(b";"):
        key, _, value = part.partition(b"=")
        parts[key.strip().upper()] = value.strip()
    if b"FREQ" not in parts:
        raise _Unsure("a rule without FREQ")
    until = parts.get(b"UNTIL")
    count = parts.get(b"COUNT")
    if until is not None and count is None:
        moment, is_date = _moment(until)
        return moment + 1.0 if is_date else moment
    if count is None or until is not None or not count.isdigit():
        return math.inf  # endless, or a rule recurring-ical-events reads its own way
    if start >= needed:
        return start  # the series begins late enough: its first start decides
    number = int(count)
    if number > MAX_COUNT:
        return math.inf
    bound = _count_bound(parts, number, int(start_value[6:8] or 0))
    if bound is not None and start + bound < needed:
        return start + bound
    return _count_end(rule, start_value, needed)


#: Rule parts under which every period of the rule holds at least one occurrence.
_SIMPLE_PARTS = frozenset({b"FREQ", b"COUNT", b"INTERVAL", b"WKST", b"BYDAY", b"BYMONTHDAY"})
_PERIOD_DAYS = {b"DAILY": 1, b"WEEKLY": 7, b"MONTHLY": 31}


_MONTHLY_DAY = rb"(?:[+]?[1-4]|-[1-4])?[A-Za-z]{2}"  # every month has it
_MONTHLY_DAYS = re.compile(_MONTHLY_DAY + rb"(?:," + _MONTHLY_DAY + rb")*")
_MONTH_DAY = rb"[+-]?(?:[1-9]|1\d|2[0-8])"  # every month has it
_MONTH_DAYS = re.compile(_MONTH_DAY + rb"(?:," + _MONTH_DAY + rb")*")


def _count_bound(parts: dict[bytes, bytes], count: int, start_day: int) -> float | None:
    """An upper bound, in days after DTSTART, of the last start of a COUNT rule, if cheap.

    Holds for rules where every period yields an occurrence: weekly on plain weekdays, monthly
    on the 1st-4th or last weekday or a day of month up to 28, daily without filters. The first
    period may yield none after DTSTART, hence count + 1 periods.
    """
    if not parts.keys() <= _SIMPLE_PARTS:
        return None
    period = _PERIOD_DAYS.get(parts[b"FREQ"].upper())
    interval = parts.get(b"INTERVAL", b"1")
    if period is None or not interval.isdigit() or int(interval) < 1:
        return None
    frequency = parts[b"FREQ"].upper()
    days = parts.get(b"BYDAY")
    month_days = parts.get(b"BYMONTHDAY")
    if frequency == b"DAILY" and (days or month_days):
        return None
    if frequency == b"WEEKLY" and (month_days or (days and not days.replace(b",", b"").isalpha())):
        return None
    if frequency == b"MONTHLY":
        if not days and not month_days and start_day > 28:
            return None
        if days and not _MONTHLY_DAYS.fullmatch(days):
            return None
        if month_days and not _MONTH_DAYS.fullmatch(month_days):
            return None
    return float((count + 1) * int(interval) * period)


def _count_end(rule: bytes, start_value: bytes, needed: float) -> float:
    """Expand a COUNT rule in wall-clock time to see whether it reaches `needed`."""
    from dateutil.rrule import rrulestr

    match = _MOMENT.fullmatch(start_value.strip())
    if match is None:
        raise _Unsure("unreadable start")
    numbers = [int(group) for group in match.groups()[:6] if group]
    dtstart = datetime(*numbers)  # type: ignore[arg-type]
    recurrence = rrulestr(rule.decode("ascii"), dtstart=dtstart, cache=False)
    threshold = datetime.fromordinal(int(needed)) + timedelta(days=needed - int(needed))
    if recurrence.after(threshold, inc=True) is None:
        return needed - 1.0  # provably over before it would matter
    return math.inf
