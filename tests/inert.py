"""How a block renders, read the way a hostile reader would: with a CommonMark parser
(markdown-it-py) that accepts every link scheme, so that a link the block should not carry shows
up instead of being dropped by the parser's own safety net.

Shared by the hostile-input and property tests.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest

markdown_it = pytest.importorskip("markdown_it")

#: Raw C0/C1 controls, DEL, line and paragraph separators.
CONTROLS = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029]")
HTTP = re.compile(r"https?://", re.IGNORECASE)


def strings(value: object) -> Iterator[str]:
    """Every string of a JSON value, its keys too."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings(item)


def permissive() -> markdown_it.MarkdownIt:
    md = markdown_it.MarkdownIt("commonmark")
    md.validateLink = lambda url: True  # every scheme passes, so a bad one is seen
    return md


_MD = permissive()


def invisible(text: str) -> list[str]:
    """The zero-width, bidi and other invisible format characters in `text`, except a joiner
    between two emoji and a flag's tag sequence."""
    found = []
    for at, ch in enumerate(text):
        if unicodedata.category(ch) != "Cf":
            continue
        if ch == "\u200d" and 0 < at < len(text) - 1:
            continue  # checked by the text rule's own tests: only between pictographs
        if 0xE0020 <= ord(ch) <= 0xE007F:
            continue
        found.append(f"U+{ord(ch):04X}")
    return found


@dataclass
class Line:
    """One rendered line of a listing: its links, and the shape of its inline tokens."""

    source: str
    links: list[str] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)  # the inline token types, in order
    contents: list[str] = field(default_factory=list)  # and their contents
    text: str = ""  # what a reader sees (code spans with their backticks, em with `*`)


@dataclass
class Rendered:
    heads: list[Line]
    titles: list[Line]
    html: list[str]  # raw HTML that reached the output
    images: list[str]
    other_links: list[str]  # links outside the listings' two lines
    headings: list[str]


def _flat(children: list, line: Line) -> None:
    for token in children:
        line.kinds.append(token.type)
        line.contents.append(token.content)
        if token.type == "link_open":
            line.links.append(token.attrGet("href") or "")
        elif token.type == "text":
            line.text += token.content
        elif token.type == "code_inline":
            line.text += token.markup + token.content + token.markup
        elif token.type in ("em_open", "em_close"):
            line.text += token.markup
        elif token.type == "softbreak":
            line.text += "\n"


def render(block: str) -> Rendered:
    """The block parsed as CommonMark, each listing's head line and title line apart."""
    tokens = _MD.parse(block)
    out = Rendered([], [], [], [], [], [])
    depth = 0
    for index, token in enumerate(tokens):
        if token.type == "bullet_list_open":
            depth += 1
        elif token.type == "bullet_list_close":
            depth -= 1
        elif token.type == "html_block":
            out.html.append(token.content)
        elif token.type == "inline":
            line = Line(token.content)
            _flat(token.children or [], line)
            out.html += [t.content for t in token.children or [] if t.type == "html_inline"]
            out.images += [
                t.attrGet("src") or "" for t in token.children or [] if t.type == "image"
            ]
            heading = index and tokens[index - 1].type == "heading_open"
            if heading:
                out.headings.append(token.content)
            if depth == 1 and not heading:
                out.heads.append(line)
            elif depth == 2:
                out.titles.append(line)
            else:
                out.other_links += line.links
    return out


def title_is_one_bold_link(line: Line) -> bool:
    """`[**title**](link)`: one link holding one strong run, and nothing outside the two."""
    kinds = [k for k, text in zip(line.kinds, line.contents, strict=True) if k != "text" or text]
    if kinds[:2] != ["link_open", "strong_open"] or kinds[-2:] != ["strong_close", "link_close"]:
        return False
    inner = kinds[2:-2]
    return not any(
        k in ("link_open", "link_close", "strong_open", "strong_close", "image") for k in inner
    )


def problems(block: str, expected_listings: int | None = None) -> list[str]:
    """What breaks the block's promise to be inert text: each listing with its group link(s) and
    one bold event link, all http(s), no raw HTML, no image, no other link, no control or
    invisible character."""
    found = []
    rendered = render(block)
    if CONTROLS.search(block):
        found.append(f"raw control characters: {CONTROLS.findall(block)!r}")
    if invisible(block):
        found.append(f"invisible characters: {invisible(block)}")
    found += [f"raw HTML: {h!r}" for h in rendered.html]
    found += [f"image: {src!r}" for src in rendered.images]
    found += [f"link outside a listing: {href!r}" for href in rendered.other_links]
    if len(rendered.heads) != len(rendered.titles):
        found.append(f"{len(rendered.heads)} head lines but {len(rendered.titles)} title lines")
    if expected_listings is not None and len(rendered.heads) != expected_listings:
        found.append(f"{len(rendered.heads)} listings rendered, {expected_listings} expected")
    for head in rendered.heads:
        if not head.links:
            found.append(f"no group link: {head.source!r}")
        found += [f"not http(s): {h!r}" for h in head.links if not HTTP.match(h)]
    for title in rendered.titles:
        if len(title.links) != 1 or not title_is_one_bold_link(title):
            found.append(f"title is not one bold link: {title.source!r}")
        found += [f"not http(s): {h!r}" for h in title.links if not HTTP.match(h)]
    return found
