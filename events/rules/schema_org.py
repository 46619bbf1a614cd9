"""Event pages (CALENDAR.md §1 "Event pages"): the schema.org `Event` an event's own page
carries as JSON-LD, read into plain `PageFacts`.

Pages are read with the standard library's HTML parser, and only the text of
`<script type="application/ld+json">` elements (and the `og:title` meta tag, a fallback for a
nameless Event) is looked at; nothing in a page is ever run or evaluated. Each script is one
JSON document: one that is not valid JSON (trailing commas, two documents, junk) is skipped,
never the page. The Event may be one object, in a list, in an `@graph`, or nested in another
node (`mainEntity`, an `ItemList`); `@id` references are followed. A page whose data holds no
Event — a sign-in page with only the platform's own `Organization`, say — says nothing about
the event, and reads as None, as does a page listing several events none of which is this page.

Every bound is explicit (page size, parser steps, script size and count, JSON nodes visited,
text length), so a huge or hostile page costs bounded work: a page that names no JSON-LD
script at all is not parsed, nor what follows its last one; the parser stops at the end of the
`<head>` when the scripts read so far hold an Event (where platforms put it), else after
`MAX_PARSER_STEPS` tags and texts; a start tag longer than any real one ends what is read.
"""

from __future__ import annotations

import codecs
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from html.parser import HTMLParser
from typing import Any

from events.model import Group, Mode, PageFacts, Place
from events.rules.gazetteer import STATE_COUNTRIES, country_code, state_codes, timezone_for
from events.rules.html import unescape
from events.rules.links import is_http, link_key
from events.rules.places import explain_location
from events.rules.text import clean_text
from events.rules.wording import read_location_words

#: At most this much of a page is read (a real event page is well under a megabyte).
MAX_PAGE_BYTES = 4 * 2**20
#: The parser stops after this many tags, texts and comments: a real event page has a few
#: thousand, and a flood of tags costs no more than this.
MAX_PARSER_STEPS = 100_000
#: A start tag this long is no real one (the parser would read its attributes one by one).
_MONSTER_TAG = re.compile(r"<[A-Za-z][^<>]{65536}")
#: A JSON-LD script longer than this is skipped (a real one is a few kilobytes).
MAX_SCRIPT_CHARS = 2**20
#: At most this many JSON-LD scripts are read from one page.
MAX_SCRIPTS = 64
#: At most this many JSON objects and arrays are visited over the whole page.
MAX_NODES = 50_000
#: Deeper nesting than this is not looked into.
MAX_DEPTH = 48
#: Text taken from a page (a name, an address) is cut to this many characters.
MAX_TEXT = 500

_SCHEMA_PREFIX = re.compile(r"^(?:https?://(?:www\.)?schema\.org/|schema:)", re.IGNORECASE)
#: Event types whose names do not end in `Event`.
_OTHER_EVENT_TYPES = frozenset({"Hackathon", "Festival", "CourseInstance"})
_PERSON_TYPES = frozenset({"Person"})
_STATUSES = {
    "scheduled": "scheduled",
    "cancelled": "cancelled",
    "canceled": "cancelled",
    "postponed": "postponed",
    "rescheduled": "rescheduled",
    "movedonline": "moved-online",
}
_ATTENDANCE: dict[str, Mode] = {
    "offline": "in-person",
    "online": "online",
    "mixed": "hybrid",
}
_DATE_ONLY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ZONE_SUFFIX = re.compile(r"\[[^\]]*\]$")  # `…+01:00[Europe/Berlin]`
#: A JSON-LD script's type, as a start tag may write it (`ld+json`, `LD+JSON`, `ld&#43;json`).
_LD_JSON = re.compile(r"ld(?:\+|&#0*43;?|&#x0*2b;?|&plus;)json", re.IGNORECASE)
_SCRIPT_END = re.compile(r"</script\s*>", re.IGNORECASE)
_OG_META = re.compile(r"og:(?:title|site_name)", re.IGNORECASE)
_CHARSET = re.compile(rb"""charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]{1,40})""", re.IGNORECASE)
#: How platforms end their `og:title` (`Rust Hack and Learn | Meetup`, `… · Luma`).
_SITE_SUFFIX = re.compile(r"\s+[|·•–—-]\s+(?:Meetup|Luma|Eventbrite|Hasgeek)\s*$", re.IGNORECASE)
#: The date platforms add to a title: Meetup's `<name>, Thu, Nov 20, 2025, 7:00 PM`,
#: Eventbrite's `<name> Tickets, Thu, Nov 20, 2025 at 6:00 PM`.
_DATE_SUFFIX = re.compile(
    r"(?:\s+Tickets)?,\s+(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*\.?,\s+[A-Z][a-z]{2,8}\.?\s+\d{1,2},"
    r"\s+\d{4}\b.*$"
)
#: A city taken from an address field as it is must look like one line's city.
_NOT_A_CITY = re.compile(r"[\d,;|()\[\]<>*_`#@/\\]")


