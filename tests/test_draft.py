"""Issue 11: `twir-events draft FILE` fills a TWIR draft in place and says what changed.

Drafts are made the way TWIR's tools/create_draft.py makes them: DRAFT_TEMPLATE through
`string.Template`, `$twir_events_list` holding last week's list (the lines after its `Rusty
Events between` line up to `If you are running a Rust event`, stripped of blank lines), or the
placeholder. The expected listings are those of the plain command on the same feed, and the
expected counts are worked out here from the two lists with a regular expression.
"""

from __future__ import annotations

import os
import re
import string
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest

import events
from events.model import Agenda, Group, Section, Window
from events.registry.archive import parse_block
from events.stages.draft import NoEventsSection, compare, fill
from tests.helpers import event

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent.parent / "shared" / "twir"
if not SHARED.is_dir():  # the worktree layout, or /work/shared beside a clone
    SHARED = Path("/work/shared/twir")
TEMPLATE = SHARED / "DRAFT_TEMPLATE"
LAST_WEEK = SHARED / "sections" / "2025-11-12.md"
FEED = REPO / "fixtures" / "rust-community-calendar.ics"
WINDOW = ("--from", "2025-11-19", "--weeks", "4")
PLACEHOLDER = "<!-- Events list goes here -->"

#: A template in DRAFT_TEMPLATE's shape, for tests that must not depend on ../shared.
MINI_TEMPLATE = """Title: This Week in Rust $twir_issue_number
Number: $twir_issue_number
Date: $twir_issue_date
Category: This Week in Rust

## Upcoming Events

Rusty Events between $twir_issue_date - $twir_events_end_date 🦀

$twir_events_list

If you are running a Rust event please add it to the [calendar] to get
it mentioned here. Please remember to add a link to the event too.

## Jobs

* [Rusty Events between 2020-01-01 - 2020-01-29 🦀](https://example.org) stays as it is
"""


def previous_events(issue: str) -> str:
    """create_draft.py's read_previous_events, on the text of last week's issue."""
    found, lines = False, []
    for line in issue.splitlines():
        if found:
            if line.strip().startswith("If you are running a Rust event"):
                break
            lines.append(line + "\n")
        elif line.strip().startswith("Rusty Events between"):
            found = True
    return "".join(lines).strip("\n")


def make_draft(template: str, day: date, events_list: str | None) -> str:
    """create_draft.py's create_draft."""
    return string.Template(template).substitute(
        twir_issue_number=626,
        twir_issue_date=day.isoformat(),
        twir_events_end_date=(day + timedelta(28)).isoformat(),
        twir_events_list=events_list if events_list is not None else PLACEHOLDER,
    )


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


_LISTING = re.compile(r"^\* (\d{4}-\d\d-\d\d)[^\n]*\n +\* \[\*\*.*?\*\*\]\((\S+)\)$", re.M)


def keys(block: str) -> set[tuple[str, str]]:
    """(date, event link) of every listing, by a plain regular expression."""
    return set(_LISTING.findall(block))


def split_section(text: str) -> tuple[str, str, str]:
    """(before the header line, the section, from `If you are running` on)."""
    start = text.index("Rusty Events between")
    end = text.index("If you are running a Rust event")
    return text[:start], text[start:end], text[end:]


needs_shared = pytest.mark.skipif(
    not (TEMPLATE.is_file() and LAST_WEEK.is_file()), reason="../shared/twir is absent"
)


@needs_shared
def test_the_draft_of_create_draft_gets_the_plain_listings_and_nothing_else_changes(
    tmp_path, plain
):
    last_week = LAST_WEEK.read_text("utf-8")
    draft = make_draft(TEMPLATE.read_text("utf-8"), date(2025, 11, 19), previous_events(last_week))
    path = tmp_path / "2025-11-19-this-week-in-rust.md"
    path.write_bytes(draft.encode("utf-8"))
    path.chmod(0o640)

    done = run("draft", str(path), *WINDOW, "--calendar", str(FEED), "--no-archive")

    assert done.returncode == 0, done.stderr
    assert done.stdout == ""
    new = path.read_bytes().decode("utf-8")
    head, _, tail = split_section(draft)
    assert new == head + plain + tail  # every other byte as it was
    assert path.stat().st_mode & 0o777 == 0o640
    assert not list(tmp_path.glob(".*.tmp"))
    before, after = keys(last_week), keys(plain)
    counts = f"{len(after - before)} new, {len(before - after)} gone, "
    assert f"{path}: {counts}" in done.stderr
    listed = [line for line in done.stderr.splitlines() if line.startswith("  ")]
    assert sum(line.startswith("  new: ") for line in listed) == len(after - before)
    assert sum(line.startswith("  gone: ") for line in listed) == len(before - after)
    assert "Traceback" not in done.stderr


