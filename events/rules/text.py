"""Text from feeds and pages made fit to print (CALENDAR.md §3 "Titles are shown as written …
Only what would break the line is neutralised").

The block is published on the web and mailed: whatever a feed or page holds, a listing must
render (CommonMark) to its own two links and nothing else, and a warning on a terminal must not
carry its escape sequences. Text is kept as written wherever that is safe (`Rust <> JS`,
`` `nom` ``, balanced `[…]`, emoji with their joiners), and escaped where it would not be.
"""

from __future__ import annotations

import re
import unicodedata

#: Bidirectional controls: they reorder what a reader sees.
_BIDI = dict.fromkeys(
    [*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x200E, 0x200F, 0x061C], None
)
#: Zero-width characters; the joiner only survives inside an emoji sequence (🏳️‍🌈).
_ZERO_WIDTH = re.compile("[\u200b\u200c\u2060\ufeff\u180e]")
_JOINER = re.compile("\u200d")
_SPACES = re.compile(r"\s+")
#: C0 and C1 controls, line and paragraph separators: each becomes a space.
_CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_SURROGATES = re.compile("[\ud800-\udfff]")
#: `<` that CommonMark could read as the start of HTML or of an autolink.
_MARKUP_OPEN = re.compile(r"<(?=[A-Za-z/!?])")
_BACKTICKS = re.compile(r"`+")


def _emoji_joiner(match: re.Match[str]) -> str:
    text, at = match.string, match.start()
    before = text[at - 1] if at else ""
    after = text[at + 1] if at + 1 < len(text) else ""
    if before and after and _pictographic(before) and _pictographic(after):
        return match.group(0)
    return ""


def _pictographic(char: str) -> bool:
    return (
        unicodedata.category(char) == "So"
        or char in "\ufe0f\u2640\u2642"
        or (0x1F3FB <= ord(char) <= 0x1F3FF)
    )


def clean_text(text: str) -> str:
    """One line of printable text: controls become spaces, bidirectional overrides and
    zero-width characters go, spaces fold."""
    text = _SURROGATES.sub("", _CONTROLS.sub(" ", text.translate(_BIDI)))
    text = _ZERO_WIDTH.sub("", text)
    if "\u200d" in text:
        text = _JOINER.sub(_emoji_joiner, text)
    return _SPACES.sub(" ", text).strip()


def markdown_text(text: str) -> str:
    """`clean_text`, then escaped so that it renders as itself inside a link text or a line
    of the block: backslashes first, then `**`, `<` that would open HTML or an autolink, `](`
    that would open a link or an image, unbalanced brackets, and backticks that would open a
    code span beyond the text."""
    text = clean_text(text).replace("\\", "\\\\").replace("**", r"\*\*")
    text = _MARKUP_OPEN.sub(r"\\<", text)
    out: list[str] = []
    open_at: list[int] = []
    for ch in text:
        if ch == "[":
            open_at.append(len(out))
        elif ch == "]":
            if open_at:
                open_at.pop()
            else:
                ch = r"\]"
        elif ch == "(" and out and out[-1] == "]":
            ch = r"\("  # `[x](y)` typed into a title is text, not a link
        out.append(ch)
    for i in open_at:
        out[i] = r"\["
    return _balanced_backticks("".join(out))


def _balanced_backticks(text: str) -> str:
    """`text` as is when each run of backticks closes within it (a code span of its own),
    else with every backtick escaped, so that none pairs with one outside it."""
    runs = [m.group(0) for m in _BACKTICKS.finditer(text)]
    index = 0
    while index < len(runs):
        closing = next((j for j in range(index + 1, len(runs)) if runs[j] == runs[index]), None)
        if closing is None:
            return text.replace("`", "\\`")
        index = closing + 1
    return text
