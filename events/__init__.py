"""twir-events: the "Upcoming Events" block of This Week in Rust from community calendars.

    import events
    agenda = events.upcoming(date(2025, 11, 19), weeks=4)
    print(events.to_markdown(agenda))   # or events.to_json(agenda)
    draft, changes = events.fill_draft(draft, agenda)   # this week's TWIR draft, filled

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
from events.weekly import changes_since, fill_draft

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
    "changes_since",
    "fill_draft",
    "next_issue_date",
    "to_data",
    "to_json",
    "to_markdown",
    "upcoming",
]
