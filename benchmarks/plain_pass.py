"""The reference: parse the whole feed with icalendar and expand it with recurring-ical-events.

    python benchmarks/plain_pass.py FEED.ics 2025-11-19 4 PAIRS.json

Expands the issue window (both ends inclusive, so [start, start + 7 * weeks + 1 day), given as
midnight datetimes: with `date` bounds recurring-ical-events leaves out an event that began the
day before and is still running at midnight), prints the number of (uid, date) pairs and writes
them to PAIRS.json for the comparison.
"""

import json
import sys
from datetime import date, datetime, time, timedelta

import icalendar
import recurring_ical_events


def main() -> None:
    path, first, weeks, output = sys.argv[1:5]
    start = datetime.combine(date.fromisoformat(first), time())
    stop = start + timedelta(days=7 * int(weeks) + 1)
    with open(path, "rb") as feed:
        calendar = icalendar.Calendar.from_ical(feed.read())
    pairs = set()
    for component in recurring_ical_events.of(calendar).between(start, stop):
        moment = component["DTSTART"].dt
        day = moment.date() if isinstance(moment, datetime) else moment
        pairs.add((str(component["UID"]), day.isoformat()))
    with open(output, "w") as out:
        json.dump(sorted(pairs), out)
    print(len(pairs))


if __name__ == "__main__":
    main()
