"""The `twir-events` command: a thin layer over `events.upcoming` and the renderers.

Standard output carries only the block (or JSON); warnings and progress go to standard error.
Exit status: 0 done, 1 a feed could not be read (what could be made is still printed),
2 the command line or the configuration is wrong.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console

    from events.model import Agenda

PROG = "twir-events"
MAX_WEEKS = 52
MAX_RETRIES = 10


class _Parser(argparse.ArgumentParser):
    """argparse, but a mistake costs one line on standard error, not a usage screen."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(2, f"{self.prog}: {message} (see '{self.prog} --help')\n")


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


def _number(what: str, convert: type, low: float, high: float, *, above: bool = False):
    """An argparse type for a number of `what` from `low` (excluded when `above`) to `high`."""

    def parse(text: str) -> float:
        try:
            value = convert(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a number of {what}: {text!r}") from None
        if not (low < value if above else low <= value) or value > high:
            bounds = f"above {low} and at most {high}" if above else f"{low} to {high}"
            raise argparse.ArgumentTypeError(f"{what} must be {bounds}, not {text}")
        return value

    return parse


_weeks = _number("weeks", int, 1, MAX_WEEKS)
_seconds = _number("seconds", float, 0, 600, above=True)
_retries = _number("retries", int, 0, MAX_RETRIES)


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("twir-events")
    except PackageNotFoundError:
        return "0"


class _VersionAction(argparse.Action):
    """`--version`, looking the version up only when asked (package metadata is slow to load)."""

    def __init__(self, option_strings: list[str], dest: str, **kwargs: object) -> None:
        super().__init__(option_strings, dest, nargs=0, help="show the version and exit")

    def __call__(self, parser: argparse.ArgumentParser, *args: object) -> None:
        parser.exit(0, f"{parser.prog} {_version()}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog=PROG,
        description="Print the 'Upcoming Events' block of This Week in Rust from iCal feeds.",
        epilog=f"Other commands: '{PROG} feeds' shows the state of each feed's cache; "
        f"'{PROG} registry learn BLOCKS... -o FILE' learns the group registry.",
    )
    parser.add_argument(
        "--from",
        dest="start",
        type=_day,
        metavar="YYYY-MM-DD",
        help="the issue date, first day of the window (default: the next Wednesday)",
    )
    parser.add_argument(
        "--weeks", type=_weeks, default=4, help="length of the window in weeks (default: 4)"
    )
    parser.add_argument(
        "--calendar",
        action="append",
        metavar="SOURCE",
        help="a feed URL or file; repeatable; replaces the configured feeds",
    )
    parser.add_argument(
        "--config", metavar="FILE", help="feeds and groups (default: ./calendars.toml)"
    )
    parser.add_argument("--format", choices=("markdown", "json"), default="markdown")
    parser.add_argument("--output", "-o", metavar="FILE", help="write here instead of stdout")
    parser.add_argument("--cache-dir", metavar="DIR", help="where fetched feeds are kept")
    parser.add_argument("--offline", action="store_true", help="use cached feeds only")
    parser.add_argument("--refresh", action="store_true", help="fetch anew, ignoring validators")
    parser.add_argument(
        "--timeout", type=_seconds, default=30.0, metavar="SECONDS", help="per request"
    )
    parser.add_argument(
        "--retries",
        type=_retries,
        default=3,
        metavar="N",
        help="tries again after a timeout, a connection error, 429 or 5xx (default: 3)",
    )
    parser.add_argument("--quiet", "-q", action="store_true", help="say only errors")
    parser.add_argument("--version", action=_VersionAction)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    if args_list[:1] == ["feeds"]:
        return _feeds(args_list[1:])
    if args_list[:1] == ["registry"]:
        return _registry(args_list[1:])
    args = build_parser().parse_args(args_list)
    if args.offline and args.refresh:
        build_parser().error("--offline and --refresh exclude each other")
    if args.start is not None:  # a window the calendar cannot hold is a usage error
        from events.rules.dates import window_error

        if problem := window_error(args.start, args.weeks):
            build_parser().error(f"argument --from: {args.start.isoformat()}: {problem}")
    return _run(args)


def _say(line: str) -> None:
    from events.stages.render import clean_text

    print(clean_text(line), file=sys.stderr)


def _run(args: argparse.Namespace) -> int:
    import gc

    # One short run that allocates many small objects and keeps no garbage cycles worth
    # hunting: the collector's pauses would cost some 4% of it.
    gc.disable()
    from events.config import ConfigError
    from events.pipeline import upcoming
    from events.stages.render import to_json, to_markdown

    interactive = sys.stderr.isatty() and not args.quiet
    progress = None
    console = None
    if interactive:
        from rich.console import Console

        from events.cli.progress import progress_callback

        console = Console(stderr=True)
        progress = progress_callback(console)
    try:
        agenda = upcoming(
            args.start,
            args.weeks,
            calendars=args.calendar,
            config=args.config,
            cache_dir=args.cache_dir,
            offline=args.offline,
            refresh=args.refresh,
            timeout=args.timeout,
            retries=args.retries,
            on_progress=progress,
        )
    except ConfigError as exc:
        _say(f"{PROG}: {exc}")
        return 2
    if not args.quiet:
        for problem in agenda.problems:
            _say(f"warning: {problem}")
    for failure in agenda.failures:
        _say(f"error: {failure}")
    if console is not None:
        _summary(console, agenda)
    if not agenda.feeds:
        return 1
    text = to_json(agenda) if args.format == "json" else to_markdown(agenda)
    if args.output:
        try:
            from events.io.files import write_atomic

            write_atomic(Path(args.output), text.encode("utf-8"))
        except OSError as exc:
            _say(f"{PROG}: cannot write {args.output}: {exc.strerror or exc}")
            return 1
    else:
        sys.stdout.buffer.write(text.encode("utf-8"))
        sys.stdout.flush()
    return 1 if agenda.failures else 0


def _summary(console: Console, agenda: Agenda) -> None:
    from collections import Counter

    from events.cli.progress import SummaryRow, print_summary
    from events.stages.fetch import freshness

    events = Counter(e.feed for e in agenda.events)
    warnings = Counter(p.feed for p in agenda.problems)
    rows: list[SummaryRow] = [
        (f.spec.name, freshness(f), events[f.spec.name], warnings[f.spec.name])
        for f in agenda.feeds
    ]
    rows += [(p.feed, "failed", None, 1) for p in agenda.failures]
    print_summary(console, rows)


def _feeds(argv: list[str]) -> int:
    parser = _Parser(prog=f"{PROG} feeds", description="Show each configured feed's cache state.")
    parser.add_argument("--config", metavar="FILE")
    parser.add_argument("--calendar", action="append", metavar="SOURCE")
    parser.add_argument("--cache-dir", metavar="DIR")
    args = parser.parse_args(argv)
    from rich.console import Console

    from events.cli.progress import print_status
    from events.config import ConfigError, load_config, spec_for
    from events.stages.fetch import feed_status

    try:
        specs = (
            tuple(spec_for(c) for c in args.calendar)
            if args.calendar
            else load_config(args.config).calendars
        )
    except ConfigError as exc:
        _say(f"{PROG}: {exc}")
        return 2
    cache_dir = Path(args.cache_dir) if args.cache_dir else None
    print_status(Console(), feed_status(specs, cache_dir))
    return 0


def _registry(argv: list[str]) -> int:
    parser = _Parser(prog=f"{PROG} registry", description="Learn the group registry.")
    sub = parser.add_subparsers(dest="action", required=True)
    learn = sub.add_parser("learn", help="learn groups from published TWIR blocks")
    learn.add_argument("blocks", nargs="+", type=Path, metavar="BLOCK")
    learn.add_argument("-o", "--output", type=Path, required=True, metavar="FILE")
    args = parser.parse_args(argv)
    from events.registry.learn import main_learn

    return main_learn(args.blocks, args.output)


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
