"""calendars.toml: which feeds to read and which groups to add to the registry.

A configuration is written by hand and edited by people who do not read this code: every fault
in it is one `ConfigError` line naming the file and the key (the CLI exits 2), never a traceback
and never a value of the wrong type handed on to a stage.

Where it is read from, first found wins: `--config FILE`, `./calendars.toml`, the user's own
(`calendars.toml` in the platform's configuration directory for twir-events, e.g.
`~/.config/twir-events/`), then the copy bundled with the package.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from events.model import FeedSpec
from events.packaged import DATA

DEFAULT_NAME = "calendars.toml"
#: Bigger than any real configuration (the bundled one with ~150 feeds is ~25 KiB).
MAX_BYTES = 4 * 2**20

#: The keys each table may have, and the type of each.
_CALENDAR_KEYS: dict[str, type] = {
    "name": str,
    "url": str,
    "group": str,
    "group_url": str,
    "required": bool,
    "rust_only": bool,
}
_GROUP_KEYS: dict[str, type] = {
    "name": str,
    "url": str,
    "aliases": list,
    "city": str,
    "state": str,
    "country": str,
    "timezone": str,
}
_TOP_KEYS = ("calendar", "group")


class ConfigError(ValueError):
    """The configuration cannot be used; the message names the file and the fault."""


@dataclass(frozen=True)
class Config:
    """What a configuration file says, read and checked."""

    source: str  # the file it came from, for messages
    calendars: tuple[FeedSpec, ...]
    groups: tuple[dict[str, Any], ...] = ()


def user_config_path() -> Path:
    """The user's own calendars.toml, in the platform's configuration directory."""
    from platformdirs import user_config_dir

    return Path(user_config_dir("twir-events")) / DEFAULT_NAME


def load_config(path: str | Path | None = None) -> Config:
    """Read `path`, else ./calendars.toml, else the user's own, else the bundled copy."""
    if path is None:
        if Path(DEFAULT_NAME).is_file():
            path = Path(DEFAULT_NAME)
        else:  # the user's own: platformdirs is loaded only to look for it
            mine = _user_config()
            path = mine if mine is not None and mine.is_file() else None
    if path is None:
        text = (DATA / DEFAULT_NAME).read_text("utf-8")
        return parse_config(text, source=f"(bundled {DEFAULT_NAME})")
    if not isinstance(path, str | Path):
        raise TypeError(f"config must be a path, not {type(path).__name__}")
    return parse_config(_read(Path(path)), source=str(path))


def _user_config() -> Path | None:
    try:
        return user_config_path()
    except Exception:  # noqa: BLE001 - no usable home directory: there is no user file
        return None


def _read(path: Path) -> str:
    """The file's text; a FIFO, a device or a directory is refused without waiting on it."""
    import os
    import stat

    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read configuration: {exc.strerror or exc}") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise ConfigError(f"{path}: cannot read configuration: not a regular file")
        if info.st_size > MAX_BYTES:
            raise ConfigError(f"{path}: cannot read configuration: larger than 4 MiB")
        with os.fdopen(fd, "rb", closefd=False) as handle:
            data = handle.read(MAX_BYTES + 1)
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read configuration: {exc.strerror or exc}") from None
    finally:
        os.close(fd)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not UTF-8 text (byte {exc.start})") from None


