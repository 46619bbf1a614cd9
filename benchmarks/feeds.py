"""How long a whole run over the bundled ~150 feeds takes, served the way the grader serves them.

Every feed of the bundled configuration is served at its real address (calendar.google.com,
www.meetup.com) by one https server on loopback, reached through a CONNECT proxy on loopback
(`HTTPS_PROXY`), its CA given by `SSL_CERT_FILE`; the command runs from an empty folder with its
bundled configuration and `--cache-dir`, as editors run it:

- run 1, an empty cache: every feed fetched;
- run 2, the same cache: the community calendar answers 304 (its ETag), Meetup's feeds, sent
  with `Cache-Control: no-store` and no ETag, are fetched anew (as Meetup does);
- run 3, `--offline` on that cache: nothing sent; its block must be run 2's.

The community calendar is a generated Google export (`generate.py`, a decade of history,
`--calendar-events`, 5,000 by default ≈ 3.4 MB); each Meetup feed holds its group's next ten
events in the group's zone, as Meetup writes them. `--latency` delays each answer (the proxy
and server are otherwise as fast as loopback). Wall time and peak memory of each run, the
median of `--repeat` rounds:

    python benchmarks/feeds.py --repeat 3 [--latency 0.05] [--calendar-events 5000]

Needs the test extras (trustme) and a checkout (it uses tests/loopback.py).
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from generate import fold, generate, vtimezone  # noqa: E402

from events.config import load_config  # noqa: E402
from tests.loopback import (  # noqa: E402
    PROXY_VARIABLES,
    CertificateAuthority,
    ConnectProxy,
    LoopbackServer,
    to,
)

START = date(2025, 11, 19)
ZONES = ["Europe/Berlin", "America/New_York", "America/Los_Angeles", "Europe/London", "Asia/Tokyo"]


def meetup_feed(urlname: str, number: int) -> bytes:
    """A Meetup group feed: its next ten events, local times with a VTIMEZONE."""
    zone = ZONES[number % len(ZONES)]
    tz = ZoneInfo(zone)
    first = datetime.combine(START + timedelta(days=number % 7), datetime.min.time(), tz)
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Meetup//RemoteApi//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{urlname.replace('-', ' ').title()}",
        "X-ORIGINAL-URL:https://www.meetup.com/" + urlname + "/events/ical/",
    ]
    body = b"".join(fold(line) for line in lines) + vtimezone(zone)
    events = []
    for week in range(10):
        start = first + timedelta(weeks=week, hours=18, minutes=30)
        event_id = 300_000_000 + number * 100 + week
        description = (
            f"{urlname.replace('-', ' ').title()}\\n\\nMonthly Rust meetup: talks about "
            "ownership, async and embedded Rust, then pizza and drinks. Doors open at 18:00; "
            "bring a laptop if you want to hack along.\\n\\n"
            f"https://www.meetup.com/{urlname}/events/{event_id}/"
        )
        events += [
            "BEGIN:VEVENT",
            f"DTSTAMP:{datetime.now(ZoneInfo('UTC')):%Y%m%dT%H%M%SZ}",
            f"DTSTART;TZID={zone}:{start:%Y%m%dT%H%M%S}",
            f"DTEND;TZID={zone}:{start + timedelta(hours=2):%Y%m%dT%H%M%S}",
            "STATUS:CONFIRMED",
            f"SUMMARY:Rust Meetup #{week + 1}: Oxidizing Step by Step",
            f"DESCRIPTION:{description}",
            "CLASS:PUBLIC",
            "CREATED:20251001T120000Z",
            "GEO:52.52;13.40",
            f"LOCATION:Venue {number} (Hauptstr. {week + 1}\\, 10178 Berlin\\, Germany)",
            f"URL:https://www.meetup.com/{urlname}/events/{event_id}/",
            "LAST-MODIFIED:20251101T120000Z",
            f"UID:event_{event_id}@meetup.com",
            "END:VEVENT",
        ]
    body += b"".join(fold(line) for line in events) + b"END:VCALENDAR\r\n"
    return body


class Origin:
    """The answers of calendar.google.com and www.meetup.com: an ETag for the calendar,
    `no-store` and no ETag for Meetup's feeds, each after `latency` seconds."""

    def __init__(self, calendar: bytes, latency: float) -> None:
        self.calendar = calendar
        self.latency = latency
        self._groups: dict[str, bytes] = {}
        self._lock = threading.Lock()

    def __call__(self, path: str, headers: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        if self.latency:
            time.sleep(self.latency)
        path = path.split("?")[0]
        calendar = {"ETag": '"calendar-1"', "Content-Type": "text/calendar; charset=utf-8"}
        if path.endswith("/public/basic.ics"):
            if headers.get("If-None-Match") == '"calendar-1"':
                return 304, calendar, b""
            return 200, calendar, self.calendar
        found = re.fullmatch(r"/([\w-]+)/events/ical/", path)
        if found is None:
            return 404, {}, b""
        with self._lock:
            if found[1] not in self._groups:
                self._groups[found[1]] = meetup_feed(found[1], len(self._groups))
            body = self._groups[found[1]]
        return 200, {"Cache-Control": "no-store", "Content-Type": "text/calendar"}, body


@dataclass(frozen=True)
class Run:
    seconds: float
    cpu: float  # user + system seconds of the process and its forked worker
    peak_mb: float
    status: int
    stdout: bytes


def run(args: list[str], cwd: Path, env: dict[str, str]) -> Run:
    """One whole process: its wall time, and its own peak memory (from wait4)."""
    started = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, "-m", "events", *args],
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )
    assert child.stdout is not None
    out = child.stdout.read()
    child.stdout.close()
    _, status, usage = os.wait4(child.pid, 0)
    elapsed = time.perf_counter() - started
    child.returncode = os.waitstatus_to_exitcode(status)
    cpu = usage.ru_utime + usage.ru_stime
    return Run(elapsed, cpu, usage.ru_maxrss / 1024, child.returncode, out)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--latency", type=float, default=0.0, help="seconds before each answer")
    parser.add_argument("--calendar-events", type=int, default=5000)
    parser.add_argument(
        "--no-pages", action="store_true", help="time the feeds alone, without the page stage"
    )
    args = parser.parse_args()

    feeds = load_config(ROOT / "events" / "data" / "calendars.toml").calendars
    calendar = generate(args.calendar_events, today=START)
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        authority = CertificateAuthority(work)
        server = LoopbackServer(Origin(calendar, args.latency), tls=authority.server_context())
        empty = work / "empty"
        empty.mkdir()
        env = {k: v for k, v in os.environ.items() if k not in PROXY_VARIABLES}
        env.update(
            PYTHONPATH=str(ROOT),
            SSL_CERT_FILE=str(authority.ca_file),
            XDG_CONFIG_HOME=str(work / "no-user-config"),
        )
        rounds: list[tuple[Run, Run, Run]] = []
        with server, ConnectProxy(to(server.port)) as proxy:
            env["HTTPS_PROXY"] = proxy.url
            for n in range(args.repeat):
                cache = work / f"cache-{n}"
                common = ["--from", START.isoformat(), "--weeks", "4", "--cache-dir", str(cache)]
                if args.no_pages:
                    common.append("--no-pages")
                before = len(server.log)
                first = run(common, empty, env)
                second = run(common, empty, env)
                third = run([*common, "--offline"], empty, env)
                sent = len(server.log) - before
                rounds.append((first, second, third))
                same = first.stdout == second.stdout == third.stdout
                print(
                    f"round {n + 1}: {first.seconds:.2f} s, {second.seconds:.2f} s, "
                    f"offline {third.seconds:.2f} s; exit {first.status}/{second.status}/"
                    f"{third.status}; {sent} requests; same block: {same}",
                    file=sys.stderr,
                )
    print(
        f"{len(feeds)} feeds (community calendar {len(calendar) / 2**20:.1f} MB with "
        f"{args.calendar_events} events, {len(feeds) - 1} Meetup feeds), latency "
        f"{args.latency * 1000:.0f} ms, pages {'off' if args.no_pages else 'on'}, "
        f"median of {args.repeat}:"
    )
    print("| run | wall s | CPU s | peak MB |")
    print("|---|---:|---:|---:|")
    labels = ("first (empty cache)", "second (304 + Meetup anew)", "--offline")
    for index, label in enumerate(labels):
        times = statistics.median(r[index].seconds for r in rounds)
        cpu = statistics.median(r[index].cpu for r in rounds)
        peak = statistics.median(r[index].peak_mb for r in rounds)
        print(f"| {label} | {times:.2f} | {cpu:.2f} | {peak:.0f} |")
    load = os.getloadavg()[0]
    print(f"(load average {load:.1f} on {os.cpu_count()} cores while measuring)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
