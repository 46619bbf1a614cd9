"""What the editors have published about groups: the registry, learned from the archive.

`groups` holds the registry itself (lookups by link and name); `archive` reads published blocks
back into values; `learn` turns those into a registry. All three read names, links and places
through `events.rules`, so that an entry and the archive are understood by the same rules.

`Registry` and `RegistryGroup` load with their module when first asked for: finding a TWIR
checkout (`checkout`) at the start of a run needs none of it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from events.registry.groups import Registry, RegistryGroup

__all__ = ["Registry", "RegistryGroup"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from events.registry import groups

        return getattr(groups, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
