"""What people's words say (CALENDAR.md §2 "SUMMARY" and "Online and hybrid"; §1 for the
general-tech groups whose events count only when about Rust).

Cancelled markers, group prefixes, the ways a LOCATION says online or hybrid, descriptions that
name hosts in words, titles too generic to tell a group by: each wording is listed here once,
and every stage (and the archive reader) asks this module.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from typing import Literal, NamedTuple

from events.rules.names import title_words

# patterns compiled once, at import (a forked process inherits them compiled)
_BRACKETS_WITHOUT_COMMA = re.compile(r"\((?:[^(),]*)\)")
_BRACKETS_WITH_COMMA = re.compile(r"\(([^()]*,[^()]*)\)")
_DIGIT = re.compile(r"\d")
_IN_PERSON = re.compile(r"in[- ]person")

# -- cancelled -------------------------------------------------------------------------------

_CANCELLED = re.compile(
    r"^\s*[\[(]?\s*(?:cancell?ed|canceled|abgesagt|annul[ée]e?|cancelad[oa]|annullato)\s*"
    r"[\])]?\s*[:\-–—|!]*\s*",
    re.IGNORECASE,
)
CANCELLED_STATUSES = frozenset({"CANCELLED", "CANCELED"})


def cancelled_title(summary: str) -> str | None:
    """The title behind a cancelled marker (`CANCELLED: …`, `[CANCELED] …`), else None."""
    match = _CANCELLED.match(summary)
    return summary[match.end() :] if match else None


def is_cancelled_status(status: str | None) -> bool:
    """STATUS:CANCELLED, which other producers than Google write."""
    return (status or "").strip().upper() in CANCELLED_STATUSES


# -- online and hybrid -----------------------------------------------------------------------

#: A SUMMARY that opens by saying how the event is held (`Virtual: …`, `[Hybrid] …`, `Online -
#: …`), unlike titles that open with such a word and run on (`Online Code and Chat`, `Hybrid
#: event with Rust Dortmund!`).
_MODE_MARKER = re.compile(
    r"^\s*(?:[\[(]\s*(online|virtual|hybrid)\s*[\])]\s*[:\-–—|]?"
    r"|(online|virtual|hybrid)\s*(?::|\s[-–—|]\s))\s*",
    re.IGNORECASE,
)


def _marker(summary: str) -> re.Match[str] | None:
    """The SUMMARY's opening mode marker, if something follows it."""
    match = _MODE_MARKER.match(summary)
    return match if match is not None and summary[match.end() :].strip() else None


def without_mode_marker(summary: str) -> str:
    """The SUMMARY after its opening mode marker (`Online: Rust ATX: Rust Lunch` → `Rust ATX:
    Rust Lunch`), where a group prefix may follow; the SUMMARY itself when it has none."""
    match = _marker(summary)
    return summary if match is None else summary[match.end() :].strip()


def mode_marker(summary: str) -> Literal["online", "hybrid"] | None:
    """How a SUMMARY's opening marker says the event is held; None when it opens with none
    (or with nothing after it)."""
    match = _marker(summary)
    if match is None:
        return None
    return "hybrid" if (match.group(1) or match.group(2)).lower() == "hybrid" else "online"


