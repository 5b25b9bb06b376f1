"""The intake's mapping file: TOML that turns alert labels into service, impact and urgency.

The shipped example, resources/intake/mapping.example.toml, shows every setting. A mistake is
refused with a MappingFileError naming the file and the line, before the service starts.
"""

from __future__ import annotations

import re
import tomllib
from datetime import timedelta
from importlib import resources
from pathlib import Path
from typing import Any, NoReturn

from app.domain.alerts import (
    DEFAULT_FLAP_CHANGES,
    DEFAULT_REOPEN_WINDOW,
    AlertMapping,
    MappingRule,
)
from app.domain.errors import CalmdeskError
from app.domain.priority import Impact, Urgency

_LEVELS = {"high": 1, "medium": 2, "low": 3}
_TOP = frozenset({"settings", "services", "rule"})
_SETTINGS = frozenset(
    {
        "service_label",
        "impact",
        "urgency",
        "resolve_on_recovery",
        "reopen_within_minutes",
        "flapping_changes_per_hour",
    }
)
_RULE = frozenset({"when", "service", "impact", "urgency", "resolve_on_recovery"})


class MappingFileError(CalmdeskError):
    """The mapping file cannot be used; the message names the file and the line."""


def example_mapping_text() -> str:
    return (resources.files("resources") / "intake" / "mapping.example.toml").read_text("utf-8")


def load_mapping(path: Path | None) -> AlertMapping:
    """The mapping in `path`; without one, the defaults (severity is not mapped)."""
    if path is None:
        return AlertMapping()
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise MappingFileError(f"{path}: cannot be read ({exc.strerror}).") from None
    except UnicodeDecodeError:
        raise MappingFileError(f"{path}: is not UTF-8 text; save it as UTF-8.") from None
    return parse_mapping(text, str(path))


def parse_mapping(text: str, source: str) -> AlertMapping:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise MappingFileError(f"{source}: {exc}") from None
    return _Reader(text, source).mapping(data)


class _Reader:
    def __init__(self, text: str, source: str) -> None:
        self._lines = text.splitlines()
        self._source = source

    def mapping(self, data: dict[str, Any]) -> AlertMapping:
        for key in data:
            if key not in _TOP:
                self._fail(
                    f"unknown table [{key}]; the file has [settings], [services] and [[rule]]",
                    self._line_of(key),
                )
        settings = self._table(data.get("settings", {}), "settings")
        for key in settings:
            if key not in _SETTINGS:
                self._fail(
                    f"unknown setting {key!r} in [settings]; known: {', '.join(sorted(_SETTINGS))}",
                    self._line_of(key, self._header("settings")),
                )
        services = self._table(data.get("services", {}), "services")
        for label, name in services.items():
            if not isinstance(name, str) or not name.strip():
                self._fail(
                    f"[services] {label!r} must name a Calmdesk service, as text",
                    self._line_of(label, self._header("services")),
                )
        rules = data.get("rule", [])
        if not isinstance(rules, list):
            self._fail("rules are written [[rule]], one table each", self._line_of("rule"))
        at = self._header("settings")
        minutes = settings.get("reopen_within_minutes", DEFAULT_REOPEN_WINDOW.seconds // 60)
        if not isinstance(minutes, int) or isinstance(minutes, bool) or minutes < 0:
            self._fail(
                "reopen_within_minutes must be a whole number of minutes, 0 or more",
                self._line_of("reopen_within_minutes", at),
            )
        flaps = settings.get("flapping_changes_per_hour", DEFAULT_FLAP_CHANGES)
        if not isinstance(flaps, int) or isinstance(flaps, bool) or flaps < 2:
            self._fail(
                "flapping_changes_per_hour must be a whole number, 2 or more",
                self._line_of("flapping_changes_per_hour", at),
            )
        label = settings.get("service_label", "service")
        if not isinstance(label, str) or not label.strip():
            self._fail(
                "service_label must name a label, as text", self._line_of("service_label", at)
            )
        return AlertMapping(
            service_label=label.strip(),
            services={str(k): v.strip() for k, v in services.items()},
            rules=tuple(self._rule(rule, n) for n, rule in enumerate(rules)),
            impact=Impact(self._level(settings, "impact", at) or Impact.MEDIUM),
            urgency=Urgency(self._level(settings, "urgency", at) or Urgency.MEDIUM),
            resolve_on_recovery=self._flag(settings, "resolve_on_recovery", at) or False,
            reopen_window=timedelta(minutes=minutes),
            flap_changes=flaps,
        )

    def _rule(self, rule: Any, n: int) -> MappingRule:
        at = self._header("rule", n)
        if not isinstance(rule, dict):
            self._fail("each [[rule]] must be a table", at)
        for key in rule:
            if key not in _RULE:
                self._fail(
                    f"unknown key {key!r} in [[rule]]; known: {', '.join(sorted(_RULE))}",
                    self._line_of(key, at),
                )
        when = rule.get("when", {})
        if not isinstance(when, dict) or not all(isinstance(v, str) for v in when.values()):
            self._fail(
                'when must be labels and their text values: when = { severity = "critical" }',
                self._line_of("when", at),
            )
        service = rule.get("service")
        if service is not None and (not isinstance(service, str) or not service.strip()):
            self._fail(
                "service must name a Calmdesk service, as text", self._line_of("service", at)
            )
        impact = self._level(rule, "impact", at)
        urgency = self._level(rule, "urgency", at)
        return MappingRule(
            when=dict(when),
            service=service.strip() if service else None,
            impact=Impact(impact) if impact else None,
            urgency=Urgency(urgency) if urgency else None,
            resolve_on_recovery=self._flag(rule, "resolve_on_recovery", at),
        )

    def _level(self, table: dict[str, Any], key: str, at: int) -> int | None:
        if key not in table:
            return None
        value = table[key]
        if isinstance(value, str) and value.strip().lower() in _LEVELS:
            return _LEVELS[value.strip().lower()]
        if isinstance(value, int) and not isinstance(value, bool) and value in (1, 2, 3):
            return value
        self._fail(
            f'{key} is {value!r}; use "high", "medium" or "low" (or 1, 2, 3)',
            self._line_of(key, at),
        )

    def _flag(self, table: dict[str, Any], key: str, at: int) -> bool | None:
        value = table.get(key)
        if value is not None and not isinstance(value, bool):
            self._fail(f"{key} must be true or false", self._line_of(key, at))
        return value

    def _table(self, value: Any, name: str) -> dict[str, Any]:
        if not isinstance(value, dict):
            self._fail(f"[{name}] must be a table", self._line_of(name))
        return value

    def _header(self, name: str, n: int = 0) -> int:
        """The line (from 1) of the `n`-th [name] or [[name]] header; 0 when absent."""
        pattern = re.compile(rf"^\s*\[\[?\s*{re.escape(name)}\s*\]\]?\s*(#.*)?$")
        found = [i + 1 for i, line in enumerate(self._lines) if pattern.match(line)]
        return found[n] if n < len(found) else 0

    def _line_of(self, key: str, after: int = 0) -> int:
        """The first line at or after `after` that sets `key` (or its header); 0 if none."""
        pattern = re.compile(rf"^\s*(\[\[?\s*)?[\"']?{re.escape(key)}[\"']?\s*(=|\]|\.)")
        for number in range(max(after, 1), len(self._lines) + 1):
            if pattern.match(self._lines[number - 1]):
                return number
        return after

    def _fail(self, message: str, line: int) -> NoReturn:
        where = f"{self._source}, line {line}" if line else self._source
        raise MappingFileError(f"{where}: {message}.")
