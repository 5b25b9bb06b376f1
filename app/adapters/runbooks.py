"""Runbook templates shipped in resources/runbooks/, plus any in a folder the team chooses."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from app.domain.runbook import Runbook, RunbookError, parse_runbook


def _shipped() -> dict[str, tuple[str, str]]:
    folder = resources.files("resources") / "runbooks"
    return {
        entry.name.removesuffix(".toml"): (entry.read_text(encoding="utf-8"), entry.name)
        for entry in folder.iterdir()
        if entry.name.endswith(".toml")
    }


def available_runbooks(extra_dir: Path | None = None) -> list[Runbook]:
    """Every runbook, sorted by title. A broken file raises RunbookError naming it."""
    sources = _shipped()
    if extra_dir is not None and extra_dir.is_dir():
        for path in sorted(extra_dir.glob("*.toml")):
            sources[path.stem] = (_read(path), str(path))
    books = [parse_runbook(key, text, source) for key, (text, source) in sources.items()]
    return sorted(books, key=lambda book: book.title)


def load_runbook(key: str, extra_dir: Path | None = None) -> Runbook:
    for book in available_runbooks(extra_dir):
        if book.key == key:
            return book
    raise RunbookError(f"There is no runbook called {key!r}.")


def load_runbook_file(path: Path) -> Runbook:
    return parse_runbook(path.stem, _read(path), str(path))


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        raise RunbookError(f"{path}: cannot be read ({exc.strerror}).") from None
    except UnicodeDecodeError:
        raise RunbookError(
            f"{path}: is not UTF-8 text. Save it as UTF-8 in your editor and try again."
        ) from None
