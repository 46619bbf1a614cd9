"""Generate a dense Google-Calendar export: a decade of history with many series still running.

`generate.py` writes a feed whose window holds about 2.5% of its entries; a community calendar
that has grown for a decade is denser than that: hundreds of weekly, fortnightly and monthly
series started years ago and still running, each with dozens of EXDATEs and edited occurrences
over its life, so that a four-week window holds about as many occurrences as the feed has
series. This profile writes such a feed the way Google's `basic.ics` does (property order,
`WKST=SU;…;INTERVAL=2;BYDAY=TH` rules, `VTIMEZONE`s with their 1970 DST rules, UTC one-offs,
`_R…` splits, overrides carrying the whole entry again, CRLF folded at 75 octets).

    python benchmarks/dense.py feed.ics [--events 20000] [--series 1650] [--today 2025-11-19]

Deterministic for a given seed. With the defaults: 20,000 VEVENTs, about 11.6 MB, 1,650 series,
about 1,650 occurrences in the four weeks from `--today`.
"""

from __future__ import annotations

import argparse
import random
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from generate import PLACES, WORDS, fold, local, text, utc

DAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
STAMP = "20251118T054113Z"  # Google writes the export time as every DTSTAMP
TOPICS = [
    "Rust Hack and Learn", "Monthly Meetup", "Rust Study Group", "Embedded Rust Office Hours",
    "Bevy Game Jam", "Rust Beginners Club", "Async Book Club", "Rust & Tell", "Compiler Reading",
    "Open Source Friday", "Rustacean Coffee", "Rust in Production", "Tokio Contributors Sync",
]  # fmt: skip
ONE_OFF_TITLES = [
    "Rust Meetup #{n}: Oxidizing Step by Step", "Talks & Pizza 🦀", "Async Rust - Deep Dive",
    "Beginners' Night | Intro to Ownership", "Embedded Rust Workshop", "Social Night",
    "Rust {y} Kick-off", "Lightning Talks {y}", "WebAssembly with Rust", "Rust at {c}",
]  # fmt: skip
COMPANIES = ["Mozilla", "Sentry", "Ferrous Systems", "Red Hat", "Microsoft", "Cloudflare"]


def vtimezone(name: str) -> bytes:
    """The VTIMEZONE Google writes: its 1970-based STANDARD (and DAYLIGHT) rules."""
    zone = ZoneInfo(name)
    winter = datetime(2025, 1, 15, 12, tzinfo=zone).utcoffset()
    summer = datetime(2025, 7, 15, 12, tzinfo=zone).utcoffset()
    assert winter is not None and summer is not None

    def offset(delta: timedelta) -> str:
        minutes = int(delta.total_seconds()) // 60
        sign = "-" if minutes < 0 else "+"
        return f"{sign}{abs(minutes) // 60:02d}{abs(minutes) % 60:02d}"

    lines = ["BEGIN:VTIMEZONE", f"TZID:{name}", f"X-LIC-LOCATION:{name}"]
    if winter == summer:
        lines += ["BEGIN:STANDARD", f"TZOFFSETFROM:{offset(winter)}"]
        lines += [f"TZOFFSETTO:{offset(winter)}", "TZNAME:STD", "DTSTART:19700101T000000"]
        lines += ["END:STANDARD"]
    else:
        south = summer < winter  # southern hemisphere: DST in January
        standard, daylight = (summer, winter) if south else (winter, summer)
        if name.startswith("America/"):
            to_dst, to_std = ("19700308T020000", "2SU", 3), ("19701101T020000", "1SU", 11)
        elif name.startswith("Australia/"):
            to_dst, to_std = ("19701004T020000", "1SU", 10), ("19700405T030000", "1SU", 4)
        elif name.startswith("Pacific/"):
            to_dst, to_std = ("19700927T020000", "-1SU", 9), ("19700405T030000", "1SU", 4)
        else:
            to_dst, to_std = ("19700329T020000", "-1SU", 3), ("19701025T030000", "-1SU", 10)
        for kind, (start, day, month), before, after in (
            ("DAYLIGHT", to_dst, standard, daylight),
            ("STANDARD", to_std, daylight, standard),
        ):
            lines += [f"BEGIN:{kind}", f"TZOFFSETFROM:{offset(before)}"]
            lines += [f"TZOFFSETTO:{offset(after)}", f"TZNAME:GMT{offset(after)[:3]}"]
            lines += [f"DTSTART:{start}", f"RRULE:FREQ=YEARLY;BYMONTH={month};BYDAY={day}"]
            lines += [f"END:{kind}"]
    lines.append("END:VTIMEZONE")
    return b"".join(fold(line) for line in lines)


