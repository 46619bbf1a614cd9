"""The bounds on what is fetched or read (CALENDAR.md, "Security"), apart from the network code,
so that reading a local feed checks them without loading `events.io.http`."""

from __future__ import annotations

#: The largest feed read, from the network or a file; the largest event page.
FEED_MAX_BYTES = 50 * 2**20
PAGE_MAX_BYTES = 4 * 2**20
MAX_REDIRECTS = 5
#: The longest wait between two attempts, Retry-After included; a server asking for more is
#: not retried (the cached copy serves instead).
MAX_WAIT = 5.0


def too_large(max_bytes: int) -> str:
    return f"larger than the size limit of {human_size(max_bytes)}"


def human_size(size: int) -> str:
    """Bytes as `812 B`, `4.2 KiB`, `3.1 MiB`."""
    if size < 1024:
        return f"{size} B"
    if size < 1024**2:
        return f"{size / 1024:.1f} KiB"
    return f"{size / 1024**2:.1f} MiB"
