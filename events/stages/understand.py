"""Understand: read one occurrence the way an editor does (CALENDAR.md §2) — title, event link,
group, online or hybrid, place, local date.

The vocabulary is `events.rules` (links, wording, places, dates, the Google page of an entry)
and the registry; this stage only decides in which order the entry's evidence counts. The
entry's own evidence beats anything remembered: its feed's owner, the hosts it names with
their links, the group its event link belongs to, its group prefix, then names in its words;
a remembered title only names a group when nothing of the entry does, and that is reported as
the guess it is. Whatever a listing needs and the entry lacks is chosen as an editor would and
said in a Problem naming the entry, so every event can be listed in the two-line form.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import NamedTuple
from urllib.parse import urlsplit

from events.model import Event, Group, Mode, Occurrence, Place, Problem, ProblemKind
from events.registry import Registry, RegistryGroup
from events.rules import links as L
from events.rules.dates import local_days
from events.rules.google import embed_page, event_page
from events.rules.html import read_description
from events.rules.names import name_key
from events.rules.places import display, explain_location, home_in_name
from events.rules.wording import (
    about_rust,
    cancelled_title,
    hosts_in_words,
    is_cancelled_status,
    joined_names,
    looks_like_group_name,
    mode_marker,
    prefix_splits,
    read_location_words,
    says_hybrid,
    without_mode_marker,
)

# patterns compiled once, at import (a forked process inherits them compiled)
_SAYS_ONLINE_EVENT = re.compile(r"\b(?:online event|online meetup|virtual event)\b", re.I)
_SLUG_SEPARATORS = re.compile(r"[-_\s]+")

Note = tuple[ProblemKind, str]


class _Candidate(NamedTuple):
    """A group the entry points at, and whether the entry itself linked its page."""

    group: Group
    record: RegistryGroup | None
    linked: bool  # the url came from the entry, not from the registry


def understand(occ: Occurrence, registry: Registry) -> Event:
    """Turn one occurrence into an Event, listing on it whatever could not be understood."""
    notes: list[Note] = []
    summary = " ".join(occ.summary.split())
    cancelled = is_cancelled_status(occ.status)
    on_topic = not occ.feed.rust_only or about_rust(
        occ.summary,
        read_description(occ.description[: L.MAX_DESCRIPTION]).text,
        ignore=(occ.feed.group or "", occ.calendar_name or ""),
    )
    if (rest := cancelled_title(summary)) is not None:
        cancelled, summary = True, rest.strip()
    # `Virtual: …`, `[Hybrid] …`: how the event is held; the marker stays in the title, as
    # TWIR has published it (`[Hybrid] You'll Never Rust Alone - Rust Study Group`)
    marked = mode_marker(summary)

    found = L.find_links(occ.description)
    location = " ".join(occ.location.split())
    if L.is_http(location):
        found.append(L.Link(L.unwrap(location), "", ""))
    event_url = _event_link(occ.url, found)

    groups, title, linked = _groups_and_title(
        occ, summary, location, found, event_url, registry, notes
    )
    primary = groups[0] if groups else None
    mode, place = _mode_and_place(occ, location, found, primary, notes)
    if marked is not None and mode == "in-person":
        mode = marked  # `Virtual: …` at a venue: listed online, its place shown with it
    if primary and primary.home is None and registry.by_name(primary.name) is None:
        # a group the registry does not know is at home where it meets (the JSON says so), or,
        # when the entry gives no place it can be filed under (online, or a venue's name alone),
        # where its name says it is: a guess, reported
        home = place
        if place is None:
            slug = L.meetup_slug(primary.url or "") or ""
            home = home_in_name(primary.name) or home_in_name(slug)
            if home is not None:
                place = home
                shown = "" if mode == "online" else ", and shown as the place"
                notes.append(
                    (
                        ProblemKind.HOME_GUESSED,
                        f"home {display(home)!r} read from the group's name{shown}",
                    )
                )
        if home is not None:
            groups = (Group(primary.name, primary.url, home), *groups[1:])
            primary = groups[0]
    groups = _with_links(occ, groups, event_url, found, notes)

    if event_url is None:
        # the group page the entry itself links stands for the event, as TWIR shows it
        event_url = None if linked else event_page(occ.uid, occ.calendar_id)
        if event_url:
            notes.append((ProblemKind.NO_EVENT_LINK, "no event link; its calendar page is linked"))
        else:
            notes.append((ProblemKind.NO_EVENT_LINK, "no event link; the group's page is linked"))
    if not title:
        title = summary or (primary.name if primary else "") or "Event"
        if not summary:
            notes.append((ProblemKind.NO_TITLE, f"no title; shown as {title!r}"))

    home = dating_home(groups, (kind for kind, _ in notes))
    when = local_days(
        occ.start,
        occ.end,
        mode=mode,
        place=place,
        home=home,
        tzid=occ.tzid,
        calendar_tz=occ.calendar_tz,
    )
    if when.zone_guessed:
        notes.append(
            (
                ProblemKind.NO_TIME_ZONE,
                f"no time zone for the place or the group: the date is the one in "
                f"{when.zone_guessed}",
            )
        )
    return Event(
        uid=occ.uid,
        feed=occ.feed.name,
        title=title,
        url=event_url,
        groups=groups,
        mode=mode,
        place=place,
        start=when.start,
        date=when.first,
        end_date=when.last,
        cancelled=cancelled,
        about_rust=on_topic,
        from_group_feed=bool(occ.feed.group or occ.feed.group_url),
        problems=tuple(Problem(kind, occ.feed.name, m, occ.uid, occ.summary) for kind, m in notes),
        sources=(occ.feed.name,),
    )


def dating_home(groups: Sequence[Group], kinds: Iterable[ProblemKind]) -> Place | None:
    """The home that dates an entry online: its first group's, unless that group is a guess
    (`GROUP_GUESSED`: a title some group once used): then the entry's own TZID dates it."""
    if not groups or ProblemKind.GROUP_GUESSED in kinds:
        return None
    return groups[0].home


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
            or L.is_group_page(link.url)
        ):
            continue
        return link.url
    return None


