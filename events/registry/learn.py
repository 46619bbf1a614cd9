"""Learn the group registry from published blocks: the editors' own record of every group.

Each listing names groups as `[name](link)`. The same group appears under several names and
links over the years (renames, new Meetup slugs, Meetup to Luma), so names and links that are
used together are joined into one group; the latest naming wins and the rest become aliases.
Editors also slip (a link pasted under the wrong group), so a pairing seen rarely, compared with
how often both its name and its link are seen otherwise, does not join two groups.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from events.model import Place
from events.registry.archive import Block, Listing, parse_block
from events.registry.groups import Registry, RegistryGroup, timezone_of, title_key
from events.rules.links import link_key, meetup_slug
from events.rules.names import name_key
from events.rules.places import read_location_column

__all__ = ["learn", "learn_blocks", "main_learn", "write_registry"]

#: Names too generic to identify a group, even though an editor once wrote them.
_GENERIC_NAMES = frozenset({"", "rust", "telegram", "meetup", "discord", "virtual"})
#: A pairing joins name and link when it makes up this share of the name's uses…
_NAME_SHARE = 0.5
#: …or this share of the link's uses.
_LINK_SHARE = 0.1
#: A Meetup slug seen only in event links becomes an alias after this many listings, all of one
#: group.
_MIN_SLUG_LISTINGS = 2


@dataclass(frozen=True)
class _Seen:
    """One `[name](link)` of one listing, with when it was published."""

    order: tuple[date, date, int]  # (issue date, listing date, position): later is more recent
    name: str
    url: str
    key: str | None  # link key of url
    listing: Listing


def learn(paths: Iterable[Path | str]) -> Registry:
    """A registry learned from published block files (any order; the issue date decides)."""
    blocks = []
    for path in paths:
        try:
            blocks.append(parse_block(Path(path).read_text("utf-8")))
        except ValueError as exc:
            raise ValueError(f"{path}: {exc}") from None
    return learn_blocks(blocks)


def learn_blocks(blocks: Iterable[Block]) -> Registry:
    """A registry learned from parsed blocks."""
    seen: list[_Seen] = []
    for block in sorted(blocks, key=lambda b: b.start):
        for listing in block.listings:
            for name, url in listing.groups:
                if name_key(name) not in _GENERIC_NAMES and "://" not in name:
                    order = (block.start, listing.date, len(seen))
                    key = _group_key(url) if url else None
                    seen.append(_Seen(order, name.strip(" *"), url.strip(), key, listing))
    return Registry(_Learner(seen).groups())


def _group_key(url: str) -> str | None:
    """A group link's key; a Meetup event page pasted as the group link stands for its group."""
    slug = meetup_slug(url)
    return f"meetup.com/{slug}" if slug else link_key(url)


