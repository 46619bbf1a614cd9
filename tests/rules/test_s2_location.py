"""LOCATION text becomes a TWIR place (`City[, ST], CC`) with its time zone, or None with a reason.

The address shapes are those of CALENDAR.md §2 and their everyday cousins.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from events.model import Place
from events.rules.gazetteer import STATE_COUNTRIES
from events.rules.places import (
    country_code,
    explain_location,
    parse_display,
    parse_location,
    timezone_for,
)
from events.rules.places import display as places_display

SECTIONS = Path(__file__).resolve().parents[3] / "shared" / "twir" / "sections"


def shown(text: str) -> str | None:
    place = parse_location(text)
    return places_display(place) if place else None


@pytest.mark.parametrize(
    ("text", "display"),
    [
        ("Seattle, WA, US", "Seattle, WA, US"),
        ("Lyon, FR", "Lyon, FR"),
        ("Cardiff, UK", "Cardiff, UK"),
        ("Leipzig, SN, DE", "Leipzig, DE"),
        ("Bergen, No", "Bergen, NO"),
    ],
)
def test_twir_form_reads_back_with_the_state_only_where_twir_shows_one(
    text: str, display: str
) -> None:
    assert shown(text) == display


def test_united_kingdom_is_stored_as_gb_and_shown_as_uk() -> None:
    place = parse_location("10 Chapel St, Manchester M3 5JZ, United Kingdom")
    assert place == Place("Manchester", "GB", None, "Europe/London")
    assert places_display(place) == "Manchester, UK"


@pytest.mark.parametrize("country", ["USA", "United States", "US", "U.S.A."])
def test_us_street_address_after_a_venue(country: str) -> None:
    text = f"Mozilla, 2 Harrison St, San Francisco, CA 94105, {country}"
    assert shown(text) == "San Francisco, CA, US"


@pytest.mark.parametrize("country", ["Germany", "Deutschland", "DE", "DEU"])
def test_postcode_before_the_city(country: str) -> None:
    assert shown(f"Rosenthaler Str. 40, 10178 Berlin, {country}") == "Berlin, DE"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Noser Engineering AG", None),  # Aktiengesellschaft, not Antigua and Barbuda
        ("Scandio GmbH AT", None),
        ("Berlin DE", "Berlin, DE"),  # a city the gazetteer knows there, and its code
        ("Mozilla Berlin DE", "Berlin, DE"),  # after a venue
        ("Google Zurich CH", "Zurich, CH"),
        ("Microsoft Reactor London UK", "London, UK"),
        ("Zurich CH", "Zurich, CH"),
        ("Paris France", "Paris, FR"),
    ],
)
def test_a_code_after_a_name_is_a_country_only_for_a_city_there(text, expected) -> None:
    assert shown(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "72 Granville St, Hybrid: Virtual and In-Person (Montreal, QC H2A 7E0, Canada",
            "Montreal, QC, CA",
        ),
        ("Mozilla (2 Harrison St, San Francisco, CA", "San Francisco, CA, US"),
    ],
)
def test_a_bracket_left_open_closes_at_the_end(text, expected) -> None:
    assert shown(text) == expected


def test_canadian_province_and_postal_code_in_one_part() -> None:
    assert shown("100 Queen St W, Toronto, ON M5H 2N2, Canada") == "Toronto, ON, CA"


def test_no_comma_between_city_state_and_postcode() -> None:
    assert shown("5 Martin Pl, Sydney NSW 2000, Australia") == "Sydney, NSW, AU"
    assert shown("Sydney NSW 2000") == "Sydney, NSW, AU"
    assert shown("Seattle WA") == "Seattle, WA, US"


@pytest.mark.parametrize(
    ("text", "display"),
    [
        ("10 Chapel St, Manchester M3 5JZ, UK", "Manchester, UK"),
        ("Herengracht 20, 1015 BR Amsterdam, Nederland", "Amsterdam, NL"),
        ("ul. Floriańska 5, 31-019 Kraków, Polska", "Kraków, PL"),
        ("Jindřišská 8, 110 00 Praha, Česko", "Praha, CZ"),
        ("Drottninggatan 9, 111 51 Stockholm, Sverige", "Stockholm, SE"),
        ("Av. Paulista 1000, São Paulo - SP, 01310-100, Brazil", "São Paulo, BR"),
        ("D-80331 München", "München, DE"),
        ("Edinburgh EH1 1YZ, Scotland", "Edinburgh, UK"),
        ("W Barcelona, Passeig de Joan de Borbó, Barcelona, CT, es, 08039", "Barcelona, ES"),
    ],
)
def test_postcodes_of_many_countries_are_stripped(text: str, display: str) -> None:
    assert shown(text) == display


@pytest.mark.parametrize(
    ("country", "code"),
    [
        ("Nederland", "NL"),
        ("Polska", "PL"),
        ("Česko", "CZ"),
        ("Czech Republic", "CZ"),
        ("Sverige", "SE"),
        ("Schweiz", "CH"),
        ("Suisse", "CH"),
        ("Svizzera", "CH"),
        ("España", "ES"),
        ("Österreich", "AT"),
        ("Danmark", "DK"),
        ("Norge", "NO"),
        ("Suomi", "FI"),
        ("Italia", "IT"),
        ("日本", "JP"),
        ("Türkiye", "TR"),
        ("South Korea", "KR"),
        ("Holland", "NL"),
    ],
)
def test_country_names_in_their_own_language(country: str, code: str) -> None:
    assert country_code(country) == code


@pytest.mark.parametrize("text", ["Mozilla", "Berlin", "Main Street", "", "XX"])
def test_other_words_are_not_countries(text: str) -> None:
    assert country_code(text) is None


def test_venue_first_address_picks_the_part_the_gazetteer_knows() -> None:
    assert shown("Roppongi Hills, Tokyo, Japan") == "Tokyo, JP"
    assert shown("Roppongi Hills, 6-10-1 Roppongi, Minato-ku, Tokyo 106-6108, Japan") == "Tokyo, JP"


@pytest.mark.parametrize(
    ("text", "display"),
    [
        ("Marienplatz 1, 80331 München, Deutschland", "München, DE"),
        ("Rue Sainte-Catherine 1, Montréal, QC H3B 1A1, Canada", "Montréal, QC, CA"),
        ("Brisbane City, QLD, AU", "Brisbane City, QLD, AU"),
        ("Frankfurt (Main), DE", "Frankfurt (Main), DE"),
        ("Ciudad de México, CDMX, México", "Ciudad de México, MX"),
    ],
)
def test_city_is_kept_as_written(text: str, display: str) -> None:
    assert shown(text) == display


def test_district_number_is_not_part_of_the_city() -> None:
    assert shown("Wenceslas Square 1, 110 00 Praha 1, Czechia") == "Praha, CZ"


def test_city_typed_in_lower_case_is_capitalised() -> None:
    assert shown("VISIT Hostel, lisbon") == "Lisbon, PT"


@pytest.mark.parametrize(
    ("text", "display"),
    [
        ("Austin, TX", "Austin, TX, US"),
        ("Toronto, ON", "Toronto, ON, CA"),
        ("Perth, WA", "Perth, WA, AU"),  # WA is also Washington
        ("Boston, MA", "Boston, MA, US"),  # MA is also Morocco
        ("Estes Park, CO", "Estes Park, CO, US"),  # CO is also Colombia
        ("Atlanta, Georgia", "Atlanta, GA, US"),
        ("Tbilisi, Georgia", "Tbilisi, GE"),
    ],
)
def test_state_without_country_names_the_country(text: str, display: str) -> None:
    assert shown(text) == display


@pytest.mark.parametrize(
    ("text", "display"),
    [
        ("Los Angeles, California", "Los Angeles, CA, US"),
        ("Level 5, 1 Martin Place, Sydney, New South Wales 2000, Australia", "Sydney, NSW, AU"),
        ("Vancouver, British Columbia, Canada", "Vancouver, BC, CA"),
        ("Melbourne, Victoria, Australia", "Melbourne, VIC, AU"),
        ("Washington, D.C.", "Washington, DC, US"),
    ],
)
def test_state_names_become_codes(text: str, display: str) -> None:
    assert shown(text) == display


def test_missing_state_is_taken_from_the_gazetteer() -> None:
    assert shown("Montréal, CA") == "Montréal, QC, CA"
    assert shown("Sydney, Australia") == "Sydney, NSW, AU"


def test_city_alone_when_the_gazetteer_knows_one_big_one() -> None:
    assert shown("Berlin") == "Berlin, DE"
    assert shown("Impact Hub, Rotterdam") == "Rotterdam, NL"
    assert shown("The London Stock Exchange 10 Paternoster Square London EC4M 7LS") == "London, UK"


@pytest.mark.parametrize("text", ["Cambridge", "Portland"])
def test_city_alone_that_several_places_share_is_refused(text: str) -> None:
    place, reason = explain_location(text)
    assert place is None
    assert reason is not None and reason.startswith("ambiguous")


@pytest.mark.parametrize(
    "text",
    [
        "",
        "Online",
        "Online event",
        "Virtual",
        "Zoom",
        "Webex - see details below",
        "https://meet.jit.si/rust-berlin",
        "https://zoom.us/j/94904595244",
        "Online (Kampala, UG)",
    ],
)
def test_online_markers_are_not_places(text: str) -> None:
    place, reason = explain_location(text)
    assert place is None and reason


@pytest.mark.parametrize(
    "text", ["TBD", "?", "asdf qwer", "Some Venue, 12 Main Street", "Darmstadr, DE"]
)
def test_unreadable_text_is_refused_with_a_reason(text: str) -> None:
    place, reason = explain_location(text)
    assert place is None and reason


@pytest.mark.parametrize(
    ("text", "display"),
    [
        ("Munich, DE + Virtual", "Munich, DE"),
        ("Hybrid (Paris, FR)", "Paris, FR"),
        ("Virtual and In-Person (Vancouver, BC, CA)", "Vancouver, BC, CA"),
        ("Praha, CZ - Virtual + In-person", "Praha, CZ"),
        ("Live and in-person @ Morgan Stanley, 522 5th Avenue, New York", "New York, NY, US"),
    ],
)
def test_hybrid_wording_around_a_place_is_dropped(text: str, display: str) -> None:
    assert shown(text) == display


def test_address_in_brackets_after_the_venue() -> None:
    assert shown("Mozilla SF (2 Harrison St, San Francisco, CA)") == "San Francisco, CA, US"
    assert shown("Berlin, Germany (2nd floor, room 5)") == "Berlin, DE"


def test_dashes_and_dots_separate_parts_like_commas() -> None:
    text = "Fordham University School of Law - 150 West 62nd Street - New York, NY 10023"
    assert shown(text) == "New York, NY, US"
    assert shown("Lloyds Banking Group  33 Old Broad St · London") == "London, UK"


def test_city_after_a_floor_in_the_same_part() -> None:
    assert shown("OpenFin, 25 Broadway, 9th Floor  New York, NY 10004") == "New York, NY, US"


def test_country_named_after_its_city() -> None:
    assert shown("Singapore") == "Singapore, SG"
    assert shown("Marina Bay Sands, 10 Bayfront Ave, Singapore 018956") == "Singapore, SG"


def test_city_and_country_in_one_part() -> None:
    assert shown("Paris France") == "Paris, FR"


def test_map_coordinates_are_ignored() -> None:
    text = "Legalitat, 17, Gràcia, Barcelona, 08024, Spain@41.4078426056737,2.15981796383858"
    assert shown(text) == "Barcelona, ES"


def test_a_parsed_place_carries_its_time_zone() -> None:
    assert parse_location("Jindřišská 8, 110 00 Praha, Česko").timezone == "Europe/Prague"


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=60))
def test_any_text_gives_a_place_or_a_reason_and_never_raises(text: str) -> None:
    place, reason = explain_location(text)
    assert (place is None) != (reason is None)
    if place is not None:
        assert re.fullmatch(r"[A-Z]{2}", place.country)
        assert place.state is None or place.country in STATE_COUNTRIES


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab 1,;\n()[]-–·|.\t")), max_size=40))
def test_an_address_is_split_as_the_bracket_aware_loop_splits_it(
    text: str,
) -> None:
    from events.rules.places import _SEPARATOR, _split, _split_bracketed

    assert _split(text) == _split_bracketed(_SEPARATOR.sub(",", text))


# -- time zones ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("city", "country", "state", "zone"),
    [
        ("Seattle", "US", "WA", "America/Los_Angeles"),
        ("Berlin", "DE", None, "Europe/Berlin"),
        ("München", "DE", None, "Europe/Berlin"),
        ("Sydney", "AU", "NSW", "Australia/Sydney"),
        ("Brisbane City", "AU", "QLD", "Australia/Brisbane"),
        ("Tokyo", "JP", None, "Asia/Tokyo"),
        ("Kampala", "UG", None, "Africa/Kampala"),
        ("Montréal", "CA", "QC", "America/Toronto"),
        ("México City", "MX", None, "America/Mexico_City"),
        ("Phoenix", "US", "AZ", "America/Phoenix"),
        ("Perth", "AU", None, "Australia/Perth"),
        ("Cardiff", "UK", None, "Europe/London"),
    ],
)
def test_time_zone_of_a_known_city(city: str, country: str, state: str | None, zone: str) -> None:
    assert timezone_for(city, country, state) == zone


def test_same_name_in_two_states_is_told_apart_by_the_state() -> None:
    assert timezone_for("Portland", "US", "OR") == "America/Los_Angeles"
    assert timezone_for("Portland", "US", "ME") == "America/New_York"


def test_unknown_city_falls_back_to_its_state_zone() -> None:
    assert timezone_for("Nowhereville", "AU", "ACT") == "Australia/Sydney"
    assert timezone_for("Nowhereville", "US", "CO") == "America/Denver"


def test_unknown_city_falls_back_to_a_single_zone_country() -> None:
    assert timezone_for("Moravia", "CZ") == "Europe/Prague"


def test_unknown_city_in_a_country_of_several_zones_has_no_zone() -> None:
    assert timezone_for("Nowhereville", "US") is None
    assert timezone_for("Nowhereville", "AU") is None


# -- strict TWIR form ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "place"),
    [
        ("Seattle, WA, US", Place("Seattle", "US", "WA", "America/Los_Angeles")),
        ("London, UK", Place("London", "GB", None, "Europe/London")),
        ("Leipzig, SN, DE", Place("Leipzig", "DE", None, "Europe/Berlin")),
        ("Montréal, CA", Place("Montréal", "CA", "QC", "America/Toronto")),
        ("Kampala, UG", Place("Kampala", "UG", None, "Africa/Kampala")),
    ],
)
def test_parse_display_reads_twir_form(text: str, place: Place) -> None:
    assert parse_display(text) == place


@pytest.mark.parametrize(
    "text",
    [
        "Tel Aviv, Israel",
        "Rosenthaler Str. 40, 10178 Berlin, Germany",
        "Seattle, XX, US",
        "Berlin",
        "Virtual",
        "Austin, TX",
    ],
)
def test_parse_display_refuses_anything_else(text: str) -> None:
    assert parse_display(text) is None


def test_online_home_is_the_place_in_brackets() -> None:
    from events.rules.wording import read_location_words

    words = read_location_words("Online (Kampala, UG)")
    assert (words.mode, parse_display(words.place)) == (
        "online",
        Place("Kampala", "UG", None, "Africa/Kampala"),
    )
    assert read_location_words("Online").place == ""
    assert read_location_words("Berlin, DE").mode == "in-person"


# -- the archive -----------------------------------------------------------------------------


def _archive_places() -> set[str]:
    """Distinct in-person location strings published under the region headings."""
    found: set[str] = set()
    for path in sorted(SECTIONS.glob("*.md")):
        heading = None
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.startswith("###"):
                heading = line.strip("#: ")
            elif line.startswith("* ") and heading not in (None, "Virtual"):
                columns = line.split(" | ")
                text = columns[1].strip() if len(columns) >= 3 else ""
                if text and not re.search(r"virtual|hybrid|in[- ]person", text, re.I):
                    found.add(text)
    return found


@pytest.mark.skipif(not SECTIONS.is_dir(), reason="TWIR archive not present")
def test_published_places_read_back_as_themselves() -> None:
    texts = _archive_places()
    same = zoned = 0
    for text in texts:
        place = parse_location(text)
        published = parse_display(text)
        if place is not None and place.timezone:
            zoned += 1
        if place is None or published is None:
            continue
        # modulo the convention: a published state must match, a missing one may be added
        if (place.city, place.country) == (published.city, published.country) and (
            published.state in (None, place.state)
        ):
            same += 1
    assert len(texts) > 150
    assert same / len(texts) >= 0.97
    assert zoned / len(texts) >= 0.97


def test_gazetteer_keys_are_what_name_key_computes_today() -> None:
    """The data file is keyed by name_key at build time; a change to name_key needs a rebuild
    (tools/build_places_data.py), which this catches."""
    from events.rules.gazetteer import _gazetteer
    from events.rules.names import place_key

    keys = _gazetteer().sample_keys(97) + list(_gazetteer().countries)[::7]
    assert keys
    assert [k for k in keys if place_key(k) != k] == []