# -- group and title -------------------------------------------------------------------------


def _registry_by_link(registry: Registry, url: str) -> RegistryGroup | None:
    """The registry group a link belongs to, trying the pages above it on a group's own site
    (`fosdem.org/2023/…` is FOSDEM's)."""
    record = registry.by_link(url)
    if record is not None:
        return record
    for key in L.parent_keys(url):
        record = registry.by_link(key)
        if record is not None:
            return record
    return None


def _names_of(candidate: _Candidate) -> set[str]:
    keys = {name_key(candidate.group.name)}
    if candidate.record is not None:
        keys.add(name_key(candidate.record.name))
        keys.update(name_key(n) for n in candidate.record.names)
    keys.discard("")
    return keys


def _known_groups(registry: Registry, text: str) -> list[RegistryGroup]:
    """The known group `text` names, or the known groups it joins (`A & B`, `A x B`), else []."""
    record = registry.by_name(text)
    if record is not None:
        return [record]
    parts = joined_names(text)
    found = [registry.by_name(part) for part in parts]
    if len(parts) > 1 and all(found):
        return list(dict.fromkeys(r for r in found if r is not None))
    return []


def _hosts_in_text(registry: Registry, description: str, *, partners: bool) -> list[RegistryGroup]:
    """Known groups a description names as hosts in words, without a link (`Hosted by Rust
    Girona and Silicon Girona`); with `partners`, those it names as co-hosts."""
    text = read_description(description[: L.MAX_DESCRIPTION]).text
    found: list[RegistryGroup] = []
    for cohost, names in hosts_in_words(text):
        if cohost != partners:
            continue
        for name in names:
            record = registry.by_name(name) or registry.by_name_prefix(name)
            if record is not None and record not in found:
                found.append(record)
    return found


_YEAR = re.compile(r"\s*(?:'\d\d|\b(?:19|20)\d\d\b)\s*")


def _guessed_name(slug: str) -> str:
    """A readable name from a Meetup urlname (`rust-krakow` → `Rust Krakow`), a guess the
    event page usually corrects."""
    words = _SLUG_SEPARATORS.split(slug)
    return " ".join(w if w.isupper() else w.capitalize() for w in words if w)


