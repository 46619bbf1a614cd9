"""Follow the editors' latest namings: refresh a registry from the issues of a TWIR checkout.

The shipped registry knows the issues it was learned from; TWIR's repository (`content/` and
`draft/`) holds every issue since. A group renamed or re-linked last week must be named the new
way this week, so the groups learned from those issues (`learn.learn_blocks`) are joined with the
registry's and their naming wins over anything the registry knew from the same weeks. An archive
group is joined to a registry group by its name or link, or, when editors changed both at once,
by the Meetup group of the events listed under it.

Events of issues whose window reaches into the new one are known by their event links too: the
same event is named this week as editors named it last week.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

from events.model import Place
from events.registry.archive import Block, Listing, parse_block
from events.registry.checkout import find_checkout
from events.registry.groups import Registry, RegistryGroup
from events.registry.learn import learn_blocks
from events.rules.issue import events_block, issue_date
from events.rules.links import link_key
from events.rules.names import name_key

__all__ = [
    "archive_folders",
    "combined",
    "find_checkout",
    "read_archive",
    "refresh_from",
    "refreshed",
]

#: Issues older than this before the registry's newest naming are already in it.
KNOWN_MARGIN = timedelta(days=365)

Naming = tuple[date, str, str | None, Place | None]


def archive_folders(path: Path) -> list[Path]:
    """A checkout's `content/` and `draft/`, or the folder itself (issues or block files)."""
    if not path.is_dir():
        raise ValueError(f"{path}: not a folder")
    inside = [path / name for name in ("content", "draft") if (path / name).is_dir()]
    return inside or [path]


def read_archive(
    folders: Iterable[Path], before: date | None = None, since: date | None = None
) -> list[Block]:
    """The blocks of every issue (or block file) in `folders` dated before `before` (and on or
    after `since`), one per issue date, the first folder's first. Files without a block, or
    whose block cannot be read, are left out: the archive's oldest issues have none."""
    found: dict[date, Block] = {}
    for folder in folders:
        for path in sorted(folder.glob("*.md")):
            day = issue_date(path.name)
            if day is not None and not _wanted(day, before, since):
                continue
            try:
                text = path.read_text("utf-8")
            except (OSError, UnicodeDecodeError):
                continue
            day = day or issue_date("", text)
            block_text = events_block(text)
            if block_text is None:
                continue
            try:
                block = parse_block(block_text)
            except ValueError:
                continue
            day = day or block.start
            if _wanted(day, before, since):
                found.setdefault(day, block)
    return [found[day] for day in sorted(found)]


def _wanted(day: date, before: date | None, since: date | None) -> bool:
    return (before is None or day < before) and (since is None or day >= since)


def newest_naming(registry: Registry) -> date | None:
    """The latest issue date the registry knows a naming from."""
    days = [n[0] for g in registry for n in g.namings] or [
        g.last_seen for g in registry if g.last_seen
    ]
    return max(days) if days else None


def refresh_from(base: Registry, folders: Iterable[Path], before: date) -> Registry:
    """`base` refreshed from the issues in `folders` dated before `before`, from a year before
    the newest issue `base` knows (older ones are in it already) or before `before`."""
    since = before - KNOWN_MARGIN
    newest = newest_naming(base)
    if newest is not None:
        since = min(since, newest - KNOWN_MARGIN)
    return refreshed(base, read_archive(folders, before, since), before=before)


def refreshed(base: Registry, blocks: Sequence[Block], *, before: date | None = None) -> Registry:
    """`base` with the groups learned from `blocks` (those before `before`) joined in, the
    archive's naming winning over the base's for the weeks the archive covers."""
    blocks = sorted((b for b in blocks if before is None or b.start < before), key=_start)
    if not blocks:
        return base
    learned = learn_blocks(blocks)
    covered = (blocks[0].start, blocks[-1].start)
    matches = _matches(base, learned, blocks)
    extra = _event_links(learned, blocks, before)
    joined: dict[int, RegistryGroup] = {id(g): g for g in base}
    fresh: list[RegistryGroup] = []
    for learned_group in learned:
        target = matches.get(id(learned_group))
        group = _with_links(learned_group, extra.get(id(learned_group), ()))
        if target is None:
            fresh.append(group)
        else:
            joined[target] = _join(joined[target], group, covered, before)
    touched = {id(g) for g in base} ^ {id(g) for g in joined.values()}
    groups = [_retire(g) if id(g) in touched else g for g in joined.values()]
    return Registry([*groups, *(_retire(g) for g in fresh)])


def combined(primary: Registry, fallback: Registry, *, before: date | None = None) -> Registry:
    """A learned registry (`registry learn -o FILE`) over the shipped one: each of its groups
    joined with the fallback group it shares a link or a name with, its naming winning; the
    fallback's other groups kept as they are."""
    joined: dict[int, RegistryGroup] = {id(g): g for g in fallback}
    fresh: list[RegistryGroup] = []
    days = [n[0] for g in primary for n in g.namings]
    covered = (min(days), max(days)) if days else (date.min, date.max)
    for group in primary:
        target = _same_group(fallback, group)
        if target is None or id(target) not in joined:
            fresh.append(group)
        else:
            joined[id(target)] = _join(joined[id(target)], group, covered, before)
    touched = {id(g) for g in fallback} ^ {id(g) for g in joined.values()}
    groups = [_retire(g) if id(g) in touched else g for g in joined.values()]
    return Registry([*groups, *fresh])


