"""DESCRIPTION as a reader sees it (CALENDAR.md §1: "DESCRIPTION is often HTML").

Google stores what people paste: plain text, or HTML with `<a href=…>`, `<br>` and entities
whose semicolons it escapes. Read with the standard library's HTML parser, not with patterns,
so that `<A HREF=…>`, `title="a > b"`, unquoted attributes and unclosed anchors read as a
browser reads them. Only complete entities are decoded: `&regToRsvp=` in a pasted link is no
`®ToRsvp=`. Nothing in the text is ever run; scripts and styles are dropped.
"""

from __future__ import annotations

import html
import re
from functools import lru_cache
from html.parser import HTMLParser
from typing import NamedTuple

#: Elements after which text goes on on a new line.
_BLOCKS = frozenset(
    [
        "br",
        "p",
        "div",
        "li",
        "ul",
        "ol",
        "tr",
        "table",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "blockquote",
        "section",
        "article",
        "header",
        "footer",
        "hr",
    ]
)
_HIDDEN = frozenset({"script", "style", "template", "head", "title"})
_LOOKS_LIKE_HTML = re.compile(r"<(?:[A-Za-z][A-Za-z0-9]*[\s/>]|/[A-Za-z]|!--)")
_ENTITY = re.compile(r"&(?:#\d+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);")
_LONE_AMPERSAND = re.compile(r"&(?!#\d+;|#[xX][0-9a-fA-F]+;|[A-Za-z][A-Za-z0-9]*;)")


class Anchor(NamedTuple):
    """An `<a href>` of the description: its target and where its text lies in `text`."""

    href: str
    text: str
    start: int
    end: int


class Description(NamedTuple):
    """A DESCRIPTION as plain text (line breaks as newlines) and the anchors placed in it."""

    text: str
    anchors: tuple[Anchor, ...] = ()


def unescape(text: str) -> str:
    """Decode complete HTML entities only (`&amp;` yes, `&reg` without `;` no)."""
    if "&" not in text:
        return text
    return _ENTITY.sub(lambda m: html.unescape(m.group(0)), text)


@lru_cache(maxsize=2048)
def read_description(raw: str) -> Description:
    """The text and anchors of a DESCRIPTION, HTML or plain (a series repeats its description
    on every occurrence, hence the cache)."""
    if not _LOOKS_LIKE_HTML.search(raw):
        return _plain(unescape(raw))
    reader = _Reader()
    reader.feed(_LONE_AMPERSAND.sub("&amp;", raw))
    reader.close()
    return reader.result()


#: A Markdown link pasted into a plain-text description (`[RSVP](https://…)`).
_MARKDOWN_LINK = re.compile(r"\[([^\[\]\n]{0,200})\]\((https?://[^\s()<>]+)\)", re.IGNORECASE)


def _plain(text: str) -> Description:
    """Plain text, its Markdown links read as anchors: their text stays, their target is
    the anchor's (people paste descriptions written for GitHub or Discord)."""
    if "](" not in text:
        return Description(text)
    pieces: list[str] = []
    anchors: list[Anchor] = []
    length = last = 0
    for m in _MARKDOWN_LINK.finditer(text):
        before = text[last : m.start()]
        pieces.append(before)
        length += len(before)
        label = m.group(1)
        anchors.append(Anchor(m.group(2), label.strip(), length, length + len(label)))
        pieces.append(label)
        length += len(label)
        last = m.end()
    pieces.append(text[last:])
    return Description("".join(pieces), tuple(anchors))


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self._pieces: list[str] = []
        self._length = 0
        self._anchors: list[Anchor] = []
        self._open: tuple[str, int, int] | None = None  # href, offset and piece of an open <a>
        self._hidden = 0

    def _append(self, text: str) -> None:
        self._pieces.append(text)
        self._length += len(text)

    def _close_anchor(self) -> None:
        if self._open is None:
            return
        href, start, piece = self._open
        self._open = None
        text = "".join(self._pieces[piece:])  # each piece is joined for one anchor at most
        self._anchors.append(Anchor(href, text.strip(), start, self._length))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _HIDDEN:
            self._hidden += 1
        elif tag in _BLOCKS:
            self._append("\n")
        elif tag == "a":
            self._close_anchor()  # an anchor never holds another: `<a><a>` are two
            href = next((value for name, value in attrs if name == "href" and value), None)
            if href is not None:
                self._open = (href.strip(), self._length, len(self._pieces))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCKS:
            self._append("\n")
        elif tag == "a":
            self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag in _HIDDEN:
            self._hidden = max(0, self._hidden - 1)
        elif tag == "a":
            self._close_anchor()
        elif tag in _BLOCKS:
            self._append("\n")

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self._append(data)

    def result(self) -> Description:
        self._close_anchor()
        return Description("".join(self._pieces), tuple(self._anchors))
