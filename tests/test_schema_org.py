"""Reading an event's page (CALENDAR.md §1 "Event pages"): the schema.org Event in its JSON-LD,
in every shape sites write it, and nothing from a page that holds no Event."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import pytest

from events.model import Group, Place
from events.rules import schema_org
from events.rules.schema_org import read_event_page
from tests import event_pages as pages

CET = timezone(timedelta(hours=1))
PST = timezone(timedelta(hours=-8))


def _page(*scripts: Any, head: str = "", raw: bool = False) -> bytes:
    """A plain page holding each script as a JSON-LD element (a string is written as is)."""
    parts = []
    for script in scripts:
        text = script if isinstance(script, str) else json.dumps(script)
        parts.append(f'<script type="application/ld+json">{text}</script>')
    body = f"<!DOCTYPE html><html><head>{head}{''.join(parts)}</head><body><p>x</p></body></html>"
    return body.encode()


# -- pages as the platforms serve them -----------------------------------------------------


def test_a_meetup_page_of_an_online_event():
    url = "https://www.meetup.com/rust-berlin/events/306046642/"
    facts = read_event_page(pages.MEETUP_ONLINE.encode(), url)
    assert facts is not None
    assert facts.url == url
    assert facts.name == "Rust Hack and Learn"
    assert facts.start == datetime(2025, 11, 20, 19, 0, tzinfo=CET)
    assert facts.end == datetime(2025, 11, 20, 21, 0, tzinfo=CET)
    assert facts.status == "scheduled"
    assert facts.mode == "online"
    assert facts.place is None
    assert facts.online_url == url
    # Meetup's own Organization is the site's, not the event's organiser
    assert facts.organizers == (Group("Rust Berlin", "https://www.meetup.com/rust-berlin/"),)


def test_a_meetup_page_of_an_in_person_event_gives_the_venue_city_as_written():
    facts = read_event_page(
        pages.MEETUP_IN_PERSON.encode(), "https://www.meetup.com/rust-munich/events/311502123/"
    )
    assert facts is not None
    assert facts.name == "Rust Meetup #16: Christian Meusel - Oxidizing Step by Step"
    assert facts.mode == "in-person"
    assert facts.place == Place("München", "DE", None, "Europe/Berlin")
    assert facts.address is not None and "Beta-Straße 13a" in facts.address
    assert facts.organizers[0].name == "Rust Munich"


def test_meetups_sign_in_page_says_nothing_about_the_event():
    assert read_event_page(pages.MEETUP_SIGN_IN.encode(), "https://www.meetup.com/login/") is None


def test_a_luma_page_in_utc_with_a_country_object_and_a_state_name():
    facts = read_event_page(pages.LUMA_IN_PERSON.encode(), "https://luma.com/q7x2m1ab")
    assert facts is not None
    assert facts.name == "Rust NYC: Async Rust in Production"
    assert facts.start == datetime(2025, 11, 20, 23, 0, tzinfo=UTC)
    assert facts.place == Place("New York", "US", "NY", "America/New_York")
    assert facts.mode == "in-person"
    # the calendar (an Organization) comes before the hosts (Persons)
    assert [g.name for g in facts.organizers] == ["Rust NYC", "Jane Host"]
    assert facts.organizers[0].url == "https://luma.com/rust-nyc"


def test_a_luma_page_with_a_written_address_and_bare_enumeration_names():
    facts = read_event_page(pages.LUMA_ADDRESS_STRING.encode(), "https://luma.com/pierogi4")
    assert facts is not None
    assert facts.name == "Rust & Pierogi #4"  # the entity is decoded
    assert facts.status == "scheduled"
    assert facts.mode == "in-person"
    assert facts.place is not None and (facts.place.city, facts.place.country) == ("Kraków", "PL")
    assert facts.address == "ul. Floriańska 5, 31-019 Kraków, Polska"
    assert facts.organizers == (Group("Ola Nowak", "https://luma.com/user/usr-z9"),)


def test_an_eventbrite_page_with_the_event_in_a_list():
    url = "https://www.eventbrite.com/e/intro-to-rust-workshop-tickets-1234567890"
    facts = read_event_page(pages.EVENTBRITE.encode(), url)
    assert facts is not None
    assert facts.name == "Intro to Rust Workshop"
    assert facts.start == datetime(2025, 11, 20, 18, 0, tzinfo=PST)
    assert facts.place == Place("Seattle", "US", "WA", "America/Los_Angeles")
    assert facts.organizers[0].name == "Seattle Rust User Group"


def test_a_conference_site_with_a_graph_a_commented_list_and_a_referenced_organiser():
    facts = read_event_page(pages.CONFERENCE_WORDPRESS.encode(), "https://2026.rustnl.org/")
    assert facts is not None
    assert facts.name == "RustNL 2026"
    assert (facts.start, facts.end) == (date(2026, 5, 18), date(2026, 5, 20))
    assert facts.mode == "hybrid"
    assert facts.place is not None and (facts.place.city, facts.place.country) == ("Utrecht", "NL")
    assert facts.online_url == "https://www.youtube.com/@rustnl"
    # `{"@id": "…#organization"}` is the Organization node of the other script's @graph
    assert facts.organizers == (Group("Stichting RustNL", "https://rustnl.org/"),)


def test_a_hand_written_page_upper_case_cdata_nested_and_moved_online():
    facts = read_event_page(pages.CONFERENCE_MOVED_ONLINE.encode(), "https://eurorust.eu/2025/")
    assert facts is not None
    assert facts.name == "EuroRust 2025"
    assert facts.status == "moved-online"
    assert facts.mode == "online"  # the status overrides the stale attendance mode
    assert facts.place is not None and facts.place.country == "FR"  # a Country given by code


def test_a_cancelled_event_after_a_broken_script():
    facts = read_event_page(pages.CANCELLED_SOCIAL.encode(), "https://rust-aarhus.dk/social")
    assert facts is not None
    assert facts.name == "Social Night"
    assert facts.status == "cancelled"
    assert facts.place is not None and facts.place.country == "DK"


def test_og_title_names_a_nameless_event_without_the_sites_suffix():
    facts = read_event_page(pages.NAMELESS_EVENT.encode(), "https://example.org/lunch")
    assert facts is not None
    assert facts.name == "Rust Lunch Talk"
    assert facts.mode == "online"
    assert facts.online_url == "https://meet.jit.si/rust-lunch"


@pytest.mark.parametrize(
    ("og_title", "name"),
    [
        ("Rust Hack and Learn, Thu, Nov 20, 2025, 7:00 PM | Meetup", "Rust Hack and Learn"),
        ("Intro to Rust Tickets, Thu, Nov 20, 2025 at 6:00 PM | Eventbrite", "Intro to Rust"),
        ("Rust NYC: Async Rust · Luma", "Rust NYC: Async Rust"),
        ("Rust Meetup - Rust Zürich", "Rust Meetup"),  # og:site_name is "Rust Zürich"
    ],
)
def test_og_title_loses_what_platforms_add(og_title, name):
    head = (
        f'<meta property="og:title" content="{og_title}">'
        '<meta property="og:site_name" content="Rust Zürich">'
    )
    body = _page({"@type": "Event", "startDate": "2025-11-20"}, head=head)
    facts = read_event_page(body, "https://example.org/e")
    assert facts is not None and facts.name == name


def test_the_pages_title_alone_never_names_anything():
    head = "<title>Rust Hack and Learn</title>"
    facts = read_event_page(_page({"@type": "Event", "startDate": "2025-11-20"}, head=head), "u")
    assert facts is not None and facts.name is None
    assert read_event_page(pages.BLOG_POST.encode(), "https://example.org/blog") is None


def test_a_listing_of_several_events_is_about_none_of_them_unless_one_is_the_page():
    body = pages.GROUP_LISTING.encode()
    assert read_event_page(body, "https://www.meetup.com/rust-berlin/") is None
    facts = read_event_page(body, "https://www.meetup.com/rust-berlin/events/306046999")
    assert facts is not None and facts.name == "Rust and Tell"


@pytest.mark.parametrize("body", [pages.NOT_FOUND, pages.CHALLENGE, ""])
def test_error_pages_say_nothing(body):
    assert read_event_page(body.encode(), "https://www.meetup.com/x/events/1/") is None


@pytest.mark.parametrize(
    "body",
    [
        bytes(range(256)) * 40,
        b"\x89PNG\r\n\x1a\n" + b"\x00" * 500,
        b'<script type="application/ld+json">{"@type": "Event", "name": "x",}</script>',
        b'<script type="application/ld+json">{"@type": "Event"} {"@type": "Event"}</script>',
        b'<script type="application/ld+json">{"@type": "Event", "name": NaN}</script>',
        b'<script type="application/ld+json">' + b"[" * 50_000 + b"]" * 50_000 + b"</script>",
        b'<script type="application/ld+json">{"@type": "Event", "name": "unclosed',
        b"<html><head><script type='application/ld+json'>null</script></head></html>",
    ],
    ids=["bytes", "png", "trailing-comma", "two-documents", "nan", "deep", "unclosed", "null"],
)
def test_garbage_is_no_event(body):
    assert read_event_page(body, "https://example.org/e") is None


# -- every shape of CALENDAR.md §1 ----------------------------------------------------------

EVENT: dict[str, Any] = {
    "@type": "Event",
    "name": "Rust and Tell",
    "startDate": "2025-11-27T19:00:00+01:00",
    "eventAttendanceMode": "https://schema.org/OfflineEventAttendanceMode",
    "location": {
        "@type": "Place",
        "name": "Prenzlauer Berg office",
        "address": {
            "@type": "PostalAddress",
            "streetAddress": "Rosenthaler Str. 40",
            "addressLocality": "Berlin",
            "postalCode": "10178",
            "addressCountry": "DE",
        },
    },
    "organizer": {"@type": "Organization", "name": "Rust Berlin", "url": "https://rust.berlin/"},
}
SITE = {"@type": "WebSite", "name": "Rust Berlin", "url": "https://rust.berlin/"}
ORG = {"@type": "Organization", "name": "Some Platform", "url": "https://platform.example/"}
CRUMBS = {"@type": "BreadcrumbList", "itemListElement": [{"@type": "ListItem", "position": 1}]}


def _with_context(node: dict[str, Any]) -> dict[str, Any]:
    return {"@context": "https://schema.org", **node}


SHAPES = {
    "one object": [_with_context(EVENT)],
    "in a list": [[_with_context(SITE), _with_context(EVENT)]],
    "in a graph": [{"@context": "https://schema.org", "@graph": [SITE, CRUMBS, EVENT]}],
    "several scripts": [_with_context(ORG), _with_context(CRUMBS), _with_context(EVENT)],
    "main entity": [
        {"@type": "WebPage", "name": "Rust and Tell | Rust Berlin", "mainEntity": EVENT}
    ],
    "item list": [{"@type": "ItemList", "itemListElement": [{"@type": "ListItem", "item": EVENT}]}],
    "graph with references": [
        {
            "@context": "https://schema.org",
            "@graph": [
                {"@type": "WebPage", "@id": "#page", "mainEntity": {"@id": "#event"}},
                {
                    **EVENT,
                    "@id": "#event",
                    "organizer": {"@id": "#org"},
                    "location": {"@id": "#venue"},
                },
                {"@id": "#org", **EVENT["organizer"]},
                {"@id": "#venue", **EVENT["location"]},
            ],
        }
    ],
    "subtype list": [{**EVENT, "@type": ["Event", "SocialEvent"]}],
    "full type url": [{**EVENT, "@type": "https://schema.org/SocialEvent"}],
    "education event": [{**EVENT, "@type": "EducationEvent"}],
    "with sub-events": [{**EVENT, "subEvent": [{"@type": "Event", "name": "Lightning talks"}]}],
}


@pytest.mark.parametrize("shape", SHAPES, ids=list(SHAPES))
def test_every_shape_reads_the_same(shape):
    facts = read_event_page(_page(*SHAPES[shape]), "https://rust.berlin/events/tell")
    assert facts is not None
    assert facts.name == "Rust and Tell"
    assert facts.start == datetime(2025, 11, 27, 19, 0, tzinfo=CET)
    assert facts.mode == "in-person"
    assert facts.place == Place("Berlin", "DE", None, "Europe/Berlin")
    assert facts.organizers == (Group("Rust Berlin", "https://rust.berlin/"),)


@pytest.mark.parametrize(
    "wrapped",
    [
        "<!--\n{}\n-->",
        "//<![CDATA[\n{}\n//]]>",
        "/*<![CDATA[*/{}/*]]>*/",
        "<![CDATA[{}]]>",
        "\n\n   {}   \n",
    ],
)
def test_comment_and_cdata_wrappers(wrapped):
    script = wrapped.replace("{}", json.dumps(EVENT))
    facts = read_event_page(_page(script), "u")
    assert facts is not None and facts.name == "Rust and Tell"


@pytest.mark.parametrize(
    "tag",
    [
        '<SCRIPT TYPE="application/ld+json">',
        "<script type='Application/LD+JSON'>",
        '<script type="application/ld+json; charset=utf-8" nonce="abc">',
        '<script data-rh="true" type = "application/ld+json" >',
        "<script type=application/ld+json>",
    ],
)
def test_script_tags_as_written(tag):
    body = f"<html><head>{tag}{json.dumps(EVENT)}</script></head></html>".encode()
    facts = read_event_page(body, "u")
    assert facts is not None and facts.name == "Rust and Tell"


@pytest.mark.parametrize(
    "kind", ["text/javascript", "application/json", "", "text/template", "module"]
)
def test_other_scripts_are_never_read(kind):
    attribute = f' type="{kind}"' if kind else ""
    body = f"<html><head><script{attribute}>{json.dumps(EVENT)}</script></head></html>"
    assert read_event_page(body.encode(), "u") is None


def test_a_script_inside_a_comment_is_not_one():
    body = f'<html><head><!-- <script type="application/ld+json">{json.dumps(EVENT)}</script> -->'
    assert read_event_page((body + "</head></html>").encode(), "u") is None


# -- the fields ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "status"),
    [
        ("https://schema.org/EventCancelled", "cancelled"),
        ("http://schema.org/EventCancelled", "cancelled"),
        ("EventCancelled", "cancelled"),
        ("schema:EventCancelled", "cancelled"),
        ({"@id": "https://schema.org/EventCancelled"}, "cancelled"),
        ("https://schema.org/EventPostponed", "postponed"),
        ("EventRescheduled", "rescheduled"),
        ("https://schema.org/EventMovedOnline", "moved-online"),
        ("https://schema.org/EventScheduled", "scheduled"),
        ("SoldOut", None),
        (42, None),
    ],
)
def test_event_status(value, status):
    facts = read_event_page(_page({**EVENT, "eventStatus": value}), "u")
    assert facts is not None and facts.status == status


@pytest.mark.parametrize(
    ("value", "mode"),
    [
        ("https://schema.org/OfflineEventAttendanceMode", "in-person"),
        ("https://schema.org/OnlineEventAttendanceMode", "online"),
        ("http://schema.org/MixedEventAttendanceMode", "hybrid"),
        ("MixedEventAttendanceMode", "hybrid"),
        ("schema:OnlineEventAttendanceMode", "online"),
    ],
)
def test_attendance_mode(value, mode):
    facts = read_event_page(_page({**EVENT, "eventAttendanceMode": value}), "u")
    assert facts is not None and facts.mode == mode


def test_an_offline_default_beside_only_an_online_room_is_online():
    room = {"@type": "VirtualLocation", "url": "https://meet.jit.si/rust"}
    facts = read_event_page(_page({**EVENT, "location": room}), "u")
    assert facts is not None and facts.mode == "online"


@pytest.mark.parametrize(
    ("location", "mode", "city", "online_url"),
    [
        (
            [EVENT["location"], {"@type": "VirtualLocation", "url": "https://meet.jit.si/x"}],
            "hybrid",
            "Berlin",
            "https://meet.jit.si/x",
        ),
        (
            {"@type": "VirtualLocation", "url": "https://zoom.us/j/1"},
            "online",
            None,
            "https://zoom.us/j/1",
        ),
        ("Online", "online", None, None),
        (
            "https://meet.google.com/abc-defg-hij",
            "online",
            None,
            "https://meet.google.com/abc-defg-hij",
        ),
        ("Herengracht 20, 1015 BR Amsterdam, Nederland", "in-person", "Amsterdam", None),
        ({"@type": "Place", "name": "Lyon, France"}, "in-person", "Lyon", None),
        (
            {"@type": "Place", "address": "5 Martin Pl, Sydney NSW 2000, Australia"},
            "in-person",
            "Sydney",
            None,
        ),
        (
            {"@type": "PostalAddress", "addressLocality": "Cardiff", "addressCountry": "UK"},
            "in-person",
            "Cardiff",
            None,
        ),
    ],
)
def test_locations_without_an_attendance_mode(location, mode, city, online_url):
    event = {k: v for k, v in EVENT.items() if k != "eventAttendanceMode"}
    facts = read_event_page(_page({**event, "location": location}), "u")
    assert facts is not None
    assert facts.mode == mode
    assert (facts.place.city if facts.place else None) == city
    assert facts.online_url == online_url


@pytest.mark.parametrize(
    ("address", "place"),
    [
        (
            {"addressLocality": "Seattle", "addressRegion": "Washington", "addressCountry": "US"},
            Place("Seattle", "US", "WA", "America/Los_Angeles"),
        ),
        (
            {"addressLocality": "Seattle", "addressCountry": "USA"},
            Place("Seattle", "US", "WA", "America/Los_Angeles"),
        ),
        (
            {
                "addressLocality": "Toronto",
                "addressRegion": "ON",
                "addressCountry": {"@type": "Country", "name": "Canada"},
            },
            Place("Toronto", "CA", "ON", "America/Toronto"),
        ),
        (
            {"addressLocality": "Sydney", "addressRegion": "NSW", "addressCountry": "AU"},
            Place("Sydney", "AU", "NSW", "Australia/Sydney"),
        ),
        # a region is not shown outside the US, Canada and Australia
        (
            {"addressLocality": "München", "addressRegion": "Bayern", "addressCountry": "Germany"},
            Place("München", "DE", None, "Europe/Berlin"),
        ),
        (
            {"addressLocality": "Manchester", "postalCode": "M3 5JZ", "addressCountry": "GB"},
            Place("Manchester", "GB", None, "Europe/London"),
        ),
        (
            {"addressLocality": "Praha", "addressCountry": {"@type": "Country", "name": "Česko"}},
            Place("Praha", "CZ", None, "Europe/Prague"),
        ),
        (
            {"addressLocality": "Montréal", "addressRegion": "QC", "addressCountry": "CA"},
            Place("Montréal", "CA", "QC", "America/Toronto"),
        ),
        (
            {"streetAddress": "Drottninggatan 9, 111 51 Stockholm", "addressCountry": "SE"},
            Place("Stockholm", "SE", None, "Europe/Stockholm"),
        ),
        # a town the gazetteer does not know is taken as the page labels it
        (
            {"addressLocality": "Oberkleinbachhausen", "addressCountry": "NL"},
            Place("Oberkleinbachhausen", "NL", None, "Europe/Amsterdam"),
        ),
    ],
)
def test_postal_addresses(address, place):
    location = {"@type": "Place", "address": {"@type": "PostalAddress", **address}}
    facts = read_event_page(_page({**EVENT, "location": location}), "u")
    assert facts is not None and facts.place == place


def test_an_address_in_another_country_than_its_city_name_suggests():
    # `Paris` of Texas: the page's country decides, and the state is the page's
    address = {"addressLocality": "Paris", "addressRegion": "TX", "addressCountry": "US"}
    location = {"@type": "Place", "address": {"@type": "PostalAddress", **address}}
    facts = read_event_page(_page({**EVENT, "location": location}), "u")
    assert facts is not None and facts.place is not None
    assert (facts.place.city, facts.place.state, facts.place.country) == ("Paris", "TX", "US")


@pytest.mark.parametrize(
    ("value", "moment"),
    [
        ("2025-11-20T19:00:00+01:00", datetime(2025, 11, 20, 19, tzinfo=CET)),
        ("2025-11-20T18:00:00.000Z", datetime(2025, 11, 20, 18, tzinfo=UTC)),
        ("2025-11-20T19:00+0100", datetime(2025, 11, 20, 19, tzinfo=CET)),
        ("2025-11-20T19:00:00+01:00[Europe/Berlin]", datetime(2025, 11, 20, 19, tzinfo=CET)),
        ("2025-11-20T19:00:00", datetime(2025, 11, 20, 19)),
        ("2025-11-20", date(2025, 11, 20)),
        ("20 November 2025", None),
        ("2025-13-40", None),
        ("", None),
        (None, None),
    ],
)
def test_start_dates(value, moment):
    facts = read_event_page(_page({**EVENT, "startDate": value}), "u")
    assert facts is not None and facts.start == moment


def test_organisers_organizations_before_people_and_only_web_links():
    organizer = [
        {"@type": "Person", "name": "Ferris", "url": "https://example.org/ferris"},
        {"@type": "Organization", "name": "Rust Lyon", "url": "javascript:alert(1)"},
        {"@type": "NGO", "name": "Rust Foundation", "url": ["https://foundation.rust-lang.org/"]},
        "Rustaceans Anonymous",
    ]
    facts = read_event_page(_page({**EVENT, "organizer": organizer}), "u")
    assert facts is not None
    assert facts.organizers == (
        Group("Rust Lyon", None),
        Group("Rust Foundation", "https://foundation.rust-lang.org/"),
        Group("Rustaceans Anonymous", None),
        Group("Ferris", "https://example.org/ferris"),
    )


def test_page_text_is_neutralised_and_bounded():
    name = "Rust\u202e Night\x1b[31m\n\tand <b>more</b>" + "!" * 5000
    facts = read_event_page(_page({**EVENT, "name": name}), "u")
    assert facts is not None and facts.name is not None
    assert "\x1b" not in facts.name and "\u202e" not in facts.name and "\n" not in facts.name
    assert facts.name.startswith("Rust Night [31m and <b>more</b>")
    assert len(facts.name) <= schema_org.MAX_TEXT


def test_a_language_tagged_name():
    value = [{"@value": "Rust-Treffen", "@language": "de"}, {"@value": "Rust meetup"}]
    facts = read_event_page(_page({**EVENT, "name": value}), "u")
    assert facts is not None and facts.name == "Rust-Treffen"


def test_a_page_in_a_declared_legacy_charset():
    script = json.dumps({**EVENT, "name": "Café Rust"}, ensure_ascii=False)
    head = '<meta http-equiv="Content-Type" content="text/html; charset=windows-1252">'
    text = f'<html><head>{head}<script type="application/ld+json">{script}</script></head></html>'
    facts = read_event_page(text.encode("cp1252"), "u")
    assert facts is not None and facts.name == "Café Rust"


# -- bounded work ----------------------------------------------------------------------------


def test_scripts_beyond_the_limit_are_not_read():
    filler = [{"@type": "WebSite", "name": f"site {i}"} for i in range(schema_org.MAX_SCRIPTS)]
    assert read_event_page(_page(*filler, EVENT), "u") is None
    assert read_event_page(_page(*filler[1:], EVENT), "u") is not None


def test_the_parser_stops_after_its_steps(monkeypatch):
    monkeypatch.setattr(schema_org, "MAX_PARSER_STEPS", 5_000)
    flood = "<i></i>" * (schema_org.MAX_PARSER_STEPS // 2 + 10)
    late = f'<script type="application/ld+json">{json.dumps(EVENT)}</script>'
    assert read_event_page(f"<html><body>{flood}{late}</body></html>".encode(), "u") is None
    early = f"<html><body>{late}{flood}</body></html>"
    assert read_event_page(early.encode(), "u") is not None


def test_an_event_in_the_head_spares_the_body():
    body = pages.MEETUP_IN_PERSON.replace(
        "<body>", "<body>" + "<i></i>" * schema_org.MAX_PARSER_STEPS
    )
    facts = read_event_page(body.encode(), "https://www.meetup.com/rust-munich/events/311502123/")
    assert facts is not None and facts.place is not None and facts.place.city == "München"


def test_an_oversized_script_is_skipped():
    big = {**EVENT, "description": "x" * (schema_org.MAX_SCRIPT_CHARS + 1)}
    assert read_event_page(_page(big), "u") is None
    assert read_event_page(_page(big, EVENT), "u") is not None


def test_an_og_title_after_the_scripts_is_still_read():
    script = json.dumps({"@type": "Event", "startDate": "2025-11-20"})
    body = (
        f'<html><head><script type="application/ld+json">{script}</script>'
        '<meta content="Rust Night" property="og:title"></head><body>'
        + "<p>x</p>" * 1000
        + "</body></html>"
    )
    facts = read_event_page(body.encode(), "u")
    assert facts is not None and facts.name == "Rust Night"