class Dense:
    """Accumulates the VEVENTs of a dense export."""

    def __init__(self, today: date, rng: random.Random, years: float) -> None:
        self.today = today
        self.rng = rng
        self.first = today - timedelta(days=round(365.25 * years))
        self.events: list[list[str]] = []
        self.zones: set[str] = set()

    def uid(self) -> str:
        chars = "abcdefghijklmnopqrstuv0123456789"
        return "".join(self.rng.choice(chars) for _ in range(26))

    def description(self, group: str, link: str, long: bool) -> str | None:
        rng = self.rng
        if rng.random() < 0.35:
            return None
        slug = group.lower().replace(" ", "-")
        wrapped = (
            f"https://www.google.com/url?q={link}&amp;sa=D&amp;source=calendar"
            f"&amp;ust=17{rng.randint(10**11, 10**12 - 1)}"
            f"&amp;usg=AOvVaw{rng.randint(10**9, 10**10)}"
        )
        words = " ".join(rng.choice(WORDS) for _ in range(rng.randint(8, 56 if long else 26)))
        shape = rng.random()
        if shape < 0.4:
            return f'{words}<br><br>RSVP: <a href="{wrapped}">{link}</a>'
        if shape < 0.7:
            return f"{words}\n\nRSVP: {link}\nHosted by {group}: https://www.meetup.com/{slug}/"
        if shape < 0.85:
            return f"Join us online: https://meet.jit.si/{slug}-{rng.randint(1, 99)}\n{words}"
        return f'<p>{words}</p><p>Details: <a href="{link}">{link}</a></p>'

    def entry(
        self,
        timing: list[str],
        uid: str,
        place: tuple[str, str, str],
        title: str,
        link: str,
        created: datetime,
        *,
        recurrence: str | None = None,
        sequence: int = 0,
        long: bool = False,
    ) -> list[str]:
        group, city, _ = place
        lines = [*timing, f"DTSTAMP:{STAMP}", f"UID:{uid}"]
        if recurrence:
            lines.append(recurrence)
        lines.append(f"CREATED:{utc(created)}")
        description = self.description(group, link, long)
        if description:
            lines.append(f"DESCRIPTION:{text(description)}")
        lines.append(f"LAST-MODIFIED:{utc(created + timedelta(days=self.rng.randint(0, 30)))}")
        location = city if self.rng.random() < 0.75 else self.rng.choice(["Online", ""])
        lines += [f"LOCATION:{text(location)}", f"SEQUENCE:{sequence}", "STATUS:CONFIRMED"]
        summary = f"{group}: {title}" if self.rng.random() < 0.6 else title
        lines += [f"SUMMARY:{text(summary)}", "TRANSP:OPAQUE"]
        return lines

    def link(self, group: str) -> str:
        slug = group.lower().replace(" ", "-")
        return f"https://www.meetup.com/{slug}/events/{self.rng.randint(10**8, 10**9)}/"

    def one_off(self) -> None:
        rng = self.rng
        place = rng.choice(PLACES)
        zone = ZoneInfo(place[2])
        span = (self.today + timedelta(days=120) - self.first).days
        day = self.first + timedelta(days=int(span * rng.random() ** 0.8))  # denser lately
        start = datetime(
            day.year, day.month, day.day, rng.choice([17, 18, 18, 19]), 30, tzinfo=zone
        )
        end = start + timedelta(hours=rng.choice([2, 2, 3]))
        title = rng.choice(ONE_OFF_TITLES).format(
            n=rng.randint(1, 120), y=day.year, c=rng.choice(COMPANIES)
        )
        timing = [f"DTSTART:{utc(start)}", f"DTEND:{utc(end)}"]
        created = start - timedelta(days=rng.randint(5, 60))
        uid = self.uid() + "@google.com"
        self.events.append(self.entry(timing, uid, place, title, self.link(place[0]), created))

    def all_day(self) -> None:
        rng = self.rng
        place = rng.choice(PLACES)
        day = self.first + timedelta(days=rng.randint(0, (self.today - self.first).days + 120))
        length = rng.choice([1, 2, 3, 3, 4])
        timing = [f"DTSTART;VALUE=DATE:{day:%Y%m%d}"]
        timing.append(f"DTEND;VALUE=DATE:{day + timedelta(days=length):%Y%m%d}")
        created = datetime(day.year, day.month, day.day) - timedelta(days=90)
        title = f"RustConf {day.year}" if rng.random() < 0.5 else f"Rust Week {day.year}"
        link = f"https://rustconf.example.org/{day.year}/"
        self.events.append(
            self.entry(timing, self.uid() + "@google.com", place, title, link, created, long=True)
        )

    def rule(self, start: datetime) -> tuple[str, timedelta]:
        """A rule as Google writes it, and roughly how far apart its occurrences are."""
        rng = self.rng
        weekday = DAYS[start.weekday()]
        wkst = rng.choice(["WKST=SU;", "WKST=MO;", ""])
        roll = rng.random()
        if roll < 0.40:
            return f"FREQ=WEEKLY;{wkst}BYDAY={weekday}", timedelta(weeks=1)
        if roll < 0.58:
            interval = rng.choice([2, 2, 2, 3, 4])
            return f"FREQ=WEEKLY;{wkst}INTERVAL={interval};BYDAY={weekday}", timedelta(
                weeks=interval
            )
        if roll < 0.62:
            other = DAYS[(start.weekday() + 2) % 7]
            days = ",".join(sorted({weekday, other}, key=DAYS.index))
            return f"FREQ=WEEKLY;{wkst}BYDAY={days}", timedelta(days=3)
        if roll < 0.86:
            nth = (start.day - 1) // 7 + 1
            if nth == 5 or rng.random() < 0.15:
                return f"FREQ=MONTHLY;BYDAY=-1{weekday}", timedelta(days=30)
            interval = ";INTERVAL=" + str(rng.choice([2, 3])) if rng.random() < 0.1 else ""
            return f"FREQ=MONTHLY{interval};BYDAY={nth}{weekday}", timedelta(days=30)
        if roll < 0.92:
            return f"FREQ=MONTHLY;BYMONTHDAY={start.day}", timedelta(days=30)
        if roll < 0.95:
            return "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1", timedelta(days=30)
        if roll < 0.97:
            return "FREQ=YEARLY", timedelta(days=365)
        return f"FREQ=DAILY;COUNT={rng.randint(2, 5)}", timedelta(days=1)

    def series(self, running: bool) -> None:
        """A series, its EXDATEs and its edited occurrences; sometimes split ("this and
        following") into a new `_R…` series."""
        rng = self.rng
        place = rng.choice(PLACES)
        zone_name = place[2]
        zone = ZoneInfo(zone_name)
        self.zones.add(zone_name)
        history = (self.today - self.first).days
        if running:
            first = self.first + timedelta(days=int(history * rng.random() ** 0.7))
        else:
            first = self.first + timedelta(days=rng.randint(0, history - 30))
        hour = rng.choice([18, 18, 19, 19, 12, 17])
        start = datetime(first.year, first.month, first.day, hour, rng.choice([0, 30]), tzinfo=zone)
        end = start + timedelta(hours=rng.choice([1, 2, 2, 3]))
        rule, step = self.rule(start)
        if running:
            roll = rng.random()
            if roll < 0.7:
                until = None
            else:
                until = datetime.combine(
                    self.today + timedelta(days=rng.randint(60, 900)), start.timetz()
                )
        else:
            span = timedelta(days=rng.randint(20, 900))
            until = min(
                start + span, datetime.combine(self.today - timedelta(days=10), start.timetz())
            )
        if "COUNT" not in rule and until is not None:
            roll = rng.random()
            if roll < 0.1:
                piece = f";UNTIL={until:%Y%m%d}"  # a bare date with a TZID start, as Google does
            elif roll < 0.18 and not running:
                piece = f";COUNT={max(2, (until - start) // step)}"
            else:
                piece = f";UNTIL={utc(until)}"
            if piece.startswith(";UNTIL") and rule.startswith("FREQ=WEEKLY;WKST"):
                head, _, rest = rule.partition(
                    ";",
                )
                wkst, _, tail = rest.partition(";")
                rule = f"{head};{wkst}{piece};{tail}"  # Google puts UNTIL after WKST
            else:
                rule += piece
        stop = until or datetime.combine(self.today + timedelta(days=400), start.timetz())
        lifetime = [start + step * n for n in range(1, 1 + max(1, (stop - start) // step))]
        lifetime = [moment for moment in lifetime if moment < stop]
        uid = self.uid()
        title = rng.choice(TOPICS)
        link = self.link(place[0])
        created = start - timedelta(days=rng.randint(3, 40))
        timing = [
            f"DTSTART;TZID={zone_name}:{local(start)}",
            f"DTEND;TZID={zone_name}:{local(end)}",
        ]
        timing.append(f"RRULE:{rule}")
        excluded = rng.sample(lifetime, min(len(lifetime), rng.randint(0, 3 + len(lifetime) // 25)))
        for moment in sorted(excluded):
            timing.append(f"EXDATE;TZID={zone_name}:{local(moment)}")
        self.events.append(
            self.entry(timing, uid + "@google.com", place, title, link, created, long=True)
        )
        # Google writes every edited occurrence as a whole entry again.
        edits = [m for m in lifetime if m not in excluded]
        for moment in sorted(
            rng.sample(edits, min(len(edits), rng.randint(0, 2 + len(edits) // 30)))
        ):
            moved = moment
            if rng.random() < 0.25:
                moved = moment + timedelta(
                    days=rng.choice([-1, 0, 1, 2]), hours=rng.choice([-1, 0, 1])
                )
            stamp = [f"DTSTART;TZID={zone_name}:{local(moved)}"]
            stamp.append(f"DTEND;TZID={zone_name}:{local(moved + (end - start))}")
            edited = title + rng.choice(["", "", " (updated)", ": special guest"])
            self.events.append(
                self.entry(
                    stamp,
                    uid + "@google.com",
                    place,
                    edited,
                    self.link(place[0]),
                    created,
                    recurrence=f"RECURRENCE-ID;TZID={zone_name}:{local(moment)}",
                    sequence=rng.randint(0, 2),
                )
            )
        if not running and lifetime and rng.random() < 0.1:
            split = rng.choice(lifetime)
            later = split + timedelta(hours=1)
            tail = rule.split(";UNTIL=")[0].split(";COUNT=")[0]
            new = [f"DTSTART;TZID={zone_name}:{local(later)}"]
            new.append(f"DTEND;TZID={zone_name}:{local(later + (end - start))}")
            new.append(f"RRULE:{tail};COUNT={rng.randint(3, 20)}")
            self.events.append(
                self.entry(new, f"{uid}_R{utc(split)[:-1]}@google.com", place, title, link, created)
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
            "X-WR-CALDESC:Rust events around the world",
        ]
        out = [fold(line) for line in head]
        out.extend(vtimezone(zone) for zone in sorted(self.zones | {calendar_zone}))
        for event in self.events:
            out.append(b"BEGIN:VEVENT\r\n")
            out.extend(fold(line) for line in event)
            out.append(b"END:VEVENT\r\n")
        out.append(b"END:VCALENDAR\r\n")
        return b"".join(out)


def generate(
    events: int = 20000,
    series: int = 1650,
    *,
    running: float = 0.36,
    today: date = date(2025, 11, 19),
    seed: int = 1,
    years: float = 10.0,
) -> bytes:
    """A dense export of exactly `events` VEVENTs, `series` of them series masters, a share
    `running` of those still running on `today`."""
    rng = random.Random(seed)
    feed = Dense(today, rng, years)
    for index in range(series):
        feed.series(running=index < series * running)
    while len(feed.events) < events:
        if rng.random() < 0.04:
            feed.all_day()
        else:
            feed.one_off()
    del feed.events[events:]
    rng.shuffle(feed.events)  # Google's export order follows no date
    return feed.render("Rust Community", "America/New_York")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("output", type=Path)
    parser.add_argument("--events", type=int, default=20000)
    parser.add_argument("--series", type=int, default=1650)
    parser.add_argument("--running", type=float, default=0.36, help="share of series running")
    parser.add_argument("--today", type=date.fromisoformat, default=date(2025, 11, 19))
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--years", type=float, default=10.0)
    arguments = parser.parse_args()
    body = generate(
        arguments.events,
        arguments.series,
        running=arguments.running,
        today=arguments.today,
        seed=arguments.seed,
        years=arguments.years,
    )
    arguments.output.write_bytes(body)


if __name__ == "__main__":
    main()