#: Words that say online at the start of a LOCATION, whatever follows (`Zoom (see below)`).
_ONLINE_LEAD = (
    r"online|virtual|zoom|jitsi|discord|twitch|youtube|google\s+meet|google\s+hangouts"
    r"|microsoft\s+teams|ms\s+teams|webex|whereby|crowdcast|streamyard|skype|goto\s*meeting"
    r"|goto\s*webinar|bigbluebutton|big\s+blue\s+button|live\s*stream(?:ed|ing)?"
)
#: Words that say online only when they are the whole LOCATION (`Web`, not `Web Summit`).
_ONLINE_ONLY = (
    r"remote|internet|web|webinar|teams|hangouts|gather(?:\.town)?|conference\s+call"
    r"|video\s+call|live\s+meeting|tbd\s+online|on\s+the\s+internet"
)
_ONLINE_ALONE = re.compile(
    rf"^(?:on\s+|via\s+)?(?:{_ONLINE_LEAD}|{_ONLINE_ONLY})"
    r"(?:\s+(?:event|only|meetup|meeting|call|stream|server|live|session|room|channel))?$",
    re.IGNORECASE,
)
_ONLINE_FIRST = re.compile(rf"^(?:on\s+|via\s+)?(?:{_ONLINE_LEAD})\b", re.IGNORECASE)
_ONLINE_WITH_PLACE = re.compile(r"^(?:online|virtual)(?:\s+event)?\s*[(\[](.+)[)\]]\s*$", re.I)
_HYBRID_FORMS = re.compile(
    r"^\s*hybrid\b(?:\s+event)?\s*[:\-–—(]?\s*(.*?)\)?\s*$"
    r"|^(.*?)\s*(?:[(\[]\s*hybrid(?:\s+event)?\s*[)\]]|[-–—,]\s*hybrid(?:\s+event)?)\s*$"
    r"|^(.*?)\s*(?:[+&/]|\band\b|\bund\b|\bet\b|\by\b)\s*"
    r"(?:online|virtual|zoom|live\s*stream)(?:\s+(?:event|meeting))?\s*$",
    re.IGNORECASE,
)
_HYBRID_ANYWHERE = re.compile(
    r"\bhybrid\b|\bin[- ]person\s*(?:[+&/]|and)\s*(?:online|virtual)\b"
    r"|\b(?:online|virtual)\s*(?:[+&/]|and)\s*in[- ]person\b"
    r"|\+\s*(?:virtual|online)\b|\b(?:virtual|online)\s*\+",
    re.IGNORECASE,
)
_HYBRID_NOISE = re.compile(
    r"\b(?:hybrid|virtual|online|in[- ]person|and|event)\b|[+:]|\s[-–—]\s|^[-–—]\s|\s[-–—]$",
    re.IGNORECASE,
)
_HYBRID_WORD = re.compile(r"\bhybrid\b", re.IGNORECASE)
_NOT_A_PLACE = re.compile(
    r"^(?:tbd|tba|tbc|n/?a|none|unknown|see (?:description|below|details)|\?+|-+)$", re.I
)
_URL_ONLY = re.compile(r"^(?:https?://|www\.)\S+$", re.IGNORECASE)

Mode = Literal["in-person", "online", "hybrid"]


class LocationWords(NamedTuple):
    """What a LOCATION's wording says: the mode, and the text left to read as a place.

    `place` is the address part (in person, hybrid) or the group's home an online LOCATION
    names in brackets (`Online (Kampala, UG)`); "" when there is none. `mode` is None when
    the LOCATION names no place and says nothing of being online (`TBD`)."""

    mode: Mode | None
    place: str


@lru_cache(maxsize=4096)
def read_location_words(location: str) -> LocationWords:
    """Online, hybrid or in person, as the LOCATION's words say (CALENDAR.md §2)."""
    text = " ".join(location.split()).strip(" .!")
    if not text or _URL_ONLY.match(text):
        return LocationWords("online", "")
    if m := _ONLINE_WITH_PLACE.match(text):
        return LocationWords("online", m.group(1).strip())
    if m := _HYBRID_FORMS.match(text):
        rest = next(g for g in m.groups() if g is not None)
        return LocationWords("hybrid", rest.strip(" ,;:-–—"))
    if _HYBRID_ANYWHERE.search(text):
        return LocationWords("hybrid", _without_hybrid_words(text))
    if _ONLINE_ALONE.match(text) or _ONLINE_FIRST.match(text):
        return LocationWords("online", "")
    if _NOT_A_PLACE.match(text):
        return LocationWords(None, "")
    return LocationWords("in-person", text)


def _without_hybrid_words(text: str) -> str:
    """`Munich, DE + Virtual` → `Munich, DE`; `Hybrid (Virtual + In-person) Munich, DE` too."""
    inner = _BRACKETS_WITH_COMMA.findall(text)
    if inner and not _DIGIT.search(inner[-1]):
        return inner[-1].strip()
    if "," in text:
        text = _BRACKETS_WITHOUT_COMMA.sub(" ", text)
    return " ".join(_HYBRID_NOISE.sub(" ", text).split()).strip(" ,;-–—")


def says_hybrid(text: str) -> bool:
    """A description that calls the event hybrid."""
    return bool(_HYBRID_WORD.search(text))


def published_mode(column: str) -> Mode:
    """The mode of a published location column in any style TWIR has used: `Virtual (…)`,
    `Hybrid (…)`, `Virtual and In-Person (…)`, `Munich, DE + Virtual`, or a plain place."""
    text = " ".join(column.split())
    lowered = text.lower()
    online = lowered.startswith(("virtual", "online"))
    if _HYBRID_ANYWHERE.search(text) or _IN_PERSON.search(lowered):
        return "hybrid"
    if "virtual" in lowered and not online:
        return "hybrid"
    return "online" if online or not text else "in-person"


# -- group prefixes and hosts ----------------------------------------------------------------

