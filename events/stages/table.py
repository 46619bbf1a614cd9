"""Review: the window's events as a table an editor reads before pasting the block.

For each event, what the block shows (date, location, groups, title and link), from which feeds
it came (`Event.sources`) and everything that was guessed or warned on the way
(`Event.problems`, and the fields its page settled, `Event.changed`). `review_rows` gives the
rows (the CLI draws them with rich on a terminal); `to_text_table` is the plain-text form.
"""

from __future__ import annotations

from dataclasses import dataclass

from events.model import Agenda, Event, Severity
from events.rules import block
from events.rules.links import safe_url
from events.rules.text import clean_text

COLUMNS = ("date", "location", "group", "title")


@dataclass(frozen=True)
class ReviewRow:
    """One event as reviewed; every string is safe to print on a terminal."""

    date: str
    location: str
    group: str
    title: str
    url: str
    sources: tuple[str, ...]
    notes: tuple[tuple[str, str], ...]  # (severity: "warning" or "note", what was said)


def review_rows(agenda: Agenda) -> list[ReviewRow]:
    return [_row(event) for event in agenda.events]


def _row(event: Event) -> ReviewRow:
    notes: list[tuple[str, str]] = []
    for problem in event.problems:
        severity = "note" if problem.kind.severity is Severity.NOTE else "warning"
        notes.append((severity, clean_text(problem.message)))
    if event.changed:
        notes.append(("note", "its page settled the " + ", ".join(event.changed)))
    return ReviewRow(
        date=block.days(event),
        location=clean_text(event.location),
        group=" | ".join(clean_text(g.name) for g in event.groups) or "(no group)",
        title=clean_text(event.title),
        url=safe_url(event.url) or "(no link)",
        sources=tuple(clean_text(s) for s in event.sources or (event.feed,)),
        notes=tuple(notes),
    )


def summary(agenda: Agenda) -> str:
    """`Rusty Events between S - E: 42 events, 5 with warnings`."""
    rows = review_rows(agenda)
    warned = sum(1 for r in rows if any(s == "warning" for s, _ in r.notes))
    start, end = agenda.window.start.isoformat(), agenda.window.end.isoformat()
    return f"Rusty Events between {start} - {end}: {len(rows)} events, {warned} with warnings"


#: Column widths of the plain table are capped, so one long title does not push the rest away.
MAX_WIDTH = {"date": 23, "location": 34, "group": 34, "title": 60}


def to_text_table(agenda: Agenda) -> str:
    """Plain text: a line per event in aligned columns, then its link, its sources and each
    note or warning on indented lines under it."""
    rows = review_rows(agenda)
    widths = {
        column: min(MAX_WIDTH[column], max([len(column), *(len(getattr(r, column)) for r in rows)]))
        for column in COLUMNS
    }
    indent = " " * (widths["date"] + 2)
    lines = [summary(agenda), "", "  ".join(c.ljust(widths[c]) for c in COLUMNS).rstrip()]
    for row in rows:
        lines.append("  ".join(getattr(row, c).ljust(widths[c]) for c in COLUMNS).rstrip())
        lines.append(f"{indent}link: {row.url}")
        lines.append(f"{indent}from: {', '.join(row.sources)}")
        lines.extend(f"{indent}{severity}: {text}" for severity, text in row.notes)
    return "\n".join(lines) + "\n"
