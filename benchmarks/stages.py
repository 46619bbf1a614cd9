"""Where the time of one run goes, stage by stage, so that the floor is visible.

    python benchmarks/stages.py FEED.ics [--from 2025-11-19] [--weeks 4] [--repeat 3]

Runs the pipeline's stages one after the other in this process, as `twir-events --format
json --no-pages` runs them, on one core, and prints the CPU time of each (the fastest of
`--repeat` runs: the least disturbed by other work on the machine); then the wall time of
scan to understand on two cores, as the command runs them for a feed of 2 MB or more, and of
a fresh start:

  start      a fresh `twir-events --help` (interpreter and imports), and a bare interpreter
             (wall)
  imports    what a run imports besides (pipeline, stages, registry)
  read       reading the file
  scan       the regex pass over the raw bytes (events.stages.expand.prefilter)
  plan       choosing the UID groups that may reach the window
  parse      reading the kept entries' lines (events.stages.expand.lines)
  expand     their occurrences (events.stages.expand.series, recurrence), without parse
  understand each entry understood once, its other occurrences re-dated
  select     window by local date, duplicates, cancelled (select), sections (arrange)
  pages      the page stage with no pages to read (the command skips it with --no-pages)
  render     the JSON

Last, the least wall time this work could take on the machine's cores if every part that
can be shared between processes were shared perfectly: the start, the read, the plan and the
selection one after the other, the scan, the reading of entries, understanding and the JSON
divided by the cores (the imports after the start left out). With `--plain SECONDS` (the
plain pass's time; `run.py --stages` gives it), the time a 30x speed-up would need beside it.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from collections import defaultdict
from datetime import date
from pathlib import Path


def _fresh(command: list[str]) -> float:
    began = time.perf_counter()
    subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    return time.perf_counter() - began


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("feed", type=Path)
    parser.add_argument("--from", dest="first", type=date.fromisoformat, default=date(2025, 11, 19))
    parser.add_argument("--weeks", type=int, default=4)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--plain", type=float, help="the plain pass's wall time, in seconds")
    arguments = parser.parse_args()
    script = Path(sys.executable).parent / "twir-events"
    times: dict[str, list[float]] = defaultdict(list)
    for _ in range(arguments.repeat):
        times["start (twir-events --help)"].append(_fresh([sys.executable, str(script), "--help"]))
        times["start (python -c pass)"].append(_fresh([sys.executable, "-c", "pass"]))

    clock = time.process_time  # the stages' own work, the least disturbed by other processes
    began = clock()
    from events import model, parallel, pipeline
    from events.registry import Registry
    from events.stages import expand
    from events.stages.arrange import arrange
    from events.stages.expand import fast, lines
    from events.stages.render import to_json
    from events.stages.select import select

    times["imports"].append(clock() - began)
    window = model.Window.of_weeks(arguments.first, arguments.weeks)
    registry = Registry.bundled().as_of(window.start)
    counts: dict[str, int] = {}
    for _ in range(arguments.repeat):
        began = clock()
        body = arguments.feed.read_bytes()
        feed = model.FeedData(model.FeedSpec("feed", str(arguments.feed)), body)
        times["read"].append(clock() - began)

        began = clock()
        scans = [expand.scan_part(feed, window, 0, 1)]
        times["scan"].append(clock() - began)
        began = clock()
        planned = expand.plan(feed, window, scans, 1)
        times["plan"].append(clock() - began)

        read_member = lines.read_member
        parsing = [0.0]

        def timed(raw: bytes, read_member=read_member, parsing=parsing) -> lines.Member:
            began = clock()
            try:
                return read_member(raw)
            finally:
                parsing[0] += clock() - began

        fast.read_member = timed  # type: ignore[assignment]
        began = clock()
        expansion = expand.expand_planned(feed, planned, 0)
        total = clock() - began
        fast.read_member = read_member  # type: ignore[assignment]
        times["parse"].append(parsing[0])
        times["expand"].append(total - parsing[0])

        began = clock()
        understood = pipeline._expand_and_understand(feed, 0, planned, registry)[1]
        times["understand"].append(clock() - began - total)  # it expands again: less that
        events = [result for _, result in understood if isinstance(result, model.Event)]

        began = clock()
        selection = select(events, window)
        sections, listed, _ = arrange(selection.events)
        times["select"].append(clock() - began)

        began = clock()
        pipeline._check_pages(selection, {}, window, registry)
        times["pages"].append(clock() - began)

        agenda = model.Agenda(window=window, sections=sections, events=listed)
        began = clock()
        to_json(agenda)
        times["render"].append(clock() - began)

        parallel_began = time.perf_counter()  # wall clock: two processes at once
        pipeline._read_feed(feed, window, registry)
        cores = parallel.usable_cores()
        times[f"scan to understand on {cores} core(s), wall"].append(
            time.perf_counter() - parallel_began
        )
        counts = {
            "VEVENTs": sum(scan.total for scan in scans),
            "in UID groups read": sum(len(group) for group in planned.shares[0]),
            "occurrences": len(expansion.occurrences),
            "listed": len(listed),
        }

    print(
        f"{arguments.feed} ({len(body) / 1e6:.1f} MB): "
        + ", ".join(f"{value} {name}" for name, value in counts.items())
    )
    one_core = 0.0
    for name, values in times.items():
        value = min(values)  # the least disturbed by other work on the machine
        if name in ("read", "scan", "plan", "parse", "expand", "understand", "select", "render"):
            one_core += value
        print(f"  {name:<44} {value * 1000:7.1f} ms")
    print(f"  {'read to render on one core, CPU':<44} {one_core * 1000:7.1f} ms")
    best = {name: min(values) for name, values in times.items()}
    shared = sum(best[name] for name in ("scan", "parse", "expand", "understand", "render"))
    alone = sum(best[name] for name in ("start (twir-events --help)", "read", "plan", "select"))
    cores = parallel.usable_cores()
    bound = alone + shared / cores
    print(f"  {f'least wall on {cores} core(s), shared perfectly':<44} {bound * 1000:7.1f} ms")
    if arguments.plain:
        print(f"  {'30x beside the plain pass needs':<44} {arguments.plain / 30 * 1000:7.1f} ms")


if __name__ == "__main__":
    main()
