"""Read one occurrence the way an editor does: title, event link, group, place, mode, local date.

This is the stage that replaces the editors' manual work, so every rule of CALENDAR.md §2 is
here (link shapes live in links.py, addresses in places.py, known groups in registry.py), and
whatever cannot be read is said as a Problem on the event instead of being guessed silently.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from events.model import Event, Group, Mode, Occurrence, Place, Problem
from events.registry.groups import Registry, RegistryGroup, name_key
from events.rules import links as L
from events.rules.places import online_home, parse_location

_CANCELLED = re.compile(
    r"^\s*[\[(]?\s*(?:cancell?ed|abgesagt|annul[ée]e?)\s*[\])]?\s*[:\-–—|!]*\s*", re.IGNORECASE
)
_ONLINE_LOCATION = re.compile(
    r"^(?:(?:online|virtual|remote|internet|web)(?:\s+(?:event|only|meetup|meeting))?"
    r"|(?:on\s+)?(?:zoom|jitsi|discord|twitch|youtube|google\s+meet|(?:microsoft\s+)?teams|webex"
    r"|whereby|gather(?:\.town)?|crowdcast|streamyard)(?:\s+(?:meeting|call|stream|server|live))?"
    r"|live\s*stream|webinar|tbd\s+online)$",
    re.IGNORECASE,
)
_ONLINE_WITH_PLACE = re.compile(r"^(?:online|virtual)(?:\s+event)?\s*[(\[](.+)[)\]]\s*$", re.I)
_HYBRID_LOCATION = re.compile(
    r"^\s*hybrid\b(?:\s+event)?\s*[:\-–—(]?\s*(.*?)\)?\s*$"
    r"|^(.*?)\s*(?:[(\[]\s*hybrid\s*[)\]]|[-–—,]\s*hybrid(?:\s+event)?)\s*$"
    r"|^(.*?)\s*(?:[+&/]|\band\b|\bund\b|\bet\b|\by\b)\s*(?:online|virtual|zoom|live\s*stream)\s*$",
    re.IGNORECASE,
)
_HYBRID_WORD = re.compile(r"\bhybrid\b", re.IGNORECASE)
_PREFIX_SEPARATORS = re.compile(r"\s*:\s+|\s+[-–—|]\s+")


@lru_cache(maxsize=512)
def _zone(name: str | None) -> ZoneInfo | None:
    if not name:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


@dataclass(frozen=True)
class _Candidate:
    """A group the entry points at, and whether the entry itself linked its page."""

    group: Group
    record: RegistryGroup | None
    linked: bool  # the url came from the entry, not from the registry


def understand(occ: Occurrence, registry: Registry) -> Event:
    """Turn one occurrence into an Event, listing on it whatever could not be understood."""
    problems: list[str] = []
    summary = " ".join(occ.summary.split())
    cancelled = occ.status == "CANCELLED"
    if _CANCELLED.match(summary):
        cancelled = True
        summary = _CANCELLED.sub("", summary, count=1)

    found = L.find_links(occ.description)
    if occ.location and L.is_http(occ.location.strip()):
        found.append(L.Link(L.unwrap(occ.location.strip()), "", ""))
    event_url = _event_link(occ.url, found)

    groups, title = _groups_and_title(occ, summary, found, event_url, registry, problems)
    primary = groups[0] if groups else None

    mode, place = _mode_and_place(occ, found, primary, problems)
    if primary and primary.home is None and place and registry.by_name(primary.name) is None:
        # a group the registry does not know is at home where it meets (the JSON says so)
        groups = (Group(primary.name, primary.url, place), *groups[1:])

    if event_url is None:
        if primary and primary.url:  # the block links the title to the group page instead
            problems.append("no event link; the group's page is linked instead")
        else:
            problems.append("no event link")
    if not title:
        title = summary or "(untitled)"
        if not summary:
            problems.append("no title")

    start, first, last = _local_dates(occ, mode, place, primary, problems)
    return Event(
        uid=occ.uid,
        feed=occ.feed.name,
        title=title,
        url=event_url,
        groups=groups,
        mode=mode,
        place=place,
        start=start,
        date=first,
        end_date=last,
        cancelled=cancelled,
        problems=tuple(Problem(occ.feed.name, p, occ.uid, occ.summary) for p in problems),
    )


# -- the event link --------------------------------------------------------------------------


def _event_link(url: str | None, found: list[L.Link]) -> str | None:
    """URL wins; then the first event page in the text; then the first link that is neither a
    meeting room, a group page introduced as such, nor a map or picture."""
    if url:
        url = L.unwrap(url.strip())
        if L.is_http(url) and not L.is_meeting_link(url):
            return url
    for link in found:
        if L.is_event_page(link.url) and not L.is_labelled_group_link(link):
            return link.url
    for link in found:
        if (
            L.is_meeting_link(link.url)
            or L.is_noise(link.url)
            or L.is_labelled_group_link(link)
            or _is_group_page(link.url)
        ):
            continue
        return link.url
    return None


def _is_group_page(url: str) -> bool:
    """A platform page of a whole group (Meetup group, Eventbrite organiser)."""
    if L.meetup_group_page(url) and not L.is_event_page(url):
        return True
    return L.host_of(url).startswith("eventbrite.") and "/o/" in url


# -- group and title -------------------------------------------------------------------------


def _registry_by_link(registry: Registry, url: str) -> RegistryGroup | None:
    """A registry group for `url`, trying shorter paths for a group's own site
    (`rust-augsburg.github.io/meetup/Meetup_16.html` belongs to `…/meetup`)."""
    record = registry.by_link(url)
    if record is not None or L.host_of(url) in ("meetup.com", "lu.ma", "luma.com"):
        return record
    if L.host_of(url).startswith("eventbrite.") or L.is_meeting_link(url):
        return None
    head, _, _ = url.partition("?")
    parts = head.rstrip("/").split("/")
    while len(parts) > 3:  # down to the site's root: `fosdem.org/2023/…` is FOSDEM's
        parts.pop()
        record = registry.by_link("/".join(parts))
        if record is not None:
            return record
    return None


def _prefixes(summary: str) -> list[tuple[str, str]]:
    """Every way to read `summary` as `<group><separator><title>`."""
    out = []
    m = re.match(r"^\s*\[([^\]]+)\]\s*[:\-–—|]?\s*(.+)$", summary)
    if m:
        out.append((m.group(1).strip(), m.group(2).strip()))
    splits = []
    for sep in _PREFIX_SEPARATORS.finditer(summary):
        left, right = summary[: sep.start()].strip(), summary[sep.end() :].strip()
        if left and right:
            splits.append((left, right))
    # the longest name first: `Rust en Español | Rust Argentina: …` is one group's name
    return out + sorted(splits, key=lambda lr: -len(lr[0]))


def _names_of(candidate: _Candidate) -> set[str]:
    keys = {name_key(candidate.group.name)}
    if candidate.record is not None:
        keys.add(name_key(candidate.record.name))
        keys.update(name_key(n) for n in candidate.record.names)
    keys.discard("")
    return keys


_GROUP_JOINS = re.compile(r"\s*(?:&|\+|,|\||/|\band\b|\bx\b|\bwith\b)\s*", re.IGNORECASE)
_HOSTED_TEXT = re.compile(r"\b(co-?)?hosted\s+(?:by|with)\s+([^<>\n:.;!?()]+)", re.IGNORECASE)


def _known_groups(registry: Registry, text: str) -> list[RegistryGroup]:
    """The known group `text` names, or the known groups it joins (`A & B`, `A x B`), else []."""
    record = registry.by_name(text)
    if record is not None:
        return [record]
    parts = [part for part in _GROUP_JOINS.split(text) if part]
    found = [registry.by_name(part) for part in parts]
    if len(parts) > 1 and all(found):
        return list(dict.fromkeys(found))  # type: ignore[arg-type]
    return []


def _hosts_in_text(registry: Registry, description: str, *, partners: bool) -> list[RegistryGroup]:
    """Known groups a description names as hosts in words, without a link (`Hosted by Rust
    Girona and Silicon Girona`); with `partners`, those it names as co-hosts."""
    lines = re.sub(r"(?i)<(?:br|/?p|/?div|/?li|/?ul|/?ol)\b[^>]*>", "\n", description)
    text = L.unescape(re.sub(r"<[^>]+>", "", lines))
    found: list[RegistryGroup] = []
    for match in _HOSTED_TEXT.finditer(text):
        if bool(match.group(1)) != partners:
            continue
        for part in _GROUP_JOINS.split(match.group(2).strip()):
            record = registry.by_name(part) or registry.by_name_prefix(part)
            if record is not None and record not in found:
                found.append(record)
    return found


def _looks_like_group_name(text: str) -> bool:
    """A prefix that could be a group's name rather than the first half of a title."""
    words = text.split()
    return (
        0 < len(words) <= 6
        and "#" not in text
        and not re.search(r"\d", text)
        and not text.endswith((".", "?", "!"))
    )


