"""Links (CALENDAR.md §2 "The event link" and "The group"; §3 "a link that is not http(s)").

Where an entry's links are, what each points at (an event page, a group's page, a meeting
room, a map), which group a link belongs to, and when two links are the same page. Every part
of the tool that compares or classifies links asks this module. The functions are pure; those
asked of the same links thousands of times a run remember their answers (`lru_cache`).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple
from urllib.parse import parse_qs, quote, urlsplit

from events.rules.html import read_description, unescape

#: Descriptions are read up to this many characters: no real one comes near it, and the cost
#: of a pasted novel stays bounded.
MAX_DESCRIPTION = 65_536

_BARE = re.compile(r"""https?://[^\s<>"'\]\[]+""", re.IGNORECASE)
_TRAILING = ".,;:!?)]}>'\"*"

#: Hosts of meeting rooms and streams: never an event page.
MEETING_HOSTS = (
    "zoom.us",
    "zoom.com",
    "zoomgov.com",
    "meet.jit.si",
    "jitsi.org",
    "meet.google.com",
    "teams.microsoft.com",
    "teams.live.com",
    "webex.com",
    "whereby.com",
    "gotomeeting.com",
    "goto.com",
    "gotowebinar.com",
    "bigbluebutton.org",
    "streamyard.com",
    "youtube.com",
    "youtu.be",
    "twitch.tv",
    "discord.gg",
    "discord.com",
    "discordapp.com",
    "meet.ffmuc.net",
    "skype.com",
    "join.skype.com",
    "crowdcast.io",
    "gather.town",
    "app.gather.town",
)

#: Links that are never the event: maps, calendars, images, sign-in pages.
_NOISE_HOSTS = (
    "maps.google.com",
    "goo.gl",
    "maps.app.goo.gl",
    "openstreetmap.org",
    "calendar.google.com",
    "google.com/calendar",
    "google.com/maps",
    "accounts.google.com",
)
_NOISE_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp", ".ics")
#: Path segments (without their `.html`) of a code of conduct: rust-lang.org/policies/
#: code-of-conduct, rust-lang.org/conduct.html, finos.org/code-of-conduct, …/coc.
_CONDUCT = frozenset({"code-of-conduct", "code_of_conduct", "codeofconduct", "conduct", "coc"})
#: Sites that are a code of conduct (berlincodeofconduct.org, contributor-covenant.org).
_CONDUCT_HOSTS = ("codeofconduct", "code-of-conduct", "contributor-covenant.org")

_LABEL = re.compile(
    r"(?:co-?hosted|hosted|organi[sz]ed|presented|run|brought to you)\s+(?:by|with)"
    r"|in\s+(?:collaboration|partnership|cooperation)\s+with"
    r"|together\s+with|group\s*(?:page)?\s*:",
    re.IGNORECASE,
)
_COHOST = re.compile(
    r"co-?hosted|co-?organi[sz]ed|in\s+(?:collaboration|partnership|cooperation)\s+with"
    r"|together\s+with",
    re.IGNORECASE,
)
#: The words between an anchor and the next link that carry the anchor's name on (` Group:`).
_NAME_GOES_ON = re.compile(r"^[^\W\d][\w'.-]*(?: [^\W\d][\w'.-]*){0,3}:$")
_CONTINUATION = re.compile(r"^(?:,|&|\+|/|\||and|und|et|y)\s*(.*)$", re.IGNORECASE)


class Link(NamedTuple):
    """A link of the entry, with the words that introduced it on its line."""

    url: str
    label: str  # text between the line start (or the link before) and the link
    anchor: str  # the anchor text for an HTML link, else ""

    @property
    def host(self) -> str:
        return host_of(self.url)


# -- addresses -------------------------------------------------------------------------------


@lru_cache(maxsize=8192)
def host_of(url: str) -> str:
    """The lower-case host without `www.`, "" when the URL has none."""
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:
        return ""
    return host.removeprefix("www.").lower()


def is_http(url: str | None) -> bool:
    """Only http(s) links may reach the output."""
    if not url:
        return False
    return _is_http(url)


@lru_cache(maxsize=8192)
def _is_http(url: str) -> bool:
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.hostname)


def safe_url(url: str | None) -> str | None:
    """A link fit for a Markdown link target: http(s) only, and nothing in it (space, angle
    bracket, parenthesis, backslash, control) that could end the target or open markup."""
    if not url or not _is_http(url):
        return None
    return _quoted(url)


@lru_cache(maxsize=8192)
def _quoted(url: str) -> str:
    return quote(url.strip(), safe=":/?#@!$&'*+,;=%~-._[]", errors="replace")  # lone surrogates


