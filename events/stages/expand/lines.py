"""Read the few properties of a VEVENT that expansion and understanding need, straight from
its bytes, exactly as icalendar reads them, or not at all.

icalendar builds a rich object for every property of every kept entry, which costs more than
everything else the window needs. This reader takes the lines of one VEVENT and returns the
values the pipeline uses: UID, DTSTART, DTEND, DURATION, RRULE, EXDATE, RECURRENCE-ID, SEQUENCE
and the texts (SUMMARY, DESCRIPTION, LOCATION, URL, STATUS, the ORGANIZER's CN). It follows
icalendar 7's reading (unfolding, the first colon outside quotes, backslash escapes, dates,
TZIDs as IANA zones) and raises `Unplain` on anything it does not read the same way for
certain: quoted or escaped parameters it would have to interpret, an unknown TZID, RDATE,
RANGE, a broken value. Such an entry goes to icalendar and recurring-ical-events instead, so
the answer is always theirs (tests/test_differential.py compares the two on every corpus).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, tzinfo
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from events.stages.expand.recurrence import Unplain

Moment = datetime | date

# icalendar's own unfolding (parser/content_line.py) and line split
_UNFOLD = re.compile(r"(?:(?<!\n)\r\n|(?<![\r\n])\n)(?:\r?\n)*[ \t]")
# parameters as written without anything to interpret: quoted values hold no quote, caret or
# backslash, unquoted ones no comma (a list) either
_PARAMS = re.compile(r'(?:;[A-Za-z0-9-]+=(?:"[^"^\\]*"|[^";:,^\\]*))*')
_PARAM = re.compile(r';([A-Za-z0-9-]+)=("[^"]*"|[^;]*)')
_ESCAPE = re.compile(r"\\([\\,;:nN])")
_DATE = re.compile(r"(\d{4})(\d\d)(\d\d)")
_DATE_TIME = re.compile(r"(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)(Z?)")
# a DATE or DATE-TIME that is surely a valid one (29 February is checked when read)
_PLAIN_MOMENT = re.compile(
    r"(?!0000)\d{4}(?:(?:0[1-9]|1[0-2])(?:0[1-9]|1\d|2[0-8])|(?:0[13-9]|1[0-2])(?:29|30)"
    r"|(?:0[13578]|1[02])31)(?:T(?:[01]\d|2[0-3])[0-5]\d[0-5]\dZ?)?"
)
_DURATION = re.compile(r"([-+]?)P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?")

#: Properties read here; every other line is passed over (icalendar's reading of it changes
#: nothing the pipeline uses), once it is seen to be a property line at all.
TIMING = frozenset({"DTSTART", "DTEND", "DURATION", "RRULE", "EXDATE", "RECURRENCE-ID"})
TEXTS = frozenset({"UID", "SUMMARY", "DESCRIPTION", "LOCATION", "URL", "STATUS"})
_READ = TIMING | TEXTS | {"SEQUENCE", "ORGANIZER", "BEGIN", "END"}
#: Properties this reader leaves to icalendar whenever they occur.
_UNREAD = frozenset({"RDATE", "EXRULE"})
# A wanted line: its name, its parameters up to the first colon outside quotes, its value
# (with the line's CR, if any); or, when no such colon follows, the delimiter alone (4th).
_WANTED_LINE = re.compile(
    "^(" + "|".join(sorted(_READ | _UNREAD, key=len, reverse=True)) + ")"
    r'(?:((?:;(?:[^";:\n]|"[^"\n]*")*)*):([^\n]*)|([;:])[^\n]*)',
    re.MULTILINE | re.IGNORECASE,
)
# a line that does not begin with a property name and its delimiter (after unfolding)
_ODD_LINE = re.compile(r"^(?![A-Za-z0-9-]+[;:])[^\n]", re.MULTILINE)
UTC = ZoneInfo("UTC")


@lru_cache(maxsize=256)
def iana_zone(name: str) -> tzinfo | None:
    """The IANA zone icalendar would use for a TZID of this name, when it is plainly one."""
    if not name or name != name.strip("/ \t") or "\\" in name:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return None


@dataclass
class Member:
    """One VEVENT as the pipeline reads it (values as icalendar gives them)."""

    uid: str | None = None
    start: Moment | None = None
    start_tzid: str | None = None  # the TZID written on DTSTART
    end: Moment | None = None
    duration: timedelta | None = None
    rules: list[str] = field(default_factory=list)
    exdates: list[tuple[str, dict[str, str]]] = field(default_factory=list)  # `exdate` reads one
    recurrence: Moment | None = None
    sequence: int = -1
    texts: dict[str, str] = field(default_factory=dict)  # the first of each
    organizer: str | None = None  # the ORGANIZER's CN


def text(value: str) -> str:
    """A TEXT value unescaped as icalendar unescapes it."""
    if "\\" not in value:
        return value
    return _ESCAPE.sub(lambda m: "\n" if m.group(1) in "nN" else m.group(1), value)


def _params(raw: str) -> dict[str, str]:
    return dict(_param_items(raw))


@lru_cache(maxsize=1024)
def _param_items(raw: str) -> tuple[tuple[str, str], ...]:
    """The parameters of a line, read once for each way they are written (`;TZID=…`)."""
    if not _PARAMS.fullmatch(raw):
        raise Unplain(f"parameters {raw[:40]!r}")
    found: dict[str, str] = {}
    for key, value in _PARAM.findall(raw):
        key = key.upper()
        if key in found:
            raise Unplain(f"{key} twice")
        found[key] = value[1:-1] if value[:1] == '"' else value
    return tuple(found.items())


def _moment(value: str, params: dict[str, str]) -> Moment:
    """A DATE or DATE-TIME value with its TZID, as icalendar's vDDDTypes reads it."""
    return _moment_of(value, params.get("VALUE", "").upper(), params.get("TZID"))


