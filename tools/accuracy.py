"""How often the pipeline gets a published listing exactly right, field by field.

For every 2023–2025 week in the TWIR archive, the block is turned into a Google-style feed by
the test generator (tests/feedgen, seed = the issue date), the library pipeline reads the feed
back (`events.upcoming`), and its listings are compared with the published ones (read by
`events.archive.parse_block`): date, location, group name, group link, title, event link and
section. Listings no feed can express (several titles on one line, several places, …) are
excluded and counted. The expected location and sections are the contract's canonical form of
the published ones (`Hybrid (…)` for old hybrid wordings, `Leipzig, DE`, `UK`), since the archive's
older styles are not what the tool is asked to print.

    python tools/accuracy.py                 # all 2023–2025 weeks
    python tools/accuracy.py --only 2025-11-19 --show 40
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import events  # noqa: E402
from events.registry.archive import parse_block  # noqa: E402
from events.registry.learn import learn  # noqa: E402
from events.rules.places import display, read_location_column  # noqa: E402
from tests.feedgen import GeneratedFeed, build_feed  # noqa: E402
from tests.feedgen.block import link_key  # noqa: E402

FIELDS = ("date", "location", "group name", "group link", "title", "event link", "section")
REGIONS = ("Africa", "Asia", "Europe", "North America", "Oceania", "South America")


@dataclass(frozen=True)
class Line:
    """One expected or actual line of a block, reduced to the compared fields."""

    section: str
    date: tuple[date, date]
    location: str
    group_names: tuple[str, ...]
    group_links: tuple[str, ...]
    title: str
    url: str

    def render(self) -> str:
        first, last = self.date
        when = f"{first}" if first == last else f"{first} - {last}"
        groups = " | ".join(
            f"[{n}]({u})" for n, u in zip(self.group_names, self.group_links, strict=False)
        )
        return f"[{self.section}] {when} | {self.location} | {groups} :: [{self.title}]({self.url})"


@dataclass
class Week:
    start: date
    expected: list[Line] = field(default_factory=list)
    excluded: Counter = field(default_factory=Counter)
    fields_right: Counter = field(default_factory=Counter)
    exact: int = 0
    missing: list[Line] = field(default_factory=list)
    extra: list[Line] = field(default_factory=list)
    wrong: list[tuple[Line, Line, tuple[str, ...]]] = field(default_factory=list)
    ignored: set[tuple] = field(default_factory=set)  # excluded listings: not extra if listed


def canonical(location: str) -> str | None:
    """The contract's form of a published location column, or None if it names no one place."""
    mode, places = read_location_column(location)
    if len(places) > 1 or (mode != "online" and not places):
        return None
    if mode == "in-person":
        return display(places[0])
    word = "Hybrid" if mode == "hybrid" else "Virtual"
    return f"{word} ({display(places[0])})" if places else word