# -- reading the page ------------------------------------------------------------------------


def _decode(body: bytes) -> str:
    """The page as text: UTF-8 (the encoding JSON-LD is written in), else the charset the page
    declares, with undecodable bytes replaced."""
    body = body[:MAX_PAGE_BYTES]
    for bom, codec in ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le")):
        if body.startswith(bom):
            return body[len(bom) :].decode(codec, errors="replace")
    if body.startswith(codecs.BOM_UTF16_BE):
        return body[2:].decode("utf-16-be", errors="replace")
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        pass
    declared = _CHARSET.search(body[:4096])
    if declared:
        try:
            return body.decode(codecs.lookup(declared.group(1).decode("ascii")).name, "replace")
        except (LookupError, UnicodeError):
            pass
    return body.decode("utf-8", errors="replace")


class _Enough(Exception):
    """The parser has taken all the steps a page is allowed."""


class _Reader(HTMLParser):
    """Collects the text of JSON-LD scripts and the `og:title`, `og:site_name` meta tags,
    within `MAX_PARSER_STEPS`."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.scripts: list[str] = []
        self.meta: dict[str, str] = {}
        self._chunks: list[str] | None = None  # inside a JSON-LD script
        self._size = 0
        self._steps = 0

    def _step(self) -> None:
        self._steps += 1
        if self._steps > MAX_PARSER_STEPS:
            raise _Enough

    def handle_comment(self, data: str) -> None:
        self._step()

    def handle_decl(self, decl: str) -> None:
        self._step()

    def handle_pi(self, data: str) -> None:
        self._step()

    def unknown_decl(self, data: str) -> None:
        self._step()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._step()
        if tag == "script":
            kind = next((v for k, v in attrs if k == "type"), None) or ""
            is_ld = kind.split(";")[0].strip().lower() == "application/ld+json"
            if is_ld and len(self.scripts) < MAX_SCRIPTS:
                self._chunks, self._size = [], 0
        elif tag == "meta":
            values = {k: v or "" for k, v in attrs}
            prop = (values.get("property") or values.get("name") or "").strip().lower()
            if prop in ("og:title", "og:site_name") and prop not in self.meta:
                self.meta[prop] = values.get("content", "")[:MAX_TEXT]

    def handle_data(self, data: str) -> None:
        self._step()
        if self._chunks is not None:
            self._size += len(data)
            if self._size <= MAX_SCRIPT_CHARS:
                self._chunks.append(data)

    def handle_endtag(self, tag: str) -> None:
        self._step()
        if tag == "script" and self._chunks is not None:
            if self._size <= MAX_SCRIPT_CHARS:
                self.scripts.append("".join(self._chunks))
            self._chunks = None
        elif tag == "head" and any(_has_event(script) for script in self.scripts):
            raise _Enough  # the head holds the event: the body need not be parsed


#: What pages wrap a script's JSON in for old browsers: `<!-- … -->`, `//<![CDATA[ … //]]>`.
_OPENERS = ("<!--", "//<![CDATA[", "/*<![CDATA[*/", "<![CDATA[")
_CLOSERS = ("-->", "//]]>", "/*]]>*/", "]]>")


def _unwrapped(script: str) -> str:
    text = script.strip()
    changed = True
    while changed:
        changed = False
        for opener in _OPENERS:
            if text.startswith(opener):
                text, changed = text[len(opener) :].lstrip(), True
        for closer in _CLOSERS:
            if text.endswith(closer):
                text, changed = text[: -len(closer)].rstrip(), True
    return text


def _json_of(script: str) -> Any:
    """The JSON document of one script, its comment or CDATA wrapper taken off; None when it
    is not exactly one valid JSON document."""
    text = _unwrapped(script)
    if not text:
        return None
    try:
        return json.loads(text, parse_constant=_no_constant)
    except (ValueError, RecursionError):
        return None


def _has_event(script: str) -> bool:
    document = _json_of(script)
    return document is not None and any(_is_event(n.value) for n in _nodes([document]))


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


# -- walking the JSON-LD ---------------------------------------------------------------------


@dataclass(frozen=True)
class _Node:
    value: dict[str, Any]
    depth: int
    order: int


def _nodes(documents: list[Any]) -> Iterator[_Node]:
    """Every JSON object in the documents, parents before children, within the bounds."""
    visited = 0
    stack: list[tuple[Any, int]] = [(doc, 0) for doc in reversed(documents)]
    order = 0
    while stack and visited < MAX_NODES:
        value, depth = stack.pop()
        if depth > MAX_DEPTH:
            continue
        if isinstance(value, dict):
            visited += 1
            yield _Node(value, depth, order)
            order += 1
            # an `@graph`'s nodes are as top-level as the object holding them
            children = [(v, depth if k == "@graph" else depth + 1) for k, v in value.items()]
        elif isinstance(value, list):
            visited += 1
            # a list's items are at the depth of the list: `[Event, …]` is top-level too
            children = [(v, depth) for v in value]
        else:
            continue
        stack.extend(c for c in reversed(children) if isinstance(c[0], dict | list))


def _types(node: dict[str, Any]) -> set[str]:
    raw = node.get("@type")
    items = raw if isinstance(raw, list) else [raw]
    return {_SCHEMA_PREFIX.sub("", t.strip()) for t in items if isinstance(t, str)}


def _is_event(node: dict[str, Any]) -> bool:
    return any(
        t == "Event" or (t.endswith("Event") and t[:1].isupper()) or t in _OTHER_EVENT_TYPES
        for t in _types(node)
    )


class _Graph:
    """The page's nodes by `@id`, so that `{"@id": "#org"}` reads as the node it names."""

    def __init__(self, nodes: list[_Node]) -> None:
        self._by_id: dict[str, dict[str, Any]] = {}
        for node in nodes:
            key = node.value.get("@id")
            if isinstance(key, str) and len(node.value) > 1:
                self._by_id.setdefault(key, node.value)

    def resolve(self, value: Any) -> Any:
        if isinstance(value, dict) and set(value) == {"@id"} and isinstance(value["@id"], str):
            return self._by_id.get(value["@id"], value)
        return value

    def items(self, value: Any) -> list[Any]:
        """A property's values as a list: one value, a list, references followed."""
        values = value if isinstance(value, list) else [value]
        return [self.resolve(v) for v in values[:50] if v is not None]


