"""calendars.toml: the feeds and the groups it adds."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import pytest

from events.config import ConfigError, load_config, parse_config

REPO = Path(__file__).resolve().parents[1]


def test_the_repository_configuration_lists_the_community_calendar_first():
    config = load_config(REPO / "calendars.toml")
    assert config.calendars[0].name == "Rust Community Calendar"
    assert "apd9vmbc22egenmtu5l6c5jbfc%40group.calendar.google.com" in config.calendars[0].source


def test_the_bundled_copy_is_the_repository_file():
    bundled = resources.files("events").joinpath("data", "calendars.toml").read_text("utf-8")
    assert bundled == (REPO / "calendars.toml").read_text("utf-8")


def test_without_a_local_file_the_bundled_copy_is_read(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert load_config().source == "(bundled calendars.toml)"


def test_a_local_file_is_preferred(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "calendars.toml").write_text('[[calendar]]\nname = "Mine"\nurl = "mine.ics"\n')
    assert [c.name for c in load_config().calendars] == ["Mine"]


def test_a_group_feed_names_its_group():
    config = parse_config(
        '[[calendar]]\nname = "Berlin"\nurl = "https://www.meetup.com/rust-berlin/events/ical/"\n'
        'group = "Rust Berlin"\n'
    )
    assert config.calendars[0].group == "Rust Berlin"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[[calendar]]\nname = 'x'\n", "needs a url"),
        ("calendar = 3\n", "array of tables"),
        ("[[group]]\nurl = 'https://x.org'\n", "needs a name"),
        ("[[calendar]\n", "not valid TOML"),
        ("[[calendar]]\nurl = 'a'\ngroup = 3\n", "must be a string"),
    ],
)
def test_faults_are_named(text, message):
    with pytest.raises(ConfigError, match=message):
        parse_config(text, source="my.toml")


def test_a_missing_file_is_named(tmp_path):
    with pytest.raises(ConfigError, match="nope.toml"):
        load_config(tmp_path / "nope.toml")
