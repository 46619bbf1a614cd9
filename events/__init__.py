"""twir-events: the "Upcoming Events" block of This Week in Rust from community calendars.

    import events
    agenda = events.upcoming(date(2025, 11, 19), weeks=4)
    print(events.to_markdown(agenda))   # or events.to_json(agenda)
    draft, changes = events.fill_draft(draft, agenda)   # this week's TWIR draft, filled

Heavy libraries (icalendar, httpx, rich, pycountry) load only when a stage needs them, and
the names below only when first used: `twir-events --help` loads none of them.
"""

from typing import TYPE_CHECKING

#: Where each public name lives.
_HOMES = {
    **dict.fromkeys(
        [
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
        ],
        "events.model",
    ),
    **dict.fromkeys(["build_agenda", "next_issue_date", "upcoming"], "events.pipeline"),
    **dict.fromkeys(["to_data", "to_json", "to_markdown"], "events.stages.render"),
    **dict.fromkeys(["changes_since", "fill_draft"], "events.weekly"),
}

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


def __getattr__(name: str) -> object:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'events' has no attribute {name!r}")
    from importlib import import_module

    value = getattr(import_module(home), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})


if TYPE_CHECKING:
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