def _conference_name(summary: str) -> str:
    """A conference named by its title: what comes before its year (`FOSDEM 2023 Conference:
    Rust devroom` is FOSDEM's), else the title without the year."""
    year = _YEAR.search(summary)
    head = summary[: year.start()].strip(" -–—:|,") if year else ""
    return head or _YEAR.sub(" ", summary).strip(" -–—:|,") or summary


def _site_root(url: str) -> str | None:
    """The root of a conference's own site (`https://rustconf.com/`), not of a platform's."""
    host = L.host_of(url)
    if not host or L.is_meeting_link(url) or L.is_noise(url):
        return None
    if L.is_platform_page(url):
        return None
    parts = urlsplit(url)
    labels = parts.netloc.split(".")
    if len(labels) >= 3 and any(c.isdigit() for c in labels[0]):
        labels = labels[1:]  # `2023.rustnl.org`: the conference, not its year
    return f"{parts.scheme}://{'.'.join(labels)}/"


def _groups_and_title(
    occ: Occurrence,
    summary: str,
    location: str,
    found: list[L.Link],
    event_url: str | None,
    registry: Registry,
    notes: list[Note],
) -> tuple[tuple[Group, ...], str, bool]:
    """The entry's groups, its title without a prefix naming them, and whether the entry
    itself linked the first group's page."""
    candidates: list[_Candidate] = []

    def add(record: RegistryGroup | None, name: str | None, url: str | None, linked: bool) -> None:
        if record is not None and record.replaced(url):  # editors have re-linked it since
            url, linked = None, False
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

    def guessed(why: str) -> None:
        if candidates:
            notes.append((ProblemKind.GROUP_GUESSED, f"group {candidates[0].group.name!r} {why}"))

    own_feed = bool(occ.feed.group or occ.feed.group_url)
    # a group prefix may stand after a mode marker (`Online: Rust ATX: Rust Lunch`): it goes
    # with the marker when it names the group; a marker before a title stays in it
    unmarked = without_mode_marker(summary)
    prefixes = prefix_splits(unmarked)
    labelled = [lk for lk in found if L.is_labelled_group_link(lk)]
    partners = [lk for lk in labelled if L.is_cohost_link(lk)]
    hosts = [lk for lk in labelled if lk not in partners]

    def add_labelled(link: L.Link) -> None:
        name = L.label_name(link)
        record = (registry.by_name(name) if name else None) or _registry_by_link(registry, link.url)
        add(record, name, link.url, True)

    # 1. a single group's feed is that group's, named as the registry names it
    if own_feed:
        record = registry.by_name(occ.feed.group) or registry.by_link(occ.feed.group_url)
        name = occ.feed.group or occ.calendar_name
        if record is None and not name and occ.feed.group_url:
            slug = L.meetup_slug(occ.feed.group_url)
            name = _guessed_name(slug) if slug else None
        add(record, name, None if record else occ.feed.group_url, False)
    # 2. the hosts the entry introduces with their pages ("Hosted by …: url")
    for link in hosts:
        add_labelled(link)
    # 3. the known group whose page holds the event, unless the prefix names another one
    if event_url and not candidates:
        record = _registry_by_link(registry, event_url)
        named = next(filter(None, (registry.by_name(left) for left, _ in prefixes)), None)
        add(named if named is not None and record is not None else record, None, None, False)
    # 4. a bare page of a known group: the group when none is known yet, else its new page
    for link in found:
        if link in labelled or link.url == event_url or not L.is_group_page(link.url):
            continue
        record = registry.by_link(link.url)
        if record is None or (candidates and not any(c.record is record for c in candidates)):
            continue
        add(record, None, link.url, True)
    # 5. the SUMMARY prefix (one group, or several: `Rust Girona & Silicon Girona: …`)
    for left, _ in prefixes:
        named_groups = _known_groups(registry, left)
        if named_groups and (not candidates or candidates[0].record in named_groups):
            for record in named_groups:
                add(record, None, None, False)
            break
    # 6. groups the text names as hosts in words, the organiser
    if not candidates:
        for record in _hosts_in_text(registry, occ.description, partners=False):
            add(record, None, None, False)
    if not candidates and occ.organizer:
        add(registry.by_name(occ.organizer), None, None, False)
    # 7. the Meetup group of the event link, which the registry does not know, named by the
    # prefix unless the prefix and the group's address share no word (`Embedded Rust Hangout -
    # November Edition` at meetup.com/rust-cape-town: a title, not the group)
    if not candidates and event_url and (page := L.meetup_group_page(event_url)):
        slug = page.rsplit("/", 1)[1]
        shortest = sorted(prefixes, key=lambda lr: len(lr[0]))
        name = next(
            (
                left
                for left, _ in shortest
                if looks_like_group_name(left) and _names_the_address(left, slug)
            ),
            None,
        )
        add(None, name or _guessed_name(slug), page, True)
        if not name:
            guessed("named after the Meetup address of its event link")
    # 8. a known name opening the title (`Rust Girona Hack & Learn 12 2025`)
    if not candidates:
        add(registry.by_name_prefix(unmarked), None, None, False)
    # 9. a title only one group has used (the same title, or one holding it): a guess, unless
    # the title's prefix names a group itself (`Rust Seattle Hack Night: Rustlings Together`)
    if not candidates and not any(looks_like_group_name(left) for left, _ in prefixes):
        venue = explain_location(location)[0] if location else None
        for text in dict.fromkeys((summary, unmarked, *(right for _, right in prefixes))):
            record = registry.by_title(text)
            if record is not None and _elsewhere(record, venue):
                continue  # `Rust and Tell` in Geneva is not Rust Berlin's: the venue says so
            if record is not None:
                add(record, None, None, False)
                guessed(f"recognised by its title {text!r} alone")
                break
    # 10. a group the registry does not know, named by the prefix
    if not candidates:
        shortest = sorted(prefixes, key=lambda lr: len(lr[0]))
        name = next((left for left, _ in shortest if looks_like_group_name(left)), None)
        if name:
            add(None, name, None, False)
    # 11. a conference is its own group: its site's root, named by its title
    if not candidates and event_url and (root := _site_root(event_url)):
        add(None, _conference_name(summary), root, False)
        guessed("taken for a conference on its own site")
    # partners come after the host
    for link in partners:
        add_labelled(link)
    if candidates:
        for record in _hosts_in_text(registry, occ.description, partners=True):
            add(record, None, None, False)
    # 12. nothing names a group: the calendar itself stands for it
    if not candidates:
        name = occ.calendar_name or occ.feed.name
        page = embed_page(occ.calendar_id) if occ.calendar_id else None
        add(None, name, page, False)
        notes.append((ProblemKind.NO_GROUP, f"no group; listed under the calendar {name!r}"))
    elif candidates[0].record is None:
        notes.append((ProblemKind.GROUP_UNKNOWN, "group not in the registry"))

    title = summary
    groups = tuple(c.group for c in candidates)
    if own_feed:
        return groups, title, candidates[0].linked  # Meetup shows the title as it is
    keys = set().union(*(_names_of(c) for c in candidates))
    records = [c.record for c in candidates]
    for left, right in prefixes:
        named_groups = _known_groups(registry, left)
        if name_key(left) in keys or (named_groups and all(r in records for r in named_groups)):
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
    return groups, title, candidates[0].linked


