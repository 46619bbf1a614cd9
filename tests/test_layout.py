"""The package's layout is its architecture: rules import no stage, no stage imports another,
the CLI is imported by nothing. Read from the source, so a stray import fails here."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "events"


def _module(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> set[str]:
    """Every `events…` module a file imports, at the top or inside a function."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module.startswith("events"):
                found.add(node.module)
                found.update(f"{node.module}.{a.name}" for a in node.names)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("events"))
    return found


def _layer(module: str) -> str:
    """`rules`, `stages.<name>`, `registry`, `io`, `cli`, or the module itself at the top."""
    parts = module.split(".")
    if len(parts) == 1:
        return "package"
    if parts[1] == "stages" and len(parts) > 2:
        return f"stages.{parts[2]}"
    return parts[1]


#: What each layer may import besides itself (`packaged` says where the shipped files are).
ALLOWED = {
    "model": {"model"},
    "packaged": set(),
    "rules": {"model", "packaged"},
    "registry": {"model", "rules", "io", "packaged"},
    "io": {"model", "rules"},
    "config": {"model", "rules", "registry", "packaged"},
}
MODULES = sorted(p for p in PACKAGE.rglob("*.py"))


def _targets(path: Path) -> set[str]:
    known = {_module(p) for p in MODULES}
    return {_layer(name) for name in _imports(path) if name in known}


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_each_module_imports_only_what_its_layer_may(path: Path) -> None:
    module = _module(path)
    layer = _layer(module)
    targets = _targets(path) - {layer}
    if layer == "model":
        # Event.location is the location column, written by the rule that owns that form
        assert targets <= {"rules"}, targets
    elif layer in ALLOWED:
        assert targets <= ALLOWED[layer], f"{module} imports {targets - ALLOWED[layer]}"
    elif layer.startswith("stages."):
        others = {t for t in targets if t.startswith("stages.")}
        assert not others, f"{module}, a stage, imports the stages {others}"
        assert "cli" not in targets and "pipeline" not in targets
    if layer not in ("cli", "__main__"):
        assert "cli" not in targets, f"{module} imports the CLI"


def test_the_rules_are_listed_by_their_calendar_section() -> None:
    """A reader finds each rule from CALENDAR.md: the rules package's index names every
    rules module, and each module's docstring names its section."""
    import events.rules

    index = events.rules.__doc__ or ""
    for path in (PACKAGE / "rules").glob("*.py"):
        if path.stem == "__init__":
            continue
        assert f"`{path.stem}`" in index, f"rules/{path.name} is not in the index"
        doc = ast.get_docstring(ast.parse(path.read_text("utf-8"))) or ""
        assert "CALENDAR.md §" in doc, f"rules/{path.name} names no section of CALENDAR.md"


def test_the_public_names_load_when_first_used_and_help_loads_none() -> None:
    import subprocess
    import sys

    import events

    for name in events.__all__:
        assert getattr(events, name).__name__ == name
    assert set(events.__all__) == set(events._HOMES) and set(events.__all__) <= set(dir(events))
    with pytest.raises(AttributeError):
        events.no_such_name  # noqa: B018
    loaded = subprocess.run(
        [sys.executable, "-c", "import sys, events.cli.main; print(sorted(sys.modules))"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    for heavy in ("events.pipeline", "events.stages.render", "icalendar", "httpx", "rich"):
        assert f"'{heavy}'" not in loaded