@needs_shared
def test_a_second_run_reports_nothing_new_and_leaves_the_file_alone(cli, tmp_path, plain):
    last_week = LAST_WEEK.read_text("utf-8")
    path = tmp_path / "2025-11-19-this-week-in-rust.md"
    path.write_text(
        make_draft(TEMPLATE.read_text("utf-8"), date(2025, 11, 19), previous_events(last_week)),
        "utf-8",
    )
    assert cli("draft", str(path), "--calendar", str(FEED), "--no-archive").returncode == 0
    first = path.read_bytes()
    os.utime(path, (1_000_000_000, 1_000_000_000))
    inode = path.stat().st_ino

    # --from defaults to the draft's date: its file name
    done = cli("draft", str(path), "--calendar", str(FEED), "--no-archive")

    assert done.returncode == 0, done.stderr
    assert f"{path}: 0 new, 0 gone, 0 changed" in done.stderr
    assert "up to date" in done.stderr
    assert path.read_bytes() == first
    assert path.stat().st_ino == inode and path.stat().st_mtime == 1_000_000_000  # not rewritten


@needs_shared
def test_the_placeholder_of_create_draft_is_filled(cli, tmp_path, plain):
    draft = make_draft(TEMPLATE.read_text("utf-8"), date(2025, 11, 19), None)
    path = tmp_path / "draft.md"  # no date in the name: the Date: line gives it
    path.write_text(draft, "utf-8")

    done = cli("draft", str(path), "--calendar", str(FEED), "--no-archive")

    assert done.returncode == 0, done.stderr
    new = path.read_text("utf-8")
    assert PLACEHOLDER not in new
    head, _, tail = split_section(draft)
    assert new == head + plain + tail
    assert f"{path}: {len(keys(plain))} new, 0 gone, 0 changed" in done.stderr


def test_a_notes_file_is_refused_in_one_line_and_left_untouched(cli, tmp_path):
    notes = tmp_path / "2025-11-19-this-week-in-rust.md"
    notes.write_text("# Notes\n\nNothing about events here.\n", "utf-8")
    os.utime(notes, (1_000_000_000, 1_000_000_000))

    done = cli("draft", str(notes), "--calendar", str(FEED))

    assert done.returncode == 2
    assert done.stdout == ""
    assert len(done.stderr.strip().splitlines()) == 1
    assert str(notes) in done.stderr and "no events section" in done.stderr
    assert notes.read_text("utf-8") == "# Notes\n\nNothing about events here.\n"
    assert notes.stat().st_mtime == 1_000_000_000


def test_to_markdown_without_header_is_what_the_draft_holds_under_its_header(tmp_path, plain):
    agenda = events.upcoming(date(2025, 11, 19), calendars=[str(FEED)])
    listings = events.to_markdown(agenda, header=False)
    assert plain == events.to_markdown(agenda)
    header, blank, rest = plain.partition("\n")[0], "\n", plain.partition("\n")[2]
    assert rest == blank + listings  # the block less its header line and the empty line
    # and it is what $twir_events_list takes: the filled draft is the template substituted
    text, _ = events.fill_draft(make_draft(MINI_TEMPLATE, date(2025, 11, 19), None), agenda)
    assert text == make_draft(MINI_TEMPLATE, date(2025, 11, 19), listings.rstrip("\n"))
    assert header + "\n" in text


def test_fill_draft_in_the_library_matches_the_command(cli, tmp_path, plain):
    agenda = events.upcoming(date(2025, 11, 19), calendars=[str(FEED)])
    previous = make_draft(MINI_TEMPLATE, date(2025, 11, 19), None)
    text, changes = events.fill_draft(previous, agenda)
    path = tmp_path / "2025-11-19-this-week-in-rust.md"
    path.write_text(previous, "utf-8")
    assert cli("draft", str(path), "--calendar", str(FEED), "--no-archive").returncode == 0
    assert path.read_text("utf-8") == text
    assert changes.summary == f"{len(agenda_keys(agenda))} new, 0 gone, 0 changed"
    again, nothing = events.fill_draft(text, agenda)
    assert again == text and nothing.summary == "0 new, 0 gone, 0 changed"


def agenda_keys(agenda: Agenda) -> set[tuple[str, str]]:
    return {(e.date.isoformat(), e.url or "") for e in agenda.events}


