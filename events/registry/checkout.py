"""Whether a folder is in a TWIR checkout, found before a run without loading the archive's
readers: the command looks for one wherever it runs (CALENDAR.md §3's blocks are its issues)."""

from __future__ import annotations

from pathlib import Path


def find_checkout(start: Path) -> Path | None:
    """The TWIR repository `start` is in: it or a parent with `content/` and `draft/` that
    holds TWIR's files (`draft/DRAFT_TEMPLATE`, `tools/create_draft.py`, or issues named
    `YYYY-MM-DD-this-week-in-rust.md`); None when there is none."""
    try:
        start = start.resolve()
    except OSError:
        return None
    for folder in (start, *start.parents):
        content, draft = folder / "content", folder / "draft"
        if content.is_dir() and draft.is_dir() and _holds_twir(folder):
            return folder
    return None


def _holds_twir(folder: Path) -> bool:
    if (folder / "draft" / "DRAFT_TEMPLATE").is_file():
        return True
    if (folder / "tools" / "create_draft.py").is_file():
        return True
    issues = (folder / name for name in ("content", "draft"))
    return any(next(place.glob("*-this-week-in-rust.md"), None) for place in issues)
