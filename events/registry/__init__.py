"""What the editors have published about groups: the registry, learned from the archive.

`groups` holds the registry itself (lookups by link and name); `archive` reads published blocks
back into values; `learn` turns those into a registry. All three read names, links and places
through `events.rules`, so that an entry and the archive are understood by the same rules.
"""

from events.registry.groups import Registry, RegistryGroup

__all__ = ["Registry", "RegistryGroup"]
