"""Reading published blocks back, in every style the archive has used."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from events.model import Place
from events.registry.archive import parse_block
from events.rules.places import parse_display, read_location_column

SECTIONS = Path(__file__).resolve().parents[2] / "shared" / "twir" / "sections"

CURRENT = """\
Rusty Events between 2025-11-19 - 2025-12-17 🦀

### Virtual
* 2025-11-20 | Virtual (Berlin, DE) | [Rust Berlin](https://www.meetup.com/rust-berlin)
    * [**Rust Hack and Learn**](https://www.meetup.com/rust-berlin/events/306046642/)

### Europe
* 2025-11-20 | Aarhus, DK | [Rust Aarhus](https://www.meetup.com/rust-aarhus)
    * [**Social Night**](https://www.meetup.com/rust-aarhus/events/311502123/)
* 2026-05-18 - 2026-05-20 | Utrecht, NL | [RustWeek](https://rustweek.org/)
    * [**RustWeek 2026**](https://rustweek.org/)

"""


def block(body: str) -> str:
    return "Rusty Events between 2023-01-04 - 2023-02-01 🦀\n\n" + body


def only(text: str):
    (listing,) = parse_block(text).listings
    return listing


def test_current_style_gives_window_sections_and_fields():
    parsed = parse_block(CURRENT)
    assert (parsed.start, parsed.end) == (date(2025, 11, 19), date(2025, 12, 17))
    assert [name for name, _ in parsed.sections] == ["Virtual", "Europe"]
    first = parsed.listings[0]
    assert first.date == first.end_date == date(2025, 11, 20)
    assert first.location == "Virtual (Berlin, DE)"
    assert first.groups == (("Rust Berlin", "https://www.meetup.com/rust-berlin"),)
    assert first.titles == (
        ("Rust Hack and Learn", "https://www.meetup.com/rust-berlin/events/306046642/"),
    )
    assert first.section == "Virtual"


def test_multi_day_range_with_dash():
    last = parse_block(CURRENT).listings[-1]
    assert (last.date, last.end_date) == (date(2026, 5, 18), date(2026, 5, 20))


@pytest.mark.parametrize(
    "dates",
    [
        "2023-02-16 & 2023-02-17",
        "2023-02-16, 2023-02-17",
        "2023-02-16 * 2023-02-17",
        "2023-02-16-17",
    ],
)
def test_old_multi_day_spellings(dates):
    listing = only(block(f"### Europe\n* {dates} | London, UK | [RN](https://rn.example/)\n"))
    assert (listing.date, listing.end_date) == (date(2023, 2, 16), date(2023, 2, 17))


def test_headings_with_colons_hashes_and_blank_lines_after_them():
    text = block(
        "### Oceania:\n\n* 2023-01-05 | Perth, WA, AU | [P](https://p.example/)\n"
        "    * [**T**](https://p.example/1)\n\n# South America\n\n"
        "* 2023-01-06 | Lima, PE | [L](https://l.example/)\n\n    * [**U**](https://l.example/2)\n"
    )
    parsed = parse_block(text)
    assert [name for name, _ in parsed.sections] == ["Oceania", "South America"]
    assert [listing.titles[0][0] for listing in parsed.listings] == ["T", "U"]


def test_dash_bullets_odd_indentation_and_missing_bullet():
    text = block(
        "### Europe\n- 2023-01-05 | Oslo, NO | [O](https://o.example/)\n"
        "  - [**T**](https://o.example/1)\n"
        " * 2023-01-06 | Bergen, NO | [B](https://b.example/)\n   * [**U**](https://b.example/2)\n"
        "2023-01-07 | Girona, ES | [G](https://lu.ma/rust-girona)\n    * [**V**](https://lu.ma/x)\n"
    )
    listings = parse_block(text).listings
    assert [(item.groups[0][0], item.titles[0][0]) for item in listings] == [
        ("O", "T"),
        ("B", "U"),
        ("G", "V"),
    ]


def test_trailing_spaces_and_missing_space_before_pipe():
    listing = only(
        block(
            "### Virtual\n"
            "* 2023-01-11 | Virtual (Boulder, CO, US)| [Boulder](https://b.example/) \n"
            "    * [**Monthly Meetup**](https://b.example/e/1)   \n"
        )
    )
    assert listing.location == "Virtual (Boulder, CO, US)"
    assert listing.groups == (("Boulder", "https://b.example/"),)
    assert listing.titles == (("Monthly Meetup", "https://b.example/e/1"),)


@pytest.mark.parametrize("joiner", [" | ", " and ", " + ", ", "])
def test_several_groups_on_one_line(joiner):
    groups = joiner.join(["[A](https://a.example/)", "[B](https://b.example/)"])
    listing = only(block(f"### Virtual\n* 2023-01-12 | Virtual | {groups}\n"))
    assert listing.groups == (("A", "https://a.example/"), ("B", "https://b.example/"))
    assert listing.location == "Virtual"


def test_several_titles_on_the_second_line():
    listing = only(
        block(
            "### Virtual\n* 2023-01-12 | Virtual | [A](https://a.example/)\n"
            "    * [**Ep. 1**](https://a.example/1) | [**Stockholm Mirror**](https://s.example/2)"
            " | [***São Paulo Mirror**](https://p.example/3)\n"
        )
    )
    assert listing.titles == (
        ("Ep. 1", "https://a.example/1"),
        ("Stockholm Mirror", "https://s.example/2"),
        ("São Paulo Mirror", "https://p.example/3"),
    )


def test_pipes_and_brackets_inside_link_texts():
    listing = only(
        block(
            "### South America\n* 2023-03-01 | Buenos Aires, AR | "
            "[Rust en Español | Rust Argentina](https://www.meetup.com/rust-argentina)\n"
            "    * [**[Net-Baires] Rust | intro (part 1)**](https://x.example/a_(b))\n"
        )
    )
    assert listing.location == "Buenos Aires, AR"
    assert listing.groups == (
        ("Rust en Español | Rust Argentina", "https://www.meetup.com/rust-argentina"),
    )
    assert listing.titles == (("[Net-Baires] Rust | intro (part 1)", "https://x.example/a_(b)"),)


def test_editor_slips_in_links_are_tolerated():
    text = block(
        "### Europe\n* 2023-03-01 | Salzburg, AT | Rust Salzburg\n"
        "    * [**Rust Salzburg meetup**]: 6:30pm - CCC Salzburg\n"
        "* 2023-03-02 | Berlin, DE | [Oxidize Conference] (https://oxidizeconf.com/)\n"
        "    * [**Monthly Meetup**]https://o.example/e/1)\n"
        "* 2023-03-03 | Luzern, CH | [Rust Luzern]((https://www.meetup.com/rust-luzern/)\n"
        "* 2023-03-04 | Virtual (Linz, AT) [Rust Linz](https://www.meetup.com/rust-linz/)\n"
    )
    salzburg, oxidize, luzern, linz = parse_block(text).listings
    assert salzburg.groups == (("Rust Salzburg", ""),)
    assert salzburg.titles == (("Rust Salzburg meetup", ""),)
    assert oxidize.groups == (("Oxidize Conference", "https://oxidizeconf.com/"),)
    assert oxidize.titles == (("Monthly Meetup", "https://o.example/e/1"),)
    assert luzern.groups == (("Rust Luzern", "https://www.meetup.com/rust-luzern/"),)
    assert (linz.location, linz.groups[0][0]) == ("Virtual (Linz, AT)", "Rust Linz")


def column(text):
    """A published location column read back, places as (city, country, state)."""
    mode, places = read_location_column(text)
    return mode, tuple((p.city, p.country, p.state) for p in places)


def test_text_without_header_is_rejected():
    with pytest.raises(ValueError, match="Rusty Events between"):
        parse_block("### Virtual\n* 2023-01-12 | Virtual | [A](https://a.example/)\n")


@pytest.mark.parametrize(
    "location",
    [
        "Hybrid (Seattle, WA, US)",
        "Virtual and In-Person (Seattle, WA, US)",
        "Hybrid: In-Person and Virtual (Seattle, WA, US)",
        "Hybrid - Virtual and In-person (Seattle, WA, US)",
        "Virtual + In Person (Seattle, WA, US)",
        "Seattle, WA, US + Virtual",
        "Hybrid - Seattle, WA, US",
        "Hybrid (Virtual + In-person) Seattle, WA, US",
    ],
)
def test_hybrid_wordings(location):
    assert column(location) == ("hybrid", (("Seattle", "US", "WA"),))


def test_online_locations():
    assert column("Virtual (Berlin, DE)") == ("online", (("Berlin", "DE", None),))
    assert column("Virtual( Kampala, UG)") == ("online", (("Kampala", "UG", None),))
    assert column("Virtual") == ("online", ())
    mode, places = column("Virtual (Redmond, WA, US; New York, NY, US)")
    assert (mode, len(places)) == ("online", 2)


def test_in_person_location_keeps_parentheses_in_the_city():
    assert column("Los Angeles (Chino Hills), CA, US") == (
        "in-person",
        (("Los Angeles (Chino Hills)", "US", "CA"),),
    )


@pytest.mark.parametrize(
    ("text", "place"),
    [
        ("Leipzig, SN, DE", Place("Leipzig", "DE")),
        ("Cardiff, UK", Place("Cardiff", "GB")),
        ("Canberra, ACT, AU", Place("Canberra", "AU", "ACT")),
        ("Minneapolis, MN US", Place("Minneapolis", "US", "MN")),
        ("Bergen, No", Place("Bergen", "NO")),
        ("Tel Aviv, Israel", Place("Tel Aviv", "IL")),
        ("Europe", None),
        ("Somewhere, Atlantis", None),
        ("Miami, FL", None),
    ],
)
def test_parse_place(text, place):
    found = parse_display(text, lenient=True)
    assert (found and (found.city, found.country, found.state)) == (
        place and (place.city, place.country, place.state)
    )


@pytest.mark.skipif(not SECTIONS.is_dir(), reason="../shared/twir/sections is absent")
def test_every_published_block_parses_with_every_listing():
    for path in sorted(SECTIONS.glob("*.md")):
        text = path.read_text("utf-8")
        parsed = parse_block(text)
        bullets = re.findall(r"(?m)^\W*20\d\d-", text)
        assert len(parsed.listings) == len(bullets), path.name
        assert all(listing.groups and listing.titles for listing in parsed.listings), path.name
