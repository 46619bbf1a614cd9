"""Issue 11 §4: follow the editors' latest namings. `--archive DIR` (by default the TWIR checkout
the command runs in) refreshes the registry from every issue dated before the window, so a group
renamed and re-linked last week is shown the new way this week; `--registry FILE` uses a learned
registry over the shipped one without reinstalling."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

import events
from events.registry import Registry
from events.registry.archive import parse_block
from events.registry.refresh import find_checkout, read_archive, refreshed

REPO = Path(__file__).resolve().parents[1]
FEED = REPO / "fixtures" / "rust-community-calendar.ics"
WINDOW = ("--from", "2025-11-19", "--weeks", "4", "--calendar", str(FEED))
OLD = "[Rust Berlin](https://www.meetup.com/rust-berlin)"
NEW = "[Rust Berlin Neu](https://luma.com/rust-berlin-neu)"
LAST_WEEK = Path("/work/shared/twir/sections/2025-11-12.md")


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run(
        [sys.executable, "-m", "events", *args],
        capture_output=True,
        text=True,
        cwd=cwd or REPO,
        env=env,
        timeout=120,
    )


def last_weeks_issue(plain: str) -> str:
    """Last week's issue as editors would have written it, Rust Berlin renamed and re-linked:
    the same listings, dated a week earlier, in a whole issue file."""
    block = plain.replace("2025-11-19 - 2025-12-17", "2025-11-12 - 2025-12-10").replace(OLD, NEW)
    return (
        "Title: This Week in Rust 625\nNumber: 625\nDate: 2025-11-12\n\n## Upcoming Events\n\n"
        f"{block}If you are running a Rust event please add it to the [calendar].\n\n## Jobs\n"
    )


def checkout(root: Path, issues: dict[str, str]) -> Path:
    """A TWIR repository in miniature: content/, draft/DRAFT_TEMPLATE, tools/."""
    for folder in ("content", "draft", "tools"):
        (root / folder).mkdir(parents=True, exist_ok=True)
    (root / "draft" / "DRAFT_TEMPLATE").write_text("Date: $twir_issue_date\n")
    for day, text in issues.items():
        (root / "content" / f"{day}-this-week-in-rust.md").write_text(text, "utf-8")
    return root


def test_a_group_renamed_and_relinked_last_week_is_shown_the_new_way(tmp_path, plain):
    assert OLD in plain
    archive = checkout(tmp_path / "twir", {"2025-11-12": last_weeks_issue(plain)})
    done = run(*WINDOW, "--archive", str(archive))
    assert done.returncode == 0, done.stderr
    assert OLD not in done.stdout
    assert done.stdout.count(NEW) == plain.count(OLD) == 2
    assert done.stdout.replace(NEW, OLD) == plain  # and nothing else changed


@pytest.mark.skipif(not LAST_WEEK.is_file(), reason="../shared/twir is absent")
def test_the_published_issue_of_last_week_renamed_names_this_weeks_events(cli, tmp_path, plain):
    published = LAST_WEEK.read_text("utf-8")
    renamed = published.replace(
        "[Rust Berlin](https://www.meetup.com/rust-berlin/events/)", NEW
    ).replace(
        "[Seattle Rust User Group](https://www.meetup.com/join-srug/events/)",
        "[Seattle Rustaceans](https://www.meetup.com/seattle-rustaceans/)",
    )
    # a luma group, first of joint listings, known by the titles of its events alone
    renamed = renamed.replace(
        "[Rust Girona](https://lu.ma/rust-girona)",
        "[Girona Rustaceans](https://luma.com/girona-rustaceans)",
    )
    assert renamed.count(NEW) >= 2
    archive = tmp_path / "issues"
    archive.mkdir()
    (archive / "2025-11-12.md").write_text(renamed, "utf-8")
    done = cli(*WINDOW, "--archive", str(archive))
    assert done.returncode == 0
    assert done.stdout.count(NEW) == plain.count(OLD)
    assert "[Rust Girona](" not in done.stdout
    assert done.stdout.count("[Girona Rustaceans](https://luma.com/girona-rustaceans)") == (
        plain.count("[Rust Girona](")
    )
    seattle = [line for line in done.stdout.splitlines() if "Seattle" in line and "* 2025" in line]
    assert seattle and all(
        "[Seattle Rustaceans](https://www.meetup.com/seattle-rustaceans/)" in line
        for line in seattle
    )


def test_the_checkout_the_command_runs_in_is_the_default_archive(cli, tmp_path, plain):
    root = checkout(tmp_path / "twir", {"2025-11-12": last_weeks_issue(plain)})
    inside = root / "draft"
    assert find_checkout(inside) == root.resolve()
    done = cli(*WINDOW, cwd=inside)
    assert done.returncode == 0 and NEW in done.stdout
    off = cli(*WINDOW, "--no-archive", cwd=inside)
    assert off.stdout == plain
    assert find_checkout(tmp_path) is None


def test_issues_dated_on_or_after_the_window_start_do_not_count(cli, tmp_path, plain):
    issue = last_weeks_issue(plain).replace("Date: 2025-11-12", "Date: 2025-11-19")
    root = checkout(tmp_path / "twir", {"2025-11-19": issue})
    assert read_archive([root / "content"], before=date(2025, 11, 19)) == []
    assert len(read_archive([root / "content"], before=date(2025, 11, 20))) == 1
    done = cli(*WINDOW, "--archive", str(root))
    assert done.stdout == plain


def test_the_archive_naming_wins_over_what_the_shipped_registry_knew_of_those_weeks(plain):
    block = parse_block(last_weeks_issue(plain).split("## Upcoming Events\n\n", 1)[1])
    registry = refreshed(Registry.bundled(), [block], before=date(2025, 11, 19))
    group = registry.by_link("https://www.meetup.com/rust-berlin/events/306046642/")
    assert group is not None
    assert (group.name, group.url) == ("Rust Berlin Neu", "https://luma.com/rust-berlin-neu")
    assert registry.by_name("Rust Berlin") is group  # the old name still finds it
    assert group.replaced("https://www.meetup.com/rust-berlin")
    untouched = Registry.bundled().by_name("Rust Paris")
    assert registry.by_name("Rust Paris") is not None and untouched is not None


def test_a_learned_registry_file_is_used_over_the_shipped_one(cli, tmp_path, plain):
    issue = tmp_path / "2025-11-12-this-week-in-rust.md"
    issue.write_text(last_weeks_issue(plain), "utf-8")
    learned = tmp_path / "registry.json"
    made = cli("registry", "learn", str(issue), "-o", str(learned))
    assert made.returncode == 0, made.stderr
    done = cli(*WINDOW, "--no-archive", "--registry", str(learned))
    assert done.returncode == 0, done.stderr
    assert NEW in done.stdout and OLD not in done.stdout
    # groups the file does not know are named by the shipped registry, the fallback
    assert done.stdout.replace(NEW, OLD) == plain


def test_a_registry_file_that_cannot_be_used_is_one_line_and_status_2(cli, tmp_path):
    bad = tmp_path / "registry.json"
    bad.write_text('{"groups": 5}')
    for registry in (bad, tmp_path / "missing.json"):
        done = cli(*WINDOW, "--registry", str(registry))
        assert done.returncode == 2 and done.stdout == ""
        assert str(registry) in done.stderr and len(done.stderr.strip().splitlines()) == 1


def test_an_archive_that_is_not_a_folder_is_one_line_and_status_2(cli, tmp_path):
    done = cli(*WINDOW, "--archive", str(tmp_path / "nowhere"))
    assert done.returncode == 2 and "nowhere" in done.stderr


def test_upcoming_takes_a_registry_and_an_archive(tmp_path, plain):
    root = checkout(tmp_path / "twir", {"2025-11-12": last_weeks_issue(plain)})
    agenda = events.upcoming(date(2025, 11, 19), calendars=[str(FEED)], archive=root)
    assert NEW in events.to_markdown(agenda)
    shipped = events.upcoming(
        date(2025, 11, 19), calendars=[str(FEED)], registry=Registry.bundled()
    )
    assert events.to_markdown(shipped) == plain
    with pytest.raises(TypeError, match="registry"):
        events.upcoming(date(2025, 11, 19), calendars=[str(FEED)], registry=5)  # type: ignore[arg-type]


def test_only_a_folder_holding_twir_files_is_taken_for_a_checkout(tmp_path):
    site = tmp_path / "site"
    for folder in ("content", "draft"):
        (site / folder).mkdir(parents=True)
    (site / "content" / "about.md").write_text("# About\n")
    assert find_checkout(site) is None  # a web site with the same folders
    (site / "content" / "2025-11-12-this-week-in-rust.md").write_text("Date: 2025-11-12\n")
    assert find_checkout(site / "draft") == site.resolve()
