"""Text from feeds and pages made fit to print (CALENDAR.md §3 "Titles are shown as written …
Only what would break the line is neutralised").

The block is published on the web and mailed: whatever a feed or page holds, a listing must
render (CommonMark) to its own two links and nothing else, and a warning on a terminal must not
carry its escape sequences. Text is kept as written wherever that is safe (`Rust <> JS`,
`` `nom` ``, balanced `[…]`, `*emphasis*` between words, emoji with their joiners), and escaped
where it would not be.
"""

from __future__ import annotations

import re
import unicodedata

#: Invisible format characters (Unicode category Cf: bidirectional controls, zero-width
#: spaces and joiners, soft hyphen, tags…) and the fillers that render as nothing. Bidi controls
#: reorder what a reader sees; the others hide text. The zero-width joiner survives only inside
#: an emoji sequence (🏳️‍🌈) and tags only inside a flag's tag sequence (🏴󠁧󠁢󠁳󠁣󠁴󠁿), as TWIR publishes them.
_INVISIBLE = re.compile(
    "[\u00ad\u034f\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u115f\u1160\u17b4\u17b5"
    "\u180b-\u180f\u200b-\u200c\u200e\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\u3164"
    "\ufeff\uffa0\ufff9-\ufffb\U000110bd\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3"
    "\U0001d173-\U0001d17a\U000e0001]"
)
_JOINER = re.compile("\u200d")
_TAGS = re.compile("[\U000e0020-\U000e007f]+")
_BLACK_FLAG = "\U0001f3f4"
_SPACES = re.compile(r"\s+")
#: C0 and C1 controls, line and paragraph separators: each becomes a space.
_CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_SURROGATES = re.compile("[\ud800-\udfff]")


def _emoji_joiner(match: re.Match[str]) -> str:
    text, at = match.string, match.start()
    before = text[at - 1] if at else ""
    after = text[at + 1] if at + 1 < len(text) else ""
    if before and after and _pictographic(before) and _pictographic(after):
        return match.group(0)
    return ""


def _flag_tags(match: re.Match[str]) -> str:
    """Tags stay only as a flag's subdivision code: 🏴 then tag letters, then CANCEL TAG."""
    at = match.start()
    tags = match.group(0)
    if at and match.string[at - 1] == _BLACK_FLAG and tags.endswith("\U000e007f"):
        return tags
    return ""


def _pictographic(char: str) -> bool:
    return (
        unicodedata.category(char) == "So"
        or char in "\ufe0f\u2640\u2642"
        or (0x1F3FB <= ord(char) <= 0x1F3FF)
    )


def clean_text(text: str) -> str:
    """One line of printable text: controls become spaces, bidirectional controls, zero-width
    and other invisible characters go, spaces fold."""
    if _already_clean(text):
        return text
    return _cleaned(text)


def _already_clean(text: str) -> bool:
    """Most text needs nothing (a rendered agenda cleans tens of thousands of strings): printable
    means no control, format character (bidi, joiners, tags), surrogate or space other than
    U+0020; what is left to rule out is the invisible letters and marks, and spaces to fold."""
    return (
        text.isprintable()
        and (text.isascii() or not _INVISIBLE.search(text))
        and "  " not in text
        and not text.startswith(" ")
        and not text.endswith(" ")
    )


#: What JSON writes for a control character (`\n`, `\u001b`…); a backslash typed before `n`
#: reads the same here, which only sends it the long way.
_JSON_CONTROL = re.compile(r"\\(?:[nrtbf]|u00[01])")


def json_already_clean(compact: str) -> bool:
    """Whether every string in `compact` (JSON written with `separators=(",", ":")` and
    `ensure_ascii=False`) is already what `clean_text` makes of it, so that a document of
    thousands of strings is checked at once. Such JSON has no space of its own: a space next
    to a quote is a string's first or last character."""
    return (
        _already_clean(compact)
        and '" ' not in compact
        and ' "' not in compact
        and not _JSON_CONTROL.search(compact)
    )


def _cleaned(text: str) -> str:
    text = _SURROGATES.sub("", _CONTROLS.sub(" ", text))
    text = _INVISIBLE.sub("", text)
    if "\u200d" in text:
        text = _JOINER.sub(_emoji_joiner, text)
    if _TAGS.search(text):
        text = _TAGS.sub(_flag_tags, text)
    return _SPACES.sub(" ", text).strip()


# -- Markdown ---------------------------------------------------------------------------------