def _same_group(registry: Registry, group: RegistryGroup) -> RegistryGroup | None:
    """The group of `registry` that answers to `group`'s own link, name, or another link."""
    for key in group.own_keys():
        if found := registry.by_link(key):
            return found
    if found := registry.by_name(group.name):
        return found
    for key in group.links:
        if found := registry.by_link(key):
            return found
    return next(filter(None, (registry.by_name(n) for n in group.names)), None)


def _retire(group: RegistryGroup) -> RegistryGroup:
    """The group with the links of its former namings that its latest naming replaced."""
    current = link_key(group.url) if group.url else None
    if current is None:
        return group  # nothing to show instead of the entry's link
    former = (link_key(url) for _, _, url, _ in group.namings[:-1] if url)
    retired = tuple(dict.fromkeys(k for k in former if k and k != current))
    return replace(group, retired=retired) if retired else group


def _start(block: Block) -> date:
    return block.start


def _matches(base: Registry, learned: Registry, blocks: Sequence[Block]) -> dict[int, int]:
    """For each learned group (by id), the base group (by id) most of its listings name.

    A listing names a base group by the group's link or name; when editors renamed and
    re-linked a group at once, by the events listed under it as their first group: a Meetup
    event link's group, or a title only that group uses, at home in the same city.
    """
    votes: dict[int, Counter[int]] = defaultdict(Counter)
    for block in blocks:
        for listing in block.listings:
            for index, (name, url) in enumerate(listing.groups):
                mine = learned.by_link(url) or learned.by_name(name)
                if mine is None:
                    continue
                theirs = base.by_link(url) or base.by_name(name)
                if theirs is None and index == 0:
                    theirs = _by_events(base, listing, mine)
                if theirs is not None:
                    votes[id(mine)][id(theirs)] += 1
    return {mine: counts.most_common(1)[0][0] for mine, counts in votes.items()}


def _by_events(base: Registry, listing: Listing, mine: RegistryGroup) -> RegistryGroup | None:
    """The base group whose events these are, for a group the base knows by no name or link."""
    others = {id(g) for n, u in listing.groups[1:] if (g := base.by_link(u) or base.by_name(n))}
    for _, event_url in listing.titles:
        found = base.by_link(event_url)  # a Meetup event link names its group
        if found is not None and id(found) not in others:
            return found
    for title, _ in listing.titles:
        found = base.by_title(title)
        if found is not None and id(found) not in others and _same_home(found, mine):
            return found
    return None


def _same_home(one: RegistryGroup, other: RegistryGroup) -> bool:
    if one.home is None or other.home is None:
        return False
    return (name_key(one.home.city), one.home.country) == (
        name_key(other.home.city),
        other.home.country,
    )


def _event_links(
    learned: Registry, blocks: Sequence[Block], before: date | None
) -> dict[int, list[str]]:
    """Event-link keys of the listings in issues whose window reaches `before`, for their first
    group: this week, the same event is named as editors named it last week."""
    found: dict[int, list[str]] = defaultdict(list)
    for block in blocks:
        if before is not None and block.end < before:
            continue
        for listing in block.listings:
            if not listing.groups:
                continue
            name, url = listing.groups[0]  # a joint listing's events are its first group's
            mine = learned.by_link(url) or learned.by_name(name)
            if mine is None:
                continue
            for _, event_url in listing.titles:
                key = link_key(event_url)
                if key and key not in found[id(mine)]:
                    found[id(mine)].append(key)
    return found


def _with_links(group: RegistryGroup, keys: Iterable[str]) -> RegistryGroup:
    own = set(group.own_keys())
    new = tuple(k for k in keys if k not in own and k not in group.links)
    return replace(group, links=group.links + new) if new else group


def _join(
    old: RegistryGroup,
    new: RegistryGroup,
    covered: tuple[date, date],
    before: date | None,
) -> RegistryGroup:
    """One group from a base group and an archive group: the archive's namings replace the
    base's from the archive's first issue to its last, and the base's from the window on (the
    issue being made is not published yet); the latest naming left is the group's."""
    first, last = covered
    kept = [
        n
        for n in old.namings
        if (n[0] < first or n[0] > last) and (before is None or n[0] < before)
    ]
    namings: list[Naming] = sorted([*kept, *new.namings], key=lambda n: n[0])
    if namings:
        _, name, url, home = namings[-1]
    else:
        name, url, home = new.name, new.url, new.home
    url = url or new.url or old.url
    home = home or new.home or old.home
    names = [
        n for n in (new.name, *new.names, old.name, *old.names) if name_key(n) != name_key(name)
    ]
    own = {link_key(url)} if url else set()
    links = [
        k for k in (*old.own_keys(), *old.links, *new.own_keys(), *new.links) if k and k not in own
    ]
    seen = [d for d in (old.last_seen, new.last_seen) if d]
    return RegistryGroup(
        name=name,
        url=url,
        home=home,
        names=tuple(dict.fromkeys(names)),
        links=tuple(dict.fromkeys(links)),
        last_seen=max(seen) if seen else None,
        named_titles=new.named_titles or old.named_titles,
        titles=tuple(dict.fromkeys((*new.titles, *old.titles))),
        namings=tuple(namings),
    )
