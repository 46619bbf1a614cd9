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
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "no-config"))
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
        ("[[calendar]]\nurl = 'a'\ngroup = 3\n", "`group` must be a string"),
    ],
)
def test_faults_are_named(text, message):
    with pytest.raises(ConfigError, match=message):
        parse_config(text, source="my.toml")


def test_a_missing_file_is_named(tmp_path):
    with pytest.raises(ConfigError, match="nope.toml"):
        load_config(tmp_path / "nope.toml")


# --- the bundled list: the community calendar, then the groups TWIR's editors monitor ----------

MONITORED = REPO.parent / "shared" / "twir" / "monitored"
for _candidate in (REPO.parent / "shared", REPO.parent.parent / "shared", Path("/work/shared")):
    if (_candidate / "twir" / "monitored" / "rust-meetups.json").is_file():
        MONITORED = _candidate / "twir" / "monitored"
        break
needs_lists = pytest.mark.skipif(
    not (MONITORED / "rust-meetups.json").is_file(), reason="TWIR's monitored lists are absent"
)


def _bundled():
    return parse_config(
        resources.files("events").joinpath("data", "calendars.toml").read_text("utf-8")
    )


def test_the_community_calendar_comes_first_and_is_required():
    first, *groups = _bundled().calendars
    assert first.name == "Rust Community Calendar" and first.required
    assert first.group is None and not first.rust_only
    assert groups and not any(spec.required for spec in groups)


def test_every_group_feed_is_a_meetup_feed_naming_its_group():
    from events.registry import Registry

    registry = Registry.bundled()
    _, *groups = _bundled().calendars
    for spec in groups:
        urlname = spec.source.removeprefix("https://www.meetup.com/").split("/")[0]
        assert spec.source == f"https://www.meetup.com/{urlname}/events/ical/"
        assert spec.group_url == f"https://www.meetup.com/{urlname}/events/"
        known = registry.by_link(spec.group_url)
        assert spec.group == (known.name if known else None), spec.name
    assert len({spec.name for spec in groups}) == len(groups)


