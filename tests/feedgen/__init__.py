"""Test feeds: a published TWIR block turned into the Google Calendar export behind it.

    from tests.feedgen import feed_from_block, expected_listings
    ics = feed_from_block(block_text, seed=20251119, start=date(2025, 11, 19))

The feed holds what people could have typed for each listing, in the shapes of CALENDAR.md §1–2,
chosen by `seed`; the expected answer is the block itself (`expected_listings`). Listings no
single calendar entry can express (several titles on one line, several places) are left out and
reported by `build_feed`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from .block import Listing, Place, parse, window
from .google import calendar_bytes
from .plan import Planner

__all__ = [
    "GeneratedFeed",
    "Listing",
    "Place",
    "build_feed",
    "expected_listings",
    "feed_from_block",
]

CALENDAR_NAME = "Rust Community"
CALENDAR_ZONES = ("UTC", "America/Los_Angeles", "Europe/London", "America/New_York")


@dataclass(frozen=True)
class GeneratedFeed:
    """A feed and what it stands for: the listings it expresses and those it cannot."""

    ics: bytes
    listings: tuple[Listing, ...]
    excluded: tuple[Listing, ...]  # each with `.problem` saying why
    zones: dict[str, str]  # UID → the zone its timed occurrences are dated in (for checks)


def expected_listings(text: str) -> list[Listing]:
    """The block's events that a feed can express: what a correct tool must list again."""
    return [listing for listing in parse(text) if listing.problem is None]


def build_feed(
    text: str, *, seed: int, start: date, weeks: int = 4, history: Sequence[str] = ()
) -> GeneratedFeed:
    """The feed for a block, with the listings it expresses and the ones it leaves out.

    `history` takes older blocks: their listings that ended before the window become the
    feed's past, as a real export holds the calendar's whole history.
    """
    listings = parse(text)
    found = window(text)
    end = found[1] if found and found[0] == start else start + timedelta(days=7 * weeks)
    usable = [listing for listing in listings if listing.problem is None]
    past = {}
    for older in history:
        for listing in parse(older):
            if listing.problem is None and listing.end_date < start - timedelta(days=1):
                past.setdefault((listing.date, listing.url), listing)
    planner = Planner(usable, seed=seed, start=start, end=end, history=list(past.values()))
    events = planner.plan()
    zone = planner.rng.choice(CALENDAR_ZONES)
    ics = calendar_bytes(
        events,
        name=CALENDAR_NAME,
        timezone=zone,
        stamp=planner.stamp,
        description="Rust community events: meetups, conferences and workshops"
        if planner.rng.random() < 0.5
        else None,
    )
    excluded = tuple(listing for listing in listings if listing.problem is not None)
    zones = {event.uid: event.zone for event in events if event.zone}
    return GeneratedFeed(ics, tuple(usable), excluded, zones)


def feed_from_block(text: str, *, seed: int, start: date) -> bytes:
    """A Google Calendar `basic.ics` export whose entries produce the block (see module doc)."""
    return build_feed(text, seed=seed, start=start).ics
