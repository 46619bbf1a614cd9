"""CALENDAR.md §3: the two lines of a listing, and the check that a block keeps the form."""

from __future__ import annotations

from datetime import date

from events.model import Event, Group, Place
from events.rules.block import listing, noncanonical_lines, sections_of

BERLIN = Place("Berlin", "DE", None, "Europe/Berlin")


def _event(**kw) -> Event:
    base = dict(
        uid="u",
        feed="f",
        title="Rust Hack and Learn",
        url="https://www.meetup.com/rust-berlin/events/1/",
        groups=(Group("Rust Berlin", "https://www.meetup.com/rust-berlin"),),
        mode="in-person",
        place=BERLIN,
        start=date(2025, 11, 20),
        date=date(2025, 11, 20),
        end_date=date(2025, 11, 20),
    )
    return Event(**{**base, **kw})


def test_a_listing_is_two_lines() -> None:
    assert listing(_event()) == (
        "* 2025-11-20 | Berlin, DE | [Rust Berlin](https://www.meetup.com/rust-berlin)\n"
        "    * [**Rust Hack and Learn**](https://www.meetup.com/rust-berlin/events/1/)\n"
    )


def test_multi_day_and_hybrid() -> None:
    text = listing(_event(mode="hybrid", end_date=date(2025, 11, 22)))
    assert text.startswith("* 2025-11-20 - 2025-11-22 | Hybrid (Berlin, DE) | ")
    assert sections_of(_event(mode="hybrid")) == ("Virtual", "Europe")


BLOCK = (
    "Rusty Events between 2025-11-19 - 2025-12-17 🦀\n\n"
    "### Virtual\n"
    "* 2025-11-20 | Virtual (Berlin, DE) | [Rust Berlin](https://www.meetup.com/rust-berlin)\n"
    "    * [**Rust Hack and Learn**](https://www.meetup.com/rust-berlin/events/1/)\n"
    "\n"
    "### Europe\n"
    "* 2025-11-20 | Berlin, DE | [Rust Berlin](https://www.meetup.com/rust-berlin)\n"
    "    * [**Rust Hack and Learn**](https://www.meetup.com/rust-berlin/events/1/)\n"
    "\n"
)


def test_the_published_form_passes_the_check() -> None:
    assert noncanonical_lines(BLOCK) == []
    assert noncanonical_lines("Rusty Events between 2025-11-19 - 2025-12-17 🦀\n\n") == []


def test_the_check_finds_each_kind_of_break() -> None:
    no_link = BLOCK.replace(
        "[**Rust Hack and Learn**](https://www.meetup.com/rust-berlin/events/1/)", "**X**", 1
    )
    assert noncanonical_lines(no_link) == ["    * **X**"]
    no_group = BLOCK.replace(" | [Rust Berlin](https://www.meetup.com/rust-berlin)", "", 1)
    assert noncanonical_lines(no_group) == ["* 2025-11-20 | Virtual (Berlin, DE)"]
    swapped = BLOCK.replace("### Virtual", "### Oceania", 1)
    assert "### Europe" in noncanonical_lines(swapped)
    assert noncanonical_lines(BLOCK.rstrip("\n") + "\n") == [
        "(no empty line after the section ### Europe)"
    ]
    assert noncanonical_lines(BLOCK.replace("### Europe\n", "### Europe\n\n")) != []
