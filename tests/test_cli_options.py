"""Issue 11 §6: command-line conventions — subcommands as subparsers with options before or
after them, `--version` on standard output, `-v/--verbose` for notes, help that tells defaults,
locations, exit codes and examples, and shell completion."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from events.cli.main import OPTIONS, parse

REPO = Path(__file__).resolve().parents[1]
FEED = REPO / "fixtures" / "rust-community-calendar.ics"


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


def test_version_goes_to_standard_output():
    done = run("--version")
    assert done.returncode == 0
    assert done.stdout.startswith("twir-events ") and done.stderr == ""


@pytest.mark.parametrize(
    "argv",
    [
        ["--quiet", "feeds", "--calendar", "x.ics"],
        ["feeds", "--quiet", "--calendar", "x.ics"],
        ["--calendar", "x.ics", "feeds", "-q"],
    ],
)
def test_options_go_before_or_after_the_subcommand(argv):
    args = parse(argv)
    assert args.command == "feeds"
    assert args.quiet is True and args.calendar == ["x.ics"]


def test_a_value_given_before_the_subcommand_survives_it():
    args = parse(["--from", "2025-11-19", "--weeks", "2", "draft", "d.md", "--offline"])
    assert (args.command, args.file, str(args.start), args.weeks, args.offline) == (
        "draft",
        "d.md",
        "2025-11-19",
        2,
        True,
    )
    assert args.timeout == 30.0 and args.retries == 3  # the others at their defaults


def test_the_plain_command_has_every_default():
    args = parse([])
    for option in OPTIONS:
        if "block" in option.commands:
            assert getattr(args, option.dest) == option.default


@pytest.mark.parametrize(
    "argv, wrong",
    [
        (["--format", "json", "feeds"], "--format"),
        (["feeds", "--from", "2025-11-19"], "unrecognized"),
        (["--quiet", "--verbose"], "exclude"),
        (["draft", "d.md", "--dry-run", "--diff"], "exclude"),
        (["--dry-run"], "unrecognized"),
        (["completion", "tcsh"], "invalid choice"),
    ],
)
def test_misplaced_options_cost_one_line_and_status_2(argv, wrong, capsys):
    with pytest.raises(SystemExit) as stop:
        parse(argv)
    assert stop.value.code == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and wrong in err


def test_quiet_feeds_works_end_to_end(cli):
    done = cli("--quiet", "feeds", "--calendar", str(FEED))
    assert done.returncode == 0, done.stderr
    assert str(FEED) in done.stdout


def test_help_shows_defaults_locations_exit_codes_and_examples(cli):
    done = cli("--help")
    assert done.returncode == 0
    text = " ".join(done.stdout.split())
    assert "(default: 4)" in text and "(default: 30)" in text and "(default: markdown)" in text
    assert "./calendars.toml" in text
    from events.io.cache import default_cache_dir

    assert str(default_cache_dir()) in text
    assert "exit status:" in text and " 2 the command line" in text
    assert "examples:" in text and "twir-events draft " in text
    for command in ("draft", "feeds", "registry", "completion"):
        assert command in text
    draft = cli("draft", "--help")
    assert "If you are running a Rust event" in draft.stdout and "exit status:" in draft.stdout


def test_notes_are_said_only_with_verbose(cli, tmp_path):
    # the same event twice: the duplicate is a note
    entry = (
        "BEGIN:VEVENT\r\nDTSTART:20251120T170000Z\r\nUID:{uid}\r\n"
        "SUMMARY:Rust Berlin: Rust Hack and Learn\r\nLOCATION:Online\r\n"
        "DESCRIPTION:https://www.meetup.com/rust-berlin/events/306046642/\r\nEND:VEVENT\r\n"
    )
    feed = tmp_path / "twice.ics"
    feed.write_text(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//x//EN\r\nX-WR-TIMEZONE:Europe/Berlin\r\n"
        + entry.format(uid="a@x")
        + entry.format(uid="b@x")
        + "END:VCALENDAR\r\n",
        "utf-8",
    )
    plain = cli("--from", "2025-11-19", "--calendar", str(feed))
    verbose = cli("--from", "2025-11-19", "--calendar", str(feed), "-v")
    quiet = cli("--from", "2025-11-19", "--calendar", str(feed), "-q")
    assert plain.returncode == verbose.returncode == quiet.returncode == 0
    assert plain.stdout == verbose.stdout == quiet.stdout
    notes = [line for line in verbose.stderr.splitlines() if line.startswith("note: ")]
    assert notes and any("a@x" in line for line in notes)
    assert not any(line.startswith("note: ") for line in plain.stderr.splitlines())
    assert quiet.stderr == ""


# -- completion ------------------------------------------------------------------------------


def bash_complete(script: str, *words: str) -> list[str]:
    """The candidates bash offers after `twir-events WORDS…` (the last word being typed)."""
    line = " ".join(f"'{w}'" for w in ("twir-events", *words))
    program = (
        f"{script}\nCOMP_WORDS=({line}); COMP_CWORD={len(words)}\n"
        '_twir_events; printf "%s\\n" "${COMPREPLY[@]}"\n'
    )
    done = subprocess.run(
        ["bash", "--norc", "--noprofile", "-c", program],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.split()


@pytest.mark.skipif(shutil.which("bash") is None, reason="no bash")
def test_bash_completion_offers_commands_options_and_choices(cli, tmp_path):
    script = cli("completion", "bash").stdout
    assert "complete -o default -F _twir_events twir-events" in script
    assert {"draft", "feeds", "registry", "completion"} <= set(bash_complete(script, ""))
    assert set(bash_complete(script, "--for")) == {"--format"}
    assert set(bash_complete(script, "--format", "")) == {"markdown", "json", "table", "ics"}
    assert "--dry-run" in bash_complete(script, "draft", "--d")
    assert "--dry-run" not in bash_complete(script, "--d")
    assert set(bash_complete(script, "completion", "")) == {"bash", "zsh", "fish"}
    assert "learn" in bash_complete(script, "registry", "")
    (tmp_path / "2025-11-19-this-week-in-rust.md").write_text("x")
    offered = bash_complete(script, "draft", f"{tmp_path}/2025")
    assert f"{tmp_path}/2025-11-19-this-week-in-rust.md" in offered


def test_zsh_and_fish_scripts_name_every_command_and_option(cli):
    zsh = cli("completion", "zsh").stdout
    fish = cli("completion", "fish").stdout
    assert zsh.startswith("#compdef twir-events\n") and "bashcompinit" in zsh
    assert "complete -o default -F _twir_events twir-events" in zsh
    for command in ("draft", "feeds", "registry", "completion"):
        assert f"-a {command} " in fish
    assert "-l format -x -a 'markdown json table ics' -d 'what to write: markdown'" in fish
    assert "__fish_seen_subcommand_from draft" in fish  # --dry-run and --diff only there
    if shutil.which("fish"):
        done = subprocess.run(["fish", "--no-execute"], input=fish, text=True, timeout=30)
        assert done.returncode == 0
    if shutil.which("zsh"):
        done = subprocess.run(["zsh", "-n"], input=zsh, text=True, timeout=30)
        assert done.returncode == 0


@pytest.mark.skipif(shutil.which("bash") is None, reason="no bash")
def test_the_bash_script_is_valid_bash(cli):
    script = cli("completion", "bash").stdout
    done = subprocess.run(["bash", "-n"], input=script, text=True, timeout=30)
    assert done.returncode == 0
