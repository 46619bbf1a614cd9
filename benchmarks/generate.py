"""Generate a Google-Calendar-style export of N VEVENTs for speed measurements.

The feed looks like the Rust Community Calendar's `basic.ics`: a decade of history, one-off
events in UTC, all-day (multi-day) events, series with a TZID start, an RRULE (ended with a UTC
UNTIL, a bare-date UNTIL, a COUNT, or endless), EXDATEs, overrides that keep or move their
occurrence, "this and following" splits (`…_R<date>` UIDs), HTML descriptions of a few hundred
bytes, CRLF lines folded at 75 octets. Output is deterministic for a given seed.

    python benchmarks/generate.py 20000 feed.ics [--today 2025-11-19] [--seed 1] [--years 10]
"""

from __future__ import annotations

import argparse
import random
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

UTC = ZoneInfo("UTC")

#: (group, city, IANA zone) of the invented groups; a few non-ASCII names on purpose.
PLACES = [
    ("Rust Berlin", "Berlin, Germany", "Europe/Berlin"),
    ("Rust München", "München, Deutschland", "Europe/Berlin"),
    ("Rust London", "London, United Kingdom", "Europe/London"),
    ("Rust Paris", "Paris, France", "Europe/Paris"),
    ("Rust Kraków", "Kraków, Polska", "Europe/Warsaw"),
    ("Rust Amsterdam", "Amsterdam, Nederland", "Europe/Amsterdam"),
    ("Rust Zürich", "Zürich, Switzerland", "Europe/Zurich"),
    ("Seattle Rust User Group", "Seattle, WA, USA", "America/Los_Angeles"),
    ("Rust Bay Area", "San Francisco, CA 94105, USA", "America/Los_Angeles"),
    ("Rust NYC", "New York, NY, USA", "America/New_York"),
    ("Rust Toronto", "Toronto, ON M5H 2N2, Canada", "America/Toronto"),
    ("Rust Chicago", "Chicago, IL, USA", "America/Chicago"),
    ("Rust São Paulo", "São Paulo, Brasil", "America/Sao_Paulo"),
    ("Rust Tokyo", "Roppongi Hills, Tokyo, Japan", "Asia/Tokyo"),
    ("Rust Bangalore", "Bengaluru, India", "Asia/Kolkata"),
    ("Rust Sydney", "5 Martin Pl, Sydney NSW 2000, Australia", "Australia/Sydney"),
    ("Rust Lagos", "Lagos, Nigeria", "Africa/Lagos"),
    ("Rust Tel Aviv", "Tel Aviv, Israel", "Asia/Jerusalem"),
    ("Rust Auckland", "Auckland, New Zealand", "Pacific/Auckland"),
]
TITLES = [
    "Rust Hack and Learn",
    "Monthly Meetup",
    "Rust Meetup #{n}: Oxidizing Step by Step",
    "Talks & Pizza 🦀",
    "Async Rust - Deep Dive",
    "Beginners' Night | Intro to Ownership",
    "Embedded Rust Workshop",
    "Social Night",
]
WORDS = [
    "rust", "ownership", "borrow", "checker", "async", "await", "tokio", "embedded", "wasm",
    "compiler", "cargo", "crates", "traits", "generics", "lifetimes", "macros", "unsafe",
    "performance", "community", "talk", "workshop", "pizza", "drinks",
]  # fmt: skip
DAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]


def fold(line: str) -> bytes:
    """Fold a content line at 75 octets without splitting a UTF-8 character."""
    data = line.encode()
    if len(data) <= 75:
        return data + b"\r\n"
    out = []
    limit = 75
    while len(data) > limit:
        cut = limit
        while cut > 0 and (data[cut] & 0xC0) == 0x80:
            cut -= 1
        out.append(data[:cut])
        data = data[cut:]
        limit = 74  # continuation lines start with a space
    out.append(data)
    return b"\r\n ".join(out) + b"\r\n"


def text(value: str) -> str:
    """Escape a TEXT value."""
    return value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def local(moment: datetime) -> str:
    return moment.strftime("%Y%m%dT%H%M%S")


