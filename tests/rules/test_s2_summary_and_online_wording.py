"""CALENDAR.md §2 "SUMMARY" and "Online and hybrid": what people's words say."""

from __future__ import annotations

import pytest

from events.rules.wording import (
    about_rust,
    cancelled_title,
    is_generic_title,
    looks_like_group_name,
    mode_marker,
    prefix_splits,
    published_mode,
    read_location_words,
    without_mode_marker,
)


@pytest.mark.parametrize(
    "summary", ["CANCELLED: Rust Meetup", "Cancelled - Rust Meetup", "[CANCELED] Rust Meetup"]
)
def test_cancelled_markers(summary: str) -> None:
    assert cancelled_title(summary) == "Rust Meetup"


def test_a_title_that_only_mentions_cancellation_is_not_cancelled() -> None:
    assert cancelled_title("Rust Meetup (not cancelled!)") is None


@pytest.mark.parametrize(
    ("summary", "mode"),
    [
        ("Virtual: 15th BcnRust Meetup", "online"),
        ("Online: Rust ATX: Rust Lunch - Fareground", "online"),
        ("[Virtual] Christmas Party 🎄", "online"),
        ("(Online) Rust Hack and Learn", "online"),
        ("Hybrid - Rust Lima: Office Hours", "hybrid"),
        ("HYBRID | Rust Meetup", "hybrid"),
        ("[Hybrid] You'll Never Rust Alone - Rust Study Group", "hybrid"),
    ],
)
def test_a_mode_marker_opening_the_summary_says_how_the_event_is_held(summary, mode) -> None:
    assert mode_marker(summary) == mode


@pytest.mark.parametrize(
    "summary",
    [
        "Online Code and Chat",  # published titles that open with the word, without a marker
        "Hybrid event with Rust Dortmund!",
        "Online MI Python: Improving Python Speed with a Bit of Rust",
        "Virtual-first Rust",
        "Virtual:",
        "Rust Berlin: Virtual: Hack and Learn",
    ],
)
def test_a_title_that_opens_with_the_word_alone_keeps_it(summary) -> None:
    assert mode_marker(summary) is None


def test_prefix_forms_are_all_offered() -> None:
    assert prefix_splits("[Rust Berlin] Rust Hack and Learn")[0] == (
        "Rust Berlin",
        "Rust Hack and Learn",
    )
    assert ("Rust Berlin", "Rust Hack and Learn") in prefix_splits(
        "Rust Berlin - Rust Hack and Learn"
    )
    assert ("Rust Berlin", "Rust Hack and Learn") in prefix_splits(
        "Rust Berlin: Rust Hack and Learn"
    )


def test_a_markdown_link_typed_into_a_title_is_no_group_prefix() -> None:
    summary = "[Evil](https://evil.example/) Group: Title"
    assert all(group != "Evil" for group, _ in prefix_splits(summary))
    assert not looks_like_group_name("[Evil](https://evil.example/) Group")
    assert looks_like_group_name("Canberra Rust User Group (CRUG)")


@pytest.mark.parametrize(
    "location",
    [
        "",
        "Online",
        "Online event",
        "Virtual",
        "Zoom",
        "Skype",
        "Conference call",
        "GoToWebinar",
        "Google Meet",
        "https://meet.jit.si/rust",
        "Online - link in the description",
    ],
)
def test_online_wordings(location: str) -> None:
    assert read_location_words(location).mode == "online"


@pytest.mark.parametrize(
    ("location", "place"),
    [
        ("Hybrid (Seattle, WA, US)", "Seattle, WA, US"),
        ("Mozilla, 2 Harrison St, San Francisco - hybrid", "Mozilla, 2 Harrison St, San Francisco"),
        ("Berlin, DE + Virtual", "Berlin, DE"),
        ("Hybrid: c-base, Rungestraße 20, Berlin", "c-base, Rungestraße 20, Berlin"),
    ],
)
def test_hybrid_wordings_keep_the_venue(location: str, place: str) -> None:
    assert read_location_words(location) == type(read_location_words(""))("hybrid", place)


def test_an_online_location_may_name_the_groups_home() -> None:
    words = read_location_words("Online (Kampala, UG)")
    assert (words.mode, words.place) == ("online", "Kampala, UG")


def test_words_that_are_online_only_alone() -> None:
    assert read_location_words("Web").mode == "online"
    assert read_location_words("Web Summit, Lisbon, Portugal").mode == "in-person"


def test_tbd_names_no_place() -> None:
    assert read_location_words("TBD").mode is None


def test_published_modes() -> None:
    assert published_mode("Virtual (Berlin, DE)") == "online"
    assert published_mode("Virtual and In-Person (Seattle, WA, US)") == "hybrid"
    assert published_mode("Seattle, WA, US + Virtual") == "hybrid"
    assert published_mode("Berlin, DE") == "in-person"


@pytest.mark.parametrize(
    ("title", "generic"),
    [
        ("Monthly meetup", True),
        ("Rust Meetup #12", True),
        ("Social Night", True),
        ("Rust Hack and Learn", False),
        ("Rust & Pierogi", False),
    ],
)
def test_generic_titles(title: str, generic: bool) -> None:
    assert is_generic_title(title) is generic


@pytest.mark.parametrize(
    ("text", "about"),
    [
        ("Intro to Rust", True),
        ("#rustlang night", True),
        ("rust-lang release party", True),
        ("Rustaceans unite", True),
        ("Rust's ownership", True),
        ("Building trust in teams", False),
        ("Rustic Italian cooking", False),
        ("Elixir and Erlang", False),
    ],
)
def test_about_rust(text: str, about: bool) -> None:
    assert about_rust(text) is about


def test_about_rust_looks_past_links_and_the_groups_own_name() -> None:
    group = "Vilnius Rust and Go Meetup Group"
    text = f"{group}\nIntro to Kubernetes\nhttps://www.meetup.com/wasm-rust-meetup/events/1/"
    assert not about_rust("Intro to Kubernetes", text, ignore=[group])
    assert about_rust("Intro to Kubernetes", text + "\nWe will also cover Rust.", ignore=[group])


def test_what_follows_a_mode_marker() -> None:
    assert without_mode_marker("Online: Rust ATX: Rust Lunch") == "Rust ATX: Rust Lunch"
    assert without_mode_marker("Online Code and Chat") == "Online Code and Chat"
    assert without_mode_marker("Virtual:") == "Virtual:"
