"""Finding the event link among what people paste into a description."""

from __future__ import annotations

import pytest

from events.rules import links as L


def test_google_redirect_is_unwrapped_to_its_q_parameter():
    wrapped = (
        "https://www.google.com/url?q=https%3A%2F%2Fwww.meetup.com%2Frust-berlin%2Fevents%2F306046642%2F"
        "&sa=D&source=calendar&ust=1763000000000000&usg=AOvVaw0abc"
    )
    assert L.unwrap(wrapped) == "https://www.meetup.com/rust-berlin/events/306046642/"


def test_unwrap_leaves_other_links_alone():
    assert L.unwrap("https://www.google.com/maps?q=x") == "https://www.google.com/maps?q=x"


def test_links_are_found_in_anchors_and_plain_text_in_order():
    text = (
        'Join us! <a href="https://www.meetup.com/rust-x/events/1/">RSVP</a><br>'
        "Stream: https://meet.jit.si/rustx."
    )
    assert [lk.url for lk in L.find_links(text)] == [
        "https://www.meetup.com/rust-x/events/1/",
        "https://meet.jit.si/rustx",
    ]


def test_escaped_html_entities_in_links_are_decoded():
    text = '<a href="https://www.google.com/url?q=https://luma.com/abc&amp;sa=D&amp;ust=1">x</a>'
    assert [lk.url for lk in L.find_links(text)] == ["https://luma.com/abc"]


def test_the_words_before_a_link_are_its_label():
    (link,) = L.find_links(
        "Details below<br>Hosted by Rust Kraków: https://www.meetup.com/rust-krakow/"
    )
    assert link.label == "Hosted by Rust Kraków:"
    assert L.is_labelled_group_link(link)
    assert L.label_name(link) == "Rust Kraków"


@pytest.mark.parametrize(
    "url",
    [
        "https://us02web.zoom.us/j/123",
        "https://meet.jit.si/RustBerlin",
        "https://meet.google.com/abc-defg-hij",
        "https://teams.microsoft.com/l/meetup-join/x",
        "https://www.youtube.com/watch?v=x",
        "https://www.twitch.tv/rust",
        "https://discord.gg/abc",
    ],
)
def test_meeting_links_are_recognised(url):
    assert L.is_meeting_link(url)
    assert not L.is_event_page(url)


@pytest.mark.parametrize(
    "url",
    [
        "https://www.meetup.com/rust-berlin/events/306046642/",
        "https://luma.com/l2xukapz",
        "https://lu.ma/l2xukapz",
        "https://www.eventbrite.com/e/rust-circle-meetup-tickets-628763878687",
        "https://www.eventbrite.co.uk/e/rust-tickets-1",
        "https://hasgeek.com/rustbangalore/2025-meetup/",
    ],
)
def test_event_pages_are_recognised(url):
    assert L.is_event_page(url)


def test_meetup_links_name_their_group_page():
    assert L.meetup_group_page("https://www.meetup.com/rust-aarhus/events/311502123/") == (
        "https://www.meetup.com/rust-aarhus"
    )
    assert L.meetup_group_page("https://example.org/rust-aarhus/events/1") is None


@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", "ftp://x.org/a", "mailto:a@b.c", "//x.org", ""]
)
def test_only_http_links_are_safe(url):
    assert L.safe_url(url) is None


def test_only_complete_entities_are_decoded_in_pasted_links():
    (link,) = L.find_links("RSVP: https://example.org/e?id=1&regToRsvp=true")
    assert link.url == "https://example.org/e?id=1&regToRsvp=true"


def test_a_second_host_named_on_the_same_line_is_labelled_too():
    first, second = L.find_links(
        "Hosted by Rust Girona: https://lu.ma/rust-girona and Silicon Girona: https://silicongirona.github.io"
    )
    assert L.label_name(first) == "Rust Girona"
    assert L.is_labelled_group_link(second) and L.label_name(second) == "Silicon Girona"


def test_the_label_of_a_link_stops_at_the_link_before_it():
    _, second = L.find_links("RSVP https://luma.com/abc, stream https://youtu.be/x")
    assert second.label == "stream"


@pytest.mark.parametrize(
    "url",
    [
        "https://www.meetup.com/help/article/4316479/",
        "https://www.meetup.com/topics/rust/",
        "https://www.meetup.com/find/?keywords=rust",
    ],
)
def test_meetups_own_pages_are_noise_never_an_event_or_group(url):
    assert L.is_noise(url)


@pytest.mark.parametrize(
    "url",
    [
        "https://www.meetup.com/rust-berlin/",
        "https://www.meetup.com/de-DE/rust-zurich/events/1/",
        "https://www.meetup.com/it-IT/events/304569167/",  # an event's page without its group
        "https://www.meetup.com/events/304569167/",
    ],
)
def test_a_meetup_groups_pages_are_not_noise(url):
    assert not L.is_noise(url)


def test_a_link_given_twice_keeps_the_words_that_introduce_it_as_the_host():
    found = L.find_links(
        "RSVP: https://www.meetup.com/rust-gdl/\n"
        "Hosted by Rust Guadalajara: https://www.meetup.com/rust-gdl/"
    )
    assert [link.url for link in found] == ["https://www.meetup.com/rust-gdl/"]
    assert L.is_labelled_group_link(found[0]) and L.label_name(found[0]) == "Rust Guadalajara"


def test_the_host_words_of_a_second_mention_come_with_that_mention_alone():
    found = L.find_links(
        '<a href="https://www.meetup.com/rust-gdl/">RSVP on Meetup</a><br>'
        "Hosted by Rust Guadalajara: https://www.meetup.com/rust-gdl/"
    )
    assert L.label_name(found[0]) == "Rust Guadalajara"


def test_an_event_page_given_twice_is_not_made_a_group_page_by_its_second_label():
    found = L.find_links(
        "Register: https://lu.ma/abc123\nOrganized by Rust X: https://lu.ma/abc123"
    )
    assert not L.is_labelled_group_link(found[0])


@pytest.mark.parametrize(
    ("url", "platform"),
    [
        ("https://github.com/rust-embedded/wg/issues/812", True),
        ("https://www.eventbrite.co.uk/e/rust-tickets-1", True),
        ("https://mobilizon.fr/events/3f76f860", True),
        ("https://foundation.rust-lang.org/events/rustconf-2024/x", True),
        ("https://dev.toulouse.fr/2025/", False),  # not dev.to
        ("https://ti.tokyo/2025", False),  # not ti.to
        ("https://eurorust.eu/2025/", False),
    ],
)
def test_pages_on_sites_of_many_organisers(url, platform):
    assert L.is_platform_page(url) is platform
