"""The groups the community knows, learned from TWIR's archive, and how to recognise them.

An entry names its group in many ways: a Meetup event link, an old Meetup slug, `lu.ma` instead
of `luma.com`, a former name, a name typed without its accents. The registry answers "which
group is this?" for a link or a name, so that the block shows the group as editors last
published it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from events.model import Group, Place
from events.packaged import DATA
from events.rules.gazetteer import country_code, timezone_for
from events.rules.links import link_key, meetup_slug
from events.rules.names import name_key, title_words
from events.rules.wording import is_generic_title

__all__ = ["Registry", "RegistryGroup", "timezone_of", "title_key"]


def title_key(title: str) -> str:
    """A title as the registry remembers it: its folded words."""
    return " ".join(title_words(title))


def timezone_of(place: Place) -> str | None:
    """The IANA zone of a place, as the gazetteer tells it."""
    return timezone_for(place.city, place.country, place.state)


@dataclass(frozen=True)
class RegistryGroup:
    """A known group: how it is published now, and everything it was called before."""

    name: str
    url: str | None
    home: Place | None = None
    names: tuple[str, ...] = ()  # other names seen
    links: tuple[str, ...] = ()  # other links seen, as link keys
    last_seen: date | None = None
    #: Its published titles habitually start with its name (`Rust Vienna - May at …`), so a
    #: SUMMARY starting with the name is a title, unless the name is written twice.
    named_titles: bool = False
    #: Titles of its recurring events that no other group uses, as `title_key`s: an entry with
    #: no link and no prefix is still recognised by them.
    titles: tuple[str, ...] = ()
    #: (since, name, link, home): how editors showed it from each issue date on (`as_of`).
    namings: tuple[tuple[date, str, str | None, Place | None], ...] = ()
    #: Link keys editors published the group with and have since replaced by `url` (set when
    #: the registry is refreshed from TWIR's issues): an entry still linking one is out of date.
    retired: tuple[str, ...] = ()

    @property
    def group(self) -> Group:
        return Group(self.name, self.url, self.home)

    def own_keys(self) -> list[str]:
        """The keys of the group's own link (a Meetup event page also gives its slug)."""
        own = link_key(self.url) if self.url else None
        keys = [own] if own else []
        if self.url and (slug := meetup_slug(self.url)) and f"meetup.com/{slug}" != own:
            keys.append(f"meetup.com/{slug}")
        return keys

    def replaced(self, url: str | None) -> bool:
        """Whether `url` is a page of the group that editors have since replaced."""
        return bool(self.retired) and link_key(url) in self.retired

    def link_keys(self) -> list[str]:
        """Every key this group answers to, its own link first."""
        keys = self.own_keys()
        return keys + [k for k in self.links if k not in keys]

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "url": self.url,
            "home": _place_json(self.home),
            "names": list(self.names),
            "links": list(self.links),
            "last_seen": self.last_seen.isoformat() if self.last_seen else None,
            "named_titles": self.named_titles,
            "titles": list(self.titles),
            "namings": [
                [day.isoformat(), name, url, _place_json(home)]
                for day, name, url, home in self.namings
            ],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> RegistryGroup:
        seen = data.get("last_seen")
        return cls(
            name=data["name"],
            url=data.get("url") or None,
            home=_place(data.get("home")),
            names=tuple(data.get("names", ())),
            links=tuple(data.get("links", ())),
            last_seen=date.fromisoformat(seen) if seen else None,
            named_titles=bool(data.get("named_titles", False)),
            titles=tuple(data.get("titles", ())),
            namings=tuple(
                (date.fromisoformat(day), name, url, _place(home))
                for day, name, url, home in data.get("namings", ())
            ),
        )

    def as_of(self, day: date) -> RegistryGroup:
        """The group named as the issue of `day` would have named it."""
        current = [n for n in self.namings if n[0] <= day]
        if not current or current[-1] == self.namings[-1]:
            return self
        _, name, url, home = current[-1]
        names = _unique_names((self.name, *self.names), name)
        links = self.links
        if url and self.url and (own := link_key(self.url)) and own != link_key(url):
            links = (*links, own)  # the group still answers to today's link
        return replace(
            self, name=name, url=url or self.url, home=home or self.home, names=names, links=links
        )