def expected_lines(text: str, generated: GeneratedFeed, week: Week) -> list[Line]:
    """The block's listings in canonical form, each under the headings the contract puts it."""
    by_event: dict[tuple, list] = defaultdict(list)
    block = parse_block(text)
    expressed = {(x.date, link_key(x.url)): (x.end_date, x.title) for x in generated.listings}
    excluded = {(x.date, link_key(x.url)): x.problem for x in generated.excluded if x.titles}
    for listing in block.listings:
        key = (listing.date, listing.end_date, listing.groups, listing.titles)
        by_event[key].append(listing)
    lines = []
    seen: set[tuple] = set()

    def as_expressed(item: tuple) -> bool:  # of one event published twice, the generator's copy
        (first, last, _, titles), _ = item
        return bool(titles) and expressed.get((first, link_key(titles[0][1]))) == (
            last,
            titles[0][0],
        )

    ordered = sorted(by_event.items(), key=lambda item: not as_expressed(item))
    for (first, last, groups, titles), copies in ordered:
        reason = None
        key = (first, link_key(titles[0][1])) if titles else None
        if last < block.start or first > block.end:
            reason = "published outside its window"
        elif len(titles) != 1:
            reason = "several titles on one line"
        elif key in seen:
            reason = "listed twice"
        elif key not in expressed:
            reason = excluded.get(key, "not expressed by the generator")
        location = canonical(copies[0].location)
        if reason is None and location is None:
            reason = "location names no single place"
        mode = "in-person" if location and not location.startswith(("Virtual", "Hybrid")) else "x"
        mode = "online" if location and location.startswith("Virtual") else mode
        mode = "hybrid" if location and location.startswith("Hybrid") else mode
        regions = [c.section for c in copies if c.section in REGIONS]
        if reason is None and mode != "online" and len(set(regions)) != 1:
            reason = "region not published"
        if reason:
            week.excluded[reason] += 1
            week.ignored.add(key)
            continue
        seen.add(key)
        if mode == "online":
            sections = ["Virtual"]
        else:
            sections = ["Virtual", regions[0]] if mode == "hybrid" else regions[:1]
        for section in sections:
            lines.append(
                Line(
                    section,
                    (first, last),
                    location,
                    tuple(name for name, _ in groups),
                    tuple(url for _, url in groups),
                    titles[0][0],
                    titles[0][1],
                )
            )
    return lines


def actual_lines(agenda) -> list[Line]:
    return [
        Line(
            section.name,
            (event.date, event.end_date),
            event.location,
            tuple(g.name for g in event.groups),
            tuple(g.url or "" for g in event.groups),
            event.title,
            # as the block shows it: without an event link the title leads to the group page
            event.url or (event.group.url if event.group else None) or "",
        )
        for section in agenda.sections
        for event in section.events
    ]


def differences(want: Line, got: Line) -> tuple[str, ...]:
    pairs = {
        "date": (want.date, got.date),
        "location": (want.location, got.location),
        "group name": (want.group_names, got.group_names),
        "group link": (want.group_links, got.group_links),
        "title": (want.title, got.title),
        "event link": (want.url, got.url),
        "section": (want.section, got.section),
    }
    return tuple(name for name, (a, b) in pairs.items() if a != b)


def compare(week: Week, actual: list[Line]) -> None:
    """Pair expected with actual lines (link, then title, then group; same section first)."""
    left = list(actual)
    pairs: list[tuple[Line, Line]] = []
    unmatched: list[Line] = []
    keys = (
        lambda x: (x.section, x.date[0], x.url),
        lambda x: (x.section, x.date[0], x.title),
        lambda x: (x.section, x.date[0], x.group_names),
        lambda x: (x.date[0], x.url),
        lambda x: (x.date[0], x.title),
        lambda x: (x.section, x.url),  # a wrong date is a wrong field, not a miss and an extra
        lambda x: x.url,
    )
    pending = list(week.expected)
    for key in keys:
        unmatched = []
        for want in pending:
            match = next((got for got in left if key(got) == key(want)), None)
            if match is None:
                unmatched.append(want)
            else:
                left.remove(match)
                pairs.append((want, match))
        pending = unmatched
    week.missing = pending
    expected_keys = {(x.date[0], link_key(x.url)) for x in week.expected}
    week.extra = [
        x for x in left if (x.date[0], link_key(x.url)) not in week.ignored - expected_keys
    ]
    for want, got in pairs:
        wrong = differences(want, got)
        for name in FIELDS:
            week.fields_right[name] += name not in wrong
        if wrong:
            week.wrong.append((want, got, wrong))
        else:
            week.exact += 1


