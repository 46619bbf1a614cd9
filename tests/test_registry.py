"""The group registry: link and name matching, calendars.toml overrides, learning, storage."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from events.model import Group, Place
from events.registry.groups import Registry, RegistryGroup
from events.registry.learn import learn, main_learn, write_registry
from events.rules.links import link_key, meetup_slug

SECTIONS = Path(__file__).resolve().parents[2] / "shared" / "twir" / "sections"

SRUG = RegistryGroup(
    name="Seattle Rust User Group",
    url="https://www.meetup.com/join-srug",
    home=Place("Seattle", "US", "WA"),
    names=("Seattle Rust User Group Meetup",),
    links=("meetup.com/seattle-rust-user-group",),
    last_seen=date(2025, 12, 30),
)
GIRONA = RegistryGroup("Rust Girona", "https://lu.ma/rust-girona", Place("Girona", "ES"))
NUREMBERG = RegistryGroup(
    "Rust Nuremberg", "https://www.meetup.com/rust-noris/", None, ("Rust Nürnberg",)
)
BOULDER = RegistryGroup("Boulder Elixir", "https://www.meetup.com/boulder-elixir/events/")


@pytest.fixture
def registry() -> Registry:
    return Registry([SRUG, GIRONA, NUREMBERG, BOULDER])


# --- link keys ---------------------------------------------------------------------------------


def test_link_key_ignores_scheme_www_case_slash_query_and_fragment():
    assert link_key("HTTP://WWW.Example.org/Rust/?utm=x#top") == link_key(
        "https://example.org/rust"
    )


def test_link_key_treats_lu_ma_as_luma_com():
    assert link_key("https://lu.ma/rust-girona") == link_key("https://luma.com/rust-girona/")


def test_link_key_gives_every_meetup_group_page_the_same_key():
    pages = [
        "https://www.meetup.com/Boulder-Elixir/",
        "https://www.meetup.com/boulder-elixir/events/",
        "https://www.meetup.com/de-DE/boulder-elixir/",
        "https://www.meetup.com/boulder-elixir/events/ical/",
    ]
    assert {link_key(page) for page in pages} == {"meetup.com/boulder-elixir"}


def test_link_key_keeps_meetup_event_ids_apart():
    assert link_key("https://www.meetup.com/x/events/1/") != link_key(
        "https://www.meetup.com/x/events/2"
    )


def test_link_key_rejects_what_is_not_a_web_link():
    assert [link_key(u) for u in ("", "mailto:a@b.org", "Rust Berlin", "ftp://x.org/")] == [
        None
    ] * 4


def test_meetup_slug():
    assert meetup_slug("https://www.meetup.com/es-ES/Rust-Argentina/events/1/") == "rust-argentina"
    assert meetup_slug("https://luma.com/rust-argentina") is None
    assert meetup_slug("https://www.meetup.com/find/?keywords=rust") is None


# --- matching ----------------------------------------------------------------------------------


def test_meetup_event_link_finds_the_group_by_its_page(registry):
    found = registry.by_link("https://www.meetup.com/boulder-elixir/events/305000000/")
    assert found is BOULDER


def test_meetup_event_link_finds_the_group_by_an_old_slug(registry):
    assert (
        registry.by_link("https://www.meetup.com/seattle-rust-user-group/events/311351673/") is SRUG
    )


def test_lu_ma_and_luma_com_are_one_link(registry):
    assert registry.by_link("https://luma.com/Rust-Girona/") is GIRONA


def test_luma_event_link_names_no_group(registry):
    assert registry.by_link("https://luma.com/x8ye2kcb") is None


def test_unknown_and_empty_links_find_nothing(registry):
    assert registry.by_link("https://www.meetup.com/rust-kraków/events/1/") is None
    assert registry.by_link(None) is None


def test_names_match_without_case_accents_or_punctuation(registry):
    assert registry.by_name("RUST NURNBERG!") is NUREMBERG
    assert registry.by_name("seattle rust user-group meetup") is SRUG
    assert registry.by_name("Rust Kraków") is None


def test_registry_group_as_model_group():
    assert SRUG.group == Group("Seattle Rust User Group", SRUG.url, SRUG.home)


def test_own_link_beats_an_alias_of_another_group():
    old = RegistryGroup("Old", "https://www.meetup.com/old", links=("meetup.com/shared",))
    owner = RegistryGroup("Owner", "https://www.meetup.com/shared")
    assert Registry([old, owner]).by_link("https://www.meetup.com/shared/events/9") is owner


# --- calendars.toml groups -------------------------------------------------------------------


def test_config_group_overrides_a_learned_one_and_keeps_its_old_identity(registry):
    extra = {
        "name": "SRUG",
        "url": "https://luma.com/srug",
        "aliases": ["https://www.meetup.com/join-srug"],
        "city": "Bellevue",
        "state": "WA",
        "country": "US",
    }
    updated = registry.with_groups([extra])
    found = updated.by_link("https://www.meetup.com/join-srug/events/1/")
    assert (found.name, found.url, found.home.city) == ("SRUG", "https://luma.com/srug", "Bellevue")
    assert updated.by_name("Seattle Rust User Group") is found
    assert len(updated) == len(registry)


def test_config_group_is_added_and_wins_its_keys(registry):
    extra = {
        "name": "Rust Kraków",
        "url": "https://www.meetup.com/rust-krakow/",
        "aliases": ["Krakow"],
    }
    updated = registry.with_groups([extra])
    assert updated.by_link("https://www.meetup.com/rust-krakow/events/2/").name == "Rust Kraków"
    assert updated.by_name("krakow").name == "Rust Kraków"
    assert len(updated) == len(registry) + 1
    assert registry.by_name("krakow") is None  # the original is unchanged


def test_config_country_uk_is_gb_and_a_given_timezone_is_kept(registry):
    extra = {"name": "Cardiff", "city": "Cardiff", "country": "UK", "timezone": "Europe/London"}
    home = registry.with_groups([extra]).by_name("Cardiff").home
    assert (home.country, home.timezone) == ("GB", "Europe/London")


# --- storage -------------------------------------------------------------------------------------


def test_json_round_trip(tmp_path, registry):
    path = tmp_path / "registry.json"
    write_registry(registry, path)
    again = Registry.from_json(path)
    assert sorted(again, key=lambda g: g.name) == sorted(registry, key=lambda g: g.name)
    names = [g["name"] for g in json.loads(path.read_text("utf-8"))["groups"]]
    assert names == sorted(names, key=str.casefold)


def test_write_is_atomic_and_leaves_no_temp_file(tmp_path, registry):
    path = tmp_path / "registry.json"
    path.write_text("old", "utf-8")
    write_registry(registry, path)
    assert [p.name for p in tmp_path.iterdir()] == ["registry.json"]
    assert json.loads(path.read_text("utf-8"))["groups"]


def test_bundled_registry_is_the_shipped_file_read_once():
    loaded = Registry.from_json(Path(__file__).resolve().parents[1] / "events/data/registry.json")
    assert len(loaded) == len(Registry.bundled()) > 200
    assert Registry.bundled() is Registry.bundled()


# --- learning ------------------------------------------------------------------------------------


def issue(tmp_path: Path, start: str, body: str) -> Path:
    path = tmp_path / f"{start}.md"
    path.write_text(f"Rusty Events between {start} - 2099-01-01 🦀\n\n{body}\n", "utf-8")
    return path


def entry(day: str, location: str, group: str, title_url: str) -> str:
    return f"* {day} | {location} | {group}\n    * [**Meetup**]({title_url})\n"


def test_learning_prefers_the_most_recent_name_and_link(tmp_path):
    files = [
        issue(
            tmp_path,
            "2024-06-05",
            entry(
                "2024-06-11",
                "Virtual (Dallas, TX, US)",
                "[Dallas Rust](https://www.meetup.com/dallasrust/)",
                "https://www.meetup.com/dallasrust/events/1/",
            ),
        ),
        issue(
            tmp_path,
            "2023-01-04",
            entry(
                "2023-01-10",
                "Virtual (Dallas, TX, US)",
                "[Dallas Rust](https://www.meetup.com/Dallas-Rust/)",
                "https://www.meetup.com/dallas-rust/events/2/",
            ),
        ),
        issue(
            tmp_path,
            "2025-01-01",
            entry(
                "2025-01-14",
                "Virtual (Dallas, TX, US)",
                "[Dallas Rust User Meetup](https://www.meetup.com/dallasrust)",
                "https://www.meetup.com/dallasrust/events/3/",
            ),
        ),
    ]
    (group,) = learn(files)
    assert (group.name, group.url) == (
        "Dallas Rust User Meetup",
        "https://www.meetup.com/dallasrust",
    )
    assert group.names == ("Dallas Rust",)
    assert group.links == ("meetup.com/dallas-rust",)
    assert group.home == Place("Dallas", "US", "TX", group.home.timezone)
    assert group.last_seen == date(2025, 1, 14)


def test_event_slugs_consistently_under_one_group_become_aliases(tmp_path):
    body = "".join(
        entry(
            f"2025-01-0{day}",
            "Edinburgh, UK",
            "[Rust and Friends](https://www.meetup.com/rust-edi)",
            f"https://www.meetup.com/rust-and-friends/events/{day}/",
        )
        for day in (1, 2)
    )
    (group,) = learn([issue(tmp_path, "2025-01-01", body)])
    assert group.links == ("meetup.com/rust-and-friends",)


def test_event_slug_shared_by_two_groups_is_no_alias(tmp_path):
    body = entry(
        "2025-01-01", "Oslo, NO", "[A](https://a.example/)", "https://www.meetup.com/hub/events/1/"
    ) + entry(
        "2025-01-02", "Oslo, NO", "[B](https://b.example/)", "https://www.meetup.com/hub/events/2/"
    )
    registry = learn([issue(tmp_path, "2025-01-01", body)])
    assert all(group.links == () for group in registry)


def test_a_rare_pasted_link_does_not_merge_two_groups(tmp_path):
    berlin = "[Rust Berlin](https://www.meetup.com/rust-berlin)"
    ots = "[OpenTechSchool Berlin](https://berline.rs/)"
    body = "".join(
        entry(f"2025-01-{day:02}", "Berlin, DE", group, "https://e.example/")
        for day in range(1, 13)
        for group in (berlin, ots)
    ) + entry(
        "2025-01-20", "Berlin, DE", "[Rust Berlin](https://berline.rs/)", "https://e.example/"
    )
    registry = learn([issue(tmp_path, "2025-01-01", body)])
    assert sorted(group.name for group in registry) == ["OpenTechSchool Berlin", "Rust Berlin"]


def test_home_place_rules(tmp_path):
    body = (
        entry("2025-01-01", "Munich, DE", "[A](https://a.example/)", "https://e.example/1")
        + entry(
            "2025-01-02",
            "Virtual (Leipzig, SN, DE)",
            "[A](https://a.example/)",
            "https://e.example/2",
        )
        + entry("2025-01-03", "Virtual", "[A](https://a.example/)", "https://e.example/3")
        + entry("2025-01-01", "Virtual", "[B](https://b.example/)", "https://e.example/4")
        + entry(
            "2025-01-01",
            "Virtual (Oslo, NO; Lima, PE)",
            "[C](https://c.example/)",
            "https://e.example/5",
        )
    )
    homes = {g.name: g.home for g in learn([issue(tmp_path, "2025-01-01", body)])}
    assert (homes["A"].city, homes["A"].country, homes["A"].state) == ("Leipzig", "DE", None)
    assert homes["B"] is None and homes["C"] is None


def test_main_learn_writes_the_registry_and_reports_failure(tmp_path, capsys):
    good = issue(
        tmp_path,
        "2025-01-01",
        entry("2025-01-02", "Oslo, NO", "[A](https://a.example/)", "https://e/"),
    )
    out = tmp_path / "out" / "registry.json"
    assert main_learn([good], out) == 0
    assert Registry.from_json(out).by_name("a").url == "https://a.example/"
    assert main_learn([tmp_path / "missing.md"], tmp_path / "other.json") == 1
    assert "missing.md" in capsys.readouterr().err


@pytest.mark.skipif(not SECTIONS.is_dir(), reason="../shared/twir/sections is absent")
def test_learned_registry_recognises_the_latest_published_groups():
    latest = sorted(SECTIONS.glob("*.md"))[-1]
    registry = learn(sorted(SECTIONS.glob("*.md")))
    from events.registry.archive import parse_block

    for listing in parse_block(latest.read_text("utf-8")).listings:
        for name, url in listing.groups:
            found = registry.by_link(url)
            assert (found.name, found.url) == (name, url)


def test_a_group_whose_titles_habitually_start_with_its_name_is_marked(tmp_path):
    def listing(day: int, title: str, group: str = "Rust Vienna") -> str:
        link = f"[{group}](https://www.meetup.com/{group.lower().replace(' ', '-')})"
        return f"* 2025-01-0{day} | Vienna, AT | {link}\n    * [**{title}**](https://x.org/{day})\n"

    body = (
        listing(1, "Rust Vienna - January")
        + listing(2, "Rust Vienna: February")
        + listing(3, "Season kickoff")
        + listing(4, "Monthly Meetup", "Rust Graz")
        + listing(5, "Rust Graz - March", "Rust Graz")
        + listing(6, "Hack night", "Rust Graz")
        + listing(7, "Summer social", "Rust Graz")
    )
    groups = {g.name: g for g in learn([issue(tmp_path, "2025-01-01", body)])}
    assert groups["Rust Vienna"].named_titles
    assert not groups["Rust Graz"].named_titles


def test_a_title_lately_used_by_one_group_only_is_learned_as_its_own(tmp_path):
    def listing(day: str, group: str, title: str) -> str:
        link = f"[{group}](https://www.meetup.com/{group.lower().replace(' ', '-')})"
        return f"* {day} | Virtual | {link}\n    * [**{title}**](https://x.org/{day})\n"

    body = (
        listing("2025-01-07", "Rust Berlin", "Rust Hack and Learn")
        + listing("2025-01-21", "Rust Berlin", "Rust Hack and Learn")
        + listing("2025-01-08", "Rust Berlin", "Monthly Meetup")
        + listing("2025-01-09", "Rust Paris", "Monthly Meetup")
        + listing("2025-01-10", "Rust Paris", "Once only")
    )
    registry = learn([issue(tmp_path, "2025-01-01", body)])
    assert registry.by_title("Rust hack and learn").name == "Rust Berlin"
    assert registry.by_title("Monthly Meetup") is None
    assert registry.by_title("Once only") is None


def test_a_past_issue_is_rebuilt_with_the_naming_of_its_time(tmp_path):
    def block(start: str, url: str, name: str = "Rust Berlin") -> Path:
        body = entry(start, "Virtual (Berlin, DE)", f"[{name}]({url})", "https://x.org/1")
        return issue(tmp_path, start, body)

    registry = learn(
        [
            block("2025-01-01", "https://www.meetup.com/rust-berlin", "Berlin.rs"),
            block("2025-02-05", "https://www.meetup.com/rust-berlin/events/"),
            block("2025-03-05", "https://www.meetup.com/rust-berlin"),
        ]
    )
    assert registry.by_name("Rust Berlin").url == "https://www.meetup.com/rust-berlin"
    then = registry.as_of(date(2025, 2, 10)).by_name("Rust Berlin")
    assert (then.name, then.url) == ("Rust Berlin", "https://www.meetup.com/rust-berlin/events/")
    first = registry.as_of(date(2025, 1, 1)).by_name("Rust Berlin")
    assert (first.name, first.url) == ("Berlin.rs", "https://www.meetup.com/rust-berlin")
    assert registry.as_of(date(2026, 1, 1)).by_name("Berlin.rs").url.endswith("rust-berlin")
