"""`--format table` on a terminal: the review table drawn with rich (the plain-text form is
`events.stages.table.to_text_table`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from events.model import Agenda
from events.stages.table import review_rows, summary

if TYPE_CHECKING:
    from rich.console import Console


def print_review(console: Console, agenda: Agenda) -> None:
    """Date, location, group, title (its link under it), sources, and what was guessed or
    warned, in yellow (warnings) or dim (notes)."""
    from rich.markup import escape
    from rich.table import Table

    table = Table(title=summary(agenda), title_justify="left", show_lines=True)
    table.add_column("date", no_wrap=True)
    for column in ("location", "group", "title and link", "from", "guessed or warned"):
        table.add_column(column, overflow="fold")  # a link is folded, never cut short
    for row in review_rows(agenda):
        notes = "\n".join(
            f"[{'yellow' if severity == 'warning' else 'dim'}]{escape(text)}[/]"
            for severity, text in row.notes
        )
        table.add_row(
            escape(row.date),
            escape(row.location),
            escape(row.group),
            f"{escape(row.title)}\n[dim]{escape(row.url)}[/]",
            escape("\n".join(row.sources)),
            notes or "[green]–[/]",
        )
    console.print(table)