class Registry:
    """Groups with indexes by link key and by name key.

    When two groups answer to the same key, a group's own name or link beats an alias, a pinned
    group (from calendars.toml) beats a learned one, and a recently seen group beats an old one.
    """

    def __init__(self, groups: Iterable[RegistryGroup], pinned: Iterable[RegistryGroup] = ()):
        self._pinned = tuple(pinned)
        self._groups = self._pinned + tuple(groups)
        self._by_link: dict[str, RegistryGroup] = {}
        self._by_name: dict[str, RegistryGroup] = {}
        self._by_title: dict[str, RegistryGroup] = {}
        self._specific: list[tuple[str, RegistryGroup]] | None = None
        self._contained: dict[str, RegistryGroup | None] = {}  # by_title's scans, remembered
        self._prefixed: dict[str, RegistryGroup | None] = {}  # by_name_prefix's, remembered
        recent = sorted(self._groups, key=lambda g: g.last_seen or date.min, reverse=True)
        for tier in (self._pinned, recent):
            for group in tier:
                self._index(group, primary=True)
        for tier in (self._pinned, recent):
            for group in tier:
                self._index(group, primary=False)

    def _index(self, group: RegistryGroup, *, primary: bool) -> None:
        links = group.own_keys() if primary else group.link_keys()
        names = [group.name] if primary else [group.name, *group.names]
        for key in links:
            self._by_link.setdefault(key, group)
        for name in names:
            if key := name_key(name):
                self._by_name.setdefault(key, group)
        if primary:
            for title in group.titles:
                self._by_title.setdefault(title, group)

    @classmethod
    def bundled(cls) -> Registry:
        """The registry shipped in the package (events/data/registry.json), read once."""
        return _bundled()

    @classmethod
    def from_json(cls, path: str | Path) -> Registry:
        return cls._from_text(Path(path).read_text("utf-8"))

    @classmethod
    def _from_text(cls, text: str) -> Registry:
        data = json.loads(text)
        return cls(RegistryGroup.from_json(item) for item in data["groups"])

    def to_json(self) -> dict[str, Any]:
        groups = sorted(self._groups, key=lambda g: (name_key(g.name), g.name, g.url or ""))
        return {"version": 1, "groups": [g.to_json() for g in groups]}

    def with_groups(self, extra: Iterable[dict[str, Any]]) -> Registry:
        """This registry with groups from calendars.toml added or overriding learned ones.

        Each dict has `name` and optionally `url`, `aliases` (links or names), `city`,
        `state`, `country` and `timezone` (else looked up from the place). A dict that matches
        a learned group by link or name replaces its name, link and home; what it replaced
        stays as an alias.
        """
        learned = {id(g): g for g in self._groups if g not in self._pinned}
        pinned = list(self._pinned)
        for entry in extra:
            new = _from_config(entry)
            old = self._match(new)
            if old is not None and id(old) in learned:
                del learned[id(old)]
            elif old is not None and old in pinned:
                pinned.remove(old)
            pinned.append(_merge(old, new) if old is not None else new)
        return Registry(learned.values(), pinned)

    def _match(self, group: RegistryGroup) -> RegistryGroup | None:
        for key in group.link_keys():
            if key in self._by_link:
                return self._by_link[key]
        for name in (group.name, *group.names):
            if found := self.by_name(name):
                return found
        return None

    def by_link(self, url: str | None) -> RegistryGroup | None:
        """The group a link belongs to: its page, an alias, or a Meetup event of its slug."""
        if not url or (key := link_key(url)) is None:
            return None
        found = self._by_link.get(key)
        if found is None and (slug := meetup_slug(url)):
            found = self._by_link.get(f"meetup.com/{slug}")
        return found

    def by_name(self, name: str | None) -> RegistryGroup | None:
        """The group with this name or a former one, ignoring case, accents and punctuation."""
        key = name_key(name) if name else ""
        return self._by_name.get(key) if key else None

    def as_of(self, day: date) -> Registry:
        """This registry with each learned group named as editors named it on `day`."""
        learned = [g for g in self._groups if g not in self._pinned]
        named = [g.as_of(day) for g in learned]
        if all(new is old for new, old in zip(named, learned, strict=True)):
            return self  # today's naming throughout: nothing to rebuild
        return Registry(named, self._pinned)

    def by_name_prefix(self, text: str | None) -> RegistryGroup | None:
        """The group whose name (of two words or more) opens `text`, the longest name first."""
        if not text:
            return None
        if text in self._prefixed:
            return self._prefixed[text]
        words = text.split()
        found = None
        for n in range(min(len(words) - 1, 8), 1, -1):
            found = self.by_name(" ".join(words[:n]))
            if found is not None:
                break
        self._prefixed[text] = found
        return found

    def by_title(self, title: str | None) -> RegistryGroup | None:
        """The one group known to hold events of this title, or of a title that contains it
        or that it contains (`Rust Hack and Learn` in `Rust Hack and Learn December`); never
        for a generic title (`Monthly meetup`), nor when two groups would fit."""
        if not title or is_generic_title(title):
            return None
        key = title_key(title)
        if not key:
            return None
        found = self._by_title.get(key)
        if found is not None:
            return found
        if key in self._contained:
            return self._contained[key]
        padded = f" {key} "
        owners = {
            id(group): group
            for known, group in self._specific_titles()
            if known in padded or padded in known
        }
        found = next(iter(owners.values())) if len(owners) == 1 else None
        self._contained[key] = found
        return found

    def _specific_titles(self) -> list[tuple[str, RegistryGroup]]:
        """The remembered titles of two words or more that are not generic, padded."""
        if self._specific is None:
            self._specific = [
                (f" {key} ", group)
                for key, group in self._by_title.items()
                if len(key.split()) >= 2 and not is_generic_title(key)
            ]
        return self._specific

    def __len__(self) -> int:
        return len(self._groups)

    def __iter__(self) -> Iterator[RegistryGroup]:
        return iter(self._groups)


