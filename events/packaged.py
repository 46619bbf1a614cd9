"""Where the files shipped in the package are: `events/data/`, and the tzdata package's.

The package is installed as files (the gazetteer is an SQLite database, which needs a path), so
its data are found beside this module; `importlib.resources` would do the same at the price of
importing tempfile, zipfile, shutil and the compression modules at every start.
"""

from __future__ import annotations

from pathlib import Path

#: events/data: calendars.toml, registry.json, the gazetteer and the JSON schema.
DATA = Path(__file__).resolve().parent / "data"


def tzdata_file(*parts: str) -> Path:
    """A file of the tzdata package (`tzdata_file("zoneinfo", "zone.tab")`)."""
    import tzdata

    return Path(tzdata.__file__).resolve().parent.joinpath(*parts)
