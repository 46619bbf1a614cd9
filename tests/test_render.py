"""The block's format, rule by rule of CALENDAR.md §3."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date, timedelta
from importlib import resources

import pytest

from events.model import Agenda, Group, Place, ProblemKind, Window
from events.rules.text import markdown_text
from events.stages.arrange import arrange
from events.stages.render import to_data, to_json, to_markdown

from .helpers import event

WINDOW = Window.of_weeks(date(2025, 11, 19), 4)


def block(*events) -> str:
    sections, listed, _ = arrange(events)
    return to_markdown(Agenda(WINDOW, sections, listed))


def test_header_names_the_window_and_is_followed_by_one_empty_line():
    assert block().startswith("Rusty Events between 2025-11-19 - 2025-12-17 🦀\n\n")
    assert block() == "Rusty Events between 2025-11-19 - 2025-12-17 🦀\n\n"


def test_window_end_is_seven_days_per_week_after_start():
    assert Window.of_weeks(date(2025, 12, 31), 2).end == date(2026, 1, 14)


def test_entry_lines_have_the_published_shape():
    text = block(event(title="Social Night", place=Place("Aarhus", "DK")))
    assert text.endswith(
        "### Europe\n"
        "* 2025-11-20 | Aarhus, DK | [Rust X](https://www.meetup.com/rust-x)\n"
        "    * [**Social Night**](https://www.meetup.com/rust-x/events/1/)\n"
        "\n"
    )


def test_virtual_comes_first_then_regions_in_published_order_each_followed_by_an_empty_line():
    text = block(
        event(place=Place("Lima", "PE"), uid="a"),
        event(place=Place("Tokyo", "JP"), uid="b"),
        event(place=Place("Sydney", "AU", "NSW"), uid="c"),
        event(place=Place("Austin", "US", "TX"), uid="d"),
        event(place=Place("Paris", "FR"), uid="e"),
        event(place=Place("Lagos", "NG"), uid="f"),
        event(mode="online", place=Place("Berlin", "DE"), uid="g"),
    )
    headings = [line for line in text.splitlines() if line.startswith("#")]
    assert headings == [
        "### Virtual",
        "### Africa",
        "### Asia",
        "### Europe",
        "### North America",
        "### Oceania",
        "### South America",
    ]
    for heading in headings[1:]:
        assert f"\n\n{heading}\n* " in text


def test_empty_regions_are_left_out():
    text = block(event(place=Place("Paris", "FR")))
    assert "### Virtual" not in text and "### Asia" not in text


def test_hybrid_is_listed_under_virtual_and_again_under_its_region():
    text = block(event(mode="hybrid", place=Place("Seattle", "US", "WA")))
    line = "* 2025-11-20 | Hybrid (Seattle, WA, US) | [Rust X](https://www.meetup.com/rust-x)\n"
    assert text.count(line) == 2
    assert text.index("### Virtual") < text.index(line) < text.index("### North America")


@pytest.mark.parametrize(
    ("place", "shown"),
    [
        (Place("Seattle", "US", "WA"), "Seattle, WA, US"),
        (Place("Vancouver", "CA", "BC"), "Vancouver, BC, CA"),
        (Place("Canberra", "AU", "ACT"), "Canberra, ACT, AU"),
        (Place("Leipzig", "DE", "SN"), "Leipzig, DE"),
        (Place("Cardiff", "GB"), "Cardiff, UK"),
        (Place("München", "DE"), "München, DE"),
    ],
)
def test_location_form_by_country(place, shown):
    assert f"| {shown} |" in block(event(place=place))


def test_online_shows_the_group_home_or_bare_virtual():
    text = block(
        event(mode="online", place=Place("Dallas", "US", "TX"), uid="a"),
        event(mode="online", place=None, uid="b"),
    )
    assert "| Virtual (Dallas, TX, US) |" in text
    assert "| Virtual | [Rust X]" in text


def test_multi_day_events_show_their_last_day_inclusive():
    text = block(event("2025-11-18", last="2025-11-20", place=Place("Utrecht", "NL")))
    assert "* 2025-11-18 - 2025-11-20 | Utrecht, NL |" in text


def test_order_is_date_then_location_in_code_points_then_group_then_title():
    evs = [
        event("2025-11-21", place=Place("Aachen", "DE"), uid="late"),
        event(mode="online", place=Place("Berlin", "DE"), uid="v-berlin"),
        event(mode="online", place=None, uid="virtual"),
        event(mode="hybrid", place=Place("Zürich", "CH"), uid="hybrid"),
        event(mode="online", place=Place("Berlin", "DE"), group="A Group", uid="v-berlin-a"),
        event(mode="online", place=Place("Berlin", "DE"), group="A Group", title="A", uid="v-a"),
    ]
    sections, _, _ = arrange(evs)
    virtual = [e.uid for e in sections[0].events]
    assert virtual == ["hybrid", "virtual", "v-a", "v-berlin-a", "v-berlin"]


def test_several_groups_are_joined_by_a_bar():
    groups = (
        Group("Rust Girona", "https://lu.ma/rust-girona"),
        Group("Silicon Girona", "https://silicongirona.github.io"),
    )
    text = block(event(groups=groups, place=Place("Girona", "ES")))
    assert (
        "| [Rust Girona](https://lu.ma/rust-girona) | [Silicon Girona](https://silicongirona.github.io)\n"
        in text
    )


def test_titles_keep_emoji_bars_and_balanced_brackets():
    assert (
        markdown_text("Rust Vienna - December | at Sentry.io 🦀")
        == "Rust Vienna - December | at Sentry.io 🦀"
    )
    assert markdown_text("Talk [in English]") == "Talk [in English]"


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("line one\nline two", "line one line two"),
        ("a **bold** claim", r"a \*\*bold\*\* claim"),
        ("[unbalanced", r"\[unbalanced"),
        ("unbalanced]", r"unbalanced\]"),
        ("] and [", r"\] and \["),
        ("bell\x07 and escape\x1b[31m", r"bell and escape \[31m"),
        ("right\u202eto left", "rightto left"),
        ("ends with \\", "ends with \\\\"),
    ],
)
def test_text_that_would_break_the_line_is_neutralised(raw, shown):
    assert markdown_text(raw) == shown


def test_links_that_are_not_http_never_reach_the_block():
    text = block(event(url="javascript:alert(1)", group_url="file:///etc/passwd"))
    assert "javascript:" not in text and "file:" not in text
    bad_title = event(url="javascript:alert(1)", uid="uid-2")
    assert "* 2025-11-20 | Berlin, DE | [Rust X](https://www.meetup.com/rust-x)\n" in block(
        bad_title
    )
    assert "    * [**Monthly Meetup**](https://www.meetup.com/rust-x)\n" in block(bad_title)


def test_an_event_with_no_http_link_at_all_is_left_out_and_said():
    lonely = event(url="javascript:alert(1)", group_url="file:///etc/passwd")
    _, listed, problems = arrange([lonely])
    assert listed == ()
    assert [(p.kind, p.uid) for p in problems] == [(ProblemKind.NOT_LISTED, "uid-1")]


def test_a_link_with_spaces_or_brackets_cannot_end_the_markdown_link_early():
    text = block(event(url="https://example.org/a b)c"))
    assert "(https://example.org/a%20b%29c)" in text


def test_json_has_the_documented_fields_and_validates_against_the_shipped_schema():
    jsonschema = pytest.importorskip("jsonschema")
    sections, listed, _ = arrange([event(mode="hybrid", place=Place("Seattle", "US", "WA"))])
    agenda = Agenda(WINDOW, sections, listed)
    data = json.loads(to_json(agenda))
    schema = json.loads(resources.files("events").joinpath("data", "event.schema.json").read_text())
    jsonschema.validate(data, schema)
    assert data["window"] == {"start": "2025-11-19", "end": "2025-12-17"}
    (item,) = data["events"]
    assert item["sections"] == ["Virtual", "North America"]
    assert item["location"] == "Hybrid (Seattle, WA, US)"
    assert item["place"]["display"] == "Seattle, WA, US"
    assert item["group"] == {"name": "Rust X", "url": "https://www.meetup.com/rust-x"}
    assert to_data(agenda) == data


def test_without_an_event_link_the_title_leads_to_the_group_page():
    text = block(event(url=None))
    assert "    * [**Monthly Meetup**](https://www.meetup.com/rust-x)\n" in text


def test_every_control_character_and_line_separator_is_neutralised():
    import unicodedata

    from events.rules.text import clean_text

    controls = [
        chr(i) for i in range(0x110000) if unicodedata.category(chr(i)) in ("Cc", "Zl", "Zp")
    ]
    assert clean_text("a" + "".join(controls) + "b") == "a b"


def test_json_written_by_two_processes_is_the_json_written_by_one():
    from events.stages.render import PARALLEL_MIN_EVENTS, to_json_bytes

    koln = Place("Köln", "DE")

    many = [
        event(f"2025-11-{20 + i % 7}", uid=f"u{i}", title=f"Meetup {i} 🦀", place=koln)
        for i in range(2 * PARALLEL_MIN_EVENTS + 3)
    ]
    # weekly series: the occurrences of one entry share its objects, and are dealt together
    for first in many[:40]:
        for week in (1, 2, 3):
            day = first.date + timedelta(weeks=week)
            many.append(replace(first, date=day, end_date=day, start=day))
    sections, listed, _ = arrange(many)
    agenda = Agenda(WINDOW, sections, listed)
    one = to_json_bytes(agenda)
    assert to_json_bytes(agenda, cores=2) == one == to_json(agenda).encode("utf-8")
    assert len(json.loads(one)["events"]) == len(many)
