"""Reading entries as an editor does: CALENDAR.md §2, one behaviour per test."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from events.model import FeedSpec, Place, ProblemKind
from events.registry import Registry, RegistryGroup
from events.rules.places import display
from events.stages.understand import understand

from .helpers import occurrence

BERLIN = Place("Berlin", "DE", None, "Europe/Berlin")
REGISTRY = Registry(
    [
        RegistryGroup("Rust Berlin", "https://www.meetup.com/rust-berlin", BERLIN),
        RegistryGroup(
            "Seattle Rust User Group",
            "https://www.meetup.com/join-srug",
            Place("Seattle", "US", "WA", "America/Los_Angeles"),
            links=("meetup.com/seattle-rust-user-group",),
        ),
        RegistryGroup(
            "Dallas Rust User Meetup",
            "https://www.meetup.com/dallasrust",
            Place("Dallas", "US", "TX", "America/Chicago"),
        ),
        RegistryGroup(
            "Rust Girona", "https://lu.ma/rust-girona", Place("Girona", "ES", None, "Europe/Madrid")
        ),
        RegistryGroup("Silicon Girona", "https://silicongirona.github.io"),
        RegistryGroup(
            "Rust Meetup Augsburg",
            "https://rust-augsburg.github.io/meetup",
            Place("Augsburg", "DE", None, "Europe/Berlin"),
        ),
    ]
)
BERLIN_EVENT = "https://www.meetup.com/rust-berlin/events/306046642/"
#: A registry that remembers Rust Berlin for a title, as the published blocks teach it.
TITLED = Registry(
    [
        RegistryGroup(
            "Rust Berlin", "https://www.meetup.com/rust-berlin", BERLIN, titles=("rust and tell",)
        )
    ]
)


def read(**kw):
    return understand(occurrence(**kw), REGISTRY)


def test_seattle_tuesday_evening_arriving_in_utc_is_published_on_tuesday():
    ev = read(
        summary="November SRUG Meetup",
        location="Thinkspace, 2 Harrison St, Seattle, WA 98101, USA",
        url="https://www.meetup.com/seattle-rust-user-group/events/311351673/",
        start=datetime(2025, 11, 19, 2, 30, tzinfo=UTC),
    )
    assert ev.date == date(2025, 11, 18)
    assert display(ev.place) == "Seattle, WA, US"
    assert ev.group.name == "Seattle Rust User Group"
    assert ev.group.url == "https://www.meetup.com/join-srug"


@pytest.mark.parametrize(
    "summary",
    [
        "Rust Berlin: Rust Hack and Learn",
        "Rust Berlin - Rust Hack and Learn",
        "[Rust Berlin] Rust Hack and Learn",
        "rust berlin: Rust Hack and Learn",
        "Rust Hack and Learn",
    ],
)
def test_a_group_prefix_is_not_part_of_the_title(summary):
    ev = read(summary=summary, url=BERLIN_EVENT, location="Online")
    assert ev.title == "Rust Hack and Learn"


def test_a_prefix_that_does_not_name_the_group_stays_in_the_title():
    ev = read(
        summary="Rust Meetup #16: Christian Meusel - Oxidizing Step by Step",
        url="https://rust-augsburg.github.io/meetup/Meetup_16.html",
        location="Provinostr. 52, 86153 Augsburg, Germany",
    )
    assert ev.title == "Rust Meetup #16: Christian Meusel - Oxidizing Step by Step"
    assert ev.group.name == "Rust Meetup Augsburg"


def test_a_meeting_link_is_never_the_event_link():
    ev = read(
        location="Online",
        description="Join: https://us02web.zoom.us/j/8912?pwd=x<br>RSVP: " + BERLIN_EVENT,
    )
    assert ev.url == BERLIN_EVENT


@pytest.mark.parametrize(
    "conduct",
    [
        "https://www.rust-lang.org/policies/code-of-conduct",
        "https://www.rust-lang.org/conduct.html",
        "https://www.finos.org/code-of-conduct",
        "https://rust-berlin.example/coc/",
        "https://berlincodeofconduct.org/",
        "https://www.contributor-covenant.org/version/2/1/code_of_conduct/",
    ],
)
def test_a_code_of_conduct_is_never_the_event_link(conduct):
    ev = read(
        location="Online",
        description=(
            "RSVP: https://www.meetup.com/rust-berlin/<br>"
            f'Code of Conduct: <a href="{conduct}">{conduct}</a>'
        ),
    )
    assert ev.url is None  # no event link: the block links the group's page
    assert ev.group is not None and ev.group.name == "Rust Berlin"


def test_two_groups_linking_one_code_of_conduct_stay_two_events():
    """Two series of one calendar at the same hour, neither with an event link, both linking
    the Rust code of conduct, are two listings, not one (found by the independent dense feed:
    a Stuttgart and a Charlottesville meetup, 18:00 Berlin and 12:00 New York)."""
    from events.model import Window
    from events.stages.select import select

    conduct = "Code of Conduct: https://www.rust-lang.org/policies/code-of-conduct"
    first = read(
        uid="a@x",
        summary="Virtual: Rust Community Stuttgart - Rust-Meetup",
        location="Online",
        start=datetime(2025, 12, 9, 18, tzinfo=ZoneInfo("Europe/Berlin")),
        description="Zoom: https://us06web.zoom.us/j/8614<br>" + conduct,
    )
    second = read(
        uid="b@x",
        summary="Virtual: Charlottesville Rust Meetup talk",
        location="Online",
        start=datetime(2025, 12, 9, 12, tzinfo=ZoneInfo("America/New_York")),
        description="RSVP: https://www.meetup.com/charlottesville-rust-meetup/<br>" + conduct,
    )
    window = Window.of_weeks(date(2025, 11, 19), 4)
    assert [e.uid for e in select([first, second], window).events] == ["a@x", "b@x"]


@pytest.mark.parametrize(
    "link",
    [
        "https://github.com/rust-embedded/wg/issues/812",
        "https://dev.events/conferences/rust-lunch-and-learn-2025",
        "https://gitlab.com/rust-delft/meetups/-/issues/7",
        "https://forms.gle/97jqPeGvpUjMXA8x9",
        "https://mobilizon.fr/events/3f76f860-75c1-4f3a-810f-03fc0cecb691",
        "https://rheinneckar.events/events/3f76f860-75c1-4f3a-810f-03fc0cecb691",
    ],
)
def test_a_link_on_a_platform_is_not_a_conference_whose_group_is_the_platforms_root(link):
    """An entry no group name or registry link places, linking a page on a code host or an
    events listing, is not a conference on its own site: the platform's root is nobody's
    group page (found by an independent feed: `[Virtual] Christmas Party` under
    `https://github.com/`)."""
    ev = read(summary="Christmas Party", location="Online", description=f"Details: {link}")
    assert ev.group is not None
    assert ev.group.url != f"https://{link.split('/')[2]}/"
    assert ProblemKind.NO_GROUP in {p.kind for p in ev.problems}


def test_a_conference_on_its_own_site_is_still_its_own_group():
    ev = read(
        summary="EuroRust 2025", location="Paris, FR", description="https://eurorust.eu/2025/"
    )
    assert ev.group is not None and ev.group.url == "https://eurorust.eu/"


def test_a_google_wrapped_anchor_gives_the_real_event_link():
    wrapped = (
        "https://www.google.com/url?q=https://www.meetup.com/rust-berlin/events/306046642/"
        "&amp;sa=D&amp;source=calendar&amp;ust=1763600000000000&amp;usg=AOvVaw1"
    )
    ev = read(location="Online", description=f'<a href="{wrapped}" target="_blank">Meetup</a>')
    assert ev.url == BERLIN_EVENT
    assert ev.group.name == "Rust Berlin"


def test_the_url_property_wins_over_links_in_the_description():
    ev = read(url=BERLIN_EVENT, description="See https://www.meetup.com/rust-berlin/events/999/")
    assert ev.url == BERLIN_EVENT


@pytest.mark.parametrize(
    "location", ["Online", "Online event", "Virtual", "", "https://meet.jit.si/rust"]
)
def test_online_entries_show_the_group_home(location):
    ev = read(location=location, url=BERLIN_EVENT)
    assert ev.mode == "online"
    assert ev.location == "Virtual (Berlin, DE)"


def test_online_event_of_an_unknown_group_may_carry_its_place():
    ev = read(
        summary="Rust Circle Kampala: Rust Circle Meetup",
        location="Online (Kampala, UG)",
        url="https://www.eventbrite.com/e/rust-circle-meetup-tickets-628763878687",
    )
    assert ev.location == "Virtual (Kampala, UG)"


def test_a_venue_alone_of_an_unknown_group_is_placed_where_its_name_says_it_is():
    # no city in LOCATION, a group no one has published: its name (or Meetup address) is the
    # only evidence of where it meets, and it is used as a guess, reported
    for summary, url in [
        ("Office Hours", "https://www.meetup.com/rust-lima/events/312499960/"),
        ("Rust Lima: Office Hours", "https://lu.ma/0o0f62kb"),
    ]:
        ev = read(summary=summary, location="Mercado Libre", url=url, tzid="America/Lima")
        assert (ev.mode, ev.location) == ("in-person", "Lima, PE"), summary
        kinds = {p.kind for p in ev.problems}
        assert {ProblemKind.PLACE_NOT_UNDERSTOOD, ProblemKind.HOME_GUESSED} <= kinds
        guessed = next(p for p in ev.problems if p.kind is ProblemKind.HOME_GUESSED)
        assert "'Lima, PE'" in guessed.message and "shown as the place" in guessed.message


def test_a_venue_alone_with_nothing_naming_a_city_stays_unplaced():
    ev = read(summary="Intro to Rust Workshop", location="1Password", url="https://lu.ma/0o0f62kb")
    assert ev.place is None
    assert ProblemKind.HOME_GUESSED not in {p.kind for p in ev.problems}


@pytest.mark.parametrize(
    ("summary", "group", "title"),
    [
        # a group prefix after the marker goes with it
        ("Online: Rust Berlin: Rust Hack and Learn", "Rust Berlin", "Rust Hack and Learn"),
        ("Virtual - [Rust Berlin] Rust and Tell", "Rust Berlin", "Rust and Tell"),
        # a marker before a title alone stays, as TWIR publishes it
        ("[Hybrid] Rust Hack and Learn", "Rust Berlin", "[Hybrid] Rust Hack and Learn"),
    ],
)
def test_a_mode_marker_goes_from_the_title_with_the_group_prefix_after_it(summary, group, title):
    ev = read(summary=summary, url=BERLIN_EVENT, location="Online")
    assert (ev.group.name, ev.title) == (group, title)


def test_a_mode_marker_in_the_title_says_how_the_event_is_held():
    ev = read(
        summary="[Hybrid] Rust Hack and Learn",
        location="c-base, Rungestraße 20, 10179 Berlin, Germany",
        url=BERLIN_EVENT,
    )
    assert (ev.title, ev.location) == ("[Hybrid] Rust Hack and Learn", "Hybrid (Berlin, DE)")
    ev = read(summary="Online: Rust Hack and Learn", location="Berlin, DE", url=BERLIN_EVENT)
    assert (ev.mode, ev.location) == ("online", "Virtual (Berlin, DE)")
    ev = read(summary="Online Code and Chat", location="Berlin, DE", url=BERLIN_EVENT)
    assert (ev.mode, ev.location) == ("in-person", "Berlin, DE")


def test_the_host_an_entry_introduces_beats_a_group_remembered_for_its_title():
    registry = TITLED
    ev = understand(
        occurrence(
            summary="Rust and Tell",
            location="Central Avenue 132, 88053 Guadalajara, MX",
            description=(
                "RSVP: https://www.meetup.com/rust-gdl/\n"
                "Hosted by Rust Guadalajara: https://www.meetup.com/rust-gdl/"
            ),
        ),
        registry,
    )
    assert (ev.group.name, ev.group.url) == ("Rust Guadalajara", "https://www.meetup.com/rust-gdl/")
    assert ProblemKind.GROUP_GUESSED not in {p.kind for p in ev.problems}


def test_a_group_named_by_its_prefix_links_the_meetup_page_the_entry_gives_under_that_name():
    ev = read(
        summary="Rust Nairobi: Rust Social",
        location="GitHub HQ, 190 Station Road, Nairobi, Kenya",
        description="RSVP: https://www.meetup.com/rust-nairobi/ · https://www.meetup.com/other-group/",
    )
    assert (ev.group.name, ev.group.url) == ("Rust Nairobi", "https://www.meetup.com/rust-nairobi")
    assert ProblemKind.NO_GROUP_LINK not in {p.kind for p in ev.problems}


@pytest.mark.parametrize(
    ("summary", "group", "title"),
    [
        # the prefix shares no word with the event link's group: a title, kept whole
        (
            "Embedded Rust Hangout - November Edition",
            "Rust Cape Town",
            "Embedded Rust Hangout - November Edition",
        ),
        # the prefix names the group of the address: the group, and no part of the title
        ("Rust Kraków: Rust & Pierogi #4", "Rust Kraków", "Rust & Pierogi #4"),
        # the address abbreviates the prefix's city: still the group's name
        ("Rust Guadalajara: Co-working Evening", "Rust Guadalajara", "Co-working Evening"),
    ],
)
def test_an_unknown_groups_prefix_names_it_only_when_it_names_its_meetup_address(
    summary, group, title
):
    slug = {"Rust Cape Town": "rust-cape-town", "Rust Kraków": "rust-krakow"}.get(group, "rust-gdl")
    ev = read(summary=summary, url=f"https://www.meetup.com/{slug}/events/311949237/")
    assert (ev.group.name, ev.title) == (group, title)
    assert ev.group.url == f"https://www.meetup.com/{slug}"


def test_a_group_remembered_for_a_title_is_not_guessed_for_a_venue_in_another_country():
    registry = TITLED
    abroad = understand(occurrence(summary="Rust and Tell", location="Geneva, CH"), registry)
    assert abroad.group.name != "Rust Berlin"
    assert ProblemKind.NO_GROUP in {p.kind for p in abroad.problems}
    at_home = understand(
        occurrence(summary="Rust and Tell", location="c-base, Rungestraße 20, 10179 Berlin"),
        registry,
    )
    assert at_home.group.name == "Rust Berlin"
    assert ProblemKind.GROUP_GUESSED in {p.kind for p in at_home.problems}


def test_the_word_hybrid_in_the_description_makes_an_in_person_event_hybrid():
    ev = read(
        location="c-base, Rungestraße 20, 10179 Berlin, Germany",
        url=BERLIN_EVENT,
        description="Hybrid event: join us in person or online.",
    )
    assert ev.mode == "hybrid"
    assert ev.location == "Hybrid (Berlin, DE)"


def test_a_meeting_room_link_makes_an_in_person_event_hybrid():
    ev = read(
        location="Rosenthaler Str. 40, 10178 Berlin, Deutschland",
        url=BERLIN_EVENT,
        description="Or join on https://meet.jit.si/RustBerlin",
    )
    assert ev.mode == "hybrid"


def test_an_in_person_event_shows_its_venue_not_the_group_home():
    ev = read(location="Herengracht 20, 1015 BR Amsterdam, Nederland", url=BERLIN_EVENT)
    assert (ev.mode, ev.location) == ("in-person", "Amsterdam, NL")


def test_online_events_take_their_date_in_the_group_home_zone():
    ev = read(
        location="Online",
        url="https://www.meetup.com/dallasrust/events/305361446/",
        start=datetime(2025, 11, 26, 0, 30, tzinfo=UTC),
    )
    assert ev.date == date(2025, 11, 25)
    assert ev.start.utcoffset() == ZoneInfo("America/Chicago").utcoffset(datetime(2025, 11, 25))


def test_a_series_time_zone_serves_when_neither_venue_nor_home_has_one():
    ev = read(
        summary="Unknown Rust: Talks",
        location="Online",
        start=datetime(2025, 11, 20, 23, 30, tzinfo=ZoneInfo("UTC")),
        tzid="Asia/Tokyo",
    )
    assert ev.date == date(2025, 11, 21)


def test_all_day_events_end_the_day_before_dtend():
    ev = read(
        location="Utrecht, NL", start=date(2026, 5, 18), end=date(2026, 5, 21), url=BERLIN_EVENT
    )
    assert (ev.date, ev.end_date) == (date(2026, 5, 18), date(2026, 5, 20))


def test_a_group_page_linked_in_the_entry_wins_over_the_registry_link():
    ev = read(
        url="https://www.meetup.com/rust-berlin/events/1/",
        description="Hosted by Rust Berlin: https://berline.rs/",
        location="Online",
    )
    assert ev.group.url == "https://berline.rs/"
    assert ev.group.name == "Rust Berlin"


def test_an_unknown_group_is_named_by_the_prefix_and_linked_from_the_description():
    ev = read(
        summary="Rust Kraków: Rust & Pierogi #4",
        url="https://www.meetup.com/rust-krakow/events/312000001/",
        description="Hosted by Rust Kraków: https://www.meetup.com/rust-krakow/",
        location="ul. Floriańska 5, 31-019 Kraków, Polska",
    )
    assert ev.title == "Rust & Pierogi #4"
    assert ev.group.name == "Rust Kraków"
    assert ev.group.url == "https://www.meetup.com/rust-krakow/"
    assert ev.location == "Kraków, PL"
    assert any("registry" in p.message for p in ev.problems)


def test_an_unknown_meetup_group_gets_its_page_from_the_event_link():
    ev = read(
        summary="Rust Lisboa: Primeiro encontro",
        url="https://www.meetup.com/rust-lisboa/events/312000002/",
        location="Lisboa, PT",
    )
    assert ev.group.url == "https://www.meetup.com/rust-lisboa"


def test_a_co_host_named_in_the_description_is_a_second_group():
    ev = read(
        summary="Sessió setmanal de codificació / Weekly coding session",
        url="https://luma.com/q5tjirkt",
        description="Hosted by Rust Girona: https://lu.ma/rust-girona<br>"
        "Co-hosted with Silicon Girona: https://silicongirona.github.io",
        location="Online",
    )
    assert [g.name for g in ev.groups] == ["Rust Girona", "Silicon Girona"]
    assert ev.location == "Virtual (Girona, ES)"


@pytest.mark.parametrize(
    ("summary", "status"),
    [
        ("CANCELLED: Rust Hack and Learn", None),
        ("Cancelled - Rust Hack and Learn", None),
        ("[CANCELED] Rust Hack and Learn", None),
        ("Rust Hack and Learn", "CANCELLED"),
    ],
)
def test_cancelled_entries_are_recognised(summary, status):
    ev = read(summary=summary, status=status, url=BERLIN_EVENT, location="Online")
    assert ev.cancelled
    assert ev.title == "Rust Hack and Learn"


def test_a_place_that_cannot_be_read_is_said_and_the_entry_still_rendered():
    ev = read(location="The big hall behind the station", url=BERLIN_EVENT)
    assert any("place not understood" in p.message for p in ev.problems)
    assert ev.location == "Berlin, DE"  # the group's home, said in the warning


def test_an_entry_without_any_link_is_reported():
    ev = read(summary="Mystery: Gathering", location="Online")
    messages = " ".join(p.message for p in ev.problems)
    assert "no event link" in messages


def test_a_single_group_feed_gives_its_group():
    feed = FeedSpec("Berlin feed", "x.ics", group="Rust Berlin")
    ev = understand(occurrence(summary="Hack and Learn", location="Online", feed=feed), REGISTRY)
    assert ev.group.name == "Rust Berlin"


NAMED = Registry(
    [
        RegistryGroup(
            "Rust Vienna",
            "https://www.meetup.com/rust-vienna",
            Place("Vienna", "AT", None, "Europe/Vienna"),
            named_titles=True,
        )
    ]
)


@pytest.mark.parametrize(
    "summary",
    [
        "Rust Vienna - December | at Sentry.io 🦀",
        "Rust Vienna: Rust Vienna - December | at Sentry.io 🦀",
    ],
)
def test_a_group_whose_titles_start_with_its_name_keeps_it_unless_written_twice(summary):
    occ = occurrence(
        summary=summary,
        url="https://www.meetup.com/rust-vienna/events/304815850/",
        location="Sentry, Wien, Österreich",
    )
    assert understand(occ, NAMED).title == "Rust Vienna - December | at Sentry.io 🦀"


def test_an_entry_with_only_a_title_is_recognised_by_the_titles_its_group_alone_uses():
    registry = Registry(
        [
            RegistryGroup(
                "Vancouver Rust",
                "https://www.meetup.com/vancouver-rust",
                titles=("rust study hack hang out",),
            )
        ]
    )
    ev = understand(occurrence(summary="Rust Study/Hack/Hang-out", location="Online"), registry)
    assert ev.group.name == "Vancouver Rust"


def test_a_partner_named_first_still_comes_after_the_host():
    registry = Registry(
        [
            RegistryGroup(
                "Rust Girona", "https://lu.ma/rust-girona", titles=("weekly coding session",)
            ),
            RegistryGroup("Silicon Girona", "https://silicongirona.github.io"),
        ]
    )
    occ = occurrence(
        summary="Weekly coding session",
        url="https://luma.com/q5tjirkt",
        description='Co-hosted with <a href="https://silicongirona.github.io">Silicon Girona</a>',
        location="Online",
    )
    assert [g.name for g in understand(occ, registry).groups] == ["Rust Girona", "Silicon Girona"]


@pytest.mark.parametrize(
    "location", ["Zoom", "Discord", "Google Meet", "Online only", "Livestream"]
)
def test_a_platform_name_as_location_is_online(location):
    assert read(location=location, url=BERLIN_EVENT).mode == "online"


@pytest.mark.parametrize(
    "location",
    [
        "Hybrid: c-base, Rungestraße 20, 10179 Berlin, Germany",
        "c-base, Rungestraße 20, 10179 Berlin, Germany (hybrid)",
        "Rungestraße 20, 10179 Berlin, Germany + Online",
        "Berlin, DE & online",
    ],
)
def test_hybrid_said_in_the_location(location):
    ev = read(location=location, url=BERLIN_EVENT)
    assert (ev.mode, ev.location) == ("hybrid", "Hybrid (Berlin, DE)")


def test_a_prefix_naming_a_known_group_beats_the_group_of_the_event_platform_page():
    registry = Registry(
        [
            RegistryGroup("RustNL", "https://www.meetup.com/rust-amsterdam"),
            RegistryGroup("Rust NL Meetup Group", "https://www.meetup.com/rust-nederland/"),
        ]
    )
    occ = occurrence(
        summary="[RustNL] Walking Tour around Utrecht",
        url="https://www.meetup.com/rust-nederland/events/307522004",
        location="Utrecht, NL",
    )
    ev = understand(occ, registry)
    assert (ev.group.name, ev.title) == ("RustNL", "Walking Tour around Utrecht")


def test_a_localised_meetup_event_link_is_an_event_page():
    ev = read(
        location="Online",
        description="https://www.meetup.com/fr-FR/rust-berlin/events/298775631/<br>"
        "Hosted by Rust Berlin: https://www.meetup.com/fr-FR/rust-berlin/",
    )
    assert ev.url == "https://www.meetup.com/fr-FR/rust-berlin/events/298775631/"


@pytest.mark.parametrize("link", ["https://discord.gg/rust", "https://www.youtube.com/live/x"])
def test_any_meeting_link_beside_a_venue_makes_it_hybrid(link):
    ev = read(
        location="Rosenthaler Str. 40, 10178 Berlin, Germany", url=BERLIN_EVENT, description=link
    )
    assert ev.mode == "hybrid"


def test_a_host_named_in_the_entry_is_the_only_group_even_if_the_event_is_elsewhere():
    ev = read(
        location="Online",
        url="https://www.meetup.com/dallasrust/events/1/",
        description="Hosted by Rust Berlin: https://www.meetup.com/rust-berlin/",
    )
    assert [g.name for g in ev.groups] == ["Rust Berlin"]


def test_a_bare_page_of_another_known_group_adds_no_group():
    ev = read(
        location="Online",
        url=BERLIN_EVENT,
        description="See also https://www.meetup.com/dallasrust/",
    )
    assert [g.name for g in ev.groups] == ["Rust Berlin"]


def test_a_bare_page_of_the_group_in_the_entry_is_shown_as_written():
    ev = read(
        location="Online", url=BERLIN_EVENT, description="https://www.meetup.com/de-DE/rust-berlin/"
    )
    assert ev.group.url == "https://www.meetup.com/de-DE/rust-berlin/"


def test_a_group_name_containing_a_bar_is_one_prefix():
    registry = Registry(
        [RegistryGroup("Rust en Español | Rust Argentina", "https://www.meetup.com/rust-argentina")]
    )
    occ = occurrence(
        summary="Rust en Español | Rust Argentina: Juntada de Junio", location="Online"
    )
    assert understand(occ, registry).title == "Juntada de Junio"


def test_an_unknown_group_is_named_by_the_shortest_prefix():
    ev = read(summary="Rust Kraków: Meetup - Talks", location="Kraków, PL")
    assert (ev.group.name, ev.title) == ("Rust Kraków", "Meetup - Talks")


def test_a_title_opening_with_a_known_group_name_names_the_group():
    ev = read(
        summary="Rust Girona Hack & Learn 12 2025",
        url="https://luma.com/8ncu1p8l",
        location="Girona, ES",
    )
    assert ev.group.name == "Rust Girona"
    assert ev.title == "Rust Girona Hack & Learn 12 2025"


def test_the_calendar_as_organiser_is_no_group():
    ev = read(summary="Mystery gathering", organizer="Rust Community", location="Online")
    assert [g.name for g in ev.groups] == ["test feed"]  # the calendar stands in, said so
    assert ProblemKind.NO_GROUP in {p.kind for p in ev.problems}


def test_a_link_into_a_group_site_finds_the_group_at_the_site_root():
    registry = Registry([RegistryGroup("FOSDEM", "https://fosdem.org/")])
    occ = occurrence(summary="Rust devroom", url="https://fosdem.org/2026/schedule/track/rust/")
    assert understand(occ, registry).group.name == "FOSDEM"


GIRONA = Registry(
    [
        RegistryGroup(
            "Rust Girona", "https://lu.ma/rust-girona", Place("Girona", "ES", None, "Europe/Madrid")
        ),
        RegistryGroup("Silicon Girona", "https://silicongirona.github.io"),
        RegistryGroup("Rust Berlin", "https://www.meetup.com/rust-berlin", BERLIN),
    ]
)


@pytest.mark.parametrize(
    "summary",
    [
        "Rust Girona & Silicon Girona: Weekly coding session",
        "[Rust Girona | Silicon Girona] Weekly coding session",
        "Rust Girona x Silicon Girona - Weekly coding session",
    ],
)
def test_a_prefix_joining_two_known_groups_names_both(summary):
    occ = occurrence(summary=summary, url="https://luma.com/q5tjirkt", location="Online")
    ev = understand(occ, GIRONA)
    assert [g.name for g in ev.groups] == ["Rust Girona", "Silicon Girona"]
    assert ev.title == "Weekly coding session"


def test_hosts_named_in_words_without_links_are_the_groups():
    occ = occurrence(
        summary="Weekly coding session",
        url="https://luma.com/q5tjirkt",
        description="<p>Hosted by <b>Rust Girona</b> and Silicon Girona.</p>",
        location="Online",
    )
    assert [g.name for g in understand(occ, GIRONA).groups] == ["Rust Girona", "Silicon Girona"]


def test_a_co_host_named_in_words_follows_the_group_of_the_event_link():
    occ = occurrence(
        summary="Hack and Learn",
        url=BERLIN_EVENT,
        description="Co-hosted with Silicon Girona this time!",
        location="Online",
    )
    assert [g.name for g in understand(occ, GIRONA).groups] == ["Rust Berlin", "Silicon Girona"]


def test_a_venue_named_as_host_adds_no_group():
    occ = occurrence(
        summary="Hack and Learn",
        url=BERLIN_EVENT,
        description="Hosted by Mozilla Berlin, thank you!",
        location="Online",
    )
    assert [g.name for g in understand(occ, GIRONA).groups] == ["Rust Berlin"]


def test_a_date_that_depends_on_the_calendar_zone_alone_is_reported():
    ev = read(
        summary="Unknown Rust: Talks",
        location="Online",
        start=datetime(2025, 11, 20, 23, 30, tzinfo=UTC),
        calendar_tz="Europe/Berlin",
    )
    assert ev.date == date(2025, 11, 21)
    assert any("Europe/Berlin" in p.message for p in ev.problems)


def test_a_date_the_calendar_zone_does_not_change_is_not_reported():
    ev = read(
        summary="Unknown Rust: Talks",
        location="Online",
        start=datetime(2025, 11, 20, 12, 0, tzinfo=UTC),
        calendar_tz="Europe/Berlin",
    )
    assert not any("time zone" in p.message for p in ev.problems)


# -- a group's own feed (CALENDAR.md §1, Meetup) --------------------------------------------

MEETUP_FEED = FeedSpec(
    "Rust Berlin on Meetup",
    "https://www.meetup.com/rust-berlin/events/ical/",
    group_url="https://www.meetup.com/rust-berlin/",
)


def test_a_group_feed_names_its_events_group_as_the_registry_does_and_keeps_the_title():
    ev = read(
        feed=MEETUP_FEED,
        summary="Rust Berlin: Rust Hack and Learn",
        url=BERLIN_EVENT,
        location="c-base (Rungestraße 20, 10179 Berlin, Germany)",
        tzid="Europe/Berlin",
        start=datetime(2025, 11, 20, 19, 0, tzinfo=ZoneInfo("Europe/Berlin")),
    )
    assert (ev.title, ev.url) == ("Rust Berlin: Rust Hack and Learn", BERLIN_EVENT)
    assert (ev.group.name, ev.group.url) == ("Rust Berlin", "https://www.meetup.com/rust-berlin")
    assert (ev.mode, display(ev.place)) == ("in-person", "Berlin, DE")
    assert ev.from_group_feed


def test_a_group_feed_unknown_to_the_registry_is_named_by_its_calendar_name():
    feed = FeedSpec(
        "x",
        "https://www.meetup.com/rust-atlantis/events/ical/",
        group_url="https://www.meetup.com/rust-atlantis/",
    )
    occ = occurrence(
        feed=feed,
        summary="Monthly meetup",
        location="Online event",
        url="https://www.meetup.com/rust-atlantis/events/1/",
    )
    ev = understand(replace(occ, calendar_name="Rust Atlantis"), REGISTRY)
    assert (ev.group.name, ev.group.url) == (
        "Rust Atlantis",
        "https://www.meetup.com/rust-atlantis/",
    )
    assert ev.mode == "online"


def test_a_group_feed_without_location_is_at_the_groups_home_and_says_so():
    ev = read(feed=MEETUP_FEED, summary="Rust Hack and Learn", url=BERLIN_EVENT, location="")
    assert (ev.mode, ev.place) == ("in-person", BERLIN)
    assert ProblemKind.PLACE_NOT_UNDERSTOOD in {p.kind for p in ev.problems}
    online = read(
        feed=MEETUP_FEED,
        summary="Rust Hack and Learn",
        url=BERLIN_EVENT,
        location="",
        description="Rust Berlin\nJoin on https://meet.jit.si/rust-berlin",
    )
    assert online.mode == "online"


def test_a_group_guessed_by_its_title_alone_never_dates_the_entry():
    """An online entry written in Los Angeles time, whose title some group far away once used:
    the guess is said, and the entry's own TZID dates it (18:00 there, not 03:00 in Aarhus)."""
    registry = Registry(
        [
            RegistryGroup(
                "Rust Aarhus",
                "https://www.meetup.com/rust-aarhus",
                Place("Aarhus", "DK", None, "Europe/Copenhagen"),
                titles=("rustlings together",),
            )
        ]
    )
    occ = occurrence(
        summary="Rustlings Together",
        location="Virtual",
        start=datetime(2025, 11, 19, 18, tzinfo=ZoneInfo("America/Los_Angeles")),
        tzid="America/Los_Angeles",
    )
    ev = understand(occ, registry)
    assert ProblemKind.GROUP_GUESSED in {p.kind for p in ev.problems}
    assert ev.group.name == "Rust Aarhus"
    assert (ev.date, ev.start.hour) == (date(2025, 11, 19), 18)


def test_a_prefix_naming_a_group_beats_a_title_some_other_group_used():
    registry = Registry(
        [RegistryGroup("Rust Aarhus", "https://www.meetup.com/rust-aarhus", titles=("dojo",))]
    )
    ev = understand(
        occurrence(summary="Rust Seattle Hack Night: Dojo", location="Virtual"), registry
    )
    assert (ev.group.name, ev.title) == ("Rust Seattle Hack Night", "Dojo")
    assert ProblemKind.GROUP_GUESSED not in {p.kind for p in ev.problems}
    alone = understand(occurrence(summary="Dojo", location="Virtual"), registry)
    assert alone.group.name == "Rust Aarhus"  # with nothing else to go by, still guessed