class Feed:
    """Accumulates VEVENTs until N have been written."""

    def __init__(self, size: int, today: date, rng: random.Random, years: float) -> None:
        self.size = size
        self.today = today
        self.rng = rng
        self.events: list[list[str]] = []
        self.zones: set[str] = set()
        self.serial = 0
        self.history = round(365.25 * years)

    @property
    def full(self) -> bool:
        return len(self.events) >= self.size

    def uid(self) -> str:
        self.serial += 1
        chars = "abcdefghijklmnopqrstuv0123456789"
        return "".join(self.rng.choice(chars) for _ in range(26)) + f"{self.serial:x}"

    def some_day(self) -> date:
        """A day in the decade of history, or a few months ahead."""
        return self.today + timedelta(days=self.rng.randint(-self.history, 120))

    def description(self, group: str, event_id: int) -> str:
        slug = group.lower().replace(" ", "-")
        real = f"https://www.meetup.com/{slug}/events/{event_id}/"
        wrapped = (
            f"https://www.google.com/url?q={real}&amp;sa=D&amp;source=calendar"
            f"&amp;ust=1700000000000000&amp;usg=AOvVaw{event_id:010d}"
        )
        size = self.rng.choice([40, 80, 120, 160, 240])
        filler = []
        while sum(len(word) + 1 for word in filler) < size:
            filler.append(self.rng.choice(WORDS))
        return (
            f"<b>{group}</b><br>{' '.join(filler)}<br><br>"
            f'RSVP: <a href="{wrapped}">{real}</a><br>Hosted by {group}: '
            f"https://www.meetup.com/{slug}/"
        )

    def common(self, place: tuple[str, str, str], title: str, stamp: str) -> list[str]:
        group, city, _ = place
        event_id = self.rng.randint(10**8, 10**9)
        lines = [
            f"DTSTAMP:{stamp}",
            f"CREATED:{stamp}",
            f"DESCRIPTION:{text(self.description(group, event_id))}",
            f"LAST-MODIFIED:{stamp}",
            f"LOCATION:{text(city if self.rng.random() < 0.8 else 'Online')}",
            "SEQUENCE:0",
            "STATUS:CONFIRMED",
            f"SUMMARY:{text(f'{group}: {title}')}",
            "TRANSP:OPAQUE",
        ]
        if self.rng.random() < 0.5:
            del lines[2]  # many entries have no description at all
        if self.rng.random() < 0.2:
            lines.insert(
                1,
                "ATTENDEE;CUTYPE=INDIVIDUAL;ROLE=REQ-PARTICIPANT;PARTSTAT=ACCEPTED;"
                "CN=rust-community@group.calendar.google.com;X-NUM-GUESTS=0:"
                "mailto:rust-community@group.calendar.google.com",
            )
        return lines

    def title(self) -> str:
        return self.rng.choice(TITLES).format(n=self.rng.randint(1, 99))

    def add(self, lines: list[str]) -> None:
        if not self.full:
            self.events.append(lines)

    def one_off(self) -> None:
        place = self.rng.choice(PLACES)
        zone = ZoneInfo(place[2])
        day = self.some_day()
        start = datetime(day.year, day.month, day.day, self.rng.choice([17, 18, 19]), 30, 0)
        start = start.replace(tzinfo=zone)
        end = start + timedelta(hours=self.rng.choice([2, 3]))
        stamp = utc(start - timedelta(days=20))
        uid = self.uid() + "@google.com"
        self.add(
            [f"DTSTART:{utc(start)}", f"DTEND:{utc(end)}", f"UID:{uid}"]
            + self.common(place, self.title(), stamp)
        )

    def all_day(self) -> None:
        place = self.rng.choice(PLACES)
        day = self.some_day()
        length = self.rng.choice([1, 1, 2, 3, 3, 4])
        stamp = utc(datetime(day.year, day.month, day.day, tzinfo=UTC) - timedelta(days=60))
        self.add(
            [
                f"DTSTART;VALUE=DATE:{day:%Y%m%d}",
                f"DTEND;VALUE=DATE:{day + timedelta(days=length):%Y%m%d}",
                f"UID:{self.uid()}@google.com",
            ]
            + self.common(place, f"RustConf {day.year}", stamp)
        )

    def series(self) -> None:
        """A series with EXDATEs and overrides; sometimes split by 'this and following'."""
        rng = self.rng
        place = rng.choice(PLACES)
        zone_name = place[2]
        zone = ZoneInfo(zone_name)
        self.zones.add(zone_name)
        first = self.some_day()
        start = datetime(first.year, first.month, first.day, 19, 0, tzinfo=zone)
        end = start + timedelta(hours=2)
        weekly = rng.random() < 0.6
        step = timedelta(weeks=rng.choice([1, 2]) if weekly else 4)
        interval = step.days // 7 if weekly else 1
        weekday = DAYS[start.weekday()]
        if weekly:
            rule = f"FREQ=WEEKLY;WKST=SU;INTERVAL={interval};BYDAY={weekday}"
        else:
            rule = f"FREQ=MONTHLY;BYDAY={(start.day - 1) // 7 + 1}{weekday}"
        kind = rng.random()
        span_days = rng.randint(30, 365)
        until = start + timedelta(days=span_days)
        if kind < 0.78:
            rule += f";UNTIL={utc(until)}"
        elif kind < 0.88:
            rule += f";UNTIL={until:%Y%m%d}"  # bare date with a TZID start, as Google does
        elif kind < 0.99:
            rule += f";COUNT={rng.randint(3, 40)}"
        else:
            until = start + timedelta(days=3650 * 2)  # endless
        uid = self.uid()
        stamp = utc(start - timedelta(days=10))
        title = self.title()
        master = [
            f"DTSTART;TZID={zone_name}:{local(start)}",
            f"DTEND;TZID={zone_name}:{local(end)}",
            f"RRULE:{rule}",
        ]
        instances = [start + step * index for index in range(1, 60)]
        instances = [moment for moment in instances if moment < until]
        for moment in rng.sample(instances, min(len(instances), rng.randint(0, 4))):
            master.append(f"EXDATE;TZID={zone_name}:{local(moment)}")
        master += [f"UID:{uid}@google.com"] + self.common(place, title, stamp)
        self.add(master)
        for moment in rng.sample(instances, min(len(instances), rng.randint(0, 6))):
            moved = moment
            if rng.random() < 0.3:
                moved = moment + timedelta(days=rng.choice([-1, 1, 2]), hours=rng.choice([0, 1]))
            self.add(
                [
                    f"DTSTART;TZID={zone_name}:{local(moved)}",
                    f"DTEND;TZID={zone_name}:{local(moved + timedelta(hours=2))}",
                    f"UID:{uid}@google.com",
                    f"RECURRENCE-ID;TZID={zone_name}:{local(moment)}",
                ]
                + self.common(place, title + " (updated)", stamp)
            )
        if rng.random() < 0.15 and instances:
            split = rng.choice(instances)
            new_start = split + timedelta(hours=1)
            self.add(
                [
                    f"DTSTART;TZID={zone_name}:{local(new_start)}",
                    f"DTEND;TZID={zone_name}:{local(new_start + timedelta(hours=2))}",
                    f"RRULE:{rule.split(';UNTIL=')[0].split(';COUNT=')[0]};COUNT=12",
                    f"UID:{uid}_R{utc(split)[:-1]}@google.com",
                ]
                + self.common(place, title, stamp)
            )

    def render(self, name: str, calendar_zone: str) -> bytes:
        head = [
            "BEGIN:VCALENDAR",
            "PRODID:-//Google Inc//Google Calendar 70.9054//EN",
            "VERSION:2.0",
            "CALSCALE:GREGORIAN",
            "METHOD:PUBLISH",
            f"X-WR-CALNAME:{name}",
            f"X-WR-TIMEZONE:{calendar_zone}",
        ]
        out = [fold(line) for line in head]
        for zone in sorted(self.zones):
            out.append(vtimezone(zone))
        for event in self.events:
            out.append(b"BEGIN:VEVENT\r\n")
            out.extend(fold(line) for line in event)
            out.append(b"END:VEVENT\r\n")
        out.append(b"END:VCALENDAR\r\n")
        return b"".join(out)


