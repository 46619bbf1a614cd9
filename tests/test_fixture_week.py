"""The bundled snapshot of the community calendar prints TWIR 626's block exactly.

tests/data/twir-626-events.md is the block of the seed document (TWIR 626, 2025-11-19), decoded
from its wrong character decoding, with two corrections: `Leipzig, DE` by the convention (state
codes only in the US, Canada and Australia), and `QLD` for the seed's typo `QL` (the published
section has `QLD`).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
FIXTURE = REPO / "fixtures" / "rust-community-calendar.ics"
EXPECTED = Path(__file__).with_name("data") / "twir-626-events.md"


def test_the_snapshot_prints_the_published_block_byte_for_byte():
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "events",
            "--from",
            "2025-11-19",
            "--weeks",
            "4",
            "--calendar",
            str(FIXTURE),
            "--no-pages",
        ],
        capture_output=True,
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        timeout=120,
    )
    assert done.returncode == 0, done.stderr.decode()
    assert done.stdout.decode("utf-8") == EXPECTED.read_text("utf-8")


def test_the_snapshot_reports_what_it_leaves_out():
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "events",
            "--from",
            "2025-11-19",
            "--calendar",
            str(FIXTURE),
            "--no-pages",
        ],
        capture_output=True,
        text=True,
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        timeout=120,
    )
    cancelled = [line for line in done.stderr.splitlines() if "cancelled" in line]
    assert len(cancelled) == 2
    assert all(line.startswith("warning: ") for line in done.stderr.splitlines())


def test_the_json_of_the_snapshot_validates_against_the_shipped_schema():
    import json
    from importlib import resources

    import pytest

    jsonschema = pytest.importorskip("jsonschema")
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "events",
            "--from",
            "2025-11-19",
            "--calendar",
            str(FIXTURE),
            "--no-pages",
        ]
        + ["--format", "json"],
        capture_output=True,
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        timeout=120,
    )
    data = json.loads(done.stdout)
    schema = json.loads(resources.files("events").joinpath("data", "event.schema.json").read_text())
    jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker()).validate(
        data
    )
    hybrid = [e for e in data["events"] if e["mode"] == "hybrid"]
    assert hybrid and all(e["sections"][0] == "Virtual" and len(e["sections"]) == 2 for e in hybrid)
    uids = [e["uid"] for e in data["events"]]
    repeated = {uid for uid in uids if uids.count(uid) > 1}  # occurrences of a series share it
    assert repeated and all(
        len({e["date"] for e in data["events"] if e["uid"] == uid}) > 1 for uid in repeated
    )
    seattle = next(e for e in data["events"] if e["group"]["name"] == "Seattle Rust User Group")
    assert seattle["start"].endswith("-08:00")  # local time of the venue, with its offset
