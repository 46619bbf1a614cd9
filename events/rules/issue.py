"""Where the block sits in a TWIR issue or draft (CALENDAR.md §3, the end: `tools/create_draft.py`
and `draft/DRAFT_TEMPLATE`), and which date an issue is of.

An issue's events section is the `Rusty Events between S - E 🦀` line, then the listings, up to
the paragraph that starts `If you are running a Rust event`; create_draft.py copies exactly those
lines from last week's issue into `$twir_events_list`, or leaves `<!-- Events list goes here -->`
when it cannot. An issue is named `YYYY-MM-DD-this-week-in-rust.md` and says `Date: YYYY-MM-DD`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

HEADER_START = "Rusty Events between"
END_START = "If you are running a Rust event"
PLACEHOLDER = "<!-- Events list goes here -->"

_NAME_DATE = re.compile(r"(\d{4}-\d\d-\d\d)(?:-this-week-in-rust)?\.md$")
_DATE_LINE = re.compile(r"^Date:\s*(\d{4}-\d\d-\d\d)\s*$", re.MULTILINE)
_TOP_HEADING = re.compile(r"##? ")


@dataclass(frozen=True)
class EventsSection:
    """Offsets into the text: the header line (without its line end), and the listings after
    it up to the paragraph that closes them. Without a header line (a draft holding only the
    placeholder), `header` is empty at the placeholder line and `listings` is that line."""

    header: tuple[int, int]
    listings: tuple[int, int]
    newline: str  # the line end the section is written with

    @property
    def has_header(self) -> bool:
        return self.header[0] != self.header[1]


def _lines(text: str) -> list[tuple[int, int, int]]:
    """(start, end without the line end, end with it) of every line."""
    spans = []
    pos = 0
    for line in text.splitlines(keepends=True):
        body = line.rstrip("\r\n")
        spans.append((pos, pos + len(body), pos + len(line)))
        pos += len(line)
    return spans


def find_events_section(text: str) -> EventsSection | None:
    """The events section of an issue or a draft, or None when it has none.

    The listings end where create_draft.py stops copying (`If you are running a Rust event`);
    a block that is not followed by that paragraph ends at the next top-level heading
    (`## Jobs`), else at the end of the text.
    """
    spans = _lines(text)
    for index, (start, end, _) in enumerate(spans):
        if not text[start:end].strip().startswith(HEADER_START):
            continue
        after = spans[index + 1 :]
        ends = [s for s, e, _ in after if text[s:e].strip().startswith(END_START)]
        ends = ends or [s for s, e, _ in after if _TOP_HEADING.match(text[s:e].strip())]
        stop = ends[0] if ends else len(text)
        return EventsSection((start, end), (spans[index][2], stop), _newline(text, end))
    for start, end, _ in spans:
        if text[start:end].strip() == PLACEHOLDER:
            return EventsSection((start, start), (start, end), _newline(text, end))
    return None


def _newline(text: str, end: int) -> str:
    return "\r\n" if text.startswith("\r\n", end) else "\n"


def events_block(text: str) -> str | None:
    """The block of an issue or a block file: its header line and listings, or None."""
    section = find_events_section(text)
    if section is None or not section.has_header:
        return None
    return text[section.header[0] : section.listings[1]]


def issue_date(name: str, text: str | None = None) -> date | None:
    """The date of an issue from its file name (`2025-11-19-this-week-in-rust.md`, or a block
    file `2025-11-19.md`), else from its `Date:` line."""
    for found in (_NAME_DATE.search(name), _DATE_LINE.search(text or "")):
        if found:
            try:
                return date.fromisoformat(found.group(1))
            except ValueError:
                continue
    return None
