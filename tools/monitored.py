"""Write calendars.toml from the two lists of Meetup groups TWIR's editors monitor.

TWIR's repository keeps `tools/events/rust-meetups.json` (groups about Rust) and
`maybe-rust-meetups.json` (general-tech groups whose events sometimes are) as JSON lists of
Meetup URLs. The configuration lists the Rust Community Calendar first (`required`: a run that
cannot read it has failed), then each group as its public Meetup feed
`https://www.meetup.com/<urlname>/events/ical/`, with its page as TWIR lists it
(`…/<urlname>/events/`) as `group_url` and, when the bundled registry knows the group, its
published name as `group`; the general-tech groups are marked `rust_only`. Run it again when
TWIR's lists change:

    python tools/monitored.py RUST_JSON MAYBE_JSON -o calendars.toml -o events/data/calendars.toml

Only the two files given are read (and the registry bundled in the package). Without `-o` the
configuration goes to standard output.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from events.registry import Registry  # noqa: E402

COMMUNITY_CALENDAR = (
    "https://calendar.google.com/calendar/ical/"
    "apd9vmbc22egenmtu5l6c5jbfc%40group.calendar.google.com/public/basic.ics"
)
_MEETUP = re.compile(
    r"^(?:https?://)?(?:www\.)?meetup\.com/(?P<urlname>[A-Za-z0-9][A-Za-z0-9_-]*)(?:/.*)?$"
)

HEADER = """\
# Feeds twir-events reads, in order. `twir-events --calendar SOURCE` replaces this list for one run.
#
# Each [[calendar]] has a `name` (used in warnings and in the JSON `calendar` field) and a `url`
# (http(s), or a file path). A feed that belongs to one group names it with `group` (a name the
# registry knows) and `group_url` (its page): its entries are that group's events. A run that
# cannot read a feed marked `required = true` fails (exit status 1); any other feed that cannot
# be read is a warning. `rust_only = true` keeps only a general-tech group's events about Rust.
#
# The Meetup groups below are those TWIR's editors monitor (TWIR's tools/events/rust-meetups.json
# and maybe-rust-meetups.json), written by tools/monitored.py: rerun it when those lists change.
# A user's own list can live in the platform's configuration directory (on Linux
# ~/.config/twir-events/calendars.toml); ./calendars.toml or --config FILE come before it.

[[calendar]]
name = "Rust Community Calendar"
url = "{calendar}"
required = true

# A Luma calendar's feed needs the calendar id (`cal-…`) from its page:
# [[calendar]]
# name = "Rust Girona on Luma"
# url = "https://api.lu.ma/ics/get?entity=calendar&id=cal-XXXXXXXXXXXXXXX"
# group = "Rust Girona"
# group_url = "https://lu.ma/rust-girona"

# Groups the learned registry does not know, or knows wrongly. A listed name replaces the
# registry's entry of that name; `aliases` are other links or names of the same group.
# [[group]]
# name = "Rust Kraków"
# url = "https://www.meetup.com/rust-krakow/"
# aliases = ["https://lu.ma/rust-krakow"]
# city = "Kraków"
# country = "PL"
"""


class ListError(ValueError):
    """A monitored list that cannot be read; the message names the file."""


@dataclass(frozen=True)
class MeetupGroup:
    urlname: str
    rust_only: bool

    @property
    def feed(self) -> str:
        return f"https://www.meetup.com/{self.urlname}/events/ical/"

    @property
    def page(self) -> str:
        """The group's page as TWIR's list writes it, the form editors' automation publishes
        for a group that is new to the block (70% of such listings in 2025)."""
        return f"https://www.meetup.com/{self.urlname}/events/"


def read_list(path: Path, *, rust_only: bool) -> tuple[list[MeetupGroup], list[str]]:
    """The Meetup groups of one of TWIR's lists, and a line for each entry set aside."""
    try:
        data = json.loads(path.read_text("utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        raise ListError(f"{path}: cannot read the list ({err})") from None
    if not isinstance(data, list):
        raise ListError(f"{path}: not a JSON list of Meetup URLs")
    groups, skipped = [], []
    for item in data:
        found = _MEETUP.match(item.strip()) if isinstance(item, str) else None
        if found is None:
            skipped.append(f"{path}: not a Meetup group URL, left out: {item!r}")
            continue
        groups.append(MeetupGroup(found["urlname"], rust_only))
    return groups, skipped


def entries(groups: Sequence[MeetupGroup], registry: Registry) -> list[str]:
    """One [[calendar]] table per group (each group once, the first list winning)."""
    tables: list[str] = []
    names: set[str] = {"Rust Community Calendar"}
    seen: set[str] = set()
    for group in groups:
        if group.urlname.lower() in seen:
            continue
        seen.add(group.urlname.lower())
        known = registry.by_link(group.page)
        name = f"{known.name} (Meetup)" if known else f"meetup.com/{group.urlname}"
        if name in names:  # two pages of one registry group: the page tells them apart
            name = f"{known.name if known else group.urlname} (meetup.com/{group.urlname})"
        names.add(name)
        lines = [
            "[[calendar]]",
            f"name = {_toml(name)}",
            f"url = {_toml(group.feed)}",
        ]
        if known:
            lines.append(f"group = {_toml(known.name)}")
        lines.append(f"group_url = {_toml(group.page)}")
        if group.rust_only:
            lines.append("rust_only = true")
        tables.append("\n".join(lines))
    return tables


def configuration(rust: Sequence[MeetupGroup], maybe: Sequence[MeetupGroup]) -> str:
    registry = Registry.bundled()
    about = [
        "# Meetup groups about Rust (rust-meetups.json)",
        *entries(rust, registry),
    ]
    known = {g.urlname.lower() for g in rust}
    general = [g for g in maybe if g.urlname.lower() not in known]
    about += [
        "# General-tech groups: only their events about Rust (maybe-rust-meetups.json)",
        *entries(general, registry),
    ]
    return HEADER.format(calendar=COMMUNITY_CALENDAR) + "\n" + "\n\n".join(about) + "\n"


def _toml(text: str) -> str:
    """A TOML basic string (JSON's escapes are TOML's)."""
    return json.dumps(text, ensure_ascii=False)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("rust", type=Path, metavar="RUST_JSON", help="rust-meetups.json")
    parser.add_argument("maybe", type=Path, metavar="MAYBE_JSON", help="maybe-rust-meetups.json")
    parser.add_argument(
        "-o", "--output", type=Path, action="append", metavar="FILE", help="write here (repeatable)"
    )
    args = parser.parse_args(argv)
    try:
        rust, skipped = read_list(args.rust, rust_only=False)
        maybe, more = read_list(args.maybe, rust_only=True)
    except ListError as err:
        print(f"monitored.py: {err}", file=sys.stderr)
        return 2
    for line in skipped + more:
        print(f"monitored.py: {line}", file=sys.stderr)
    text = configuration(rust, maybe)
    from events.config import parse_config

    parse_config(text, source="(generated)")  # what is written is always a valid configuration
    if not args.output:
        sys.stdout.write(text)
        return 0
    from events.io.files import write_atomic

    for path in args.output:
        write_atomic(path, text.encode("utf-8"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