def _groups_and_title(
    occ: Occurrence,
    summary: str,
    found: list[L.Link],
    event_url: str | None,
    registry: Registry,
    problems: list[str],
) -> tuple[tuple[Group, ...], str]:
    candidates: list[_Candidate] = []

    def add(record: RegistryGroup | None, name: str | None, url: str | None, linked: bool) -> None:
        if record is not None:
            group = Group(record.name, url if linked and url else record.url, record.home)
        elif name:
            group = Group(name, url, None)
        else:
            return
        for i, known in enumerate(candidates):
            same = (record is not None and known.record is record) or name_key(
                known.group.name
            ) == name_key(group.name)
            if same:
                if linked and not known.linked and url:
                    candidates[i] = _Candidate(
                        Group(known.group.name, url, known.group.home), known.record, True
                    )
                return
        candidates.append(_Candidate(group, record, linked))

    # 1. a single group's feed is that group's
    if occ.feed.group:
        record = registry.by_name(occ.feed.group)
        add(record, occ.feed.group, occ.feed.group_url, bool(occ.feed.group_url))
    # 2. the groups the entry introduces as hosts ("Hosted by …: url"); else the group whose
    # platform page holds the event, unless the SUMMARY names another known group
    labelled = [lk for lk in found if L.is_labelled_group_link(lk)]
    partners = [lk for lk in labelled if L.is_cohost_link(lk)]
    hosts = [lk for lk in labelled if lk not in partners]
    prefixes = _prefixes(summary)

    def add_labelled(link: L.Link) -> None:
        name = L.label_name(link)
        record = (registry.by_name(name) if name else None) or _registry_by_link(registry, link.url)
        add(record, name, link.url, True)

    for link in hosts:
        add_labelled(link)
    if event_url and not candidates:
        record = _registry_by_link(registry, event_url)
        named = next(filter(None, (registry.by_name(left) for left, _ in prefixes)), None)
        add(named if named is not None and record is not None else record, None, None, False)
    # 3. bare group pages of known groups that the entry links
    # 3. a bare page of a known group: the group when none is known yet, else its new page
    for link in found:
        if link in labelled or link.url == event_url or not _is_group_page(link.url):
            continue
        record = registry.by_link(link.url)
        if record is None or (candidates and not any(c.record is record for c in candidates)):
            continue
        add(record, None, link.url, True)
    # 4. the SUMMARY prefix (one group, or several: `Rust Girona & Silicon Girona: …`), groups
    # the text names as hosts, a title only one group uses, the organiser's name
    for left, _ in prefixes:
        named = _known_groups(registry, left)
        if named and (not candidates or candidates[0].record in named):
            for record in named:
                add(record, None, None, False)
            break
    if not candidates:
        for record in _hosts_in_text(registry, occ.description, partners=False):
            add(record, None, None, False)
    if not candidates:
        for text in (summary, *(right for _, right in prefixes)):
            record = registry.by_title(text)
            if record is not None:
                add(record, None, None, False)
                break
    if not candidates and occ.organizer:
        add(registry.by_name(occ.organizer), None, None, False)
    if not candidates:  # `Rust Girona Hack & Learn 12 2025`
        add(registry.by_name_prefix(summary), None, None, False)
    # 5. a group the registry does not know: named by the prefix, paged by its Meetup slug
    if not candidates:
        shortest = sorted(prefixes, key=lambda lr: len(lr[0]))
        name = next((left for left, _ in shortest if _looks_like_group_name(left)), None)
        page = L.meetup_group_page(event_url) if event_url else None
        if name:
            add(None, name, page, bool(page))
    # 6. partners come after the host
    for link in partners:
        add_labelled(link)
    if candidates:
        for record in _hosts_in_text(registry, occ.description, partners=True):
            add(record, None, None, False)
    if not candidates:
        problems.append("no group")
    elif candidates[0].record is None:
        problems.append("group not in the registry")
    if candidates and not candidates[0].group.url:
        problems.append("no link for the group")

    title = summary
    if candidates:
        keys = set().union(*(_names_of(c) for c in candidates))
        records = [c.record for c in candidates]
        for left, right in prefixes:
            named = _known_groups(registry, left)
            if name_key(left) in keys or (named and all(r in records for r in named)):
                title = right
                break
        record = candidates[0].record
        # a group whose titles start with its name loses only a name written twice
        if (
            record is not None
            and record.named_titles
            and title != summary
            and not any(name_key(title).startswith(key) for key in keys)
        ):
            title = summary
    return tuple(c.group for c in candidates), title


