"""Links found in calendar entries: where they are, what they point at, which ones are safe.

People paste links into DESCRIPTION as plain text, as HTML anchors, or Google wraps them in its
redirector. An editor picks the event page among them and never a meeting room; the rules for
telling those apart live here and only here.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from urllib.parse import parse_qs, quote, urlsplit

_HREF = re.compile(r"""<a\s[^>]*?href\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.IGNORECASE)
_BARE = re.compile(r"""https?://[^\s<>"'\]\[]+""", re.IGNORECASE)
_TAG = re.compile(r"<[^>]+>")
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
    "bigbluebutton.org",
    "streamyard.com",
    "youtube.com",
    "youtu.be",
    "twitch.tv",
    "discord.gg",
    "discord.com",
    "discordapp.com",
    "meet.ffmuc.net",
)


#: Links that are never the event: maps, calendars, images, the redirector itself.
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

_LABEL = re.compile(
    r"(?:co-?hosted|hosted|organi[sz]ed|presented|run|brought to you)\s+(?:by|with)"
    r"|in\s+(?:collaboration|partnership|cooperation)\s+with"
    r"|together\s+with|group\s*(?:page)?\s*:",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Link:
    """A link of the entry, with the words that introduced it on its line."""

    url: str
    label: str  # text between the line start and the link, tags removed
    anchor: str  # the anchor text for an HTML link, else ""

    @property
    def host(self) -> str:
        return host_of(self.url)


def host_of(url: str) -> str:
    """The lower-case host without `www.`, "" when the URL has none."""
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:
        return ""
    return host.removeprefix("www.").lower()


def unwrap(url: str) -> str:
    """The real address behind Google's redirector (`google.com/url?q=…`), else `url` itself."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if host.endswith("google.com") and parts.path == "/url":
        target = parse_qs(parts.query).get("q")
        if target and target[0].lower().startswith(("http://", "https://")):
            return target[0]
    return url


_ENTITY = re.compile(r"&(?:#\d+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);")


def unescape(text: str) -> str:
    """HTML entities with their `;` only: `&regToRsvp=` in a pasted link is no `®`."""
    return _ENTITY.sub(lambda m: html.unescape(m.group(0)), text)


def _clean(url: str) -> str:
    url = unescape(url).strip()
    while url and url[-1] in _TRAILING:
        # keep a closing bracket that closes one opened inside the URL (Wikipedia-style links)
        if url[-1] == ")" and url.count("(") >= url.count(")"):
            break
        url = url[:-1]
    return unwrap(url)


def find_links(text: str) -> list[Link]:
    """Every http(s) link of `text`, in order of appearance, each once, unwrapped.

    A link's label is what stands between it and the line start or the link before it on the
    line; `Hosted by A: <a> and B: <b>` introduces B as a host too."""
    if not text:
        return []
    found: list[tuple[int, int, str, str]] = []
    spans: list[tuple[int, int]] = []
    for m in _HREF.finditer(text):
        raw = m.group(1) or m.group(2) or m.group(3) or ""
        close = text.find("</a>", m.end())
        anchor_html = text[text.find(">", m.end() - 1) + 1 : close] if close != -1 else ""
        anchor = unescape(_TAG.sub("", anchor_html)).strip()
        end = close + 4 if close != -1 else m.end()
        found.append((m.start(), end, raw, anchor))
        spans.append((m.start(), end))
    for m in _BARE.finditer(text):
        if any(a <= m.start() < b for a, b in spans):
            continue
        found.append((m.start(), m.end(), m.group(0), ""))
    found.sort()
    links: list[Link] = []
    seen: set[str] = set()
    previous_end, previous_phrase = 0, ""
    for pos, end, raw, anchor in found:
        label = _label_before(text, pos, previous_end)
        if previous_phrase and (m := _CONTINUATION.match(label)):
            label = f"{previous_phrase} {m.group(1)}"  # `… and Silicon Girona: <link>`
        phrase = _LABEL.search(label)
        previous_end, previous_phrase = end, phrase.group(0) if phrase else ""
        url = _clean(raw)
        if not is_http(url) or url in seen:
            continue
        seen.add(url)
        links.append(Link(url, label, anchor))
    return links


_CONTINUATION = re.compile(r"^(?:,|&|\+|/|\||and|und|et|y)\s*(.*)$", re.IGNORECASE)
_LINE_BREAKS = ("\n", "<br>", "<br/>", "<br />", "<p>", "<li>")


def _label_before(text: str, pos: int, floor: int = 0) -> str:
    """The words before position `pos` since the line start (or `floor`), as plain text."""
    start = max(floor, *(text.rfind(sep, 0, pos) for sep in _LINE_BREAKS))
    line = text[start:pos]
    return " ".join(unescape(_TAG.sub(" ", line)).split())


def is_http(url: str | None) -> bool:
    """Only http(s) links may reach the output."""
    if not url:
        return False
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.hostname)


def _host_in(host: str, hosts: tuple[str, ...]) -> bool:
    return any(host == h or host.endswith("." + h) for h in hosts)


def is_meeting_link(url: str) -> bool:
    """A video room, stream or chat server: never the event link."""
    return _host_in(host_of(url), MEETING_HOSTS)


def is_noise(url: str) -> bool:
    """Maps, calendar links and images: never the event link or a group page."""
    lowered = url.lower()
    host = host_of(url)
    if any(h in host or f"{host}{urlsplit(url).path}".startswith(h) for h in _NOISE_HOSTS):
        return True
    return urlsplit(lowered).path.endswith(_NOISE_SUFFIXES)


_MEETUP_EVENT = re.compile(r"^/(?:[a-z]{2}-[a-z]{2}/)?([^/]+)/events/([^/]+)", re.IGNORECASE)
_LOCALE = re.compile(r"^[a-z]{2}-[a-z]{2}$", re.IGNORECASE)


def meetup_group_page(url: str) -> str | None:
    """`https://www.meetup.com/<slug>` for any Meetup link that names a group."""
    if host_of(url) != "meetup.com":
        return None
    segments = [s for s in urlsplit(url).path.split("/") if s]
    if len(segments) > 1 and _LOCALE.match(segments[0]):
        segments = segments[1:]  # `/de-DE/rust-zurich/…` is the same page in German
    if not segments or segments[0].lower() in ("find", "topics", "cities", "login", "apps"):
        return None
    return f"https://www.meetup.com/{segments[0]}"


def is_event_page(url: str) -> bool:
    """A page for one event on a platform whose event links have a known shape."""
    host = host_of(url)
    path = urlsplit(url).path
    segments = [s for s in path.split("/") if s]
    if host == "meetup.com":
        m = _MEETUP_EVENT.match(path)
        return bool(m) and m.group(2).lower() not in ("ical", "past", "calendar", "rss")
    if host in ("lu.ma", "luma.com"):
        return len(segments) == 1 and segments[0] not in ("calendar", "discover", "user", "home")
    if host.startswith("eventbrite.") or ".eventbrite." in f".{host}":
        return "e" in segments[:1] or any(
            s.endswith("-tickets") or "-tickets-" in s for s in segments
        )
    return host == "hasgeek.com" and len(segments) >= 2


def is_labelled_group_link(link: Link) -> bool:
    """A link the entry introduces as its group's page (`Hosted by Rust Kraków: …`).

    Luma pages of groups and of events look alike, so there the words decide."""
    if not _LABEL.search(link.label):
        return False
    return link.host in ("lu.ma", "luma.com") or not is_event_page(link.url)


_COHOST = re.compile(
    r"co-?hosted|co-?organi[sz]ed|in\s+(?:collaboration|partnership|cooperation)\s+with"
    r"|together\s+with",
    re.IGNORECASE,
)


def is_cohost_link(link: Link) -> bool:
    """A group introduced as a partner (`Co-hosted with …`), not as the host."""
    return is_labelled_group_link(link) and bool(_COHOST.search(link.label))


def label_name(link: Link) -> str | None:
    """The group name in `Hosted by <name>: <url>`, or the anchor text of such a link."""
    if link.anchor and not is_http(link.anchor):
        return link.anchor.strip() or None
    matches = list(_LABEL.finditer(link.label))
    if not matches:
        return None
    name = link.label[matches[-1].end() :].strip(" :-–—\t")
    return name or None


def safe_url(url: str | None) -> str | None:
    """A link fit for a Markdown link target: http(s) only, no spaces or brackets that end it."""
    if not is_http(url):
        return None
    assert url is not None
    return quote(url.strip(), safe=":/?#@!$&'*+,;=%~-._[]")
