"""The editors' weekly loop: fill this week's TWIR draft, and say what changed since last week.

`fill_draft` is what TWIR's `tools/create_draft.py` (or an editor) calls on a draft; the stage
`events.stages.draft` does the work on text, this module hands it the rendered block.
"""

from __future__ import annotations

from events.model import Agenda
from events.stages.draft import (
    Changes,
    NoEventsSection,
    compare,
    fill,
    listed,
    published_listings,
)

__all__ = ["Changes", "NoEventsSection", "changes_since", "fill_draft"]


def fill_draft(text: str, agenda: Agenda) -> tuple[str, Changes]:
    """The draft `text` with its events section holding the agenda's block, and what that
    changes against the list it held (by date and event link).

    Raises `events.stages.draft.NoEventsSection` (a ValueError) when the text has no events
    section; a list that cannot be read back counts as empty.
    """
    from events.registry.archive import parse_block
    from events.stages.render import to_markdown

    _check(text, agenda)
    block = to_markdown(agenda)
    try:
        before = listed(text)
    except NoEventsSection:
        raise
    except ValueError:  # a hand-edited listing with a date that does not exist
        before = None
    return fill(text, block), compare(before, parse_block(block))


def changes_since(previous: str, agenda: Agenda) -> Changes:
    """What the agenda's block changes against a published issue or block (`previous`, its
    text). Raises ValueError when `previous` holds no block that can be read."""
    from events.registry.archive import parse_block
    from events.stages.render import to_markdown

    _check(previous, agenda)
    return compare(published_listings(previous), parse_block(to_markdown(agenda)))


def _check(text: object, agenda: object) -> None:
    if not isinstance(text, str):
        raise TypeError(f"text must be the draft's text (str), not {type(text).__name__}")
    if not isinstance(agenda, Agenda):
        raise TypeError(f"agenda must be an events.Agenda, not {type(agenda).__name__}")
