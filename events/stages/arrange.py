"""Sort events into the block's headings and into published order."""

from __future__ import annotations

from collections.abc import Iterable

from events.model import Event, Problem, Section
from events.rules.regions import REGION_ORDER, region_of

VIRTUAL = "Virtual"


def sort_key(event: Event) -> tuple[object, ...]:
    """Start date, then the location as displayed (code points), then group, then title."""
    group = event.group.name if event.group else ""
    return (event.date, event.location, group, event.title, event.url or "", event.uid)


def sections_of(event: Event) -> tuple[str, ...]:
    """Online events under Virtual; in-person under their region; hybrid under both."""
    names = []
    if event.mode != "in-person":
        names.append(VIRTUAL)
    if event.mode != "online" and event.place is not None:
        region = region_of(event.place.country)
        if region:
            names.append(region)
    return tuple(names)


def arrange(
    events: Iterable[Event],
) -> tuple[tuple[Section, ...], tuple[Event, ...], list[Problem]]:
    """The non-empty sections in published order, all events sorted, and the events that have
    no heading to go under (an in-person event whose place is unknown)."""
    ordered = sorted(events, key=sort_key)
    by_name: dict[str, list[Event]] = {}
    listed: list[Event] = []
    problems: list[Problem] = []
    for event in ordered:
        names = sections_of(event)
        if not names:
            problems.append(
                Problem(event.feed, "not listed: no place to file it under", event.uid, event.title)
            )
            continue
        listed.append(event)
        for name in names:
            by_name.setdefault(name, []).append(event)
    order = (VIRTUAL, *REGION_ORDER)
    sections = tuple(Section(n, tuple(by_name[n])) for n in order if n in by_name)
    return sections, tuple(listed), problems
