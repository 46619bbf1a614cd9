"""Time twir-events against a plain icalendar + recurring-ical-events pass, as whole processes.

    python benchmarks/run.py [--feeds sparse:20000,dense:20000,file:FEED.ics] [--repeat 3]
                             [--mode cli|expand] [--stages] [--constant-window] [--pages]

For each feed, generates it (`sparse:N`: benchmarks/generate.py, N events over a decade, about
2.5% of them near the window; `dense:N`: benchmarks/dense.py, N events over a decade with
hundreds of series still running, as many occurrences in the window as the feed has series)
or takes it as it is (`file:PATH`: a feed written elsewhere), then runs, alternating, (a) the
plain pass (benchmarks/plain_pass.py: from_ical + of().between() over the window) and (b)
`twir-events --from … --weeks 4 --calendar FEED --format json --quiet --no-pages` (`--mode
cli`; with `--pages` the page stage too, which needs the network), or the parse-and-expand
stage alone (`--mode expand`, benchmarks/expand_only.py).
Each run is a fresh process; wall time and peak RSS (os.wait4) are taken per process, the
median of the repeats is shown, then the ratios. With --stages, benchmarks/stages.py then
shows where one run's time goes, stage by stage. With --constant-window every sparse feed's
history grows with it (10 years at 20k events) instead of its density.

Last, whether both give the same (uid, date) pairs. In expand mode they must be identical. In
cli mode the command dates an event where it happens and lists a duplicate once, so the
differences are counted by kind, not failed.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent


def measure(command: list[str], stdout: Path) -> tuple[float, float]:
    """Run one process; return its wall time (s) and peak resident memory (MB)."""
    with open(stdout, "wb") as out:
        began = time.perf_counter()
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.DEVNULL)
        _, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - began
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode:
        raise SystemExit(f"failed ({process.returncode}): {' '.join(command)}")
    return elapsed, usage.ru_maxrss / 1024


def command_script() -> list[str]:
    """twir-events as installed next to this interpreter (not through a shell shim)."""
    script = Path(sys.executable).parent / "twir-events"
    if script.exists():
        return [sys.executable, str(script)]
    return [sys.executable, "-m", "events"]


def pairs_of_cli(output: Path) -> set[tuple[str, str]]:
    data = json.loads(output.read_text())
    return {(event["uid"], event["date"]) for event in data["events"]}


def pairs_of_file(path: Path) -> set[tuple[str, str]]:
    return {tuple(pair) for pair in json.loads(path.read_text())}


def generate(kind: str, size: int, feed: Path, arguments: argparse.Namespace) -> None:
    """Write the feed in a child process: a forked child counts the parent's pages in its peak
    RSS until it execs, so this process must stay small."""
    common = ["--today", arguments.first, "--seed", str(arguments.seed)]
    if kind == "dense":
        command = [sys.executable, str(HERE / "dense.py"), str(feed), "--events", str(size)]
    else:
        years = 10 * size / 20000 if arguments.constant_window else 10
        command = [sys.executable, str(HERE / "generate.py"), str(size), str(feed)]
        command += ["--years", str(years)]
    subprocess.run(command + common, check=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--feeds", default="sparse:20000,dense:20000")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--mode", choices=["cli", "expand"], default="cli")
    parser.add_argument("--from", dest="first", default="2025-11-19")
    parser.add_argument("--weeks", default="4")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--stages", action="store_true", help="and where the time goes")
    parser.add_argument("--pages", action="store_true", help="let the command read pages")
    parser.add_argument(
        "--constant-window",
        action="store_true",
        help="grow a sparse feed's history with it (10 years at 20k events), not its density",
    )
    parser.add_argument("--keep", type=Path, help="directory for the feeds (default: temporary)")
    arguments = parser.parse_args()
    workdir = arguments.keep or Path(tempfile.mkdtemp(prefix="twir-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    rows = []
    for spec in arguments.feeds.split(","):
        kind, _, count = spec.partition(":")
        if kind == "file":  # a feed written elsewhere (an independent generator, an export)
            feed = Path(count).resolve()
            name = feed.stem
        else:
            size = int(count or 20000)
            name = f"{kind}-{size}"
            feed = workdir / f"{name}.ics"
            generate(kind, size, feed, arguments)
        plain_pairs, ours_out = workdir / f"plain-{name}.json", workdir / f"ours-{name}.json"
        plain = [sys.executable, str(HERE / "plain_pass.py"), str(feed), arguments.first]
        plain += [arguments.weeks, str(plain_pairs)]
        if arguments.mode == "cli":
            ours = command_script() + [
                "--from", arguments.first, "--weeks", arguments.weeks,
                "--calendar", str(feed), "--format", "json", "--quiet",
            ]  # fmt: skip
            if not arguments.pages:
                ours.append("--no-pages")
        else:
            ours = [sys.executable, str(HERE / "expand_only.py"), str(feed)]
            ours += [arguments.first, arguments.weeks, str(ours_out)]
        timings: dict[str, list[tuple[float, float]]] = {"plain": [], "ours": []}
        for _ in range(arguments.repeat):  # alternating, so that load affects both alike
            timings["plain"].append(measure(plain, workdir / "plain.out"))
            stdout = ours_out if arguments.mode == "cli" else workdir / "ours.out"
            timings["ours"].append(measure(ours, stdout))
        theirs = pairs_of_file(plain_pairs)
        mine = pairs_of_cli(ours_out) if arguments.mode == "cli" else pairs_of_file(ours_out)
        row = {
            "feed": name,
            "mb": feed.stat().st_size / 1e6,
            **{
                f"{who}_{what}": statistics.median(value[index] for value in values)
                for who, values in timings.items()
                for index, what in enumerate(("s", "mb"))
            },
            "pairs": len(theirs),
            "differences": differences(theirs, mine),
        }
        rows.append(row)
        report_row(row)
        if arguments.stages:
            stages = [sys.executable, str(HERE / "stages.py"), str(feed)]
            subprocess.run(stages + ["--plain", f"{row['plain_s']:.3f}"], check=True)
    report(rows)


def differences(plain: set[tuple[str, str]], ours: set[tuple[str, str]]) -> dict[str, object]:
    """How the two sets of (uid, date) pairs differ, by kind: the same occurrence dated a day
    apart (the plain pass dates it in the feed's zone, twir-events where it takes place), an
    entry twir-events does not list at all (a duplicate listed under the other UID, or a
    cancelled one), and the rest (the window's edges, by local date)."""
    only_plain, only_ours = plain - ours, ours - plain
    shifted = 0
    for uid, day in sorted(only_plain):
        for delta in (-1, 1):
            other = (uid, (date.fromisoformat(day) + timedelta(days=delta)).isoformat())
            if other in only_ours:
                only_ours.discard(other)
                shifted += 1
                break
    listed = {uid for uid, _ in ours}
    absent = sum(1 for uid, _ in only_plain if uid not in listed)
    return {
        "identical": len(plain & ours),
        "shifted": shifted,
        "absent": absent,
        "only_plain": len(only_plain) - shifted - absent,
        "only_ours": len(only_ours),
        "examples": sorted(only_plain)[:3] + sorted(only_ours)[:3],
    }


def verdict(row: dict) -> str:
    found = row["differences"]
    if found["identical"] == row["pairs"] and not found["only_ours"]:
        return "identical"
    return (
        f"{found['identical']} identical, {found['shifted']} on the local date,"
        f" {found['absent']} listed once under another UID or cancelled,"
        f" {found['only_plain']} only plain, {found['only_ours']} only ours"
    )


def report_row(row: dict) -> None:
    print(
        f"{row['feed']:>12} {row['mb']:5.1f} MB | plain {row['plain_s']:6.2f} s"
        f" {row['plain_mb']:5.0f} MB | ours {row['ours_s']:5.2f} s {row['ours_mb']:4.0f} MB"
        f" | {row['plain_s'] / row['ours_s']:5.1f}x faster,"
        f" {row['ours_mb'] / row['plain_mb']:4.2f} of the memory"
        f" | {row['pairs']} pairs: {verdict(row)}",
        flush=True,
    )


def report(rows: list[dict]) -> None:
    print()
    print("| feed | MB | plain s | plain MB | twir-events s | twir-events MB |", end="")
    print(" speed-up | memory | (uid, date) pairs |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---|")
    for row in rows:
        print(
            f"| {row['feed']} | {row['mb']:.1f} | {row['plain_s']:.2f} | {row['plain_mb']:.0f}"
            f" | {row['ours_s']:.2f} | {row['ours_mb']:.0f}"
            f" | {row['plain_s'] / row['ours_s']:.1f}x | {row['ours_mb'] / row['plain_mb']:.2f}"
            f" | {row['pairs']}: {verdict(row)} |"
        )
    for row in rows:
        if row["differences"]["examples"]:
            print(f"\n{row['feed']}: some differing pairs: {row['differences']['examples']}")


if __name__ == "__main__":
    main()