_BACKTICKS = re.compile(r"`+")
#: What a `<` may open in CommonMark: an HTML tag, comment or declaration, a URI autolink
#: (a scheme begins with a letter) or an e-mail autolink (`<1@example.org>`).
_MARKUP_OPEN = re.compile(r"<(?:[A-Za-z/!?]|[^\s<>]*@[^\s<>]*>)")
#: `&amp;`, `&#27;`, `&#x1F;`: an entity would render as another character than typed.
_ENTITY = re.compile(r"&(?:#[0-9]{1,7};|#[xX][0-9A-Fa-f]{1,6};|[A-Za-z][A-Za-z0-9]{0,31};)")
#: What may follow the `*` closing a `*word*` kept as emphasis.
_AFTER_EMPHASIS = frozenset(".,;:!?)'\"")
_NOT_IN_EMPHASIS = frozenset("*[]`\\<&")
#: The characters `markdown_text` may escape; a text without any is written as it is.
_MARKDOWN_SPECIAL = re.compile(r"[\\`*_<&\[\]]")


def markdown_text(text: str) -> str:
    """`clean_text`, then escaped so that it renders as itself and nothing more inside a link
    text or a line of the block, whatever surrounds it (the title sits between `**` and `**`).

    Code spans that close within the text are kept verbatim (their content is literal). Outside
    them: backslashes first; every `*` but those of a `*word*` between spaces (so that `**` and a
    stray `*` cannot open or close emphasis beyond the text), and every `_` but those inside a
    word (`steady_state`); a `<` that would open HTML or an
    autolink; an `&` that would read as an entity; backticks that open no code span; unbalanced
    brackets, and `(` right after `]` (`[x](y)` typed into a title stays text, not a link).
    """
    text = clean_text(text)
    if not _MARKDOWN_SPECIAL.search(text):
        return text  # `_escaped` would change no character of it (most names and titles)
    return _escaped(text)


def _escaped(text: str) -> str:
    spans = _code_spans(text)
    kept_stars = _emphasis_stars(text, spans)
    out: list[str] = []
    open_at: list[int] = []
    at = 0
    while at < len(text):
        if at in spans:
            out.append(text[at : spans[at]])
            at = spans[at]
            continue
        ch = text[at]
        if ch in "\\`":
            ch = "\\" + ch
        elif ch == "*":
            ch = ch if at in kept_stars else r"\*"
        elif ch == "_" and not _inside_word(text, at):
            ch = r"\_"
        elif ch == "<":
            ch = r"\<" if _MARKUP_OPEN.match(text, at) else ch
        elif ch == "&":
            ch = r"\&" if _ENTITY.match(text, at) else ch
        elif ch == "[":
            open_at.append(len(out))
        elif ch == "]":
            if open_at:
                open_at.pop()
            else:
                ch = r"\]"
        elif ch == "(" and out and out[-1] == "]":
            ch = r"\("
        out.append(ch)
        at += 1
    for i in open_at:
        out[i] = r"\["
    return "".join(out)


def _inside_word(text: str, at: int) -> bool:
    """Between two letters or digits (`steady_state`), where `_` opens and closes nothing."""
    return 0 < at < len(text) - 1 and text[at - 1].isalnum() and text[at + 1].isalnum()


def _code_spans(text: str) -> dict[int, int]:
    """Where each code span of `text` starts and ends, as CommonMark reads them: a backtick run
    opens one if a later run of the same length closes it. A span holding what could open HTML
    or an autolink is not kept (in CommonMark those bind tighter than a code span)."""
    runs = [(m.start(), m.end()) for m in _BACKTICKS.finditer(text)]
    spans: dict[int, int] = {}
    index = 0
    while index < len(runs):
        start, end = runs[index]
        closing = next(
            (j for j in range(index + 1, len(runs)) if runs[j][1] - runs[j][0] == end - start),
            None,
        )
        if closing is None or _MARKUP_OPEN.search(text, end, runs[closing][0]):
            index += 1
            continue
        spans[start] = runs[closing][1]
        index = closing + 1
    return spans


def _emphasis_stars(text: str, spans: dict[int, int]) -> set[int]:
    """The `*` of `*word …*` pairs that can only pair with each other: a single `*` after a
    space and before a letter or digit, closed by a single `*` after a letter or digit and
    before a space or a closing punctuation, with nothing between that could start markup."""
    covered = {i for start, end in spans.items() for i in range(start, end)}
    kept: set[int] = set()
    opener: int | None = None
    for at, ch in enumerate(text):
        if at in covered:
            opener = None
            continue
        if opener is not None and ch in _NOT_IN_EMPHASIS and ch != "*":
            opener = None
            continue
        if ch != "*" or not 0 < at < len(text) - 1:
            if ch == "*":
                opener = None
            continue
        before, after = text[at - 1], text[at + 1]
        if (
            opener is not None
            and before.isalnum()
            and (after.isspace() or after in _AFTER_EMPHASIS)
        ):
            kept.update((opener, at))
            opener = None
        elif before.isspace() and after.isalnum():
            opener = at
        else:
            opener = None
    return kept
