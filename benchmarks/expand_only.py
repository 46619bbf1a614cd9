"""The parse-and-expand stage alone, as the plain pass sees it (no margin, dates as written).

    python benchmarks/expand_only.py FEED.ics 2025-11-19 4 PAIRS.json

Stands in for the whole command while it does not exist, and isolates this stage's share.
"""

import json
import sys
from datetime import date, datetime

from events import model
from events.stages.expand import expand


def main() -> None:
    path, first, weeks, output = sys.argv[1:5]
    window = model.Window.of_weeks(date.fromisoformat(first), int(weeks))
    with open(path, "rb") as feed:
        data = model.FeedData(model.FeedSpec(name=path, source=path), feed.read())
    expansion = expand(data, window, margin_days=0)
    pairs = set()
    for occurrence in expansion.occurrences:
        moment = occurrence.start
        day = moment.date() if isinstance(moment, datetime) else moment
        pairs.add((occurrence.uid, day.isoformat()))
    with open(output, "w") as out:
        json.dump(sorted(pairs), out)
    print(len(pairs))


if __name__ == "__main__":
    main()