def vtimezone(name: str) -> bytes:
    """A Google-style VTIMEZONE: the 1970 offsets of the zone, without a DST rule."""
    zone = ZoneInfo(name)
    winter = datetime(1970, 1, 15, tzinfo=zone).utcoffset() or timedelta()
    sign = "-" if winter < timedelta() else "+"
    minutes = abs(int(winter.total_seconds())) // 60
    offset = f"{sign}{minutes // 60:02d}{minutes % 60:02d}"
    lines = [
        "BEGIN:VTIMEZONE",
        f"TZID:{name}",
        f"X-LIC-LOCATION:{name}",
        "BEGIN:STANDARD",
        f"TZOFFSETFROM:{offset}",
        f"TZOFFSETTO:{offset}",
        "TZNAME:STD",
        "DTSTART:19700101T000000",
        "END:STANDARD",
        "END:VTIMEZONE",
    ]
    return b"".join(fold(line) for line in lines)


def generate(
    size: int, *, today: date = date(2025, 11, 19), seed: int = 1, years: float = 10.0
) -> bytes:
    """A feed of exactly `size` VEVENTs spread over `years` before `today` (and 4 months after)."""
    rng = random.Random(seed)
    feed = Feed(size, today, rng, years)
    while not feed.full:
        roll = rng.random()
        if roll < 0.70:
            feed.one_off()
        elif roll < 0.80:
            feed.all_day()
        else:
            feed.series()
    return feed.render("Rust Community Calendar (generated)", "UTC")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("size", type=int, help="number of VEVENTs")
    parser.add_argument("output", type=Path)
    parser.add_argument("--today", type=date.fromisoformat, default=date(2025, 11, 19))
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--years", type=float, default=10.0, help="length of the history")
    arguments = parser.parse_args()
    body = generate(
        arguments.size, today=arguments.today, seed=arguments.seed, years=arguments.years
    )
    arguments.output.write_bytes(body)


if __name__ == "__main__":
    main()