def _text(value: Any) -> str | None:
    """One line of text from a JSON-LD value: a string, `{"@value": …}`, or the first of a
    list; entities decoded, controls and spacing folded, length bounded."""
    if isinstance(value, list):
        return next((t for t in map(_text, value[:10]) if t), None)
    if isinstance(value, dict):
        return _text(value.get("@value"))
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    if not isinstance(value, str):
        return None
    text = clean_text(unescape(value[: MAX_TEXT * 4]))[:MAX_TEXT].strip()
    return text or None


def _link(value: Any) -> str | None:
    """An http(s) link from a JSON-LD value, else None."""
    if isinstance(value, list):
        return next((u for u in map(_link, value[:10]) if u), None)
    if isinstance(value, dict):
        return _link(value.get("url") or value.get("@id"))
    if isinstance(value, str) and len(value) <= 2048:
        url = value.strip()
        return url if is_http(url) else None
    return None


def _token(value: Any) -> str | None:
    """A schema.org enumeration member as a bare lower-case name (`EventCancelled` from
    `https://schema.org/EventCancelled`, `schema:EventCancelled` or `{"@id": …}`)."""
    if isinstance(value, dict):
        value = value.get("@id") or value.get("name")
    if isinstance(value, list):
        value = next((v for v in value if isinstance(v, str)), None)
    if not isinstance(value, str):
        return None
    return re.split(r"[/:#]", value.strip())[-1].lower() or None


def _status(value: Any) -> str | None:
    token = _token(value)
    if token is None:
        return None
    return _STATUSES.get(token.removeprefix("event"))


def _attendance(value: Any) -> Mode | None:
    token = _token(value)
    if token is None:
        return None
    return _ATTENDANCE.get(token.removesuffix("eventattendancemode").removesuffix("attendance"))


def _moment(value: Any) -> datetime | date | None:
    """`startDate`/`endDate`: an ISO 8601 date-time (with its offset, or without one: local
    time), or a date."""
    text = _text(value)
    if not text:
        return None
    text = _ZONE_SUFFIX.sub("", text.strip())
    try:
        if _DATE_ONLY.match(text):
            return date.fromisoformat(text)
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    if not 1970 <= moment.year <= 2200:
        return None
    return moment


# -- places ----------------------------------------------------------------------------------