def _with_links(
    occ: Occurrence,
    groups: tuple[Group, ...],
    event_url: str | None,
    found: list[L.Link],
    notes: list[Note],
) -> tuple[Group, ...]:
    """Every group with a page to link: its own, else the Meetup group page the entry links
    under the group's name (`Rust Nairobi`: meetup.com/rust-nairobi), else (each of these
    reported) the Meetup group of the event link, the calendar's page, the event link."""
    out = []
    for index, group in enumerate(groups):
        if group.url and L.is_http(group.url):
            out.append(group)
            continue
        named = _meetup_page_named(found, group.name)
        if named is not None:
            out.append(Group(group.name, named, group.home))
            continue
        page = (event_url and L.meetup_group_page(event_url)) or None
        if page is None and occ.calendar_id:
            page = embed_page(occ.calendar_id)
        if page is None and L.is_http(occ.feed.source):
            page = occ.feed.source
        page = page or event_url
        if index == 0:
            where = f"; {page} is linked" if page else ""
            notes.append((ProblemKind.NO_GROUP_LINK, f"no link for the group{where}"))
        out.append(Group(group.name, page, group.home))
    return tuple(out)


def _elsewhere(record: RegistryGroup, venue: Place | None) -> bool:
    """Whether the entry's venue lies in another country than the group's home."""
    return venue is not None and record.home is not None and venue.country != record.home.country


