"""One quirk a feed: real-looking Google exports under tests/quirks/, each named after the one
thing it does that once went wrong, read through the command as an editor runs it.

`<name>.ics` is the feed; `<name>.md` the block it must give (none when the feed must fail);
`<name>.toml`, when present, the configuration used with it. The table below says what else
must hold: the exit status and what standard error must say.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

QUIRKS = Path(__file__).parent / "quirks"
REPO = QUIRKS.parents[1]

#: name → (exit status, words standard error must hold)
EXPECTED = {
    # §2 Duplicates: one event, its link written two ways (lu.ma is luma.com)
    "luma-and-lu-ma-links-same-day": (0, ["2 copies listed once"]),
    # §2 Duplicates: http/https, www., case and trailing slash of one Meetup event
    "meetup-link-variants-same-day": (0, ["2 copies listed once"]),
    # §2 Online and hybrid: meeting words that are not a place
    "online-wordings-skype-conference-call-gotowebinar": (0, []),
    # §2 The group: a prefix typed without accents finds the group with them
    "group-prefix-without-accents": (0, []),
    # §1: a calendar that is not Gregorian fails as a feed, by its kind, not its wording
    "calscale-julian": (1, ["CALSCALE:JULIAN"]),
    # §1 DESCRIPTION is often HTML: upper-case tags, `>` inside a quoted attribute
    "html-uppercase-anchor-and-gt-in-attribute": (0, []),
    # §2 The group: the entry's own link beats a title remembered for another group
    "remembered-title-but-another-groups-link": (0, ["named after the Meetup address"]),
    # §1 Google: a date-only UNTIL under a timed series includes that day, as Google shows it
    "google-date-only-until-includes-its-day": (0, []),
    # §1 Google: floating times are the calendar's X-WR-TIMEZONE (18:00 in Sydney, not UTC)
    "x-wr-timezone-floating-times": (0, []),
    # §2 Time: a UTC one-off is dated where it happens (23:00 UTC is the next morning there)
    "utc-evening-is-next-day-at-the-venue": (0, []),
    # §1 Google: a "this and following" split (`_R…` UID) lists each evening once
    "this-and-following-split-listed-once": (0, []),
    # §2 SUMMARY: STATUS:CANCELLED is left out, and said
    "status-cancelled-left-out": (0, ["cancelled on 2025-12-02; left out"]),
}


def _run(name: str) -> subprocess.CompletedProcess[str]:
    # --verbose: some quirks are said as notes (duplicates merged), which only it shows
    args = ["--from", "2025-11-19", "--weeks", "4", "--calendar", str(QUIRKS / f"{name}.ics")]
    args.append("--verbose")
    if (QUIRKS / f"{name}.toml").exists():
        args += ["--config", str(QUIRKS / f"{name}.toml")]
    return subprocess.run(
        [sys.executable, "-m", "events", *args],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=120,
    )


def test_every_quirk_file_is_in_the_table() -> None:
    assert {p.stem for p in QUIRKS.glob("*.ics")} == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_quirk(name: str) -> None:
    status, said = EXPECTED[name]
    done = _run(name)
    assert done.returncode == status, done.stderr
    expected = QUIRKS / f"{name}.md"
    if expected.exists():
        assert done.stdout == expected.read_text("utf-8")
    else:
        assert done.stdout == ""
    for words in said:
        assert words in done.stderr
    assert "Traceback" not in done.stderr
