"""Select: keep what an issue lists (CALENDAR.md §2 "Duplicates", §3 "Window") — inside the
window by local date, not cancelled, about Rust where that is asked, and each event once.

The same event often comes from two sources (the community calendar and its group's Meetup
feed) or is entered twice. Such copies are one listing, each field from the best copy: the
group's own feed for the title and the link, whichever copy states the place or the hybrid
link; every merge is a note, and no copy's warnings are lost.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from events.model import Event, Problem, ProblemKind, Window
from events.rules.links import link_key, meetup_event_id
from events.rules.names import name_key


@dataclass(frozen=True)
class Selection:
    """The events to list, and what was left out that an editor should hear about."""

    events: tuple[Event, ...]
    problems: tuple[Problem, ...]


def identities(event: Event) -> list[tuple[str, ...]]:
    """The keys under which two copies are the same event: the same day and the same event
    link in any of its forms, the same Meetup event, the same UID, or the same group and
    title."""
    day = event.date.isoformat()
    keys: list[tuple[str, ...]] = [("uid", event.uid, day)]
    if event.url and (key := link_key(event.url)):
        keys.append(("link", key, day))
    if event.url and (meetup := meetup_event_id(event.url)):
        keys.append(("meetup", meetup, day))
    if event.group is not None and (title := name_key(event.title)):
        keys.append(("named", name_key(event.group.name), title, day))
    return keys


def select(events: Iterable[Event], window: Window) -> Selection:
    """Window by local dates (a multi-day event still running on the first day stays), drop
    cancelled entries and off-topic ones with a note, and list copies of one event once."""
    kept: list[list[Event]] = []  # the copies of each event, in order of first appearance
    problems: list[Problem] = []
    seen: dict[tuple[str, ...], int] = {}
    for event in events:
        if not window.overlaps(event.date, event.end_date):
            continue
        if event.cancelled:
            problems.append(
                _note(event, ProblemKind.CANCELLED, f"cancelled on {event.date}; left out")
            )
            continue
        if not event.about_rust:
            problems.append(_note(event, ProblemKind.NOT_ABOUT_RUST, "not about Rust; left out"))
            continue
        keys = identities(event)
        index = next((seen[k] for k in keys if k in seen and _same(kept[seen[k]], event, k)), None)
        if index is None:
            index = len(kept)
            kept.append([event])
        else:
            kept[index].append(event)
        for key in keys:
            seen.setdefault(key, index)
    merged = []
    for copies in kept:
        event = merge(copies)
        merged.append(event)
        if len(copies) > 1:
            kind = (
                ProblemKind.MERGED if len({e.feed for e in copies}) > 1 else ProblemKind.DUPLICATE
            )
            where = ", ".join(_copy(e) for e in copies)
            problems.append(_note(event, kind, f"{len(copies)} copies listed once ({where})"))
            # issue 14 §3 (hostile branch): each copy left out is named by its own UID too
            left_out = [c for c in copies if (c.feed, c.uid) != (event.feed, event.uid)]
            problems += [_note(c, kind, f"listed once with {event.uid}") for c in left_out]
    return Selection(tuple(merged), tuple(problems))


def selects_alike(events: Sequence[Event], others: Sequence[Event]) -> bool:
    """Whether `select` would keep and merge `events` as it did `others`, one for one: they
    differ at most in what select only carries (warnings, what a page said)."""
    return len(events) == len(others) and all(
        _as_selected(one) == _as_selected(other) for one, other in zip(events, others, strict=True)
    )


def _as_selected(event: Event) -> tuple[object, ...]:
    """What `select` reads to keep an event (window, cancelled, on topic) and to tell copies
    apart (`identities`, `_same`): events already selected that are alike in it would come
    back as they are, since none of them is a copy of another."""
    return (
        event.uid,
        event.feed,
        event.date,
        event.end_date,
        event.start,
        event.url,
        event.title,
        event.groups,
        event.cancelled,
        event.about_rust,
        event.from_group_feed,
    )


def _same(copies: list[Event], event: Event, key: tuple[str, ...]) -> bool:
    """Whether a key shared with earlier copies makes `event` one of them. The same group,
    day and title only count across feeds, and not for two different event links: one feed
    may well hold two sessions of one title on one day. The same link on one day in one feed
    counts for an entry made twice (the same start, or one title holding the other), not for
    two sessions a group links to its one page (`Office Hours` and `Game Jam Sync`)."""
    if key[0] == "link":
        return all(other.feed != event.feed or _entered_twice(other, event) for other in copies)
    if key[0] != "named":
        return True
    return all(
        other.feed != event.feed
        and not (other.url and event.url and link_key(other.url) != link_key(event.url))
        for other in copies
    )


def _entered_twice(one: Event, other: Event) -> bool:
    if one.start == other.start:
        return True
    first, second = name_key(one.title), name_key(other.title)
    return bool(first and second) and (first in second or second in first)


def _copy(event: Event) -> str:
    return f"{event.feed} {event.uid}"


def _rank_title(event: Event) -> tuple[int, int, int]:
    """The group's own feed knows its title and link best; then the copy with fewer doubts,
    then the one whose link is written the secure way."""
    secure = bool(event.url and event.url.lower().startswith("https://"))
    return (0 if event.from_group_feed else 1, len(event.problems), 0 if secure else 1)


def _knows_place(event: Event) -> bool:
    return event.place is not None and not any(
        p.kind is ProblemKind.PLACE_NOT_UNDERSTOOD for p in event.problems
    )


def merge(copies: list[Event]) -> Event:
    """One event from its copies: title, link and group from the best copy, the place from a
    copy that states it (a hybrid one first)."""
    if len(copies) == 1:
        return copies[0]
    best = min(copies, key=_rank_title)
    placed = [e for e in copies if _knows_place(e)]
    where = next((e for e in placed if e.mode == "hybrid"), placed[0] if placed else best)
    problems = tuple(
        dict.fromkeys(
            p
            for e in copies
            for p in e.problems
            if (e is best or p.kind not in _TITLE_KINDS)
            and (e is where or p.kind is not ProblemKind.PLACE_NOT_UNDERSTOOD)
        )
    )
    sources = tuple(dict.fromkeys(s for e in [best, *copies] for s in (e.sources or (e.feed,))))
    return replace(best, mode=where.mode, place=where.place, problems=problems, sources=sources)


#: Problems about what the best copy gives: another copy's doubts there no longer apply.
_TITLE_KINDS = frozenset(
    {
        ProblemKind.NO_EVENT_LINK,
        ProblemKind.NO_GROUP,
        ProblemKind.GROUP_GUESSED,
        ProblemKind.GROUP_UNKNOWN,
        ProblemKind.NO_GROUP_LINK,
        ProblemKind.NO_TITLE,
    }
)


def _note(event: Event, kind: ProblemKind, message: str) -> Problem:
    return Problem(kind, event.feed, message, event.uid, event.title)