def unwrap(url: str) -> str:
    """The real address behind Google's redirector (`google.com/url?q=…`), else `url` itself."""
    lowered = url.lower()
    if "google.com" not in lowered or "/url" not in lowered:
        return url  # most links: no redirector to read
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    host = (parts.hostname or "").lower()
    if host.endswith("google.com") and parts.path == "/url":
        target = parse_qs(parts.query).get("q")
        if target and target[0].lower().startswith(("http://", "https://")):
            return target[0]
    return url


# -- where links are -------------------------------------------------------------------------


def find_links(text: str) -> list[Link]:
    """Every http(s) link of a DESCRIPTION (HTML anchors and bare addresses), in order of
    appearance, each once, unwrapped.

    A link's label is what stands between it and the line start or the link before it on the
    line; `Hosted by A: <a> and B: <b>` introduces B as a host too. Linear in the text.
    """
    if not text:
        return []
    doc = read_description(text[:MAX_DESCRIPTION])
    plain = doc.text
    found: list[tuple[int, int, str, str]] = [(a.start, a.end, a.href, a.text) for a in doc.anchors]
    spans = [(a.start, a.end) for a in doc.anchors]
    index = 0
    for m in _BARE.finditer(plain):
        while index < len(spans) and spans[index][1] <= m.start():
            index += 1
        if index < len(spans) and spans[index][0] <= m.start() < spans[index][1]:
            continue  # the text of an anchor: the anchor's href counts
        found.append((m.start(), m.end(), m.group(0), ""))
    found.sort(key=lambda item: item[:2])
    links: list[Link] = []
    seen: dict[str, int] = {}  # each link's index in `links`
    previous_end, previous_phrase = 0, ""
    previous: Link | None = None  # the link before on the line, if listed
    for pos, end, raw, anchor in found:
        label = _label_before(plain, pos, previous_end)
        if previous_phrase and (more := _CONTINUATION.match(label)):
            label = f"{previous_phrase} {more.group(1)}"  # `… and Silicon Girona: <link>`
        elif (
            previous is not None
            and previous.anchor
            and "\n" not in plain[previous_end:pos]
            and _NAME_GOES_ON.match(label)
        ):
            # `Hosted by [Evil](…) Group: <link>`: the anchor is a piece of the name the
            # address after the colon belongs to, not a group page of its own
            label = f"{previous.label} {previous.anchor} {label}"
            links[-1] = Link(previous.url, "", previous.anchor)
        phrase = _LABEL.search(label)
        previous_end, previous_phrase = max(end, previous_end), phrase.group(0) if phrase else ""
        url = _clean(raw)
        previous = None
        if not is_http(url):
            continue
        if url in seen:  # `RSVP: <group>` … `Hosted by Rust Guadalajara: <group>`: the host's words
            first = links[seen[url]]
            if phrase and not _LABEL.search(first.label) and not is_event_page(url):
                links[seen[url]] = Link(url, label, anchor)
            continue
        seen[url] = len(links)
        links.append(Link(url, label, anchor))
        previous = links[-1]
    return links


def _label_before(text: str, pos: int, floor: int) -> str:
    """The words before `pos` since the line start or `floor`, whichever is later."""
    start = max(floor, text.rfind("\n", floor, pos) + 1)
    return " ".join(text[start:pos].split())


@lru_cache(maxsize=8192)
def _clean(url: str) -> str:
    url = unescape(url).strip()
    while url and url[-1] in _TRAILING:
        # keep a closing bracket that closes one opened inside the URL (Wikipedia-style links)
        if url[-1] == ")" and url.count("(") >= url.count(")"):
            break
        url = url[:-1]
    return unwrap(url)


# -- what a link points at -------------------------------------------------------------------


@lru_cache(maxsize=4096)
def _host_in(host: str, hosts: tuple[str, ...]) -> bool:
    return any(host == h or host.endswith("." + h) for h in hosts)


def is_meeting_link(url: str) -> bool:
    """A video room, stream or chat server: never the event link."""
    return _host_in(host_of(url), MEETING_HOSTS)


def is_noise(url: str) -> bool:
    """Maps, calendar links, images and codes of conduct: never the event link or a group
    page (a code of conduct is linked by many groups' entries alike: taken for the event, it
    would make two groups' sessions on one day one event)."""
    host = host_of(url)
    try:
        path = urlsplit(url).path
    except ValueError:
        return True
    if any(h in host or f"{host}{path}".startswith(h) for h in _NOISE_HOSTS):
        return True
    if any(h in host for h in _CONDUCT_HOSTS):
        return True
    if _is_meetup(host) and _meetup_path(url) is None and not _groupless_meetup_event(url):
        return True  # Meetup's own pages (`/help/article/…`, `/topics/…`): no group's, no event's
    lowered = path.lower()
    if lowered.endswith(_NOISE_SUFFIXES):
        return True
    return any(segment.rsplit(".", 1)[0] in _CONDUCT for segment in lowered.split("/") if segment)


