"""The layering rules of DESIGN.md, checked on the source: engines and the domain stay pure."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import charter

SRC = Path(charter.__file__).parent
FORBIDDEN_IN_CORE = (
    "charter.cli",
    "charter.web",
    "charter.store",
    "charter.services",
    "charter.formats",
    "charter.views",
    "charter.reports",
    "charter.notify",
    "ortools",
    "typer",
    "rich",
    "fastapi",
    "sqlalchemy",
    "yaml",
)
IO_MODULES = ("open", "pathlib", "os", "sqlite3", "socket", "urllib", "http", "subprocess")


def imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


@pytest.mark.parametrize("package", ["engine", "domain"])
def test_core_imports_no_presenter_store_or_solver(package: str) -> None:
    for path in sorted((SRC / package).rglob("*.py")):
        for name in imports(path):
            assert not name.startswith(FORBIDDEN_IN_CORE), f"{path.relative_to(SRC)} imports {name}"


@pytest.mark.parametrize("package", ["engine", "domain"])
def test_core_does_no_io(package: str) -> None:
    for path in sorted((SRC / package).rglob("*.py")):
        names = imports(path)
        assert not any(name.split(".")[0] in IO_MODULES for name in names), path
        tree = ast.parse(path.read_text(encoding="utf-8"))
        calls = {
            n.func.id for n in ast.walk(tree) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)
        }
        assert "open" not in calls and "print" not in calls, path


def test_engine_reads_no_clock() -> None:
    for path in sorted((SRC / "engine").rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        assert ".now(" not in text and ".today(" not in text and "time.time(" not in text, path


def test_public_api() -> None:
    assert sorted(charter.__all__) == [
        "CharterError",
        "Plan",
        "Schedule",
        "__version__",
        "dump_plan",
        "load_plan",
        "parse_plan",
        "save_plan",
        "schedule",
        "schedule_document",
    ]
    for name in charter.__all__:
        assert hasattr(charter, name)
    assert (SRC / "py.typed").exists()
