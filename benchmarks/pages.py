"""How long reading one event page takes (`events.rules.schema_org.read_event_page`), on pages as
platforms serve them and on huge or hostile ones, each padded to the fetcher's size limit.

    python benchmarks/pages.py [--repeat 5]

Prints the median seconds per page for each kind, and what was read (the Event's name, or None).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from events.io.http import PAGE_MAX_BYTES  # noqa: E402
from events.rules.schema_org import read_event_page  # noqa: E402
from tests import event_pages  # noqa: E402

MEETUP = event_pages.MEETUP_IN_PERSON.encode()
ROW = b'<div class="row"><span data-x="1">Rust text text</span><a href="/x">link</a></div>\n'


def _padded(head: bytes, filler: bytes, tail: bytes = b"") -> bytes:
    room = max(0, PAGE_MAX_BYTES - len(head) - len(tail))
    return head + filler * (room // len(filler)) + tail


def cases() -> dict[str, bytes]:
    body_at = MEETUP.index(b"<body>") + len(b"<body>")
    late = b'<script type="application/ld+json">' + MEETUP.split(b"<script", 3)[2].split(b">", 1)[1]
    late = late.split(b"</script>")[0] + b"</script>"
    no_head = MEETUP.replace(b"</head><body>", b"<body>")
    return {
        "meetup page as served": MEETUP,
        "luma page as served": event_pages.LUMA_IN_PERSON.encode(),
        "conference page as served": event_pages.CONFERENCE_WORDPRESS.encode(),
        "300 KiB, Event at the end of the body": _padded(b"<html><body>", ROW, late)[-300 * 1024 :],
        "4 MiB, Event in the head": _padded(MEETUP[:body_at], ROW, MEETUP[body_at:]),
        "4 MiB, no </head>, Event first": _padded(no_head, ROW),
        "4 MiB, Event at the end of the body": _padded(b"<html><body>", ROW, late),
        "4 MiB, no JSON-LD at all": _padded(b"<html><body>", ROW),
        "4 MiB of <b> before the Event": _padded(b"", b"<b>", MEETUP),
        "4 MiB of < before the Event": _padded(b"", b"<", MEETUP),
        "4 MiB start tag of attributes": _padded(b"<div ", b'a="b" ', b">" + MEETUP),
        "4 MiB of one JSON-LD script": _padded(
            b'<script type="application/ld+json">[', b'{"@type":"Thing"},', b"{}]</script>"
        ),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    url = "https://www.meetup.com/rust-munich/events/311502123/"
    print("| page | KiB | median s | read |\n| --- | ---: | ---: | --- |")
    for name, body in cases().items():
        times = []
        facts = None
        for _ in range(args.repeat):
            started = time.perf_counter()
            facts = read_event_page(body, url)
            times.append(time.perf_counter() - started)
        read = facts.name if facts is not None else None
        print(f"| {name} | {len(body) // 1024} | {statistics.median(times):.3f} | {read!r} |")


if __name__ == "__main__":
    main()
