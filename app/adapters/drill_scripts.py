"""Drill scripts shipped in resources/drills/, plus any file a supervisor chooses."""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from app.domain.drill_script import DrillScript, DrillScriptError, parse_drill_script


@dataclass(frozen=True)
class ScriptSource:
    """A script's text and where it came from, as stored with a drill and played from there."""

    key: str
    text: str
    source: str

    def parse(self) -> DrillScript:
        return parse_drill_script(self.key, self.text, self.source)


def shipped_scripts() -> list[ScriptSource]:
    folder = resources.files("resources") / "drills"
    return sorted(
        (
            ScriptSource(entry.name.removesuffix(".toml"), entry.read_text("utf-8"), entry.name)
            for entry in folder.iterdir()
            if entry.name.endswith(".toml")
        ),
        key=lambda s: s.key,
    )


def available_scripts() -> list[DrillScript]:
    """Every shipped script, sorted by title. A broken one raises DrillScriptError naming it."""
    return sorted((s.parse() for s in shipped_scripts()), key=lambda script: script.title)


def shipped_script(key: str) -> ScriptSource:
    for script in shipped_scripts():
        if script.key == key:
            return script
    raise DrillScriptError(f"There is no drill script called {key!r}.")


def script_file(path: Path) -> ScriptSource:
    """A script from a file; parsed once here so a broken file is refused before it is used."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise DrillScriptError(f"{path}: cannot be read ({exc.strerror}).") from None
    except UnicodeDecodeError:
        raise DrillScriptError(
            f"{path}: is not UTF-8 text. Save it as UTF-8 in your editor and try again."
        ) from None
    source = ScriptSource(path.stem, text, str(path))
    source.parse()
    return source