def run_week(path: Path, workdir: Path, holdout: bool = False) -> Week:
    text = path.read_text(encoding="utf-8")
    block = parse_block(text)
    start = block.start
    weeks = max(1, (block.end - start).days // 7)
    generated = build_feed(text, seed=int(start.strftime("%Y%m%d")), start=start, weeks=weeks)
    week = Week(start)
    week.expected = expected_lines(text, generated, week)
    feed = workdir / f"{start}.ics"
    feed.write_bytes(generated.ics)
    if holdout:  # a registry that has never seen this week or any later one
        earlier = [p for p in sorted(path.parent.glob("*.md")) if p.stem < path.stem]
        spec = events.FeedSpec(str(feed), str(feed))
        window = events.Window.of_weeks(start, weeks)
        agenda = events.build_agenda(
            [events.FeedData(spec, generated.ics)], window, registry=learn(earlier)
        )
    else:
        agenda = events.upcoming(start, weeks, calendars=[str(feed)], pages=False)
    compare(week, actual_lines(agenda))
    return week


def report(weeks: list[Week], show: int, seconds: float) -> None:
    total = sum(len(w.expected) for w in weeks)
    exact = sum(w.exact for w in weeks)
    extra = sum(len(w.extra) for w in weeks)
    excluded = sum((w.excluded for w in weeks), Counter())
    print(
        f"{len(weeks)} weeks, {total} expected lines, {sum(excluded.values())} listings excluded "
        f"({seconds:.1f} s)"
    )
    for reason, count in excluded.most_common():
        print(f"  excluded: {count:4d}  {reason}")
    print(f"\nexact lines: {exact}/{total} = {exact / max(total, 1):.2%}")
    for name in FIELDS:
        right = sum(w.fields_right[name] for w in weeks)
        print(f"  {name:<11} {right / max(total, 1):7.2%}")
    for year in sorted({w.start.year for w in weeks}):
        of_year = [w for w in weeks if w.start.year == year]
        lines = sum(len(w.expected) for w in of_year)
        print(f"  {year}: {sum(w.exact for w in of_year) / max(lines, 1):.2%} exact of {lines}")
    missing = sum(len(w.missing) for w in weeks)
    print(f"missing lines: {missing} ({missing / max(total, 1):.2%})")
    print(f"extra lines:   {extra} ({extra / max(total, 1):.2%})")
    field_errors = Counter(f for w in weeks for *_, wrong in w.wrong for f in wrong)
    if field_errors:
        print(
            "wrong fields in matched lines: "
            + ", ".join(f"{k} {v}" for k, v in field_errors.most_common())
        )
    worst = sorted(weeks, key=lambda w: w.exact / max(len(w.expected), 1))[:5]
    print("\nworst weeks: " + ", ".join(f"{w.start} {w.exact}/{len(w.expected)}" for w in worst))
    shown = 0
    for week in worst + [w for w in weeks if w not in worst]:
        for want, got, wrong in week.wrong:
            if shown >= show:
                return
            print(f"\n{week.start} wrong {', '.join(wrong)}")
            print(f"  want {want.render()}\n  got  {got.render()}")
            shown += 1
        for line in week.missing:
            if shown < show:
                print(f"\n{week.start} missing\n  want {line.render()}")
                shown += 1
        for line in week.extra:
            if shown < show:
                print(f"\n{week.start} extra\n  got  {line.render()}")
                shown += 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sections", type=Path, default=ROOT.parent / "shared" / "twir" / "sections"
    )
    parser.add_argument("--years", nargs="*", default=["2023", "2024", "2025"])
    parser.add_argument("--only", nargs="*", help="issue dates to run (YYYY-MM-DD)")
    parser.add_argument("--show", type=int, default=25, help="how many worst cases to print")
    parser.add_argument(
        "--holdout",
        action="store_true",
        help="learn the registry afresh for each week from the blocks before it only",
    )
    args = parser.parse_args(argv)
    paths = sorted(p for p in args.sections.glob("*.md") if p.name[:4] in args.years)
    if args.only:
        paths = [p for p in paths if p.stem in args.only]
    if not paths:
        print(f"no weeks found in {args.sections}", file=sys.stderr)
        return 1
    began = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        weeks = [run_week(path, Path(tmp), args.holdout) for path in paths]
    report(weeks, args.show, time.perf_counter() - began)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