def test_dry_run_prints_the_draft_and_diff_a_unified_diff_and_neither_writes(cli, tmp_path, plain):
    draft = make_draft(MINI_TEMPLATE, date(2025, 11, 19), None)
    path = tmp_path / "2025-11-19-this-week-in-rust.md"
    path.write_text(draft, "utf-8")

    shown = cli("draft", str(path), "--calendar", str(FEED), "--dry-run")
    diff = cli("draft", str(path), "--calendar", str(FEED), "--diff")

    assert shown.returncode == diff.returncode == 0
    head, _, tail = split_section(draft)
    assert shown.stdout == head + plain + tail
    assert diff.stdout.startswith(f"--- a/{path}\n+++ b/{path}\n@@ ")
    assert f"-{PLACEHOLDER}\n" in diff.stdout
    assert "+* 2025-11-20 | Virtual (Berlin, DE) | [Rust Berlin]" in diff.stdout
    assert path.read_text("utf-8") == draft


def test_a_draft_whose_feed_cannot_be_read_is_left_as_it_is(cli, tmp_path):
    draft = make_draft(MINI_TEMPLATE, date(2025, 11, 19), None)
    path = tmp_path / "2025-11-19-this-week-in-rust.md"
    path.write_text(draft, "utf-8")
    done = cli("draft", str(path), "--calendar", str(tmp_path / "missing.ics"))
    assert done.returncode == 1
    assert "left as it is" in done.stderr
    assert path.read_text("utf-8") == draft


def test_previous_gives_the_same_report_for_the_plain_command(cli, tmp_path, plain):
    last = tmp_path / "2025-11-12-this-week-in-rust.md"
    older = plain.replace("2025-11-19 - 2025-12-17", "2025-11-12 - 2025-12-10")
    # last week: one listing more, one less, one with another title
    lines = older.splitlines(keepends=True)
    first = next(i for i, line in enumerate(lines) if line.startswith("* "))
    gone = "* 2025-11-12 | Aarhus, DK | [Rust Aarhus](https://www.meetup.com/rust-aarhus)\n"
    gone += "    * [**Old Night**](https://www.meetup.com/rust-aarhus/events/1/)\n"
    title = lines[first + 1]
    renamed = re.sub(r"\[\*\*(.*?)\*\*\]", r"[**\1 (old title)**]", title)
    lines[first + 1] = renamed
    dropped = lines[first + 2 : first + 4]
    del lines[first + 2 : first + 4]
    lines[first:first] = [gone]
    issue = "Title: This Week in Rust 625\n\n## Upcoming Events\n\n" + "".join(lines)
    issue += "\nIf you are running a Rust event please add it.\n\n## Jobs\n\n* [x](https://x.org)\n"
    last.write_text(issue, "utf-8")

    done = cli(*WINDOW, "--calendar", str(FEED), "--previous", str(last))

    assert done.returncode == 0, done.stderr
    assert done.stdout == plain
    dropped_keys = keys("".join(dropped))
    new = len(dropped_keys - keys(issue))
    assert f"since {last}: {new} new, 1 gone, 1 changed" in done.stderr
    assert "  gone: 2025-11-12 | Aarhus, DK | Rust Aarhus | Old Night" in done.stderr
    assert "(old title)" in done.stderr


def test_previous_that_holds_no_block_is_a_usage_error(cli, tmp_path):
    notes = tmp_path / "notes.md"
    notes.write_text("nothing\n", "utf-8")
    done = cli(*WINDOW, "--calendar", str(FEED), "--previous", str(notes))
    assert done.returncode == 2 and done.stdout == ""
    assert str(notes) in done.stderr and len(done.stderr.strip().splitlines()) == 1


# -- the stage on text ---------------------------------------------------------------------


def agenda_of(*listed) -> Agenda:
    window = Window(date(2025, 11, 19), date(2025, 12, 17))
    return Agenda(window, (Section("Europe", tuple(listed)),), tuple(listed))


def test_a_crlf_draft_keeps_its_line_ends_and_the_rest_of_its_bytes():
    draft = make_draft(MINI_TEMPLATE, date(2025, 11, 19), "* old\n    * old").replace("\n", "\r\n")
    text, _ = events.fill_draft(draft, agenda_of(event("2025-11-20")))
    assert "\n" not in text.replace("\r\n", "")
    assert "Rusty Events between 2025-11-19 - 2025-12-17 🦀\r\n\r\n### Europe\r\n" in text
    head, _, tail = split_section(draft)
    assert text.startswith(head) and text.endswith(tail)


