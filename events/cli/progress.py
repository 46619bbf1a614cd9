"""What an editor at a terminal sees on standard error while and after feeds are fetched.

Only the CLI calls these, and only when standard error is a terminal; rich is imported inside the
functions so that importing this module costs nothing at start-up.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, TextIO

from events.model import FeedSpec
from events.rules.text import clean_text
from events.stages.fetch import FINAL_STATES, FeedStatus, human_age, human_size

if TYPE_CHECKING:
    from rich.console import Console
    from rich.progress import Progress, TaskID

#: How each state of `fetch_feeds`' on_progress is shown.
_STATE_STYLE = {
    "fetching": ("fetching…", "dim"),
    "retrying": ("retrying…", "yellow"),
    "slow": ("still waiting…", "yellow"),
    "fresh": ("fresh", "green"),
    "not-modified": ("not modified", "green"),
    "file": ("read from file", "green"),
    "cached": ("using cached copy", "yellow"),
    "failed": ("failed", "bold red"),
}
#: States worth a line of their own above the progress bar (the rest only move the bar).
_SAID = frozenset({"retrying", "slow", "cached", "failed"})
#: Above this many feeds the summary table lists only those that need a look.
SUMMARY_ROWS = 20

SummaryRow = tuple[str, str, int | None, int]


def progress_callback(console: Console) -> Callable[[FeedSpec, str], None]:
    """An `on_progress` for fetch_feeds: one short line per change of a feed's state."""
    from rich.text import Text

    def on_progress(spec: FeedSpec, state: str) -> None:
        words, style = _STATE_STYLE.get(state, (state, ""))
        line = Text("  ")
        line.append(clean_text(spec.name), style="bold")
        line.append(": ")
        line.append(words, style=style)
        console.print(line, highlight=False)

    return on_progress


class FetchDisplay:
    """On a terminal, while feeds are fetched: a bar with the feeds done of those started and
    the time elapsed, the feeds still awaited once they are slow, and a line above it for each
    feed that is retried, slow, served from the cache or failed.

    Used as `on_progress`; the live display starts with the first fetch and stops once every
    started feed has ended (so that nothing draws while the feeds are read), or at `close()`.
    """

    def __init__(self, console: Console) -> None:
        self.console = console
        self._progress: Progress | None = None
        self._task: TaskID | None = None
        self._pending: dict[str, str] = {}  # feed name → its last state
        self._started = 0
        self._done = 0

    def __call__(self, spec: FeedSpec, state: str) -> None:
        name = clean_text(spec.name)
        if state == "fetching" and name not in self._pending:
            self._pending[name] = state
            self._started += 1
            self._start()
        elif state in FINAL_STATES:
            if self._pending.pop(name, None) is not None:
                self._done += 1
        elif name in self._pending:
            self._pending[name] = state
        if state in _SAID:
            self._line(name, state)
        self._update()
        if self._progress is not None and not self._pending:
            self.close()

    def close(self) -> None:
        if self._progress is not None:
            self._update()
            self._progress.stop()
            self._progress = None

    def _start(self) -> None:
        if self._progress is not None:
            return
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
        )

        self._progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(bar_width=30),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=self.console,
            redirect_stdout=False,
            redirect_stderr=False,
        )
        self._task = self._progress.add_task("fetching feeds", total=self._started)
        self._progress.start()

    def _update(self) -> None:
        if self._progress is None or self._task is None:
            return
        waiting = [n for n, state in self._pending.items() if state in ("slow", "retrying")]
        description = "fetching feeds"
        if waiting:
            shown = ", ".join(waiting[:3]) + (
                f" and {len(waiting) - 3} more" if len(waiting) > 3 else ""
            )
            description += f" (waiting for {shown})"
        from rich.markup import escape

        self._progress.update(
            self._task,
            total=self._started,
            completed=self._done,
            description=escape(description),
        )

    def _line(self, name: str, state: str) -> None:
        from rich.text import Text

        words, style = _STATE_STYLE.get(state, (state, ""))
        line = Text("  ")
        line.append(name, style="bold")
        line.append(": ")
        line.append(words, style=style)
        self.console.print(line, highlight=False)


def slow_notice(stream: TextIO, prog: str) -> Callable[[FeedSpec, str], None]:
    """When standard error is not a terminal: one line for each feed that is slow to answer,
    so that a run waiting on a server is never silent."""
    from events.io.http import SLOW_AFTER

    def on_progress(spec: FeedSpec, state: str) -> None:
        if state == "slow":
            name = clean_text(spec.name)
            print(f"{prog}: still waiting for {name} after {SLOW_AFTER:g} s", file=stream)
            stream.flush()

    return on_progress


def summary_counts(rows: Sequence[SummaryRow]) -> str:
    """`149 feeds: 120 fresh, 20 not modified, 5 from the cache, 4 failed`."""
    counts = {"fresh": 0, "not modified": 0, "from the cache": 0, "from files": 0, "failed": 0}
    for _, fresh, _, _ in rows:
        if fresh.startswith("cached"):
            counts["from the cache"] += 1
        elif fresh == "file":
            counts["from files"] += 1
        elif fresh in counts:
            counts[fresh] += 1
    said = [f"{n} {what}" for what, n in counts.items() if n or what in ("fresh", "failed")]
    total = len(rows)
    return f"{total} feed{'' if total == 1 else 's'}: " + ", ".join(said)


def print_summary(console: Console, rows: Iterable[SummaryRow]) -> None:
    """How many feeds were fresh, not modified, from the cache, failed; then a table of feeds:
    name, freshness (`fresh`, `cached, 3 days old`…), events, warnings (of many feeds, only
    those served from the cache, failed or with warnings)."""
    from rich.table import Table

    rows = list(rows)
    console.print(_escape(summary_counts(rows)), highlight=False)
    shown = rows
    if len(rows) > SUMMARY_ROWS:
        shown = [r for r in rows if r[3] or not r[1].startswith(("fresh", "not", "file"))]
    if not shown:
        return
    title = "Feeds" if shown is rows else "Feeds that need a look"
    table = Table(title=title, title_justify="left", box=None, pad_edge=False)
    table.add_column("feed")
    table.add_column("freshness")
    table.add_column("events", justify="right")
    table.add_column("warnings", justify="right")
    for name, fresh, events, warnings in shown:
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
    if len(statuses) > 1:
        console.print()
        console.print(_escape(status_counts(statuses)), soft_wrap=True, highlight=False)


def status_counts(statuses: Sequence[FeedStatus]) -> str:
    """`149 feeds: 140 cached, 7 never fetched, 2 failing` for the end of `feeds`."""
    cached = sum(1 for s in statuses if s.kind == "url" and s.size is not None)
    files = sum(1 for s in statuses if s.kind == "file")
    never = sum(1 for s in statuses if s.kind == "url" and s.size is None)
    failing = sum(1 for s in statuses if _failing(s))
    parts = [f"{cached} cached"]
    if files:
        parts.append(f"{files} files")
    parts += [f"{never} never fetched", f"{failing} failing"]
    return f"{len(statuses)} feeds: " + ", ".join(parts)


def _failing(status: FeedStatus) -> bool:
    """Its last fetch failed (an error newer than the last success)."""
    if not status.last_error:
        return False
    if status.error_at is None or status.fetched_at is None:
        return True
    return status.error_at >= status.fetched_at


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
    """Text from a server or a file, fit for a rich line: no terminal escapes, no markup."""
    from rich.markup import escape

    return escape(clean_text(text))
