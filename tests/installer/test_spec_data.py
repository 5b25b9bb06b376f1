"""The PyInstaller spec ships what the package ships: every [tool.setuptools.package-data]
pattern, hence every resource file on disk, and it excludes no Qt module the code imports."""

from __future__ import annotations

import ast
import re
import tomllib
from pathlib import Path, PurePosixPath

import pytest

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "installer" / "calmdesk.spec"
CODE_PACKAGES = ("app", "ui", "resources")


def _spec_constant(name: str) -> object:
    """A literal assigned at the top of the spec (the spec itself only runs inside PyInstaller)."""
    for node in ast.parse(SPEC.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign) and any(
            isinstance(target, ast.Name) and target.id == name for target in node.targets
        ):
            return ast.literal_eval(node.value)
    raise AssertionError(f"{SPEC.name} assigns no literal {name}")


def _package_data() -> set[tuple[str, str]]:
    """pyproject's package data as (pattern from the project folder, folder in the bundle)."""
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    entries = set()
    for package, patterns in pyproject["tool"]["setuptools"]["package-data"].items():
        folder = PurePosixPath(*package.split("."))
        for pattern in patterns:
            source = folder / pattern
            entries.add((str(source), str(source.parent)))
    return entries


def _is_code(relative: Path) -> bool:
    """A module that setuptools installs and PyInstaller follows by itself. The migration scripts
    are .py files too, but nothing imports them: Alembic reads them from the folder."""
    return relative.suffix == ".py" and "migrations" not in relative.parts


def _files_to_ship() -> list[str]:
    found = []
    for package in CODE_PACKAGES:
        for path in sorted((ROOT / package).rglob("*")):
            relative = path.relative_to(ROOT)
            hidden = any(part.startswith(".") or part == "__pycache__" for part in relative.parts)
            if path.is_file() and not hidden and not _is_code(relative):
                found.append(relative.as_posix())
    return found


def test_spec_data_matches_the_package_data() -> None:
    spec_data = _spec_constant("DATA")
    assert isinstance(spec_data, list)
    assert set(spec_data) == _package_data(), (
        "installer/calmdesk.spec DATA and [tool.setuptools.package-data] in pyproject.toml "
        "must list the same patterns"
    )


@pytest.mark.parametrize("path", _files_to_ship())
def test_every_resource_file_is_package_data(path: str) -> None:
    patterns = [pattern for pattern, _ in _package_data()]
    assert any(PurePosixPath(path).match(pattern) for pattern in patterns), (
        f"{path} would be left out of installs and frozen bundles: add a pattern for it to "
        "[tool.setuptools.package-data] in pyproject.toml and to DATA in installer/calmdesk.spec"
    )


def test_the_shipped_files_include_migrations_runbooks_and_icons() -> None:
    shipped = _files_to_ship()
    for expected in (
        "app/db/migrations/env.py",
        "app/db/migrations/versions/0001_initial_schema.py",
        "resources/runbooks/major-incident.toml",
        "resources/drills/email-outage.toml",
        "resources/icons/calmdesk.svg",
        "resources/icons/calmdesk-16.png",
    ):
        assert expected in shipped


def test_spec_excludes_no_qt_module_the_code_imports() -> None:
    excluded = _spec_constant("QT_UNUSED")
    assert isinstance(excluded, list)
    imported = set()
    for package in ("app", "ui"):
        for path in (ROOT / package).rglob("*.py"):
            imported |= set(re.findall(r"PySide6\.(Qt\w+)", path.read_text(encoding="utf-8")))
    assert imported, "no Qt import found: the scan is broken"
    assert not imported & set(excluded), (
        "installer/calmdesk.spec leaves out a Qt module the code imports: take it off QT_UNUSED"
    )
