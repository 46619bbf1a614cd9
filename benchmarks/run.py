"""Time twir-events against a plain icalendar + recurring-ical-events pass, as whole processes.

    python benchmarks/run.py [--sizes 1000,10000,20000,50000] [--repeat 3] [--mode cli|expand]
                             [--constant-window]

For each size, generates a Google-style feed (benchmarks/generate.py), then runs, alternating,
(a) the plain pass (benchmarks/plain_pass.py: from_ical + of().between() over the window) and
(b) `twir-events --from … --weeks 4 --calendar FEED --format json` (`--mode cli`), or the
parse-and-expand stage alone (`--mode expand`, benchmarks/expand_only.py). Each run is a fresh
process; wall time and peak RSS (os.wait4) are taken per process, the median of the repeats is
shown, then the ratios and how each grows with the feed. By default every feed spans a decade,
so a bigger feed is a denser calendar; with --constant-window the history grows with the feed
instead (10 years at 20k events) and the window holds about the same events at every size.

Last, whether both give the same (uid, date) pairs. In expand mode they must be identical. In
cli mode the command's dates are the venue's local dates and its events are understood
(cancelled ones left out, duplicates merged), so differences are listed, not failed.
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
    return [sys.executable, "-c", "import sys; from events.cli import main; sys.exit(main())"]


def pairs_of_cli(output: Path) -> set[tuple[str, str]]:
    data = json.loads(output.read_text())
    return {(event["uid"], event["date"]) for event in data["events"]}


def pairs_of_file(path: Path) -> set[tuple[str, str]]:
    return {tuple(pair) for pair in json.loads(path.read_text())}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,20000,50000")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--mode", choices=["cli", "expand"], default="cli")
    parser.add_argument("--from", dest="first", default="2025-11-19")
    parser.add_argument("--weeks", default="4")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--constant-window",
        action="store_true",
        help="grow the history with the feed (10 years at 20k events), not the density",
    )
    parser.add_argument("--keep", type=Path, help="directory for the feeds (default: temporary)")
    arguments = parser.parse_args()
    sizes = [int(size) for size in arguments.sizes.split(",")]
    workdir = arguments.keep or Path(tempfile.mkdtemp(prefix="twir-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    rows = []
    for size in sizes:
        feed = workdir / f"feed-{size}.ics"
        # Generated in a child process: a forked child counts the parent's pages in its peak
        # RSS until it execs, so this process must stay small.
        subprocess.run(
            [sys.executable, str(HERE / "generate.py"), str(size), str(feed)]
            + ["--today", arguments.first, "--seed", str(arguments.seed)]
            + ["--years", str(10 * size / 20000 if arguments.constant_window else 10)],
            check=True,
        )
        plain_pairs, ours_out = workdir / f"plain-{size}.json", workdir / f"ours-{size}.json"
        plain = [
            sys.executable,
            str(HERE / "plain_pass.py"),
            str(feed),
            arguments.first,
            arguments.weeks,
            str(plain_pairs),
        ]
        if arguments.mode == "cli":
            ours = command_script() + [
                "--from", arguments.first, "--weeks", arguments.weeks,
                "--calendar", str(feed), "--format", "json", "--quiet",
            ]  # fmt: skip
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
            "size": size,
            "mb": feed.stat().st_size / 1e6,
            **{
                f"{name}_{what}": statistics.median(value[index] for value in values)
                for name, values in timings.items()
                for index, what in enumerate(("s", "mb"))
            },
            "pairs": len(theirs),
            "same": theirs == mine,
            "only_plain": sorted(theirs - mine),
            "only_ours": sorted(mine - theirs),
            "shifted": local_date_shifts(theirs - mine, mine - theirs),
        }
        rows.append(row)
        report_row(row)
    report(rows, arguments.mode)


def local_date_shifts(plain: set[tuple[str, str]], ours: set[tuple[str, str]]) -> int:
    """How many differing pairs are one occurrence whose date moved by a day: the plain pass
    dates it in the feed's zone, twir-events where the event takes place."""
    from datetime import date, timedelta

    left = set(ours)
    shifted = 0
    for uid, day in sorted(plain):
        for delta in (-1, 1):
            other = (uid, (date.fromisoformat(day) + timedelta(days=delta)).isoformat())
            if other in left:
                left.discard(other)
                shifted += 1
                break
    return shifted


def report_row(row: dict) -> None:
    print(
        f"{row['size']:>6} events {row['mb']:6.1f} MB | plain {row['plain_s']:6.2f} s"
        f" {row['plain_mb']:6.0f} MB | ours {row['ours_s']:6.2f} s {row['ours_mb']:6.0f} MB"
        f" | {row['plain_s'] / row['ours_s']:5.1f}x faster,"
        f" {row['ours_mb'] / row['plain_mb']:4.2f} of the memory"
        f" | {row['pairs']} pairs, {'identical' if row['same'] else 'DIFFERENT'}",
        flush=True,
    )


def report(rows: list[dict], mode: str) -> None:
    print()
    print("| events | feed MB | plain s | plain MB | twir-events s | twir-events MB |", end="")
    print(" speed-up | memory | (uid, date) pairs |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    for row in rows:
        verdict = "identical"
        if not row["same"]:
            verdict = (
                f"{row['pairs'] - len(row['only_plain'])} identical, {row['shifted']} on the local"
                f" date, {len(row['only_plain']) - row['shifted']} only plain,"
                f" {len(row['only_ours']) - row['shifted']} only ours"
            )
        print(
            f"| {row['size']} | {row['mb']:.1f} | {row['plain_s']:.2f} | {row['plain_mb']:.0f}"
            f" | {row['ours_s']:.2f} | {row['ours_mb']:.0f} | {row['plain_s'] / row['ours_s']:.1f}x"
            f" | {row['ours_mb'] / row['plain_mb']:.2f} | {row['pairs']}: {verdict} |"
        )
    first, last = rows[0], rows[-1]
    growth = last["size"] / first["size"]
    print(f"\nFrom {first['size']} to {last['size']} events ({growth:.0f}x the feed):")
    for name, label in (("plain", "plain pass"), ("ours", f"ours ({mode})")):
        print(
            f"  {label}: time x{last[name + '_s'] / first[name + '_s']:.1f},"
            f" memory x{last[name + '_mb'] / first[name + '_mb']:.1f}"
        )
    for row in rows:
        if not row["same"]:
            print(f"\n{row['size']} events: pairs only in the plain pass: {row['only_plain'][:5]}")
            print(f"{row['size']} events: pairs only in ours: {row['only_ours'][:5]}")


if __name__ == "__main__":
    main()
