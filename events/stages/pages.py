"""Pages: check every event on its own page, as editors do by hand (CALENDAR.md §1 "Event
pages"), and say what the page changed.

The page is the organiser's own, current word on the event, in labelled fields
(`rules.schema_org` reads them): its `name` is the published title, its status may cancel the
event, its attendance mode says online, hybrid or in person, its PostalAddress names the
venue's city, its organiser the group, its `startDate` the day. The calendar entry is what
someone typed, perhaps weeks before, and the understand stage's reading of it may have had to
guess. So, field by field:

- title: the page's name;
- status: cancelled or postponed leaves the event out (reported as CANCELLED);
- mode: the page's, as long as an in-person or hybrid event keeps a place to be listed at;
- place: the page's when the entry's could not be read, and when the two disagree (reported):
  of two pieces of evidence about the venue, the page's labelled `addressLocality` and
  `addressCountry` beat a free-text LOCATION read by rules; the registry's memory of the
  group's home is beaten by both;
- group: only when the entry names none the registry knows (NO_GROUP, GROUP_GUESSED,
  GROUP_UNKNOWN): the organiser, through the registry by its link or name so that a known
  group keeps TWIR's naming, else named as the page names it, with its link;
- date: the page's (the local date its own offset gives), reported when it differs.

A page stands for one occurrence. Events sharing a link (the occurrences of a series that
reuses one) only take the page's facts on the days the page covers, and a page dated far from
the entry (a link to an old occurrence) only gives its organiser, so that a stale link cannot
move or cancel an event. A page that
cannot be had, or says nothing about the event, changes nothing and costs one warning.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta, tzinfo

from events.io.http import Page
from events.model import Event, Group, Mode, PageFacts, Place, Problem, ProblemKind
from events.registry import Registry
from events.rules.dates import zone
from events.rules.gazetteer import match_city
from events.rules.links import is_http, link_key, meetup_group_page
from events.rules.names import name_key
from events.rules.places import display
from events.rules.schema_org import read_event_page

#: A page dated further than this from its entry is taken for another occurrence's page.
MAX_SHIFT = timedelta(days=21)
#: Problems a page's organiser settles.
_GROUP_DOUBTS = frozenset(
    {ProblemKind.NO_GROUP, ProblemKind.GROUP_GUESSED, ProblemKind.GROUP_UNKNOWN}
)
_LEAVES_OUT = {"cancelled": "cancelled", "postponed": "postponed"}


def wants_page(event: Event) -> bool:
    """An event is checked on its page when it has an http(s) event link of its own (not the
    calendar's page that stands in for a missing one)."""
    return is_http(event.url) and not any(
        p.kind is ProblemKind.NO_EVENT_LINK for p in event.problems
    )


def page_urls(events: Iterable[Event]) -> tuple[str, ...]:
    """The pages to fetch for `events`, each once, in order."""
    return tuple(dict.fromkeys(e.url for e in events if wants_page(e) and e.url))


def check_pages(
    events: Iterable[Event], pages: Mapping[str, Page], registry: Registry
) -> tuple[tuple[Event, ...], tuple[Problem, ...]]:
    """Each event reconciled with what its page says, and what that changed.

    Returns the events to keep — each with `page` (what its page said) and `changed` (the
    fields it settled), its warnings about the page added and the problems the page settled
    removed — and the problems that concern no kept event's listing: a note per changed field
    (PAGE_CHANGED) and each event the page cancelled (CANCELLED).
    """
    events = tuple(events)
    sharing = Counter(link_key(e.url) for e in events if wants_page(e))
    read: dict[str, tuple[PageFacts | None, str]] = {}
    kept: list[Event] = []
    problems: list[Problem] = []
    for event in events:
        if not wants_page(event) or event.url is None:
            kept.append(event)
            continue
        if event.url not in read:
            read[event.url] = _read(event.url, pages.get(event.url))
        facts, why = read[event.url]
        if facts is None:
            warning = _problem(
                event, ProblemKind.PAGE_UNAVAILABLE, f"{why}; nothing is taken from it"
            )
            kept.append(replace(event, problems=(*event.problems, warning)))
            continue
        shared = sharing[link_key(event.url)] > 1
        result, notes = _Reconciliation(event, facts, registry, shared).run()
        problems.extend(notes)
        if result is not None:
            kept.append(result)
    return tuple(kept), tuple(problems)


def _read(url: str, page: Page | None) -> tuple[PageFacts | None, str]:
    """The page's facts, or None and why nothing can be taken from it."""
    where = f"its page {url}"
    if page is None:
        return None, f"{where} was not fetched"
    if page.final_url is not None and not is_http(page.final_url):
        return None, f"{where} redirected to a link that is not http(s)"
    if page.status is not None and not (200 <= page.status < 300 or page.status == 304):
        return None, f"{where} answered HTTP {page.status}"
    if page.body is None:
        return None, f"{where} could not be had ({page.error or 'no response'})"
    final = page.final_url or url
    try:
        facts = read_event_page(page.body, final)
    except Exception as exc:  # noqa: BLE001 - one unreadable page never stops the others
        return None, f"{where} could not be read ({type(exc).__name__})"
    if facts is not None:
        return facts, ""
    if link_key(final) != link_key(url):
        where = f"{where} led to {final}, which"
    kind = (page.content_type or "").split(";")[0].strip().lower()
    if kind and not any(word in kind for word in ("html", "xml", "text")):
        return None, f"{where} is not a web page ({kind})"
    return None, f"{where} says nothing about the event (no schema.org Event)"


def _problem(event: Event, kind: ProblemKind, message: str) -> Problem:
    return Problem(kind, event.feed, message, event.uid, event.title)


def _zone_name(place: Place | None) -> tzinfo | None:
    return zone(place.timezone) if place is not None else None


@dataclass
class _Reconciliation:
    """One event checked field by field against its page's facts."""

    event: Event
    facts: PageFacts
    registry: Registry
    shared: bool  # other events (occurrences of a series, say) have the same page
    title: str = ""
    groups: tuple[Group, ...] = ()
    mode: Mode = "in-person"
    place: Place | None = None
    start: datetime | date | None = None  # set when the page moves the event
    days: tuple[date, date] | None = None
    changed: list[str] = field(default_factory=list)
    settled: set[ProblemKind] = field(default_factory=set)
    added: list[Problem] = field(default_factory=list)  # warnings kept on the event
    notes: list[Problem] = field(default_factory=list)  # said apart from the event

    def __post_init__(self) -> None:
        self.title = self.event.title
        self.groups = self.event.groups
        self.mode = self.event.mode
        self.place = self.event.place

    @property
    def where(self) -> str:
        return f"its page {self.facts.url}"

    def note(self, field_name: str, message: str) -> None:
        if field_name not in self.changed:
            self.changed.append(field_name)
        self.notes.append(_problem(self.event, ProblemKind.PAGE_CHANGED, message))

    def disagree(self, field_name: str, message: str) -> None:
        if field_name not in self.changed:
            self.changed.append(field_name)
        self.added.append(_problem(self.event, ProblemKind.PAGE_DISAGREES, message))

    def run(self) -> tuple[Event | None, list[Problem]]:
        facts, event = self.facts, self.event
        first = self._page_days(self._zone(facts.place if facts.mode != "online" else None))
        if not self._about_this_occurrence(first[:2] if first else None):
            self._group()
            if not self.shared and first is not None:
                used = "only its organiser is used" if "group" in self.changed else "unused"
                self.added.append(
                    _problem(
                        event,
                        ProblemKind.PAGE_DISAGREES,
                        f"{self.where} is dated {first[0]}, not {event.date}: taken for "
                        f"another occurrence's page, {used}",
                    )
                )
            return self._result(), self.notes
        if facts.status in _LEAVES_OUT:
            gone = _problem(
                event,
                ProblemKind.CANCELLED,
                f"{_LEAVES_OUT[facts.status]} on {self.where}; left out",
            )
            return None, [*self.notes, gone]
        if facts.name and facts.name != event.title:
            self.title = facts.name
            self.settled.add(ProblemKind.NO_TITLE)
            self.note(
                "title",
                f"title {facts.name!r} from {self.where} (the calendar has {event.title!r})",
            )
        self._group()
        self._mode_and_place()
        self._date()
        self._home_of_new_group()
        return self._result(), self.notes

    # -- which occurrence the page is about ------------------------------------------------

    def _about_this_occurrence(self, days: tuple[date, date] | None) -> bool:
        """Whether the page speaks of this occurrence: it has no date, or its days hold this
        one's; or, when no other event shares the page, a day near enough (or one it was moved
        to on purpose)."""
        if days is None or days[0] <= self.event.date <= days[1]:
            return True
        if self.shared:
            return False
        if self.facts.status in ("rescheduled", "postponed"):
            return True
        return abs(days[0] - self.event.date) <= MAX_SHIFT

    def _zone(self, page_place: Place | None) -> tzinfo | None:
        """The zone the event happens in: the venue's, else the group's home's, else the zone
        its start was dated in (unless only the calendar's own zone decided that)."""
        venue = (
            page_place
            if page_place is not None
            else (self.place if self.mode != "online" else None)
        )
        home = self.groups[0].home if self.groups else None
        for found in (_zone_name(venue), _zone_name(home)):
            if found is not None:
                return found
        start = self.event.start
        guessed = any(p.kind is ProblemKind.NO_TIME_ZONE for p in self.event.problems)
        if isinstance(start, datetime) and start.tzinfo is not None and not guessed:
            return start.tzinfo
        return None

    def _page_days(self, where: tzinfo | None) -> tuple[date, date, datetime | date, bool] | None:
        """The page's first and last local days, its local start, and whether the page itself
        gave the local date (an offset of its own, a local time, or a date)."""
        start = self.facts.start
        if start is None:
            return None
        local, own = _local(start, where)
        first = local.date() if isinstance(local, datetime) else local
        last = first
        end = self.facts.end
        if end is not None:
            end_local, _ = _local(end, where)
            if isinstance(end_local, datetime) and isinstance(local, datetime):
                if end_local - local >= timedelta(days=1):
                    last = (end_local - timedelta(microseconds=1)).date()
            elif not isinstance(end_local, datetime):
                last = end_local
            else:
                last = end_local.date()
        return first, max(first, last), local, own

    # -- the fields ------------------------------------------------------------------------

    def _group(self) -> None:
        """The organiser names the group of an entry that names none the registry knows."""
        doubts = {p.kind for p in self.event.problems} & _GROUP_DOUBTS
        organizers = self.facts.organizers
        if not doubts:
            self._cohosts()
            return
        if not organizers:
            return
        known = []
        for organizer in organizers:
            record = self.registry.by_link(organizer.url) or self.registry.by_name(organizer.name)
            if record is not None and record not in known:
                known.append(record)
        current = self.groups[0] if self.groups else None
        if known:
            chosen = known[0].group
            others = [r.group for r in known[1:]]
            self.settled |= _GROUP_DOUBTS
        else:
            page = organizers[0]
            same = current is not None and name_key(current.name) == name_key(page.name)
            url = page.url or (current.url if same and current else None)
            url = url or (
                meetup_group_page(self.event.url or "") or (current.url if current else None)
            )
            chosen = Group(page.name, url, current.home if same and current else None)
            others = []
            self.settled |= {ProblemKind.NO_GROUP, ProblemKind.GROUP_GUESSED}
            if ProblemKind.GROUP_UNKNOWN not in doubts:
                self.added.append(
                    _problem(
                        self.event,
                        ProblemKind.GROUP_UNKNOWN,
                        "group not in the registry (named by its page)",
                    )
                )
        if chosen.url and is_http(chosen.url):
            self.settled.add(ProblemKind.NO_GROUP_LINK)
        groups = [chosen, *others, *self.groups[1:]]
        unique = tuple({name_key(g.name): g for g in reversed(groups)}.values())[::-1]
        if current is not None and (current.name, current.url) == (chosen.name, chosen.url):
            self.groups = unique
            return
        old_home = current.home if current else None
        self.groups = unique
        if self.mode == "online" and self.place == old_home:
            self.place = chosen.home
        was = f" (the calendar gives {current.name!r})" if current else ""
        self.note("group", f"group {chosen.name!r} from the organiser on {self.where}{was}")

    def _cohosts(self) -> None:
        """Groups the page names as organisers beside the entry's own (`Rust Girona` and
        `Silicon Girona`) are its co-hosts, when the registry knows them: people and unknown
        names are not groups."""
        organizers = self.facts.organizers
        if len(organizers) < 2 or not self.groups:
            return
        ours = {name_key(g.name) for g in self.groups}
        ours |= {key for g in self.groups if (key := link_key(g.url or ""))}

        def is_ours(group: Group) -> bool:
            return name_key(group.name) in ours or link_key(group.url or "") in ours

        found: list[Group] = []
        for organizer in organizers:
            record = self.registry.by_link(organizer.url) or self.registry.by_name(organizer.name)
            if record is not None:
                found.append(record.group)
        if not any(is_ours(group) for group in found):
            return  # the page does not say the entry's group organises it
        added = []
        for group in found:
            if not is_ours(group):
                ours.add(name_key(group.name))
                added.append(group)
        if added:
            self.groups = (*self.groups, *added)
            names = ", ".join(repr(g.name) for g in added)
            self.note("group", f"co-host {names} from the organisers on {self.where}")

    def _mode_and_place(self) -> None:
        """The page's mode, as long as an in-person or hybrid event keeps a venue to be listed
        at (the page's, or the entry's own); then the page's venue (`_place`)."""
        facts, event = self.facts, self.event
        mode = facts.mode or self.mode
        if mode == "online":
            if self.mode != "online":
                self._set_mode("online")
                self.place = self.groups[0].home if self.groups else None
            return
        venue = facts.place or (self.place if self.mode != "online" else None)
        if venue is None:
            if mode != self.mode:
                self.disagree(
                    "mode", f"{self.where} says {mode} but names no place; it stays {self.mode}"
                )
            return
        if mode != self.mode:
            self._set_mode(mode)
        if facts.place is not None:
            unread = any(p.kind is ProblemKind.PLACE_NOT_UNDERSTOOD for p in event.problems)
            self._place(facts.place, unread or event.mode == "online")

    def _set_mode(self, mode: Mode) -> None:
        old = self.mode
        self.mode = mode
        if self.facts.status == "moved-online" and "status" not in self.changed:
            self.changed.append("status")
        self.note("mode", f"{mode} on {self.where} (the calendar reads {old})")

    def _place(self, page: Place, entry_unread: bool) -> None:
        """The page's venue where the entry gave none it could read; where the two disagree,
        the page's (reported), its address being labelled where the entry's is free text."""
        entry = self.place
        if entry_unread or entry is None:
            self.place = page
            self.settled.add(ProblemKind.PLACE_NOT_UNDERSTOOD)
            if entry is None or display(entry) != display(page):
                self.note("place", f"place {display(page)!r} from {self.where}")
            return
        if _same_place(entry, page):
            if entry.state is None and page.state is not None:
                self.place = page
                self.note("place", f"place {display(page)!r} from {self.where}")
            return
        self.place = page
        self.disagree(
            "place",
            f"{self.where} puts it in {display(page)}, the calendar in {display(entry)}; "
            "the page's place is used",
        )

    def _date(self) -> None:
        event = self.event
        days = self._page_days(self._zone(None))
        if days is None:
            return
        first, last, local, own = days
        if own:
            self.settled.add(ProblemKind.NO_TIME_ZONE)
        if first == event.date and last == event.end_date:
            return
        if first != event.date:
            if self.facts.end is None:
                last = first + (event.end_date - event.date)
            self.disagree(
                "date",
                f"{self.where} says it starts on {first}, the calendar on {event.date}; "
                "the page's date is used",
            )
            self.start, self.days = local, (first, last)
            if self.facts.status == "rescheduled":
                self.changed.append("status")
            return
        if self.facts.end is not None and last != event.end_date:
            self.disagree(
                "date",
                f"{self.where} says it ends on {last}, the calendar on {event.end_date}; "
                "the page's date is used",
            )
            self.days = (first, last)

    def _home_of_new_group(self) -> None:
        """A group the registry does not know is at home where it meets (as understand says)."""
        if not self.groups or "group" not in self.changed:
            return
        primary = self.groups[0]
        unknown = self.registry.by_name(primary.name) is None
        if primary.home is None and self.mode != "online" and self.place is not None and unknown:
            self.groups = (replace(primary, home=self.place), *self.groups[1:])

    def _result(self) -> Event:
        event = self.event
        problems = tuple(p for p in event.problems if p.kind not in self.settled)
        start = self.start if self.start is not None else event.start
        first, last = self.days or (event.date, event.end_date)
        return replace(
            event,
            title=self.title,
            groups=self.groups,
            mode=self.mode,
            place=self.place,
            start=start,
            date=first,
            end_date=last,
            page=self.facts,
            changed=tuple(self.changed),
            problems=(*problems, *self.added),
        )


def _local(moment: datetime | date, where: tzinfo | None) -> tuple[datetime | date, bool]:
    """A page's moment where the event happens, and whether the page itself gave its local
    date: its own non-zero offset does (pages write local time), a local time or a date does;
    a UTC time is turned into the event's zone when that is known."""
    if not isinstance(moment, datetime):
        return moment, True
    if moment.tzinfo is None:
        return (moment.replace(tzinfo=where) if where else moment), True
    offset = moment.utcoffset()
    if offset is not None and offset != timedelta(0):
        if where is not None and moment.astimezone(where).utcoffset() == offset:
            return moment.astimezone(where), True
        return moment, True
    if where is not None:
        return moment.astimezone(where), True
    return moment, False


def _same_place(a: Place, b: Place) -> bool:
    """Two readings of one city: the same country, and the same name or one the gazetteer
    files both under (`München` and `Munich`). States are not compared: a page without an
    `addressRegion` has its state guessed from the city's name, as an entry has."""
    if a.country != b.country:
        return False
    if name_key(a.city) == name_key(b.city):
        return True
    found_a = match_city(a.city, a.country, a.state)[1]
    found_b = match_city(b.city, b.country, b.state)[1]
    return bool(found_a and found_b and found_a[0] == found_b[0])


__all__ = ["MAX_SHIFT", "check_pages", "page_urls", "wants_page"]
