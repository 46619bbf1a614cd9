"""Draft: put a rendered block into a TWIR draft, and say what changed since the list it replaces.

The draft is the editors' file, so only the events section changes (`rules.issue` finds it): the
`Rusty Events between` line is rewritten for the window and the listings under it are replaced,
every other byte stays. Listings are compared as published (both sides read back with
`registry.archive.parse_block`), one event per date and event link.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Literal

from events.registry.archive import Block, Listing, parse_block
from events.rules.issue import PLACEHOLDER, events_block, find_events_section

__all__ = [
    "Change",
    "Changes",
    "NoEventsSection",
    "compare",
    "fill",
    "listed",
    "published_listings",
]


class NoEventsSection(ValueError):
    """The text has no `Rusty Events between` line and no events-list placeholder."""


ChangeKind = Literal["new", "gone", "changed"]


@dataclass(frozen=True)
class Change:
    """One event that is new, gone, or listed differently (its date and event link kept)."""

    kind: ChangeKind
    date: dt.date
    url: str
    title: str
    location: str
    groups: tuple[tuple[str, str], ...]
    details: tuple[str, ...] = ()  # for a changed event: what changed, `title: 'a' → 'b'`

    def line(self, window_start: dt.date | None = None) -> str:
        """`new: 2025-11-20 | Aarhus, DK | Rust Aarhus | Social Night <https://…>`."""
        groups = " | ".join(name for name, _ in self.groups) or "(no group)"
        text = f"{self.kind}: {self.date.isoformat()} | {self.location} | {groups} | {self.title}"
        if self.url:
            text += f" <{self.url}>"
        if self.details:
            text += " (" + "; ".join(self.details) + ")"
        elif self.kind == "gone" and window_start is not None and self.date < window_start:
            text += " (before the window)"
        return text


@dataclass(frozen=True)
class Changes:
    """What a new list does to the one it replaces."""

    new: tuple[Change, ...] = ()
    gone: tuple[Change, ...] = ()
    changed: tuple[Change, ...] = ()

    @property
    def summary(self) -> str:
        return f"{len(self.new)} new, {len(self.gone)} gone, {len(self.changed)} changed"

    def __iter__(self) -> Iterator[Change]:
        """Every change in date order: gone, new and changed of one day together."""
        everything = (*self.gone, *self.new, *self.changed)
        return iter(sorted(everything, key=lambda c: (c.date, c.kind != "gone", c.title)))

    def __len__(self) -> int:
        return len(self.new) + len(self.gone) + len(self.changed)


_Key = tuple[dt.date, str]


@dataclass(frozen=True)
class _Entry:
    listing: Listing
    title: str
    url: str


def _entries(block: Block) -> dict[_Key, _Entry]:
    """Each event of a block once (a hybrid event is listed twice), keyed by date and link."""
    found: dict[_Key, _Entry] = {}
    for listing in block.listings:
        for title, url in listing.titles or (("", ""),):
            url = url.strip()
            key = (listing.date, url or f"title:{title}")
            found.setdefault(key, _Entry(listing, title, url))
    return found


def _change(kind: ChangeKind, entry: _Entry, details: Iterable[str] = ()) -> Change:
    listing = entry.listing
    return Change(
        kind,
        listing.date,
        entry.url,
        entry.title,
        listing.location,
        listing.groups,
        tuple(details),
    )


def _differences(old: _Entry, new: _Entry) -> list[str]:
    said = []
    if old.title != new.title:
        said.append(f"title {old.title!r} → {new.title!r}")
    if old.listing.location != new.listing.location:
        said.append(f"place {old.listing.location!r} → {new.listing.location!r}")
    if _groups(old.listing) != _groups(new.listing):
        said.append(f"group {_shown(old.listing)} → {_shown(new.listing)}")
    return said


def _groups(listing: Listing) -> tuple[tuple[str, str], ...]:
    return tuple((name.strip(), url.strip()) for name, url in listing.groups)


def _shown(listing: Listing) -> str:
    return " | ".join(f"[{name}]({url})" for name, url in _groups(listing)) or "(none)"


def compare(old: Block | None, new: Block) -> Changes:
    """New, gone and changed events of `new` against `old` (by date and event link; changed:
    the same event with another title, place or group)."""
    before = _entries(old) if old is not None else {}
    after = _entries(new)
    added = tuple(_change("new", entry) for key, entry in after.items() if key not in before)
    gone = tuple(_change("gone", entry) for key, entry in before.items() if key not in after)
    changed = []
    for key, entry in after.items():
        if key in before and (details := _differences(before[key], entry)):
            changed.append(_change("changed", entry, details))
    return Changes(added, gone, tuple(changed))


def listed(text: str) -> Block | None:
    """The listings a draft (or an issue) holds now; None when it has only the placeholder.

    Raises NoEventsSection when it has no events section, ValueError when a listing cannot be
    read (a date that does not exist)."""
    section = find_events_section(text)
    if section is None:
        raise NoEventsSection("no events section")
    if not section.has_header:
        return None
    return parse_block(text[section.header[0] : section.listings[1]])


def published_listings(text: str) -> Block:
    """The block of a published issue or of a block file, read back.

    Raises NoEventsSection when there is none, ValueError when a listing cannot be read."""
    block = events_block(text)
    if block is None:
        raise NoEventsSection("no 'Rusty Events between' line")
    return parse_block(block)


def fill(text: str, block: str) -> str:
    """`text` with its events section holding `block` (a whole block as rendered: header line,
    empty line, sections): the header line replaced, the listings after it replaced, or the
    placeholder replaced by the block; every other character of `text` as it was.

    The listings keep the draft's line ends and are followed by exactly the one empty line a
    published issue has before `If you are running a Rust event`.
    """
    section = find_events_section(text)
    if section is None:
        raise NoEventsSection("no events section")
    header, _, rest = block.partition("\n")
    listings = rest[1:] if rest.startswith("\n") else rest
    if section.has_header:
        start, end = section.header
        new = header + text[end : section.listings[0]] + _lines("\n" + listings, section.newline)
        return text[:start] + new + text[section.listings[1] :]
    start, end = section.listings
    assert text[start:end].strip() == PLACEHOLDER
    body = header + "\n\n" + listings.rstrip("\n") if listings.strip() else header
    return text[:start] + _lines(body, section.newline) + text[end:]


def _lines(text: str, newline: str) -> str:
    return text if newline == "\n" else text.replace("\n", newline)
