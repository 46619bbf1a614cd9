"""The `twir-events` command: argparse subcommands over the library.

Every option is declared once, in `OPTIONS`, with the commands it applies to; it is accepted
before or after the subcommand (`twir-events --quiet feeds` and `twir-events feeds --quiet`), and
an option given to a command it does not apply to is a usage error. The commands themselves run
in `events.cli.commands`; this module only reads the command line (and imports nothing heavy, so
that `--help` and completion are instant).

Standard output carries only what was asked for (the block, JSON, a table, an iCalendar feed, a
draft); warnings, progress and reports go to standard error.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import date
from typing import Any, NoReturn

PROG = "twir-events"
MAX_WEEKS = 52
MAX_RETRIES = 10

#: The commands whose options come from `OPTIONS` ("block" is the plain command).
BLOCK, DRAFT, FEEDS, REGISTRY, COMPLETION = "block", "draft", "feeds", "registry", "completion"
RUNS = frozenset({BLOCK, DRAFT})  # commands that read the feeds and build an agenda
SOURCES = RUNS | {FEEDS}
EVERY = SOURCES | {REGISTRY, COMPLETION}

FORMATS = ("markdown", "json", "table", "ics")
SHELLS = ("bash", "zsh", "fish")

EXIT_CODES = """\
exit status:
  0  done (a feed served from the cache after a failed fetch is a warning, not an error,
     and so is a group's feed that could not be read at all)
  1  a required feed (the community calendar, any --calendar) or every feed could not be
     read at all (the block made from the others is still printed; a draft is then left
     as it is), or an output file could not be written
  2  the command line, the configuration or the draft is wrong (one line says what)"""

EXAMPLES = f"""\
examples:
  {PROG}                                   next Wednesday's block, 4 weeks
  {PROG} --from 2025-11-19 --calendar fixtures/rust-community-calendar.ics
  {PROG} --format table                    review: guesses, warnings and sources per event
  {PROG} --format ics -o rust-events.ics   an iCalendar feed other sites can subscribe to
  {PROG} --previous content/2025-11-12-this-week-in-rust.md   what changed since last week
  {PROG} draft draft/2025-11-19-this-week-in-rust.md --diff   fill a TWIR draft (preview)
  {PROG} registry learn content/*.md -o registry.json && {PROG} --registry registry.json
  eval "$({PROG} completion bash)"           shell completion (also zsh, fish)"""


class _Parser(argparse.ArgumentParser):
    """argparse, but a mistake costs one line on standard error, not a usage screen."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(2, f"{self.prog}: {message} (see '{self.prog} --help')\n")

    def format_help(self) -> str:
        # The locations are looked up only when help is shown (platformdirs costs a little).
        text = super().format_help()
        return text.replace(_LOCATIONS_MARK, _locations())


_LOCATIONS_MARK = "\x00locations\x00"


def _locations() -> str:
    from events.io.cache import default_cache_dir

    return (
        "files:\n"
        "  configuration  --config FILE, else ./calendars.toml, else the user's own\n"
        f"                 ({_user_config()}), else the copy bundled in the package\n"
        f"  cache          --cache-dir DIR, else {default_cache_dir()}\n"
        "  archive        --archive DIR, else content/ and draft/ of the TWIR checkout the\n"
        "                 command runs in (the current directory or a parent), when there is one"
    )


def _user_config() -> str:
    from events.config import user_config_path

    try:
        return str(user_config_path())
    except Exception:  # noqa: BLE001 - no home directory: no user file either
        return "the user's calendars.toml"


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


def _number(
    what: str, convert: Callable[[str], Any], low: float, high: float, *, above: bool = False
) -> Callable[[str], Any]:
    """An argparse type for a number of `what` from `low` (excluded when `above`) to `high`."""

    def parse(text: str) -> Any:
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
_deadline = _number("seconds", float, 0, 3600, above=True)
_retries = _number("retries", int, 0, MAX_RETRIES)


@dataclass(frozen=True)
class Option:
    """One option: its flags, argparse's keywords, its default and the commands it serves."""

    flags: tuple[str, ...]
    commands: frozenset[str]
    default: Any = None
    help: str = ""
    kwargs: dict[str, Any] = field(default_factory=dict)

    @property
    def dest(self) -> str:
        return str(self.kwargs.get("dest") or self.flags[-1].lstrip("-").replace("-", "_"))

    @property
    def takes_value(self) -> bool:
        return self.kwargs.get("action") not in ("store_true", "store_false", "count")


OPTIONS: tuple[Option, ...] = (
    # what every command understands
    Option(("-q", "--quiet"), EVERY, False, "say only errors", {"action": "store_true"}),
    Option(
        ("-v", "--verbose"),
        EVERY,
        False,
        "also say notes (duplicates merged, events not about Rust, …)",
        {"action": "store_true"},
    ),
    # where the feeds come from
    Option(
        ("--calendar",),
        SOURCES,
        None,
        "a feed URL or file; repeatable; replaces the configured feeds",
        {"action": "append", "metavar": "SOURCE"},
    ),
    Option(
        ("--config",),
        SOURCES,
        None,
        "feeds and groups (default: ./calendars.toml, else the user's own, else the bundled copy)",
        {"metavar": "FILE"},
    ),
    Option(
        ("--cache-dir",),
        SOURCES,
        None,
        "where fetched feeds are kept (default: the platform's cache directory)",
        {"metavar": "DIR"},
    ),
    # the window and how the feeds are read
    Option(
        ("--from",),
        RUNS,
        None,
        "the issue date, first day of the window (default: the next Wednesday; for a draft, "
        "its date)",
        {"dest": "start", "type": _day, "metavar": "YYYY-MM-DD"},
    ),
    Option(
        ("--weeks",),
        RUNS,
        4,
        "length of the window in weeks, 1 to 52 (default: 4)",
        {"type": _weeks, "metavar": "N"},
    ),
    Option(("--offline",), RUNS, False, "use cached feeds only", {"action": "store_true"}),
    Option(
        ("--refresh",), RUNS, False, "fetch anew, ignoring validators", {"action": "store_true"}
    ),
    Option(
        ("--timeout",),
        RUNS,
        30.0,
        "seconds per request (default: 30)",
        {"type": _seconds, "metavar": "SECONDS"},
    ),
    Option(
        ("--deadline",),
        RUNS,
        60.0,
        "seconds for all the fetching: what has not answered by then comes from the cache, "
        "or fails (default: 60)",
        {"type": _deadline, "metavar": "SECONDS"},
    ),
    Option(
        ("--no-pages",),
        RUNS,
        True,
        "do not check each event on its own page (its schema.org Event data)",
        {"action": "store_false", "dest": "pages"},
    ),
    Option(
        ("--retries",),
        RUNS,
        3,
        "tries again after a timeout, a connection error, 429 or 5xx (default: 3)",
        {"type": _retries, "metavar": "N"},
    ),
    # how groups are named
    Option(
        ("--registry",),
        RUNS,
        None,
        "a learned group registry ('registry learn -o FILE'; default: the shipped one)",
        {"metavar": "FILE"},
    ),
    Option(
        ("--archive",),
        RUNS,
        None,
        "TWIR issues (a checkout, or a folder of issues or blocks) whose namings of groups "
        "before the window win (default: content/ and draft/ of the TWIR checkout here, if any)",
        {"metavar": "DIR"},
    ),
    Option(
        ("--no-archive",),
        RUNS,
        False,
        "do not read a TWIR checkout's issues",
        {"action": "store_true"},
    ),
    # the plain command's output
    Option(
        ("--format",),
        frozenset({BLOCK}),
        "markdown",
        "what to write: markdown (the block), json, table (a review of each event), ics "
        "(an iCalendar feed) (default: markdown)",
        {"choices": FORMATS},
    ),
    Option(
        ("-o", "--output"),
        frozenset({BLOCK}),
        None,
        "write here, replaced atomically (default and '-': standard output)",
        {"metavar": "FILE"},
    ),
    Option(
        ("--previous",),
        frozenset({BLOCK}),
        None,
        "a published issue or block: say what is new, gone or changed since (on stderr)",
        {"metavar": "FILE"},
    ),
    # the draft command's
    Option(
        ("-n", "--dry-run"),
        frozenset({DRAFT}),
        False,
        "print the new draft instead of writing it",
        {"action": "store_true"},
    ),
    Option(
        ("--diff",),
        frozenset({DRAFT}),
        False,
        "print a unified diff of the draft instead of writing it",
        {"action": "store_true"},
    ),
)

_BY_DEST = {o.dest: o for o in OPTIONS}


def _add_options(parser: argparse.ArgumentParser, command: str | None) -> None:
    """The options of `command` (for the top level, those of the plain command and those
    several commands share), each defaulting to absent so that a value given before the
    subcommand survives the subcommand's parser."""
    for option in OPTIONS:
        if command is None:  # the top level: the plain command's, and those several share
            if BLOCK not in option.commands and len(option.commands) == 1:
                continue
        elif command not in option.commands:
            continue
        parser.add_argument(
            *option.flags, default=argparse.SUPPRESS, help=option.help, **option.kwargs
        )


class _VersionAction(argparse.Action):
    """`--version` on standard output, looking the version up only when asked."""

    def __init__(self, option_strings: list[str], dest: str, **kwargs: object) -> None:
        super().__init__(option_strings, dest, nargs=0, help="show the version and exit")

    def __call__(self, parser: argparse.ArgumentParser, *args: object) -> None:
        from events.cli.commands import version

        print(f"{PROG} {version()}")
        parser.exit(0)


#: Written as `draft --help` shows it (88 columns): no text wrapping at every start.
_DRAFT_DESCRIPTION = "\n".join(
    (
        "Rewrite the 'Rusty Events between …' line of a TWIR draft and replace the listings under",
        "it, up to the 'If you are running a Rust event' paragraph (or fill create_draft.py's",
        "'<!-- Events list goes here -->'), leaving every other byte alone. What is new, gone or",
        "changed against the list it replaces goes to standard error; a draft already up to date",
        "is not rewritten.",
    )
)


def _formatter(prog: str) -> argparse.HelpFormatter:
    return argparse.RawDescriptionHelpFormatter(prog, max_help_position=30)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog=PROG,
        description="Print the 'Upcoming Events' block of This Week in Rust from iCal feeds,\n"
        "fill a TWIR draft with it, or review it first.",
        epilog=f"{_LOCATIONS_MARK}\n\n{EXIT_CODES}\n\n{EXAMPLES}",
        formatter_class=_formatter,
    )
    _add_options(parser, None)
    parser.add_argument("--version", action=_VersionAction)
    sub = parser.add_subparsers(
        dest="command",
        metavar="[COMMAND]",
        title="commands (none: print the block)",
    )

    draft = sub.add_parser(
        DRAFT,
        help="fill a TWIR draft's events list in place and say what changed",
        description=_DRAFT_DESCRIPTION,
        epilog=f"{EXIT_CODES}\n\n"
        f"examples:\n  {PROG} draft draft/2025-11-19-this-week-in-rust.md\n"
        f"  {PROG} draft FILE --from 2025-11-19 --weeks 4 --calendar feed.ics --diff",
        formatter_class=_formatter,
    )
    draft.add_argument("file", metavar="FILE", help="the draft (YYYY-MM-DD-this-week-in-rust.md)")
    _add_options(draft, DRAFT)

    feeds = sub.add_parser(
        FEEDS,
        help="show each feed's cache: last fetch, validators, size, events, last error",
        description="Show each configured feed's cache state, without fetching.",
        formatter_class=_formatter,
    )
    _add_options(feeds, FEEDS)

    registry = sub.add_parser(
        REGISTRY,
        help="learn the group registry from published blocks",
        description="Learn the group registry from published TWIR blocks or issues.",
        formatter_class=_formatter,
    )
    _add_options(registry, REGISTRY)
    actions = registry.add_subparsers(dest="action", required=True, metavar="ACTION")
    learn = actions.add_parser(
        "learn",
        help="learn groups from published TWIR blocks",
        description="Learn groups from published TWIR blocks (or whole issues) into a JSON "
        "file that --registry reads.",
        epilog=f"example:\n  {PROG} registry learn ../shared/twir/sections/*.md -o registry.json",
        formatter_class=_formatter,
    )
    learn.add_argument("blocks", nargs="+", metavar="BLOCK", help="block or issue files")
    learn.add_argument(
        "-o",
        "--output",
        required=True,
        metavar="FILE",
        dest="learn_output",
        help="the registry JSON to write (replaced atomically)",
    )
    _add_options(learn, REGISTRY)

    completion = sub.add_parser(
        COMPLETION,
        help="print a shell completion script",
        description="Print a completion script for bash, zsh or fish.",
        epilog="examples:\n"
        f'  bash:  eval "$({PROG} completion bash)"   (or save it in '
        "~/.local/share/bash-completion/completions/twir-events)\n"
        f'  zsh:   eval "$({PROG} completion zsh)"\n'
        f"  fish:  {PROG} completion fish > ~/.config/fish/completions/twir-events.fish",
        formatter_class=_formatter,
    )
    completion.add_argument("shell", choices=SHELLS)
    _add_options(completion, COMPLETION)
    return parser


def parse(argv: Sequence[str]) -> argparse.Namespace:
    """The command line read and checked, every option of its command set (absent ones to their
    defaults); a mistake exits with status 2 and one line."""
    parser = build_parser()
    args = parser.parse_args(list(argv))
    command = args.command or BLOCK
    args.command = command
    for dest in list(vars(args)):
        option = _BY_DEST.get(dest)
        if option is not None and command not in option.commands:
            where = "the plain command" if command == BLOCK else f"'{command}'"
            parser.error(f"{'/'.join(option.flags)} does not apply to {where}")
    for option in OPTIONS:
        if command in option.commands and not hasattr(args, option.dest):
            setattr(args, option.dest, option.default)
    if getattr(args, "quiet", False) and getattr(args, "verbose", False):
        parser.error("--quiet and --verbose exclude each other")
    if getattr(args, "offline", False) and getattr(args, "refresh", False):
        parser.error("--offline and --refresh exclude each other")
    if getattr(args, "dry_run", False) and getattr(args, "diff", False):
        parser.error("--dry-run and --diff exclude each other")
    if getattr(args, "archive", None) and getattr(args, "no_archive", False):
        parser.error("--archive and --no-archive exclude each other")
    start = getattr(args, "start", None)
    if start is not None:  # a window the calendar cannot hold is a usage error (issue 12 §2)
        from events.rules.dates import window_error

        if problem := window_error(start, getattr(args, "weeks", 4) or 4):
            parser.error(f"argument --from: {start.isoformat()}: {problem}")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse(sys.argv[1:] if argv is None else argv)
    from events.cli import commands

    return commands.run(args)


def run() -> NoReturn:
    """The console script: `main`, its output flushed, then out at once. What a run holds (a
    feed of megabytes, the registry, thousands of events) needs no freeing: the interpreter's
    teardown would cost a dense run a few percent. Files were already replaced atomically."""
    status = main()
    for stream in (sys.stdout, sys.stderr):
        with suppress(OSError, ValueError):  # a closed pipe (`| head`): nothing more to say
            stream.flush()
    os._exit(status)


if __name__ == "__main__":  # pragma: no cover
    run()