@lru_cache(maxsize=4096)
def _moment_of(value: str, kind: str, tzid: str | None) -> Moment:
    match = _DATE.fullmatch(value)
    if match and kind in ("", "DATE") and tzid is None:
        year, month, day = match.groups()
        try:
            return date(int(year), int(month), int(day))
        except ValueError as error:
            raise Unplain(str(error)) from None
    match = _DATE_TIME.fullmatch(value)
    if match is None or kind not in ("", "DATE-TIME"):
        raise Unplain(f"date {value!r}")
    year, month, day, hour, minute, second, utc = match.groups()
    zone: tzinfo | None = None
    if tzid is not None:
        zone = iana_zone(tzid)
        if zone is None or utc:
            raise Unplain(f"TZID={tzid}")
    elif utc:
        zone = UTC
    try:
        return datetime(
            int(year), int(month), int(day), int(hour), int(minute), int(second), tzinfo=zone
        )
    except ValueError as error:
        raise Unplain(str(error)) from None


def exdate(item: tuple[str, dict[str, str]]) -> Moment:
    """One EXDATE value of a Member (read when it may matter: most are far from any window)."""
    return _moment(*item)


def exdate_day(item: tuple[str, dict[str, str]]) -> date:
    """The day an EXDATE value names (as written, in its own zone)."""
    value = item[0]
    return date(int(value[:4]), int(value[4:6]), int(value[6:8]))


def _duration(value: str) -> timedelta:
    match = _DURATION.fullmatch(value)
    if match is None or value.lstrip("+-") == "P" or value.endswith("T"):
        raise Unplain(f"duration {value!r}")
    sign, weeks, days, hours, minutes, seconds = match.groups()
    total = timedelta(
        weeks=int(weeks or 0),
        days=int(days or 0),
        hours=int(hours or 0),
        minutes=int(minutes or 0),
        seconds=int(seconds or 0),
    )
    return -total if sign == "-" else total


def unfold(content: str) -> str:
    """Content lines unfolded as icalendar unfolds them (`_UNFOLD`), quickly when no fold
    follows an empty line."""
    if "\n\n" in content or "\n\r\n" in content:
        return _UNFOLD.sub("", content)
    for fold in ("\r\n ", "\r\n\t", "\n ", "\n\t"):
        if fold in content:
            content = content.replace(fold, "")
    return content


def read_member(raw: bytes) -> Member:
    """The VEVENT in `raw` (from BEGIN:VEVENT to END:VEVENT), or `Unplain`."""
    try:
        content = unfold(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise Unplain("not UTF-8") from None
    if odd := _ODD_LINE.search(content):
        raise Unplain(f"line {content[odd.start() : odd.start() + 40]!r}")
    member = Member()
    depth = 0
    for name, raw_params, value, no_colon in _WANTED_LINE.findall(content):
        if no_colon:
            raise Unplain(f"line {name}{no_colon}…: no colon outside quotes")
        name = name.upper()
        if name in _UNREAD:
            raise Unplain(name)
        if value[-1:] == "\r":
            value = value[:-1]
        params = _params(raw_params) if raw_params else {}
        if name == "BEGIN":
            depth += 1
            if depth > 1 and value.upper() != "VALARM":
                raise Unplain(f"BEGIN:{value}")
            continue
        if name == "END":
            depth -= 1
            continue
        if depth != 1:
            continue  # a property of a VALARM
        _add(member, name, params, value)
    if depth != 0:
        raise Unplain("unbalanced BEGIN/END")
    if member.start is None:
        raise Unplain("no DTSTART")
    return member


def _add(member: Member, name: str, params: dict[str, str], value: str) -> None:
    if name in TEXTS:
        if name == "UID" and member.uid is not None:
            raise Unplain("two UIDs")  # icalendar makes a list of them, which no one reads
        if name == "UID":
            member.uid = text(value)
        member.texts.setdefault(name, text(value))
    elif name == "DTSTART":
        if member.start is not None:
            raise Unplain("two DTSTARTs")
        member.start = _moment(value, params)
        member.start_tzid = params.get("TZID") or None
    elif name == "DTEND":
        if member.end is not None:
            raise Unplain("two DTENDs")
        member.end = _moment(value, params)
    elif name == "DURATION":
        if member.duration is not None or params:
            raise Unplain("DURATION")
        member.duration = _duration(value)
    elif name == "RRULE":
        if params:
            raise Unplain("RRULE parameters")
        member.rules.append(value)
    elif name == "EXDATE":
        if not value:
            raise Unplain("empty EXDATE")
        tzid = params.get("TZID")
        if tzid is not None and iana_zone(tzid) is None:
            raise Unplain(f"TZID={tzid}")
        for item in value.split(","):
            if not _PLAIN_MOMENT.fullmatch(item):
                _moment(item, params)  # Unplain unless it is read after all (29 February)
            member.exdates.append((item, params))
    elif name == "RECURRENCE-ID":
        if member.recurrence is not None or "RANGE" in params:
            raise Unplain("RECURRENCE-ID")
        member.recurrence = _moment(value, params)
    elif name == "SEQUENCE":
        if member.sequence != -1 or not value.isdigit():
            raise Unplain("SEQUENCE")
        member.sequence = int(value)
    elif name == "ORGANIZER" and member.organizer is None:
        member.organizer = params.get("CN", "")