#: Hosts of many organisers' pages (event platforms, code hosting, conference listings): the
#: root of such a site is nobody's group page. A name ending in a dot is a prefix
#: (`eventbrite.co.uk`, `mobilizon.fr`).
_PLATFORM_HOSTS = (
    "meetup.com",
    "lu.ma",
    "luma.com",
    "eventbrite.",
    "hasgeek.com",
    "google.com",
    "github.com",
    "gitlab.com",
    "codeberg.org",
    "dev.events",
    "confs.tech",
    "sessionize.com",
    "ti.to",
    "pretix.eu",
    "linkedin.com",
    "facebook.com",
    "medium.com",
    "dev.to",
    "forms.gle",
    "mobilizon.",
)
#: The first segment of a path that lists one of many events (`…/events/<one>`): the site's
#: root is that of whoever lists them, not of one conference.
_LISTING_SEGMENTS = frozenset({"events", "event"})


def is_platform_page(url: str) -> bool:
    """A page on a site of many organisers' events, whose root is no one group's page."""
    host = host_of(url)
    if any(
        host.startswith(p) if p.endswith(".") else host == p or host.endswith("." + p)
        for p in _PLATFORM_HOSTS
    ):
        return True
    segments = _segments(url)
    return len(segments) >= 2 and segments[0].lower() in _LISTING_SEGMENTS


def is_event_page(url: str) -> bool:
    """A page for one event on a platform whose event links have a known shape."""
    host = host_of(url)
    if _is_meetup(host):
        return meetup_event_id(url) is not None
    segments = _segments(url)
    if host in ("lu.ma", "luma.com"):
        return len(segments) == 1 and segments[0].lower() not in _LUMA_RESERVED
    if host.startswith("eventbrite.") or ".eventbrite." in f".{host}":
        return "e" in segments[:1] or any(
            s.endswith("-tickets") or "-tickets-" in s for s in segments
        )
    return host == "hasgeek.com" and len(segments) >= 2


def is_group_page(url: str) -> bool:
    """A platform page of a whole group: a Meetup group, an Eventbrite organiser, a Luma user."""
    host = host_of(url)
    if _is_meetup(host):
        return meetup_slug(url) is not None and meetup_event_id(url) is None
    segments = _segments(url)
    if host in ("lu.ma", "luma.com"):
        return bool(segments) and segments[0].lower() in ("user", "calendar")
    return host.startswith("eventbrite.") and "o" in segments[:1]


_LUMA_RESERVED = frozenset({"calendar", "discover", "user", "home", "signin", "login", "create"})


def _segments(url: str) -> list[str]:
    try:
        return [s for s in urlsplit(url).path.split("/") if s]
    except ValueError:
        return []


# -- the group a link belongs to (Meetup) -----------------------------------------------------

#: Meetup paths that are not groups.
_MEETUP_RESERVED = frozenset(
    {
        "",
        "find",
        "topics",
        "cities",
        "pro",
        "e",
        "home",
        "apps",
        "lp",
        "login",
        "logout",
        "register",
        "account",
        "messages",
        "notifications",
        "help",
        "blog",
        "about",
        "search",
        "create",
        "start",
        "events",
    }
)
#: `/<slug>/events/<x>` pages that belong to the group rather than to one event.
_MEETUP_GROUP_PAGES = frozenset({"", "ical", "past", "calendar", "rss", "upcoming", "draft"})
_LOCALE = re.compile(r"^[a-z]{2}-[a-z]{2}$", re.IGNORECASE)


def _is_meetup(host: str) -> bool:
    return host == "meetup.com" or host.endswith(".meetup.com")


def _meetup_segments(url: str) -> list[str] | None:
    """The path segments of a Meetup link after its locale (`/de-DE/rust-zurich/…`), cased as
    written; None for other hosts."""
    split = _split(url)
    if split is None or not _is_meetup(split[0]):
        return None
    segments = split[3]
    if len(segments) > 1 and _LOCALE.match(segments[0]):
        segments = segments[1:]
    return segments


def _meetup_path(url: str) -> list[str] | None:
    """`_meetup_segments` of a Meetup page that names a group; None for the others."""
    segments = _meetup_segments(url)
    if not segments or segments[0].lower() in _MEETUP_RESERVED:
        return None
    return segments


@lru_cache(maxsize=8192)
def meetup_slug(url: str) -> str | None:
    """The group's urlname in any meetup.com link (group page, event, feed), lower-cased."""
    path = _meetup_path(url)
    return path[0].lower() if path else None


@lru_cache(maxsize=8192)
def meetup_group_page(url: str) -> str | None:
    """`https://www.meetup.com/<urlname>` for any Meetup link that names a group."""
    path = _meetup_path(url)
    return f"https://www.meetup.com/{path[0]}" if path else None


