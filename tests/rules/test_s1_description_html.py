"""CALENDAR.md §1: DESCRIPTION is often HTML, read the way a browser reads it."""

from __future__ import annotations

from events.rules.html import read_description, unescape
from events.rules.links import find_links, is_labelled_group_link, label_name


def test_upper_case_tags_and_quoted_gt_in_attributes() -> None:
    doc = read_description('<A HREF="https://a.example/x" TITLE="a > b">RSVP</A><BR>next')
    assert [(a.href, a.text) for a in doc.anchors] == [("https://a.example/x", "RSVP")]
    assert doc.text == "RSVP\nnext"


def test_only_complete_entities_are_decoded() -> None:
    assert unescape("a &amp; b &regToRsvp=1") == "a & b &regToRsvp=1"
    doc = read_description('<a href="https://x.example/?a=1&regToRsvp=2">go</a>')
    assert doc.anchors[0].href == "https://x.example/?a=1&regToRsvp=2"


def test_unclosed_anchors_end_at_the_next_one() -> None:
    doc = read_description('<a href="https://a.example">one <a href="https://b.example">two')
    assert [a.href for a in doc.anchors] == ["https://a.example", "https://b.example"]
    assert [a.text for a in doc.anchors] == ["one", "two"]


def test_scripts_are_dropped_and_never_run() -> None:
    doc = read_description("<p>hi</p><script>alert('x')</script>there")
    assert "alert" not in doc.text and "there" in doc.text


def test_plain_text_stays_plain() -> None:
    assert read_description("Rust <> JS\nline two").text == "Rust <> JS\nline two"


def test_many_unclosed_anchors_are_read_in_linear_time() -> None:
    doc = read_description('<a href="https://x.example/">x ' * 40_000)
    assert len(doc.anchors) == 40_000


def test_markdown_links_in_plain_text_read_as_anchors() -> None:
    doc = read_description("RSVP at [our page](https://lu.ma/abc) please\nbye")
    assert doc.text == "RSVP at our page please\nbye"
    assert [(a.href, a.text, doc.text[a.start : a.end]) for a in doc.anchors] == [
        ("https://lu.ma/abc", "our page", "our page")
    ]


def test_a_markdown_link_inside_a_hosts_name_is_not_the_hosts_page() -> None:
    text = "Hosted by [Evil](https://evil.example/) Crew: https://www.meetup.com/rust-x/"
    evil, group = find_links(text)
    assert evil.url == "https://evil.example/" and not is_labelled_group_link(evil)
    assert group.url == "https://www.meetup.com/rust-x/" and is_labelled_group_link(group)
    assert label_name(group) == "Evil Crew"


def test_a_markdown_link_as_the_hosts_name_is_the_hosts_page() -> None:
    (link,) = find_links("Hosted by [Rust Berlin](https://www.meetup.com/rust-berlin/). Join!")
    assert is_labelled_group_link(link) and label_name(link) == "Rust Berlin"
    first, second = find_links(
        "Hosted by [Rust Berlin](https://a.example/)\nCrew: https://b.example/"
    )
    assert is_labelled_group_link(first) and not is_labelled_group_link(second)