def test_changes_are_by_date_and_event_link_and_changed_means_title_place_or_group():
    old = agenda_of(
        event("2025-11-20", url="https://e.org/1", title="Same"),
        event("2025-11-21", url="https://e.org/2", title="Before"),
        event("2025-11-22", url="https://e.org/3"),
        event("2025-11-23", url="https://e.org/4", groups=(Group("Rust X", "https://x.org"),)),
    )
    new = agenda_of(
        event("2025-11-20", url="https://e.org/1", title="Same"),
        event("2025-11-21", url="https://e.org/2", title="After"),
        event("2025-11-24", url="https://e.org/3"),  # moved: gone and new
        event("2025-11-23", url="https://e.org/4", groups=(Group("Rust Y", "https://y.org"),)),
    )
    changes = compare(parse_block(events.to_markdown(old)), parse_block(events.to_markdown(new)))
    assert changes.summary == "1 new, 1 gone, 2 changed"
    assert [c.date.isoformat() for c in changes.new] == ["2025-11-24"]
    assert [c.date.isoformat() for c in changes.gone] == ["2025-11-22"]
    said = {c.url: c.details for c in changes.changed}
    assert said["https://e.org/2"] == ("title 'Before' → 'After'",)
    assert said["https://e.org/4"][0].startswith("group [Rust X](https://x.org) → [Rust Y]")


def test_text_without_an_events_section_is_refused():
    with pytest.raises(NoEventsSection):
        fill("# Notes\n", "Rusty Events between 2025-11-19 - 2025-12-17 🦀\n\n")
    with pytest.raises(NoEventsSection):
        events.fill_draft("# Notes\n", agenda_of())


def test_a_block_in_a_later_paragraph_is_not_mistaken_for_the_events_section():
    draft = make_draft(MINI_TEMPLATE, date(2025, 11, 19), None)
    text, _ = events.fill_draft(draft, agenda_of(event("2025-11-20")))
    assert text.endswith(
        "## Jobs\n\n* [Rusty Events between 2020-01-01 - 2020-01-29 🦀](https://example.org) "
        "stays as it is\n"
    )


def test_fill_draft_checks_its_arguments():
    with pytest.raises(TypeError, match="agenda"):
        events.fill_draft("Rusty Events between 2025-11-19 - 2025-12-17 🦀\n", "nope")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="text"):
        events.fill_draft(b"x", agenda_of())  # type: ignore[arg-type]


def test_the_readme_lines_for_create_draft_give_what_the_draft_command_writes(
    tmp_path, monkeypatch
):
    readme = (REPO / "README.md").read_text("utf-8")
    after = readme[readme.index("The three lines `tools/create_draft.py` would") :]
    code = after.split("```python\n", 1)[1].split("```", 1)[0]
    assert len([line for line in code.splitlines() if line.strip()]) == 3
    root = tmp_path / "twir"
    for folder in ("content", "draft"):
        (root / folder).mkdir(parents=True)
    scope = {"date": date(2025, 11, 19), "path_from_root": lambda path: str(root / path)}
    real = events.upcoming
    calls = []

    def offline(*args, **kwargs):
        calls.append(kwargs)
        return real(*args, **{**kwargs, "calendars": [str(FEED)]})

    monkeypatch.setattr(events, "upcoming", offline)  # the snapshot instead of the network
    exec(code, scope)
    assert calls and calls[0]["archive"] == str(root / "")
    draft = make_draft(MINI_TEMPLATE, date(2025, 11, 19), scope["events_list"])
    agenda = real(date(2025, 11, 19), calendars=[str(FEED)], archive=root)
    text, changes = events.fill_draft(draft, agenda)
    assert text == draft and changes.summary == "0 new, 0 gone, 0 changed"


@pytest.mark.parametrize("kind", ["missing", "folder", "fifo", "binary"])
def test_a_draft_that_cannot_be_read_is_one_line_and_status_2(cli, tmp_path, kind):
    path = tmp_path / "2025-11-19-this-week-in-rust.md"
    if kind == "folder":
        path.mkdir()
    elif kind == "fifo":
        os.mkfifo(path)
    elif kind == "binary":
        path.write_bytes(b"\xff\xfe Rusty Events between")
    done = cli("draft", str(path), "--calendar", str(FEED))
    assert done.returncode == 2 and done.stdout == ""
    assert len(done.stderr.strip().splitlines()) == 1 and str(path) in done.stderr