#: Words too common in groups' names to tie a name to an address.
_COMMON_NAME_WORDS = frozenset(
    {"rust", "rustaceans", "meetup", "meetups", "group", "user", "users", "community", "the"}
)


def _names_the_address(name: str, slug: str) -> bool:
    """Whether a group's name and a Meetup address share a word that tells one group from
    another (`Rust Kraków` and `rust-krakow`, `Bay Area Rust` and `bayarearust`)."""
    address = name_key(slug)
    words = [name_key(w) for w in _SLUG_SEPARATORS.split(name) if w]
    if name_key(name) in address or address in name_key(name):
        return True
    if any(len(w) >= 3 and w not in _COMMON_NAME_WORDS and w in address for w in words):
        return True
    # `Rust Guadalajara` and `rust-gdl`: the address abbreviates a word of the name
    tokens = [name_key(t) for t in _SLUG_SEPARATORS.split(slug)]
    return any(
        _abbreviates(t, w)
        for t in tokens
        if len(t) >= 2 and t not in _COMMON_NAME_WORDS
        for w in words
        if w not in _COMMON_NAME_WORDS
    )


def _abbreviates(short: str, word: str) -> bool:
    """Whether `short` is `word` with letters left out, starting with its first (`gdl`)."""
    if not short or not word or short[0] != word[0] or len(short) >= len(word):
        return False
    letters = iter(word)
    return all(c in letters for c in short)


def _meetup_page_named(found: list[L.Link], name: str) -> str | None:
    """The Meetup group page among the entry's links whose address spells the group's name."""
    key = name_key(name)
    for link in found:
        slug = L.meetup_slug(link.url)
        if slug and L.is_group_page(link.url) and name_key(slug) == key:
            return L.meetup_group_page(link.url)
    return None


# -- mode and place --------------------------------------------------------------------------


def _mode_and_place(
    occ: Occurrence, location: str, found: list[L.Link], group: Group | None, notes: list[Note]
) -> tuple[Mode, Place | None]:
    home = group.home if group else None
    words = read_location_words(location)
    if not location and (occ.feed.group or occ.feed.group_url):
        # a group's own feed leaves LOCATION out when the venue is not public yet: the group's
        # home and the description decide, not the silence (CALENDAR.md §1, Meetup)
        text = read_description(occ.description[: L.MAX_DESCRIPTION]).text
        online = any(L.is_meeting_link(link.url) for link in found) or bool(
            _SAYS_ONLINE_EVENT.search(text)
        )
        if online or home is None:
            return "online", home
        notes.append((ProblemKind.PLACE_NOT_UNDERSTOOD, "no location; the group's home is shown"))
        return "in-person", home
    if words.mode == "online":
        if words.place and home is None:
            return "online", explain_location(words.place)[0]
        return "online", home
    mode: Mode = "hybrid" if words.mode == "hybrid" else "in-person"
    if mode == "in-person" and (
        any(L.is_meeting_link(link.url) for link in found)
        or says_hybrid(read_description(occ.description[: L.MAX_DESCRIPTION]).text)
    ):
        mode = "hybrid"
    place, reason = explain_location(words.place) if words.place else (None, "no place given")
    if place is None:
        if home is not None:
            notes.append(
                (
                    ProblemKind.PLACE_NOT_UNDERSTOOD,
                    f"place not understood: {location!r} ({reason}); the group's home is shown",
                )
            )
            return mode, home
        notes.append(
            (ProblemKind.PLACE_NOT_UNDERSTOOD, f"place not understood: {location!r} ({reason})")
        )
        if mode == "hybrid":
            return "online", None  # no venue to list it under: it is listed as online
    return mode, place