# -- mode and place --------------------------------------------------------------------------


def _mode_and_place(
    occ: Occurrence, found: list[L.Link], group: Group | None, problems: list[str]
) -> tuple[Mode, Place | None]:
    location = " ".join(occ.location.split())
    home = group.home if group else None
    lowered = location.casefold().strip(" .")
    if not location or _ONLINE_LOCATION.match(lowered) or L.is_http(location):
        return "online", home
    m = _ONLINE_WITH_PLACE.match(location)
    if m:
        return "online", home or online_home(location)
    mode: Mode = "in-person"
    m = _HYBRID_LOCATION.match(location)
    if m:
        mode, location = "hybrid", next(g for g in m.groups() if g is not None)
    elif _HYBRID_WORD.search(occ.description) or any(L.is_meeting_link(link.url) for link in found):
        mode = "hybrid"
    place = parse_location(location) if location else None
    if place is None:
        if home is not None:
            problems.append(f"place not understood: {location!r}; the group's home is shown")
            return mode, home
        problems.append(f"place not understood: {location!r}")
    return mode, place


# -- local dates -----------------------------------------------------------------------------


def _local_dates(
    occ: Occurrence, mode: Mode, place: Place | None, group: Group | None, problems: list[str]
) -> tuple[datetime | date, date, date]:
    """The local start and the first and last local days, in the zone where the event happens."""
    start, end = occ.start, occ.end
    if not isinstance(start, datetime):
        last = start
        if isinstance(end, date) and not isinstance(end, datetime) and end > start:
            last = end - timedelta(days=1)
        return start, start, last
    if start.tzinfo is None:  # floating: already local
        local_start = start
        local_end = end if isinstance(end, datetime) and end.tzinfo is None else None
    else:
        zones = []
        if mode != "online" and place is not None:
            zones.append(place.timezone)
        if group is not None and group.home is not None:
            zones.append(group.home.timezone)
        zones.append(occ.tzid)
        zone = next((z for z in map(_zone, zones) if z is not None), None)
        if zone is None:
            # the calendar's own zone says nothing about where the event happens: say so
            # when the day depends on it
            zone = _zone(occ.calendar_tz) or ZoneInfo("UTC")
            if start.astimezone(zone).date() != start.astimezone(UTC).date():
                problems.append(
                    f"no time zone for the place or the group: the date is the one in {zone.key}"
                )
        local_start = start.astimezone(zone)
        local_end = end.astimezone(zone) if isinstance(end, datetime) and end.tzinfo else None
    first = local_start.date()
    last = first
    if local_end is not None and local_end - local_start >= timedelta(days=1):
        last = (local_end - timedelta(microseconds=1)).date()
    return local_start, first, last
