"""The words people type into a calendar entry: summaries, descriptions, links, locations.

Each function draws one of the shapes CALENDAR.md §2 lists from the caller's random source, so
the same seed gives the same feed and different seeds give different shapes.
"""

from __future__ import annotations

import html
import random
import re
import string
from dataclasses import dataclass
from urllib.parse import quote

from .block import Listing
from .places import address

MEETING_KINDS = ("jitsi", "zoom", "meet", "discord", "teams")


def summary(title: str, group: str, rng: random.Random) -> str:
    """The title alone, or prefixed with the group in one of the usual ways."""
    shape = rng.choice(("plain", "plain", "colon", "colon", "dash", "bracket"))
    if shape == "colon":
        return f"{group}: {title}"
    if shape == "dash":
        return f"{group} - {title}"
    if shape == "bracket":
        return f"[{group}] {title}"
    return title


def cancelled(text: str, rng: random.Random) -> str:
    return rng.choice(("CANCELLED: {}", "Cancelled - {}", "[CANCELED] {}")).format(text)


def meeting_link(group: str, rng: random.Random) -> str:
    """A video-call address of the kind online and hybrid events carry."""
    kind = rng.choice(MEETING_KINDS)
    if kind == "jitsi":
        slug = "".join(word.capitalize() for word in re.findall(r"[A-Za-z0-9]+", group))
        return f"https://meet.jit.si/{slug or 'RustMeetup'}{rng.randint(1, 99)}"
    if kind == "zoom":
        token = "".join(rng.choices(string.ascii_letters + string.digits, k=32))
        meeting_id = rng.randint(10**10, 10**11 - 1)
        return f"https://us0{rng.randint(2, 6)}web.zoom.us/j/{meeting_id}?pwd={token}"
    if kind == "meet":
        letters = string.ascii_lowercase
        parts = ("".join(rng.choices(letters, k=n)) for n in (3, 4, 3))
        return "https://meet.google.com/" + "-".join(parts)
    if kind == "discord":
        return "https://discord.gg/" + "".join(rng.choices(string.ascii_letters, k=8))
    return (
        "https://teams.microsoft.com/l/meetup-join/19%3ameeting_"
        + "".join(rng.choices(string.ascii_letters + string.digits, k=40))
        + "%40thread.v2/0"
    )


def google_wrapped(url: str, rng: random.Random) -> str:
    """Google Calendar's redirect around a pasted link; the address is its `q` parameter."""
    ust = rng.randint(1_600_000_000_000_000, 1_800_000_000_000_000)
    usg = "AOvVaw" + "".join(rng.choices(string.ascii_letters + string.digits + "-_", k=22))
    target = quote(url, safe=":/?")
    return f"https://www.google.com/url?q={target}&sa=D&source=calendar&ust={ust}&usg={usg}"


_BLURBS_IN_PERSON = [
    "Join us for talks, pizza and Rust chat.",
    "Everyone is welcome, from beginners to experts.",
    "Doors open 30 minutes before the first talk.",
    "Please RSVP so we can plan food & drinks.",
    "Bring your laptop if you want to hack along.",
    "Talks start at 7pm; we head to a pub afterwards.",
    "Alle sind willkommen!",
    "Thanks to our sponsor for hosting us!",
]
_BLURBS_ONLINE = [
    "Everyone is welcome, from beginners to experts.",
    "The call opens 10 minutes early.",
    "Cameras optional; questions welcome in the chat.",
    "Bring your questions & your code.",
]
_LINK_LEADS = ["RSVP: ", "Details and RSVP: ", "More info: ", "Register at ", "Event page: ", ""]
_MEETING_LEADS = ["Join online: ", "Video call: ", "Call link: ", "Join here: ", ""]
_HYBRID_LEADS = [
    "Hybrid event: join us in person or online: ",
    "This is a hybrid meetup. Remote attendees can join at ",
    "Hybrid - can't make it in person? Join online: ",
]


@dataclass(frozen=True)
class Text:
    """SUMMARY, DESCRIPTION, LOCATION and URL of one entry."""

    summary: str
    description: str | None
    location: str | None
    url: str | None
    conference: str | None = None  # a Meet link Google also puts in X-GOOGLE-CONFERENCE


