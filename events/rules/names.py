"""How names are compared (CALENDAR.md §2 "The group" and "LOCATION"): whatever the case, the
accents, the spacing and the punctuation someone typed.

`Rust Lodz` is the group `Rust Łódź`, `Saint-Étienne` the city `saint etienne`. Two keys come
from one folding: `name_key` for groups and titles (letters and digits only), `place_key` for
the gazetteer (words kept apart, so that a city can be found word by word).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from itertools import filterfalse

#: Letters that Unicode does not decompose into a base letter plus an accent.
_LETTERS = str.maketrans(
    {"ł": "l", "ø": "o", "æ": "ae", "œ": "oe", "ß": "ss", "đ": "d", "ı": "i", "þ": "th", "ð": "d"}
)
_APOSTROPHES = str.maketrans({"'": None, "’": None, "ʻ": None, "`": None, "´": None})
_PLACE_SPACE = re.compile(r"[\s\-–—./,()_]+")
_WORD = re.compile(r"[^\W_]+")


def fold(text: str) -> str:
    """Lower case without accents: `Łódź` → `lodz`, `Straße` → `strasse`."""
    if text.isascii():
        return text.lower()  # no accent to take off, and casefold is lower
    decomposed = unicodedata.normalize("NFKD", text.casefold().translate(_LETTERS))
    return "".join(filterfalse(unicodedata.combining, decomposed))


@lru_cache(maxsize=16384)
def name_key(name: str) -> str:
    """A group's name or a title as compared: only its folded letters and digits (`&` is
    `and`), so `Rust Lodz`, `rust-łódź` and `RUST ŁÓDŹ` are one key."""
    return "".join(filter(str.isalnum, fold(name.replace("&", " and "))))


@lru_cache(maxsize=8192)
def place_key(text: str) -> str:
    """A place name as the gazetteer stores it: folded, apostrophes dropped, punctuation as
    single spaces (`Saint-Étienne` → `saint etienne`). tools/build_places_data.py uses it."""
    return _PLACE_SPACE.sub(" ", fold(text.translate(_APOSTROPHES))).strip()


def title_words(text: str) -> tuple[str, ...]:
    """A title as its folded words (`&` is `and`), for telling whether one title holds another."""
    return tuple(_WORD.findall(fold(text.replace("&", " and "))))