@cache
def _bundled() -> Registry:
    text = (DATA / "registry.json").read_text("utf-8")
    return Registry._from_text(text)


def _place_json(place: Place | None) -> dict[str, Any] | None:
    if place is None:
        return None
    return {
        "city": place.city,
        "state": place.state,
        "country": place.country,
        "timezone": place.timezone,
    }


def _place(data: dict[str, Any] | None) -> Place | None:
    if not data:
        return None
    return Place(data["city"], data["country"], data.get("state"), data.get("timezone"))


def _unique_names(names: Iterable[str], current: str) -> tuple[str, ...]:
    keys = {name_key(current)}
    out = []
    for name in names:
        if name_key(name) not in keys:
            keys.add(name_key(name))
            out.append(name)
    return tuple(out)


def _from_config(entry: dict[str, Any]) -> RegistryGroup:
    """A calendars.toml `[[group]]` table as a registry group."""
    names: list[str] = []
    links: list[str] = []
    for alias in entry.get("aliases", ()) or ():
        alias = str(alias).strip()
        key = link_key(alias) if "/" in alias else None
        if key:
            links.append(key)
        elif alias:
            names.append(alias)
    home = None
    if entry.get("city") and entry.get("country"):
        country = country_code(str(entry["country"])) or str(entry["country"]).upper()
        home = Place(str(entry["city"]), country, entry.get("state"))
        home = replace(home, timezone=entry.get("timezone") or timezone_of(home))
    return RegistryGroup(
        name=str(entry["name"]),
        url=entry.get("url") or None,
        home=home,
        names=tuple(names),
        links=tuple(links),
    )


def _merge(old: RegistryGroup, new: RegistryGroup) -> RegistryGroup:
    """`new` wins; `old`'s name and link stay recognisable as aliases."""
    names = [n for n in (old.name, *old.names, *new.names) if name_key(n) != name_key(new.name)]
    url = new.url or old.url
    own = link_key(url) if url else None
    old_keys = [link_key(old.url)] if old.url else []
    links = [k for k in (*old_keys, *old.links, *new.links) if k and k != own]
    return RegistryGroup(
        name=new.name,
        url=url,
        home=new.home or old.home,
        names=tuple(dict.fromkeys(names)),
        links=tuple(dict.fromkeys(links)),
        last_seen=old.last_seen,
    )