def _country(value: Any, graph: _Graph) -> tuple[str | None, str | None]:
    """`addressCountry` as (alpha-2 code, as written): a code, a name, or a Country object."""
    value = graph.resolve(value)
    if isinstance(value, dict):
        for field in ("identifier", "alternateName", "name"):
            written = _text(value.get(field))
            if written and (code := country_code(written)):
                return code, written
        return None, _text(value.get("name"))
    written = _text(value)
    return (country_code(written) if written else None), written


def _structured_place(city: str, region: str | None, code: str) -> Place | None:
    """A PostalAddress's own city, country and state, when the address cannot be read as a
    whole: the page labels its parts, so they are taken as labelled."""
    if len(city) > 60 or len(city.split()) > 5 or _NOT_A_CITY.search(city):
        return None
    state = None
    if code in STATE_COUNTRIES and region:
        found = state_codes(region, code)
        state = found[0][1] if found else None
    return Place(city, code, state, timezone_for(city, code, state))


def _postal_place(address: dict[str, Any], graph: _Graph) -> tuple[Place | None, str | None]:
    """A PostalAddress as a Place (city as written, country alpha-2, state in US/CA/AU), and
    the address as the page writes it."""
    street = _text(address.get("streetAddress"))
    city = _text(address.get("addressLocality"))
    region = _text(address.get("addressRegion"))
    postcode = _text(address.get("postalCode"))
    code, country = _country(address.get("addressCountry"), graph)
    town = " ".join(p for p in (postcode, city) if p) or None
    written = ", ".join(p for p in (street, town, region, country) if p) or None
    place = None
    if city:
        # the labelled city first, with the state where TWIR shows one, and the country
        parts = [city]
        if region and (code in STATE_COUNTRIES or code is None):
            parts.append(region)
        if code or country:
            parts.append(code or country or "")
        place = _agreeing(explain_location(", ".join(parts))[0], code)
        if place is None and code:
            place = _structured_place(city, region, code)
    if place is None and written:
        place = _agreeing(explain_location(written)[0], code)
    return place, written


def _agreeing(place: Place | None, code: str | None) -> Place | None:
    """A place read from an address, unless it lies in another country than the one given."""
    if place is None or (code is not None and place.country != code):
        return None
    return place


@dataclass
class _Location:
    """What an Event's `location` says: a physical place (and how it is written), an online
    room, and whether its words call it hybrid."""

    place: Place | None = None
    address: str | None = None
    physical: bool = False
    online_url: str | None = None
    online: bool = False


def _read_location(value: Any, graph: _Graph) -> _Location:
    found = _Location()
    for item in graph.items(value)[:10]:
        if isinstance(item, str):
            _read_written_location(item, found)
        elif isinstance(item, dict):
            types = _types(item)
            if "VirtualLocation" in types:
                found.online = True
                found.online_url = found.online_url or _link(item.get("url"))
            elif "PostalAddress" in types:
                _add_place(found, *_postal_place(item, graph))
            else:
                _read_place(item, graph, found)
    return found


def _read_written_location(text: str, found: _Location) -> None:
    """A location given as a string: a link is an online room, else its words decide."""
    written = _text(text)
    if not written:
        return
    if is_http(written):
        found.online = True
        found.online_url = found.online_url or written
        return
    words = read_location_words(written)
    if words.mode in ("online", "hybrid"):
        found.online = True
    if words.mode in ("in-person", "hybrid") and words.place:
        _add_place(found, explain_location(written)[0], written)


def _read_place(item: dict[str, Any], graph: _Graph, found: _Location) -> None:
    """A Place: its PostalAddress or written address, else its name if that is a place."""
    name = _text(item.get("name"))
    address = graph.resolve(item.get("address"))
    if isinstance(address, list):
        address = graph.resolve(address[0]) if address else None
    place, written = None, None
    if isinstance(address, dict):
        place, written = _postal_place(address, graph)
    elif isinstance(address, str):
        written = _text(address)
        place = explain_location(written)[0] if written else None
    if place is None and name and not written:
        words = read_location_words(name)
        if words.mode == "online":
            found.online = True
            found.online_url = found.online_url or _link(item.get("url"))
            return
        place = explain_location(name)[0]
    if name and written and not written.startswith(name):
        written = f"{name}, {written}"
    _add_place(found, place, written or name)


def _add_place(found: _Location, place: Place | None, written: str | None) -> None:
    found.physical = True
    if found.place is None and place is not None:
        found.place = place
        found.address = written
    elif found.address is None:
        found.address = written


