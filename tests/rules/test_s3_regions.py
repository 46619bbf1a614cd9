"""Countries go under the continent headings the way TWIR files them."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from pathlib import Path

import pycountry
import pytest

from events.rules.gazetteer import country_code
from events.rules.regions import REGION_ORDER, region_of

SECTIONS = Path(__file__).resolve().parents[3] / "shared" / "twir" / "sections"


def test_regions_are_in_published_order() -> None:
    assert REGION_ORDER == (
        "Africa",
        "Asia",
        "Europe",
        "North America",
        "Oceania",
        "South America",
    )


@pytest.mark.parametrize(
    ("country", "region"),
    [
        ("IL", "Asia"),
        ("TR", "Europe"),
        ("CY", "Europe"),
        ("RU", "Europe"),
        ("MX", "North America"),
        ("PA", "North America"),  # Central America
        ("CR", "North America"),
        ("JM", "North America"),  # the Caribbean
        ("CU", "North America"),
        ("CO", "South America"),
        ("EG", "Africa"),
        ("NZ", "Oceania"),
        ("GB", "Europe"),
        ("GB", "Europe"),
        ("us", "North America"),
    ],
)
def test_edge_countries(country: str, region: str) -> None:
    assert region_of(country) == region


def test_every_iso_country_has_a_published_region() -> None:
    missing = [c.alpha_2 for c in pycountry.countries if region_of(c.alpha_2) not in REGION_ORDER]
    assert missing == []


@pytest.mark.parametrize("code", ["XX", "", "Germany"])
def test_what_is_not_a_country_code_has_no_region(code: str) -> None:
    assert region_of(code) == ""


@pytest.mark.skipif(not SECTIONS.is_dir(), reason="TWIR archive not present")
def test_table_agrees_with_the_archive_headings() -> None:
    """For every country the archive lists, the heading it is listed under most often is ours,
    and the few listings elsewhere are editors' slips (under 2%)."""
    headings: dict[str, Counter[str]] = defaultdict(Counter)
    for path in sorted(SECTIONS.glob("*.md")):
        heading = None
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.startswith("###"):
                heading = line.strip("#: ")
            elif line.startswith("* ") and heading not in (None, "Virtual"):
                columns = line.split(" | ")
                # the country code is the last two-letter word of the location column
                codes = re.findall(r"\b([A-Za-z]{2})\b", columns[1]) if len(columns) > 2 else []
                if codes:
                    headings[codes[-1].upper()][heading] += 1
    assert len(headings) > 30
    disagreements = total = 0
    for country, counts in headings.items():
        region = region_of(country_code(country) or "")
        assert counts.most_common(1)[0][0] == region, country
        total += sum(counts.values())
        disagreements += sum(n for h, n in counts.items() if h != region)
    assert disagreements / total < 0.02
