"""calendars.toml: which feeds to read and which groups to add to the registry."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from events.model import FeedSpec

DEFAULT_NAME = "calendars.toml"


class ConfigError(ValueError):
    """The configuration cannot be used; the message names the file and the fault."""


@dataclass(frozen=True)
class Config:
    """What a configuration file says, read and checked."""

    source: str  # the file it came from, for messages
    calendars: tuple[FeedSpec, ...]
    groups: tuple[dict[str, Any], ...] = ()


def load_config(path: str | Path | None = None) -> Config:
    """Read `path`, else ./calendars.toml when present, else the copy bundled with the package."""
    if path is None and Path(DEFAULT_NAME).is_file():
        path = DEFAULT_NAME
    if path is None:
        text = resources.files("events").joinpath("data", DEFAULT_NAME).read_text("utf-8")
        return parse_config(text, source=f"(bundled {DEFAULT_NAME})")
    try:
        text = Path(path).read_text("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read configuration: {exc}") from None
    return parse_config(text, source=str(path))


def parse_config(text: str, *, source: str = DEFAULT_NAME) -> Config:
    """Check the TOML document's shape, with one clear message per fault."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{source}: not valid TOML: {exc}") from None
    entries = data.get("calendar", [])
    if not isinstance(entries, list):
        raise ConfigError(f"{source}: [[calendar]] must be an array of tables")
    specs = []
    for i, entry in enumerate(entries, 1):
        if not isinstance(entry, dict) or not isinstance(entry.get("url"), str):
            raise ConfigError(f"{source}: calendar #{i} needs a url")
        name = entry.get("name") or entry["url"]
        specs.append(
            FeedSpec(
                name=str(name),
                source=entry["url"],
                group=_optional_str(entry, "group", source),
                group_url=_optional_str(entry, "group_url", source),
            )
        )
    groups = data.get("group", [])
    if not isinstance(groups, list) or not all(
        isinstance(g, dict) and isinstance(g.get("name"), str) for g in groups
    ):
        raise ConfigError(f"{source}: every [[group]] needs a name")
    return Config(source, tuple(specs), tuple(groups))


def _optional_str(entry: dict[str, Any], key: str, source: str) -> str | None:
    value = entry.get(key)
    if value is not None and not isinstance(value, str):
        raise ConfigError(f"{source}: `{key}` must be a string")
    return value


def spec_for(source: str) -> FeedSpec:
    """A feed given on the command line: its name is what the user typed."""
    return FeedSpec(name=source, source=source)
