"""What each command does once `events.cli.main` has read the command line.

Standard output carries only what was asked for; everything said goes to standard error, one
line each, cleaned for the terminal. Notes (`Severity.NOTE`) are said only with --verbose,
warnings unless --quiet, errors always.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from events.cli.main import BLOCK, COMPLETION, DRAFT, FEEDS, PROG, REGISTRY

if TYPE_CHECKING:
    from rich.console import Console

    from events.model import Agenda, FeedSpec, Problem
    from events.stages.draft import Changes


def version() -> str:
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as installed

    try:
        return installed("twir-events")
    except PackageNotFoundError:
        return "0"


def run(args: argparse.Namespace) -> int:
    commands: dict[str, Callable[[argparse.Namespace], int]] = {
        BLOCK: _block,
        DRAFT: _draft,
        FEEDS: _feeds,
        REGISTRY: _registry,
        COMPLETION: _completion,
    }
    try:
        return commands[args.command](args)
    except KeyboardInterrupt:
        say(f"{PROG}: interrupted")
        return 130


def say(line: str, indent: str = "") -> None:
    from events.rules.text import clean_text

    print(indent + clean_text(line), file=sys.stderr)


# -- building the agenda -------------------------------------------------------------------


def _archive(args: argparse.Namespace, *near: Path) -> str | None:
    """--archive, else the TWIR checkout the command runs in (or the draft is in), if any."""
    if args.archive or args.no_archive:
        return args.archive
    from events.registry.checkout import find_checkout

    try:
        here = [Path.cwd()]
    except OSError:  # the current directory was removed
        here = []
    for place in (*here, *near):
        checkout = find_checkout(place)
        if checkout is not None:
            if args.verbose:
                say(f"note: group namings refreshed from the TWIR checkout {checkout}")
            return str(checkout)
    return None


def _agenda(args: argparse.Namespace, start: date | None, *near: Path) -> Agenda | int:
    """The agenda of the window, its problems said; an exit status when it cannot be made."""
    import gc

    # One short run that allocates many small objects and keeps no garbage cycles worth
    # hunting: the collector's pauses would cost some 4% of it.
    gc.disable()
    from events.config import ConfigError
    from events.pipeline import RegistryError, upcoming

    progress: Callable[[FeedSpec, str], None] | None = None
    console = None
    display = None
    if sys.stderr.isatty() and not args.quiet:
        from rich.console import Console

        from events.cli.progress import FetchDisplay

        console = Console(stderr=True)
        progress = display = FetchDisplay(console)
    elif not args.quiet:  # not a terminal: a line for each feed slow to answer, no more
        from events.cli.progress import slow_notice

        progress = slow_notice(sys.stderr, PROG)
    try:
        agenda = upcoming(
            start,
            args.weeks,
            calendars=args.calendar,
            config=args.config,
            cache_dir=args.cache_dir,
            offline=args.offline,
            refresh=args.refresh,
            timeout=args.timeout,
            retries=args.retries,
            deadline=args.deadline,
            on_progress=progress,
            registry=args.registry,
            archive=_archive(args, *near),
            pages=args.pages,
        )
    except (ConfigError, RegistryError) as exc:
        say(f"{PROG}: {exc}")
        return 2
    finally:
        if display is not None:
            display.close()
    _say_problems(agenda, args)
    if console is not None:
        _summary(console, agenda, verbose=args.verbose)
    return agenda


def _say_problems(agenda: Agenda, args: argparse.Namespace) -> None:
    """Each problem a line (a problem's text is printable: `Problem.__str__`), written at once:
    a dense calendar's run has thousands."""
    from events.model import Severity

    lines: list[str] = []
    for problem in agenda.problems:
        severity = problem.kind.severity
        if severity is Severity.ERROR:
            lines.append(f"error: {problem}\n")
        elif severity is Severity.NOTE:
            if args.verbose:
                lines.append(f"note: {problem}\n")
        elif not args.quiet:
            lines.append(f"warning: {problem}\n")
    fatal = failed_run(agenda)
    for failure in agenda.failures:
        if failure in fatal:
            lines.append(f"error: {failure}\n")
        elif not args.quiet:  # a group's feed: the others still make the block
            lines.append(f"warning: {failure}\n")
    sys.stderr.write("".join(lines))
    sys.stderr.flush()


def failed_run(agenda: Agenda) -> list[Problem]:
    """The failures that fail the run: a feed marked `required` (the community calendar, a
    feed given with --calendar) gave nothing, or no feed gave anything. Decided from the
    problems' kinds and the feeds' specs, never from wording."""
    failed = [p for p in agenda.failures if p.kind.source_failed]
    if not agenda.feeds:
        return failed or list(agenda.failures)
    if not agenda.calendars:  # an Agenda made without its specs: every failure counts
        return failed
    required = {spec.name for spec in agenda.calendars if spec.required}
    return [p for p in failed if p.feed in required]


def _summary(console: Console, agenda: Agenda, *, verbose: bool) -> None:
    from collections import Counter

    from events.cli.progress import SummaryRow, print_summary
    from events.model import Severity
    from events.stages.fetch import freshness

    events = Counter(e.feed for e in agenda.events)
    warnings = Counter(
        p.feed for p in agenda.problems if verbose or p.kind.severity is not Severity.NOTE
    )
    rows: list[SummaryRow] = [
        (f.spec.name, freshness(f), events[f.spec.name], warnings[f.spec.name])
        for f in agenda.feeds
    ]
    rows += [(p.feed, "failed", None, 1) for p in agenda.failures]
    print_summary(console, rows)


def _report(what: str, changes: Changes, start: date, args: argparse.Namespace) -> None:
    """`WHAT: N new, M gone, K changed`, then one line per change (not with --quiet)."""
    say(f"{what}: {changes.summary}")
    if not args.quiet:
        for change in changes:
            say(change.line(start), indent="  ")


# -- the plain command -----------------------------------------------------------------------


def _block(args: argparse.Namespace) -> int:
    previous: str | None = None
    if args.previous:
        read = _read_text(Path(args.previous))
        if isinstance(read, int):
            return read
        previous = read
        from events.stages.draft import published_listings

        try:
            published_listings(previous)
        except ValueError as exc:
            say(f"{PROG}: {args.previous}: cannot compare with it: {exc}")
            return 2
    agenda = _agenda(args, args.start)
    if isinstance(agenda, int):
        return agenda
    if not agenda.feeds:
        return 1
    if previous is not None:
        from events.weekly import changes_since

        _report(
            f"since {args.previous}", changes_since(previous, agenda), agenda.window.start, args
        )
    to_stdout = args.output in (None, "-")
    if args.format == "table" and to_stdout and sys.stdout.isatty():
        from rich.console import Console

        from events.cli.review import print_review

        print_review(Console(), agenda)
        return 1 if failed_run(agenda) else 0
    status = _write(args.output, _render(args.format, agenda))
    return status or (1 if failed_run(agenda) else 0)


def _render(form: str, agenda: Agenda) -> bytes:
    if form == "json":
        from events.parallel import usable_cores
        from events.stages.render import to_json_bytes

        return to_json_bytes(agenda, cores=usable_cores())
    if form == "table":
        from events.stages.table import to_text_table

        return to_text_table(agenda).encode("utf-8")
    if form == "ics":
        from events.stages.ics import to_ics

        return to_ics(agenda)
    from events.stages.render import to_markdown

    return to_markdown(agenda).encode("utf-8")


def _write(output: str | None, data: bytes) -> int:
    """`data` to standard output (no --output, or `-`) or into the file, replaced atomically."""
    if output in (None, "-"):
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return 0
    from events.io.files import write_atomic

    try:
        write_atomic(Path(output), data)
    except OSError as exc:
        say(f"{PROG}: cannot write {output}: {exc.strerror or exc}")
        return 1
    return 0


def _read_text(path: Path) -> str | int:
    """A file's text, or (having said why in one line) status 2; never waits on a FIFO."""
    try:
        if path.exists() and not path.is_file():
            say(f"{PROG}: {path}: not a regular file")
            return 2
        return path.read_bytes().decode("utf-8")
    except OSError as exc:
        say(f"{PROG}: cannot read {path}: {exc.strerror or exc}")
    except UnicodeDecodeError:
        say(f"{PROG}: {path}: not UTF-8 text")
    return 2


# -- draft -----------------------------------------------------------------------------------


def _draft(args: argparse.Namespace) -> int:
    from events.rules.issue import find_events_section, issue_date
    from events.stages.draft import listed

    path = Path(args.file)
    text = _read_text(path)
    if isinstance(text, int):
        return text
    if find_events_section(text) is None:
        say(
            f"{PROG}: {path}: no events section (no 'Rusty Events between' line and no "
            "'<!-- Events list goes here -->'): not a TWIR draft; left as it is"
        )
        return 2
    start = args.start or issue_date(path.name, text)
    if start is None:
        try:
            block = listed(text)
        except ValueError:
            block = None
        start = block.start if block is not None else None
    if start is None:
        say(
            f"{PROG}: {path}: cannot tell the issue's date from its name or Date: line; give --from"
        )
        return 2
    agenda = _agenda(args, start, path.parent)
    if isinstance(agenda, int):
        return agenda
    if failed_run(agenda) or not agenda.feeds:
        say(f"{PROG}: {path} left as it is: a feed could not be read")
        return 1
    from events.weekly import fill_draft

    new_text, changes = fill_draft(text, agenda)
    status = 0
    if args.dry_run:
        sys.stdout.buffer.write(new_text.encode("utf-8"))
        sys.stdout.flush()
    elif args.diff:
        sys.stdout.buffer.write(_unified_diff(text, new_text, str(path)).encode("utf-8"))
        sys.stdout.flush()
    elif new_text != text:  # written before anything is said, so that a closed pipe costs nothing
        status = _write(str(path), new_text.encode("utf-8"))
    _report(str(path), changes, agenda.window.start, args)
    if args.quiet or args.dry_run or args.diff or status:
        return status
    if new_text == text:
        say(f"{path}: up to date, left as it is")
    else:
        window = agenda.window
        say(f"{path}: events between {window.start} and {window.end} written")
    return status


def _unified_diff(old: str, new: str, name: str) -> str:
    import difflib

    lines = difflib.unified_diff(
        old.splitlines(keepends=True),
        new.splitlines(keepends=True),
        fromfile=f"a/{name}",
        tofile=f"b/{name}",
    )
    return "".join(
        line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in lines
    )


# -- feeds, registry, completion -----------------------------------------------------------


def _feeds(args: argparse.Namespace) -> int:
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
        say(f"{PROG}: {exc}")
        return 2
    cache_dir = Path(args.cache_dir) if args.cache_dir else None
    print_status(Console(), feed_status(specs, cache_dir))
    return 0


def _registry(args: argparse.Namespace) -> int:
    """`registry learn FILES -o OUT`: block files, or whole issues (those without a block,
    the archive's oldest, are passed over)."""
    from events.registry.archive import Block, parse_block
    from events.registry.learn import learn_blocks, write_registry
    from events.rules.issue import events_block

    blocks: list[Block] = []
    for name in args.blocks:
        text = _read_text(Path(name))
        if isinstance(text, int):
            return 1
        block = events_block(text)
        if block is None:
            if args.verbose:
                say(f"note: {name}: no events block, passed over")
            continue
        try:
            blocks.append(parse_block(block))
        except ValueError as exc:
            say(f"warning: {name}: {exc}; passed over")
    if not blocks:
        say(f"{PROG}: registry learn: no events block in {len(args.blocks)} files")
        return 1
    registry = learn_blocks(blocks)
    try:
        write_registry(registry, args.learn_output)
    except OSError as exc:
        say(f"{PROG}: cannot write {args.learn_output}: {exc.strerror or exc}")
        return 1
    if not args.quiet:
        homes = sum(1 for g in registry if g.home is not None)
        say(
            f"learned {len(registry)} groups ({homes} with a home) from {len(blocks)} blocks "
            f"into {args.learn_output}"
        )
    return 0


def _completion(args: argparse.Namespace) -> int:
    from events.cli.completion import script
    from events.cli.main import build_parser

    sys.stdout.write(script(args.shell, build_parser()))
    return 0