def parse_config(text: str, *, source: str = DEFAULT_NAME) -> Config:
    """Check the TOML document's shape, with one clear message per fault."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{source}: not valid TOML: {_line(str(exc))}") from None
    for key in data:
        if key not in _TOP_KEYS:
            raise ConfigError(
                f"{source}: unknown key {_shown(key)} (known: [[calendar]] and [[group]] tables)"
            )
    specs = tuple(_calendars(data.get("calendar", []), source))
    groups = tuple(_groups(data.get("group", []), source))
    return Config(source, specs, groups)


def _calendars(entries: object, source: str) -> list[FeedSpec]:
    if not isinstance(entries, list):
        raise ConfigError(f"{source}: [[calendar]] must be an array of tables")
    specs: list[FeedSpec] = []
    names: dict[str, int] = {}
    for i, entry in enumerate(entries, 1):
        if not isinstance(entry, dict):
            raise ConfigError(f"{source}: calendar #{i} must be a table ([[calendar]])")
        _check_keys(entry, _CALENDAR_KEYS, partial(_table, source, "calendar", i, entry, "url"))
        url: str = entry.get("url", "")
        if not url.strip():
            raise ConfigError(f"{source}: calendar #{i} needs a url")
        name = entry.get("name", url).strip() or url
        where = partial(_titled, source, "calendar", i, name)
        if name in names:
            raise ConfigError(f"{where()}: `name` is already that of calendar #{names[name]}")
        names[name] = i
        group_url = entry.get("group_url")
        if group_url is not None:
            _check_link(group_url, partial(_key, where, "group_url"))
        specs.append(
            FeedSpec(
                name=name,
                source=url.strip(),
                group=(entry.get("group") or "").strip() or None,
                group_url=group_url.strip() if group_url else None,
                required=entry.get("required", False),
                rust_only=entry.get("rust_only", False),
            )
        )
    return specs


def _groups(entries: object, source: str) -> list[dict[str, Any]]:
    if not isinstance(entries, list):
        raise ConfigError(f"{source}: [[group]] must be an array of tables")
    groups: list[dict[str, Any]] = []
    for i, entry in enumerate(entries, 1):
        if not isinstance(entry, dict):
            raise ConfigError(f"{source}: group #{i} must be a table ([[group]])")
        _check_keys(entry, _GROUP_KEYS, partial(_table, source, "group", i, entry, "name"))
        if not entry.get("name", "").strip():
            raise ConfigError(f"{source}: group #{i}: every [[group]] needs a name")
        where = partial(_titled, source, "group", i, entry["name"])
        for n, alias in enumerate(entry.get("aliases", []), 1):
            if not isinstance(alias, str):
                raise ConfigError(
                    f"{where()}: `aliases` #{n} must be a string, not {_type_of(alias)}"
                )
        if "url" in entry:
            _check_link(entry["url"], partial(_key, where, "url"))
        if "timezone" in entry:
            _check_zone(entry["timezone"], f"{where()}: `timezone`")
        if "country" in entry and not 2 <= len(entry["country"].strip()) <= 60:
            raise ConfigError(f"{where()}: `country` must be a country code or name")
        groups.append(dict(entry))
    return groups


def _titled(source: str, kind: str, index: int, name: str) -> str:
    return f"{source}: {kind} #{index} ({_shown(name)})"


def _table(source: str, kind: str, index: int, entry: dict[str, Any], fallback: str) -> str:
    """`calendars.toml: calendar #3 ('Rust Berlin')`: the table's place, and its name when it
    has one (else its `fallback` key's value). Worded only for a fault: for ~150 tables at
    every run, the wording cost more than the checks."""
    name = entry.get("name") or entry.get(fallback)
    if isinstance(name, str) and name.strip():
        return _titled(source, kind, index, name.strip())
    return f"{source}: {kind} #{index}"


def _key(where: Callable[[], str], key: str) -> str:
    return f"{where()}: `{key}`"


def _check_keys(entry: dict[str, Any], allowed: dict[str, type], where: Callable[[], str]) -> None:
    for key, value in entry.items():
        wanted = allowed.get(key)
        if wanted is None:
            known = ", ".join(allowed)
            raise ConfigError(f"{where()}: unknown key {_shown(key)} (known: {known})")
        if not isinstance(value, wanted):
            raise ConfigError(
                f"{where()}: `{key}` must be {_type_name(wanted)}, not {_type_of(value)}"
            )


def _check_link(value: str, where: Callable[[], str]) -> None:
    """A group's link is printed in the block: only an http(s) address with a host."""
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(value.strip())
        ok = parts.scheme.lower() in ("http", "https") and bool(parts.hostname)
    except ValueError:
        ok = False
    if not ok or len(value.split()) != 1:  # no space anywhere inside
        raise ConfigError(f"{where()} must be an http(s) address, not {_shown(value)}")


def _check_zone(value: str, where: str) -> None:
    from zoneinfo import ZoneInfo

    try:
        ZoneInfo(value)
    except (ValueError, OSError, KeyError):  # ZoneInfoNotFoundError is a KeyError
        raise ConfigError(f"{where} is not an IANA time zone: {_shown(value)}") from None


def _type_name(kind: type) -> str:
    return {str: "a string", bool: "true or false", list: "a list of strings"}.get(
        kind, kind.__name__
    )


def _type_of(value: object) -> str:
    if isinstance(value, bool):
        return f"{str(value).lower()}"
    if isinstance(value, str):
        return f"the string {_shown(value)}"
    if isinstance(value, int | float):
        return f"the number {value}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a table"
    return f"a {type(value).__name__}"


def _shown(text: str) -> str:
    """A value quoted for a one-line message: cleaned of controls and cut short."""
    from events.rules.text import clean_text

    cleaned = clean_text(text)
    return repr(cleaned if len(cleaned) <= 60 else cleaned[:57] + "…")


def _line(text: str) -> str:
    return " ".join(text.split())


def spec_for(source: str) -> FeedSpec:
    """A feed given on the command line: its name is what the user typed, and since the user
    asked for it, a run that cannot read it has failed."""
    return FeedSpec(name=source, source=source, required=True)