def _groupless_meetup_event(url: str) -> bool:
    """`meetup.com/events/<id>/` (or `/it-IT/events/<id>/`): an event's page without its group."""
    segments = _meetup_segments(url) or []
    return len(segments) >= 2 and segments[0].lower() == "events"


@lru_cache(maxsize=8192)
def meetup_event_id(url: str) -> str | None:
    """The id of a Meetup event page (`/<slug>/events/<id>/`), lower-cased."""
    path = _meetup_path(url)
    if path is None or len(path) < 3 or path[1].lower() != "events":
        return None
    event = path[2].lower()
    return None if event in _MEETUP_GROUP_PAGES else event


# -- when two links are the same page --------------------------------------------------------

#: Hosts whose query string is the address itself (dropping it would make every link alike).
_QUERY_HOSTS = frozenset({"google.com", "calendar.google.com", "youtube.com", "api.lu.ma"})
_SCHEMELESS = re.compile(r"^[\w-]+(?:\.[\w-]+)+(?:[/:]|$)")


@lru_cache(maxsize=8192)
def _split(url: str) -> tuple[str, str, str, list[str]] | None:
    """(host, query, path, path segments) with scheme, `www.` and case of the host ignored;
    a link written without its scheme (`meetup.com/x`) is read as https."""
    text = url.strip()
    if not text:
        return None
    if "://" not in text:
        if not _SCHEMELESS.match(text):
            return None
        text = "https://" + text
    try:
        parts = urlsplit(text)
        host = (parts.hostname or "").lower()
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not host:
        return None
    host = host.removeprefix("www.")
    if host == "lu.ma":
        host = "luma.com"
    segments = [s for s in parts.path.split("/") if s]
    return host, parts.query, parts.path, segments


@lru_cache(maxsize=8192)
def link_key(url: str | None) -> str | None:
    """The form under which two links count as the same page, or None if it is no web link.

    Scheme, `www.`, case, trailing slash, query and fragment are ignored; `lu.ma` is
    `luma.com`. Every Meetup page of a group (`/<slug>`, `/<slug>/events/`, the iCal feed,
    localised paths) is `meetup.com/<slug>`; an event page keeps its id.
    """
    if not url:
        return None
    split = _split(url)
    if split is None:
        return None
    host, query, _, segments = split
    slug = meetup_slug(url)
    if slug is not None:
        event = meetup_event_id(url)
        return f"meetup.com/{slug}/events/{event}" if event else f"meetup.com/{slug}"
    key = "/".join([host, *(s.lower() for s in segments)])
    query = query.lower() if host in _QUERY_HOSTS else ""
    return f"{key}?{query}" if query else key


def parent_keys(url: str) -> list[str]:
    """The keys of the pages above a link, down to its site's root: a page of a group's own
    site (`rust-augsburg.github.io/meetup/Meetup_16.html`) belongs to the group of `…/meetup`,
    and a year's site (`2023.rustnl.org`) to the conference's (`rustnl.org`)."""
    key = link_key(url)
    host = host_of(url)
    if key is None or "?" in key or _is_meetup(host) or host in ("lu.ma", "luma.com"):
        return []
    if host.startswith("eventbrite.") or is_meeting_link(url):
        return []
    parts = key.split("/")
    keys = ["/".join(parts[:n]) for n in range(len(parts) - 1, 0, -1)]
    labels = parts[0].split(".")
    if len(labels) >= 3 and any(c.isdigit() for c in labels[0]):
        keys.append(".".join(labels[1:]))  # `2023.rustnl.org` is a year of `rustnl.org`
    return keys


# -- links an entry introduces as its group's ------------------------------------------------


def is_labelled_group_link(link: Link) -> bool:
    """A link the entry introduces as its group's page (`Hosted by Rust Kraków: …`).

    Luma pages of groups and of events look alike, so there the words decide."""
    if not _LABEL.search(link.label):
        return False
    return link.host in ("lu.ma", "luma.com") or not is_event_page(link.url)


def is_cohost_link(link: Link) -> bool:
    """A group introduced as a partner (`Co-hosted with …`), not as the host."""
    return is_labelled_group_link(link) and bool(_COHOST.search(link.label))


_MARKUP = re.compile(r"[\[\]()<>*`|\\]")


def label_name(link: Link) -> str | None:
    """The group name in `Hosted by <name>: <url>`, or the anchor text of such a link; never
    a piece of markup (`[Evil](` of a Markdown link typed around an address)."""
    if link.anchor and not is_http(link.anchor) and not link.anchor.startswith("www."):
        name = link.anchor.strip()
    else:
        matches = list(_LABEL.finditer(link.label))
        if not matches:
            return None
        name = link.label[matches[-1].end() :].strip(" :-–—\t")
    return name if name and not _MARKUP.search(name) else None
