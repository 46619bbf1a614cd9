"""twir-events: the "Upcoming Events" block of This Week in Rust from community calendars.

    import events
    agenda = events.upcoming(date(2025, 11, 19), weeks=4)
    print(events.to_markdown(agenda))   # or events.to_json(agenda)

Heavy libraries (icalendar, httpx, rich, pycountry) load only when a stage needs them.
"""

from events.model import (
    Agenda,
    Event,
    FeedData,
    FeedSpec,
    Group,
    Occurrence,
    Place,
    Problem,
    Section,
    Window,
)
from events.pipeline import build_agenda, next_issue_date, upcoming
from events.stages.render import to_data, to_json, to_markdown

__all__ = [
    "Agenda",
    "Event",
    "FeedData",
    "FeedSpec",
    "Group",
    "Occurrence",
    "Place",
    "Problem",
    "Section",
    "Window",
    "build_agenda",
    "next_issue_date",
    "to_data",
    "to_json",
    "to_markdown",
    "upcoming",
]