def entry_text(
    listing: Listing,
    rng: random.Random,
    *,
    title: str | None = None,
    url: str | None = None,
    with_group_link: bool | None = None,
    location: str | None = None,
) -> Text:
    """Everything a person would type for `listing`, in shapes drawn from `rng`.

    `url=""` leaves the event link out (a series master whose occurrences each carry their
    own); `location` keeps a LOCATION already chosen (an edited occurrence keeps its master's).
    """
    title = title if title is not None else listing.title
    url = url if url is not None else listing.url
    group_name, group_url = listing.group
    html_style = rng.random() < 0.5
    wrap = html_style and rng.random() < 0.5
    link_mode = rng.choice(("url", "text", "text", "anchor" if html_style else "text"))
    if not html_style and rng.random() < 0.15:
        link_mode = "wrapped-text"

    def link(address_: str, label: str | None = None) -> str:
        if not html_style:
            return address_
        href = google_wrapped(address_, rng) if wrap else address_
        return f'<a href="{html.escape(href)}" target="_blank">{html.escape(label or address_)}</a>'

    def words(text: str) -> str:
        return html.escape(text, quote=False) if html_style else text

    parts: list[str] = []
    if rng.random() < 0.55:
        pool = _BLURBS_IN_PERSON if listing.mode == "in-person" else _BLURBS_ONLINE
        parts.append(words(rng.choice(pool)))
    meeting = meeting_link(group_name, rng) if listing.mode != "in-person" else None
    wants_meeting = listing.mode == "hybrid" or rng.random() < 0.65
    meeting_line = None
    if meeting and wants_meeting:
        lead = rng.choice(_HYBRID_LEADS if listing.mode == "hybrid" else _MEETING_LEADS)
        meeting_line = words(lead) + link(meeting)
    elif listing.mode == "hybrid":
        meeting_line = words("Hybrid event - the talks are also streamed.")
    event_line = None
    url_property = None
    if not url:
        pass
    elif link_mode == "url":
        url_property = url
        if rng.random() < 0.4:
            event_line = words(rng.choice(_LINK_LEADS)) + link(url)
    elif link_mode == "wrapped-text":
        event_line = words(rng.choice(_LINK_LEADS)) + google_wrapped(url, rng)
    else:
        event_line = words(rng.choice(_LINK_LEADS)) + link(url)
    if meeting_line and rng.random() < 0.25:
        parts.append(meeting_line)  # the meeting link before the event page: it must not win
        meeting_line = None
    if event_line:
        parts.append(event_line)
    if meeting_line:
        parts.append(meeting_line)
    if with_group_link is None:
        with_group_link = rng.random() < 0.35
    shown = summary(title, group_name, rng)
    if shown == title and not reveals_group(url, title, listing.groups):
        with_group_link = True  # people name their group somewhere when nothing else does
    if with_group_link:
        parts.append(_hosted("Hosted by", group_name, group_url, html_style, link))
    for name, page in listing.groups[1:]:
        parts.append(_hosted("Co-hosted with", name, page, html_style, link))
    separator = rng.choice(("<br>", "<br><br>")) if html_style else rng.choice(("\n", "\n\n"))
    description = separator.join(parts) or None
    location = location if location is not None else _location(listing, rng, meeting)
    conference = meeting if meeting and "meet.google.com" in meeting else None
    return Text(shown, description, location, url_property, conference)


def reveals_group(url: str, title: str, groups: tuple[tuple[str, str], ...]) -> bool:
    """Whether the event link or the title already says whose event it is."""
    name, page = groups[0]
    slug = re.match(r"https?://(?:www\.)?meetup\.com/(?:[a-z]{2}-[A-Za-z]{2}/)?([^/?#]+)", page)
    if slug and f"meetup.com/{slug.group(1).lower()}/" in url.lower():
        return True
    if page and url.lower().startswith(page.lower().rstrip("/") + "/"):
        return True
    return name.lower() in title.lower()


def _hosted(lead: str, name: str, page: str, html_style: bool, link) -> str:
    if html_style and page:
        return f"{lead} {link(page, name)}"
    if html_style:
        return f"{lead} {html.escape(name, quote=False)}"
    return f"{lead} {name}: {page}" if page else f"{lead} {name}"


def _location(listing: Listing, rng: random.Random, meeting: str | None) -> str | None:
    if listing.mode != "online":
        assert listing.place is not None
        return address(listing.place, rng)
    roll = rng.random()
    if roll < 0.3:
        return "Online"
    if roll < 0.4:
        return "Online event"
    if roll < 0.5:
        return "Virtual"
    if roll < 0.65 and meeting:
        return meeting
    if roll < 0.7 and listing.place is not None:
        return f"Online ({listing.place.display})"
    return None
