"""How much the event pages add: `tools/accuracy.py`'s comparison, run once on the calendar alone
and once with every listed event's page, the page written from the published listing.

Each page is a schema.org Event as Meetup serves one: the published title as `name`, the start
at 18:30 local time with its offset (a date where the place has no known zone), the published
place as a PostalAddress (city, state, country code), the attendance mode of the location
column with a VirtualLocation for online and hybrid events, and the published groups as
organisers. So this measures how well the page stage uses pages that are right; real pages
(and their failures) are what tests/test_pages*.py hold.

    python tools/page_accuracy.py --last 40              # the shipped registry
    python tools/page_accuracy.py --last 40 --holdout    # a registry of the earlier weeks only
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tools"))

import accuracy  # noqa: E402

import events  # noqa: E402
from events.io.http import Page  # noqa: E402
from events.registry.archive import parse_block  # noqa: E402
from events.registry.learn import learn  # noqa: E402
from events.rules.places import read_location_column  # noqa: E402
from tests.feedgen import build_feed  # noqa: E402

_ATTENDANCE = {
    "in-person": "https://schema.org/OfflineEventAttendanceMode",
    "online": "https://schema.org/OnlineEventAttendanceMode",
    "hybrid": "https://schema.org/MixedEventAttendanceMode",
}


def page_of(line: accuracy.Line) -> Page:
    """The page of one published listing."""
    mode, places = read_location_column(line.location)
    place = places[0] if places else None
    first, last = line.date
    node: dict[str, object] = {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": line.title,
        "url": line.url,
        "eventStatus": "https://schema.org/EventScheduled",
        "eventAttendanceMode": _ATTENDANCE[mode],
    }
    if place is not None and place.timezone:
        start = datetime(first.year, first.month, first.day, 18, 30)
        node["startDate"] = start.replace(tzinfo=ZoneInfo(place.timezone)).isoformat()
    else:
        node["startDate"] = first.isoformat()
    if last > first:
        node["endDate"] = last.isoformat()
    locations: list[dict[str, object]] = []
    if mode != "online" and place is not None:
        address = {"@type": "PostalAddress", "addressLocality": place.city}
        address["addressCountry"] = place.country
        if place.state:
            address["addressRegion"] = place.state
        locations.append({"@type": "Place", "name": "Venue", "address": address})
    if mode != "in-person":
        locations.append({"@type": "VirtualLocation", "url": line.url})
    node["location"] = locations[0] if len(locations) == 1 else locations
    node["organizer"] = [
        {"@type": "Organization", "name": name, "url": url}
        for name, url in zip(line.group_names, line.group_links, strict=False)
    ]
    html = f'<html><head><script type="application/ld+json">{json.dumps(node)}</script></head>'
    return Page(line.url, line.url, 200, html.encode(), "text/html", "fresh", None)


def run_week(path: Path, holdout: bool, with_pages: bool) -> accuracy.Week:
    text = path.read_text(encoding="utf-8")
    block = parse_block(text)
    start = block.start
    weeks = max(1, (block.end - start).days // 7)
    generated = build_feed(text, seed=int(start.strftime("%Y%m%d")), start=start, weeks=weeks)
    week = accuracy.Week(start)
    week.expected = accuracy.expected_lines(text, generated, week)
    pages = {line.url: page_of(line) for line in week.expected} if with_pages else None
    registry = None
    if holdout:
        registry = learn([p for p in sorted(path.parent.glob("*.md")) if p.stem < path.stem])
    agenda = events.build_agenda(
        [events.FeedData(events.FeedSpec("generated", "generated.ics"), generated.ics)],
        events.Window.of_weeks(start, weeks),
        registry=registry,
        pages=pages,
    )
    accuracy.compare(week, accuracy.actual_lines(agenda))
    return week


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sections", type=Path, default=ROOT.parent / "shared" / "twir" / "sections"
    )
    parser.add_argument("--last", type=int, default=40, help="the latest N published weeks")
    parser.add_argument("--holdout", action="store_true")
    args = parser.parse_args(argv)
    paths = sorted(args.sections.glob("*.md"))[-args.last :]
    if not paths:
        print(f"no weeks found in {args.sections}", file=sys.stderr)
        return 1
    for with_pages in (False, True):
        weeks = [run_week(path, args.holdout, with_pages) for path in paths]
        total = sum(len(w.expected) for w in weeks)
        exact = sum(w.exact for w in weeks)
        missing = sum(len(w.missing) for w in weeks)
        extra = sum(len(w.extra) for w in weeks)
        wrong = Counter(f for w in weeks for *_, fields in w.wrong for f in fields)
        label = "with pages   " if with_pages else "calendar only"
        print(
            f"{label}: {len(weeks)} weeks, exact {exact}/{total} = {exact / max(total, 1):.2%}, "
            f"missing {missing}, extra {extra}; wrong: "
            + ", ".join(f"{k} {v}" for k, v in wrong.most_common())
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