class _Learner:
    """Joins names and links into groups with a union-find over `n:<name key>`/`l:<link key>`."""

    def __init__(self, seen: list[_Seen]):
        self.seen = seen
        self.parent: dict[str, str] = {}
        pairs = Counter((name_key(s.name), s.key) for s in seen if s.key)
        names = Counter(name_key(s.name) for s in seen)
        links = Counter(s.key for s in seen if s.key)
        top = {name: key for (name, key), _ in sorted(pairs.items(), key=lambda item: item[1])}
        self.strong = {
            (name, key)
            for (name, key), count in pairs.items()
            if count >= _NAME_SHARE * names[name]
            or count >= _LINK_SHARE * links[key]
            or top[name] == key
        }
        for s in seen:
            self._find("n:" + name_key(s.name))
            if s.key and (name_key(s.name), s.key) in self.strong:
                self._union("n:" + name_key(s.name), "l:" + s.key)

    def _find(self, node: str) -> str:
        root = self.parent.setdefault(node, node)
        while root != self.parent[root]:
            root = self.parent[root]
        while node != root:
            self.parent[node], node = root, self.parent[node]
        return root

    def _union(self, a: str, b: str) -> None:
        self.parent[self._find(a)] = self._find(b)

    def groups(self) -> list[RegistryGroup]:
        members: dict[str, list[_Seen]] = defaultdict(list)
        for s in self.seen:
            members[self._find("n:" + name_key(s.name))].append(s)
        slugs = self._event_slugs(members)
        titles = _own_titles(members)
        return [
            replace(self._group(items, slugs.get(root, ())), titles=titles.get(root, ()))
            for root, items in members.items()
        ]

    def _group(self, items: list[_Seen], slug_aliases: Iterable[str]) -> RegistryGroup:
        items.sort(key=lambda s: s.order)
        latest = items[-1]
        linked = [s for s in items if s.key and (name_key(s.name), s.key) in self.strong]
        # An event page pasted as the group link is a slip: prefer a real group page.
        pages = [s for s in linked if link_key(s.url) == s.key] or linked
        url = pages[-1].url if pages else None
        own = _group_key(url) if url else None
        links = [s.key for s in reversed(linked)] + list(slug_aliases)
        names = [s.name for s in reversed(items)]
        page_ids = {id(s) for s in pages}
        return RegistryGroup(
            name=latest.name,
            url=url,
            home=_home(items),
            names=_unique(n for n in names if name_key(n) != name_key(latest.name)),
            links=_unique(k for k in links if k and k != own),
            last_seen=max(s.listing.date for s in items),
            named_titles=_named_titles(items),
            namings=_namings(items, page_ids),
        )

    def _event_slugs(self, members: dict[str, list[_Seen]]) -> dict[str, list[str]]:
        """Meetup slugs seen only in event links, each consistently under one group."""
        known = {s.key for s in self.seen if s.key}
        listings: dict[int, tuple[Listing, set[str]]] = {}
        for root, items in members.items():
            for s in items:
                listings.setdefault(id(s.listing), (s.listing, set()))[1].add(root)
        total: Counter[str] = Counter()
        together: dict[str, Counter[str]] = defaultdict(Counter)
        for listing, roots in listings.values():
            slugs = {slug for _, url in listing.titles if (slug := meetup_slug(url))}
            for slug in slugs:
                if f"meetup.com/{slug}" in known:
                    continue
                total[slug] += 1
                together[slug].update(roots)
        aliases: dict[str, list[str]] = defaultdict(list)
        for slug, count in total.items():
            owners = [root for root, n in together[slug].items() if n == count]
            if count >= _MIN_SLUG_LISTINGS and len(owners) == 1:
                aliases[owners[0]].append(f"meetup.com/{slug}")
        return aliases


def _home(items: list[_Seen]) -> Place | None:
    """The place of the most recent listing that names exactly one, own listings first.

    A joint listing (several groups) shows one group's venue, so it counts only for a group
    that has no listing of its own with a place. Bare `Virtual` tells nothing.
    """
    for own in (True, False):
        for s in reversed(items):
            if (len(s.listing.groups) == 1) != own:
                continue
            _, places = read_location_column(s.listing.location)
            if len(places) == 1:
                place = places[0]
                return replace(place, timezone=timezone_of(place))
    return None


#: A title identifies its group when, over the year before its last use, that group made the
#: last use and at least this share of the uses, on at least `_MIN_TITLE_DAYS` days.
_MIN_TITLE_DAYS = 2
_TITLE_SHARE = 0.8


def _own_titles(members: dict[str, list[_Seen]]) -> dict[str, tuple[str, ...]]:
    """Per group, the titles that lately only it has used (as the first group of a listing)."""
    uses: dict[str, list[tuple[date, str]]] = defaultdict(list)
    for root, items in members.items():
        for s in items:
            if name_key(s.listing.groups[0][0]) != name_key(s.name):
                continue
            for title, _ in s.listing.titles:
                if key := title_key(title):
                    uses[key].append((s.listing.date, root))
    found: dict[str, list[str]] = defaultdict(list)
    for key, seen in uses.items():
        last, owner = max(seen)
        recent = {(day, root) for day, root in seen if (last - day).days <= 365}
        own = {day for day, root in recent if root == owner}
        if len(own) >= _MIN_TITLE_DAYS and len(own) >= _TITLE_SHARE * len(recent):
            found[owner].append(key)
    return {root: tuple(sorted(keys)) for root, keys in found.items()}


