"""CALENDAR.md §2 "The group": names are compared whatever the case, accents and punctuation."""

from __future__ import annotations

import pytest

from events.rules.names import fold, name_key, place_key, title_words


@pytest.mark.parametrize(
    ("typed", "known"),
    [
        ("Rust Lodz", "Rust Łódź"),
        ("rust-wroclaw", "Rust Wrocław"),
        ("RUST MUNCHEN", "Rust München"),
        ("Rust Koebenhavn", "Rust København"),  # ø folds to o, not oe: a different key
        ("Rust & Friends", "Rust and Friends"),
        ("Strasse", "Straße"),
    ],
)
def test_names_typed_without_accents_find_the_group(typed: str, known: str) -> None:
    same = name_key(typed) == name_key(known)
    assert same is (typed != "Rust Koebenhavn")


def test_place_keys_keep_words_apart_and_drop_apostrophes() -> None:
    assert place_key("Saint-Étienne") == "saint etienne"
    assert place_key("Val-d'Or") == "val dor"
    assert fold("Łódź") == "lodz"


def test_title_words_fold_and_read_and_for_ampersand() -> None:
    assert title_words("Rust Hack & Learn — Dezember") == (
        "rust",
        "hack",
        "and",
        "learn",
        "dezember",
    )
