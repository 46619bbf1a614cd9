"""What an editor at a terminal sees on standard error while and after feeds are fetched.

Only the CLI calls these, and only when standard error is a terminal; rich is imported inside the
functions so that importing this module costs nothing at start-up.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from events.model import FeedSpec
from events.rules.text import clean_text
from events.stages.fetch import FeedStatus, human_age, human_size

if TYPE_CHECKING:
    from rich.console import Console

#: How each state of `fetch_feeds`' on_progress is shown.
_STATE_STYLE = {
    "fetching": ("fetching…", "dim"),
    "retrying": ("retrying…", "yellow"),
    "fresh": ("fresh", "green"),
    "not-modified": ("not modified", "green"),
    "file": ("read from file", "green"),
    "cached": ("using cached copy", "yellow"),
    "failed": ("failed", "bold red"),
}

SummaryRow = tuple[str, str, int | None, int]


def progress_callback(console: Console) -> Callable[[FeedSpec, str], None]:
    """An `on_progress` for fetch_feeds: one short line per change of a feed's state.

    Lines rather than a live display, so that nothing has to be started or stopped around the
    fetch and warnings printed meanwhile are never overdrawn.
    """
    from rich.text import Text

    def on_progress(spec: FeedSpec, state: str) -> None:
        words, style = _STATE_STYLE.get(state, (state, ""))
        line = Text("  ")
        line.append(clean_text(spec.name), style="bold")
        line.append(": ")
        line.append(words, style=style)
        console.print(line, highlight=False)

    return on_progress


def print_summary(console: Console, rows: Iterable[SummaryRow]) -> None:
    """A table of feeds: name, freshness (`fresh`, `cached, 3 days old`…), events, warnings."""
    from rich.table import Table

    table = Table(title="Feeds", title_justify="left", box=None, pad_edge=False)
    table.add_column("feed")
    table.add_column("freshness")
    table.add_column("events", justify="right")
    table.add_column("warnings", justify="right")
    for name, fresh, events, warnings in rows:
        style = _freshness_style(fresh)
        table.add_row(
            _escape(name),
            f"[{style}]{_escape(fresh)}[/]",
            "–" if events is None else str(events),
            f"[yellow]{warnings}[/]" if warnings else "0",
        )
    console.print(table)


def print_status(
    console: Console, statuses: Sequence[FeedStatus], now: datetime | None = None
) -> None:
    """For the `feeds` subcommand: per feed, its last fetch, validators, size, events and last
    error.

    One block of labelled lines per feed rather than a table: feed URLs are long, and a table
    narrow enough for a terminal would cut them, and with them the only way to tell feeds apart.
    Lines are never wrapped, so that the output stays greppable when piped.
    """
    now = now or datetime.now(UTC)
    for index, status in enumerate(statuses):
        if index:
            console.print()
        console.print(f"[bold]{_escape(status.spec.name)}[/]", soft_wrap=True, highlight=False)
        for label, value in _status_lines(status, now):
            console.print(f"  {label:<11} {value}", soft_wrap=True, highlight=False)


def _status_lines(status: FeedStatus, now: datetime) -> list[tuple[str, str]]:
    lines = []
    if status.spec.source != status.spec.name:
        lines.append(("source", _escape(status.spec.source)))
    if status.kind == "file":
        lines.append(("modified", _when(status.fetched_at, now)))
    else:
        last = _when(status.fetched_at, now) if status.fetched_at else "[yellow]never[/]"
        lines.append(("last fetch", last))
        lines.append(("validators", _escape(_validators(status))))
    lines.append(("size", "–" if status.size is None else human_size(status.size)))
    lines.append(("events", "–" if status.events is None else str(status.events)))
    lines.append(("last error", _error(status, now)))
    return lines


def _freshness_style(fresh: str) -> str:
    if fresh.startswith(("fresh", "not", "file")):
        return "green"
    return "red" if fresh.startswith("fail") else "yellow"


def _validators(status: FeedStatus) -> str:
    parts = []
    if status.etag:
        parts.append(f"ETag {status.etag}")
    if status.last_modified:
        parts.append(f"Last-Modified {status.last_modified}")
    return ", ".join(parts) or "none"


def _error(status: FeedStatus, now: datetime) -> str:
    if not status.last_error:
        return "–"
    when = f" [dim]({_when(status.error_at, now)})[/]" if status.error_at else ""
    healed = (
        status.error_at is not None
        and status.fetched_at is not None
        and status.fetched_at > status.error_at
    )
    if healed:  # kept as history: a fetch has succeeded since
        return f"{_escape(status.last_error)}{when}; [green]fetched fine since[/]"
    return f"[red]{_escape(status.last_error)}[/]{when}"


def _when(moment: datetime | None, now: datetime) -> str:
    if moment is None:
        return "–"
    stamp = moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
    return f"{stamp}, {human_age((now - moment).total_seconds())} ago"


def _escape(text: str) -> str:
    """Text from a feed, a server or a cache file, printable and inert: no terminal escapes or
    controls (`rules.text.clean_text`), no rich markup."""
    from rich.markup import escape

    return escape(clean_text(text))
