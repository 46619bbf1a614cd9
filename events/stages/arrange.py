"""Arrange: sort events into the block's headings, in published order (CALENDAR.md §3).

An event goes under Virtual, its region, or both (hybrid); one that has no heading to go under
(an in-person event whose place nobody could read) or no http(s) link to list it with is left
out, and said so.
"""

from __future__ import annotations

from collections.abc import Iterable

from events.model import Event, Problem, ProblemKind, Section
from events.rules.block import SECTION_ORDER, sections_of, sort_key
from events.rules.links import is_http


def arrange(
    events: Iterable[Event],
) -> tuple[tuple[Section, ...], tuple[Event, ...], list[Problem]]:
    """The non-empty sections in published order, all listed events sorted, and a problem for
    each event that cannot be listed."""
    ordered = sorted(events, key=sort_key)
    by_name: dict[str, list[Event]] = {}
    listed: list[Event] = []
    problems: list[Problem] = []
    for event in ordered:
        names = sections_of(event)
        why = None
        if not names:
            why = "not listed: no place to file it under"
        elif not (is_http(event.url) or (event.group is not None and is_http(event.group.url))):
            why = "not listed: no http(s) link to list it with"
        if why:
            problems.append(
                Problem(ProblemKind.NOT_LISTED, event.feed, why, event.uid, event.title)
            )
            continue
        listed.append(event)
        for name in names:
            by_name.setdefault(name, []).append(event)
    sections = tuple(Section(n, tuple(by_name[n])) for n in SECTION_ORDER if n in by_name)
    return sections, tuple(listed), problems