_PREFIX_SEPARATORS = re.compile(r"\s*:\s+|\s+[-–—|]\s+")
#: `[Group] Title`; `[Group](https://…) …` is a Markdown link typed into the title, no prefix.
_BRACKETED = re.compile(r"^\s*\[([^\]]+)\](?!\()\s*[:\-–—|]?\s*(.+)$")


@lru_cache(maxsize=4096)
def prefix_splits(summary: str) -> tuple[tuple[str, str], ...]:
    """Every way to read a SUMMARY as `<group><separator><title>`: `[Group] Title` first,
    then `Group: Title`, `Group - Title`, `Group | Title`, the longest group first
    (`Rust en Español | Rust Argentina: …` may be one group's name)."""
    out = []
    if m := _BRACKETED.match(summary):
        out.append((m.group(1).strip(), m.group(2).strip()))
    splits = []
    for sep in _PREFIX_SEPARATORS.finditer(summary):
        left, right = summary[: sep.start()].strip(), summary[sep.end() :].strip()
        if left and right:
            splits.append((left, right))
    return tuple(out + sorted(splits, key=lambda lr: -len(lr[0])))


@lru_cache(maxsize=4096)
def looks_like_group_name(text: str) -> bool:
    """A prefix that could be a group's name rather than the first half of a title: not
    `[Hybrid]`, `February Edition` or `Talk 3` (words any title may start with)."""
    words = text.split()
    return (
        0 < len(words) <= 6
        and "#" not in text
        and "](" not in text  # a Markdown link typed into the title
        and not _DIGIT.search(text)
        and not text.endswith((".", "?", "!"))
        and not is_generic_title(text)
    )


_GROUP_JOINS = re.compile(r"\s*(?:&|\+|,|\||/|\band\b|\bx\b|\bwith\b)\s*", re.IGNORECASE)
_HOSTED_TEXT = re.compile(r"\b(co-?)?hosted\s+(?:by|with)\s+([^<>\n:.;!?()]+)", re.IGNORECASE)


@lru_cache(maxsize=4096)
def joined_names(text: str) -> tuple[str, ...]:
    """The names of `A & B`, `A x B`, `A and B`: several groups written as one."""
    return tuple(part for part in _GROUP_JOINS.split(text) if part)


@lru_cache(maxsize=4096)
def hosts_in_words(text: str) -> tuple[tuple[bool, tuple[str, ...]], ...]:
    """Hosts a description names without a link: `Hosted by Rust Girona and Silicon Girona`
    gives (False, (both)); `Co-hosted with X` gives (True, (X,))."""
    return tuple(
        (bool(m.group(1)), joined_names(m.group(2).strip())) for m in _HOSTED_TEXT.finditer(text)
    )


# -- titles too generic to name a group ------------------------------------------------------

_GENERIC_WORDS = frozenset(
    """
    rust rustlang meetup meetups meeting meet monthly weekly biweekly quarterly annual
    social night evening online virtual hybrid in person irl event events community user users
    group the a an of on at and or for with our new edition session talk talks workshop
    workshops webinar panel live free updated reminder january february march april may june
    july august september october november december jan feb mar apr jun jul aug sep sept oct
    nov dec spring summer autumn fall winter year yearly
    """.split()  # noqa: SIM905 - a word list reads better as words
)


@lru_cache(maxsize=4096)
def is_generic_title(title: str) -> bool:
    """A title any group could use (`Monthly meetup`, `Rust Meetup #12`, `Social Night`):
    it never names a group by itself."""
    words = [w for w in title_words(title) if not w.isdigit()]
    return not [w for w in words if w not in _GENERIC_WORDS]


# -- about Rust ------------------------------------------------------------------------------

_ABOUT_RUST = re.compile(
    r"(?<![a-z0-9])(?:rustaceans?|rustlang|rust-lang|rust)(?![a-z])", re.IGNORECASE
)


_ADDRESS = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)


def about_rust(*texts: str, ignore: Iterable[str] = ()) -> bool:
    """Whether a general-tech group's event is about Rust: the word Rust, `rustlang`,
    `rust-lang`, `Rustacean` in its title or description — not `trust`, not `Rustic`, not in
    a link (`meetup.com/wasm-rust-meetup/…`), and not in the group's own name (`Vilnius Rust
    and Go Meetup Group` opens every description of that group)."""
    names = [re.escape(name) for name in ignore if name and name.strip()]
    own = re.compile("|".join(names), re.IGNORECASE) if names else None
    for text in texts:
        if not text:
            continue
        text = _ADDRESS.sub(" ", text)
        if own is not None:
            text = own.sub(" ", text)
        if _ABOUT_RUST.search(text):
            return True
    return False