def _mode(attendance: Mode | None, status: str | None, where: _Location) -> Mode | None:
    """The attendance mode the page states (unless it calls an event whose only location is
    an online room offline: a template's default), else what its locations say."""
    if status == "moved-online":
        return "online"
    if attendance == "in-person" and where.online and not where.physical:
        return "online"
    if attendance is not None:
        return attendance
    if where.physical and where.online:
        return "hybrid"
    if where.online:
        return "online"
    return "in-person" if where.physical else None


# -- organisers ------------------------------------------------------------------------------


def _organizers(value: Any, graph: _Graph) -> tuple[Group, ...]:
    """The organisers, Organizations before Persons, each with its name and http(s) page."""
    organizations: list[Group] = []
    people: list[Group] = []
    for item in graph.items(value)[:20]:
        if isinstance(item, str):
            name, url, person = _text(item), None, False
        elif isinstance(item, dict):
            name, url = _text(item.get("name")), _link(item.get("url"))
            person = bool(_types(item) & _PERSON_TYPES)
        else:
            continue
        if name and not any(g.name == name for g in organizations + people):
            (people if person else organizations).append(Group(name, url))
    return tuple(organizations + people)


# -- the Event -------------------------------------------------------------------------------


def _links_of(node: dict[str, Any]) -> set[str]:
    keys = set()
    for field in ("url", "@id", "mainEntityOfPage"):
        url = _link(node.get(field))
        if url and (key := link_key(url)):
            keys.add(key)
    return keys


def _choose(events: list[_Node], url: str) -> dict[str, Any] | None:
    """The Event this page is about: one whose own link is the page's, else the outermost
    one; None when the outermost are several different events."""
    page_key = link_key(url)
    mine = [e for e in events if page_key and page_key in _links_of(e.value)]
    if mine:
        return min(mine, key=lambda e: (e.depth, e.order)).value
    top = min(e.depth for e in events)
    outermost = [e for e in events if e.depth == top]
    distinct = {(_text(e.value.get("name")), str(e.value.get("startDate"))[:10]) for e in outermost}
    return outermost[0].value if len(distinct) == 1 else None


def _og_title(meta: dict[str, str]) -> str | None:
    title = _text(meta.get("og:title"))
    if not title:
        return None
    site = _text(meta.get("og:site_name"))
    if site:
        title = re.sub(rf"\s+[|·•–—-]\s+{re.escape(site)}\s*$", "", title)
    title = _DATE_SUFFIX.sub("", _SITE_SUFFIX.sub("", title))
    return title.strip() or None


def _needed(text: str) -> str:
    """The part of a page the parser needs to see: up to the end of the last script whose
    start tag may name JSON-LD, or of the last `og:` meta tag read, whichever ends later.
    Nothing after both can be read, so it is not parsed."""
    cut = 0
    if markers := list(_LD_JSON.finditer(text)):
        end = _SCRIPT_END.search(text, markers[-1].end())
        cut = end.end() if end else len(text)
    if metas := list(_OG_META.finditer(text)):
        close = text.find(">", metas[-1].end())
        cut = max(cut, close + 1 if close >= 0 else len(text))
    return text[:cut]


def read_event_page(body: bytes, url: str) -> PageFacts | None:
    """What the page at `url` says about its event, from its schema.org `Event` data; None
    when the page carries no Event (or several, none of them its own)."""
    text = _decode(body)
    if not _LD_JSON.search(text):
        return None  # no start tag can name a JSON-LD script: nothing to parse for
    text = _needed(text)
    if monster := _MONSTER_TAG.search(text):
        text = text[: monster.start()]
    reader = _Reader()
    try:
        reader.feed(text)
        reader.close()
    except Exception:  # noqa: BLE001 - out of steps (_Enough), or choked: keep what it gave
        pass
    documents = [doc for doc in map(_json_of, reader.scripts) if doc is not None]
    nodes = list(_nodes(documents))
    events = [n for n in nodes if _is_event(n.value)]
    if not events:
        return None
    chosen = _choose(events, url)
    if chosen is None:
        return None
    graph = _Graph(nodes)
    status = _status(chosen.get("eventStatus"))
    where = _read_location(chosen.get("location"), graph)
    return PageFacts(
        url=url,
        name=_text(chosen.get("name")) or _og_title(reader.meta),
        start=_moment(chosen.get("startDate")),
        end=_moment(chosen.get("endDate")),
        status=status,
        mode=_mode(_attendance(chosen.get("eventAttendanceMode")), status, where),
        place=where.place,
        address=where.address,
        online_url=where.online_url,
        organizers=_organizers(chosen.get("organizer"), graph),
    )