def _namings(
    items: list[_Seen], page_ids: set[int]
) -> tuple[tuple[date, str, str | None, Place | None], ...]:
    """(issue date, name, link, home) at each issue where the group's usual naming changed.

    Editors switch between forms of a link (`/rust-berlin`, `/rust-berlin/events/`) and of a
    place (`Tel Aviv-Yafo`, `Tel Aviv`) from issue to issue; rebuilding a past issue should show
    the naming of that time.
    """
    per_issue: dict[date, list[_Seen]] = defaultdict(list)
    for s in items:
        per_issue[s.order[0]].append(s)
    namings: list[tuple[date, str, str | None, Place | None]] = []
    for issue in sorted(per_issue):
        seen = per_issue[issue]
        pairs = Counter((s.name, s.url if id(s) in page_ids else None) for s in seen)
        (name, url), _ = max(pairs.items(), key=lambda kv: (kv[0][1] is not None, kv[1]))
        homes = Counter(p for s in seen if len(s.listing.groups) == 1 for p in _one_place(s))
        home = homes.most_common(1)[0][0] if homes else None
        if namings:
            url = url or namings[-1][2]
            home = home or namings[-1][3]
        if not namings or namings[-1][1:] != (name, url, home):
            namings.append((issue, name, url, home))
    return tuple(
        (day, name, url, replace(home, timezone=timezone_of(home)) if home else None)
        for day, name, url, home in namings
    )


def _one_place(s: _Seen) -> list[Place]:
    _, places = read_location_column(s.listing.location)
    return list(places) if len(places) == 1 else []


#: A group "names its titles" when at least this share of its listings' titles are its name, a
#: separator and more (`Rust Vienna - December | at Sentry.io`): a SUMMARY in that shape is then
#: as likely a title as a prefixed one.
_NAMED_TITLES_SHARE = 1 / 3
_TITLE_SEPARATORS = (": ", " : ", " - ", " – ", " | ")


def _named_titles(items: list[_Seen]) -> bool:
    """Whether the group's titles often open with its name and a separator."""
    names = {name_key(s.name) for s in items} - {""}
    listings = {id(s.listing): s.listing for s in items if s.listing.titles}
    hits = 0
    for listing in listings.values():
        title = listing.titles[0][0]
        heads = (title.split(sep, 1)[0] for sep in _TITLE_SEPARATORS if sep in title)
        hits += any(name_key(head) in names for head in heads)
    return len(listings) >= 2 and hits >= _NAMED_TITLES_SHARE * len(listings)


def _unique(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(values))


def write_registry(registry: Registry, path: Path | str) -> None:
    """Write the registry as sorted, indented JSON, atomically (temp file, then os.replace)."""
    from events.io.files import write_atomic

    text = json.dumps(registry.to_json(), ensure_ascii=False, indent=2) + "\n"
    write_atomic(Path(path), text.encode("utf-8"))


def main_learn(paths: Iterable[Path | str], out: Path | str) -> int:
    """`twir-events registry learn FILES... -o OUT`: learn, write, say what was learned."""
    import sys

    paths = list(paths)
    try:
        registry = learn(paths)
        write_registry(registry, out)
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        print(f"twir-events: registry learn: {exc}", file=sys.stderr)
        return 1
    homes = sum(1 for g in registry if g.home is not None)
    print(
        f"learned {len(registry)} groups ({homes} with a home) from {len(paths)} blocks into {out}",
        file=sys.stderr,
    )
    return 0