@needs_lists
def test_the_bundled_list_is_what_the_tool_makes_of_twirs_lists(tmp_path):
    import json
    import subprocess
    import sys

    out = tmp_path / "calendars.toml"
    rust, maybe = MONITORED / "rust-meetups.json", MONITORED / "maybe-rust-meetups.json"
    done = subprocess.run(
        [
            sys.executable,
            str(REPO / "tools" / "monitored.py"),
            str(rust),
            str(maybe),
            "-o",
            str(out),
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert out.read_text("utf-8") == (REPO / "calendars.toml").read_text("utf-8")
    _, *groups = _bundled().calendars
    slugs = {spec.group_url.split("/")[3]: spec for spec in groups}
    rust_names = [u.split("/")[3] for u in json.loads(rust.read_text())]
    maybe_names = [u.split("/")[3] for u in json.loads(maybe.read_text())]
    assert set(slugs) == set(rust_names) | set(maybe_names)
    assert not any(slugs[n].rust_only for n in rust_names)
    assert all(slugs[n].rust_only for n in maybe_names if n not in rust_names)


def test_the_tool_reads_only_the_files_it_is_given(tmp_path):
    import json
    import subprocess
    import sys

    rust, maybe = tmp_path / "rust.json", tmp_path / "maybe.json"
    rust.write_text(json.dumps(["https://www.meetup.com/rust-berlin/events/", "https://x.org/"]))
    maybe.write_text(json.dumps(["https://www.meetup.com/some-tech-group/events/"]))
    done = subprocess.run(
        [sys.executable, str(REPO / "tools" / "monitored.py"), str(rust), str(maybe)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0
    assert "not a Meetup group URL" in done.stderr and "x.org" in done.stderr
    config = parse_config(done.stdout)
    assert [c.name for c in config.calendars] == [
        "Rust Community Calendar",
        "Rust Berlin (Meetup)",
        "meetup.com/some-tech-group",
    ]
    berlin, other = config.calendars[1:]
    assert (berlin.group, berlin.rust_only) == ("Rust Berlin", False)
    assert (other.group, other.group_url, other.rust_only) == (
        None,
        "https://www.meetup.com/some-tech-group/events/",
        True,
    )


# --- every fault is one line naming the file and the key ---------------------------------------

FAULTS = [
    (
        "[[group]]\nname = 'G'\nurl = 5\n",
        "group #1 ('G'): `url` must be a string, not the number 5",
    ),
    ("[[group]]\nname = 'G'\naliases = 5\n", "`aliases` must be a list of strings"),
    ("[[group]]\nname = 'G'\naliases = [5]\n", "`aliases` #1 must be a string"),
    ("[[group]]\nname = 'G'\nstate = ['x']\n", "`state` must be a string, not a list"),
    ("[[group]]\nname = 'G'\ncity = 'A'\ncountry = {a = 1}\n", "`country` must be a string"),
    ("[[group]]\nname = 5\n", "`name` must be a string"),
    ("[[group]]\nname = ''\n", "needs a name"),
    ("[[group]]\nname = 'G'\ntimezone = 'Europe/Atlantis'\n", "not an IANA time zone"),
    ("[[group]]\nname = 'G'\nurl = 'javascript:alert(1)'\n", "`url` must be an http(s) address"),
    ("[[group]]\nname = 'G'\nhome = 'x'\n", "unknown key 'home'"),
    ("group = 'x'\n", "[[group]] must be an array of tables"),
    ("group = [1]\n", "group #1 must be a table"),
    ("[[calendar]]\nurl = 5\n", "calendar #1: `url` must be a string, not the number 5"),
    ("[[calendar]]\nurl = 'a.ics'\nrequired = 'yes'\n", "`required` must be true or false"),
    ("[[calendar]]\nurl = 'a.ics'\nrust_only = 1\n", "`rust_only` must be true or false"),
    ("[[calendar]]\nurl = 'a.ics'\nname = ['x']\n", "`name` must be a string"),
    ("[[calendar]]\nurl = 'a.ics'\ngroup_url = 'ftp://x/'\n", "`group_url` must be an http(s)"),
    ("[[calendar]]\nurl = 'a.ics'\nurls = 'b.ics'\n", "unknown key 'urls'"),
    ("[[calendar]]\nurl = ''\n", "needs a url"),
    (
        "[[calendar]]\nurl = 'a.ics'\nname = 'A'\n[[calendar]]\nurl = 'b.ics'\nname = 'A'\n",
        "calendar #2 ('A'): `name` is already that of calendar #1",
    ),
    ("calendars = []\n", "unknown key 'calendars'"),
    ("calendar = [1]\n", "calendar #1 must be a table"),
    ("[[calendar]]\nurl = 'a.ics'\ngroup = \"\\u001b[31m\"\nname = 1\n", "`name` must be"),
]


@pytest.mark.parametrize(("text", "words"), FAULTS, ids=[f[1][:40] for f in FAULTS])
def test_each_type_error_is_one_line_naming_file_and_key(text, words):
    with pytest.raises(ConfigError) as caught:
        parse_config(text, source="my.toml")
    message = str(caught.value)
    assert message.startswith("my.toml: ") and "\n" not in message
    assert words in message
    assert "\x1b" not in message


def test_a_configuration_error_is_exit_2_and_one_line(tmp_path):
    import subprocess
    import sys

    bad = tmp_path / "calendars.toml"
    bad.write_text("[[group]]\nname = 'G'\naliases = 5\n")
    done = subprocess.run(
        [sys.executable, "-m", "events", "--config", str(bad)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=60,
        env={**__import__("os").environ, "PYTHONPATH": str(REPO)},
    )
    assert (done.returncode, done.stdout) == (2, "")
    (line,) = done.stderr.splitlines()
    assert str(bad) in line and "`aliases`" in line


def test_a_fifo_as_configuration_is_refused_at_once(tmp_path):
    import os

    fifo = tmp_path / "calendars.toml"
    os.mkfifo(fifo)
    with pytest.raises(ConfigError, match="not a regular file"):
        load_config(fifo)
    with pytest.raises(ConfigError, match="cannot read"):
        load_config(tmp_path)


# --- the user's own configuration -------------------------------------------------------------


def _user_file(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    from events.config import user_config_path

    path = user_config_path()
    path.parent.mkdir(parents=True)
    path.write_text('[[calendar]]\nname = "Mine"\nurl = "mine.ics"\n')
    return path


def test_the_users_own_file_comes_before_the_bundled_copy(tmp_path, monkeypatch):
    path = _user_file(tmp_path, monkeypatch)
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    config = load_config()
    assert config.source == str(path)
    assert [c.name for c in config.calendars] == ["Mine"]


def test_a_local_file_and_config_come_before_the_users_own(tmp_path, monkeypatch):
    _user_file(tmp_path, monkeypatch)
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    (work / "calendars.toml").write_text('[[calendar]]\nname = "Here"\nurl = "here.ics"\n')
    other = tmp_path / "other.toml"
    other.write_text('[[calendar]]\nname = "Given"\nurl = "given.ics"\n')
    assert [c.name for c in load_config().calendars] == ["Here"]
    assert [c.name for c in load_config(other).calendars] == ["Given"]


def test_a_calendar_given_on_the_command_line_is_required():
    from events.config import spec_for

    assert spec_for("x.ics").required
