"""Each agent's notification preferences, kept in a small JSON file in the profile folder."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import datetime, time
from pathlib import Path
from typing import Any

from app.domain.notification_gate import NotificationPreferences
from app.domain.notification_rules import NoticeKind

FILE_NAME = "notifications.json"


def _time(value: Any) -> time | None:
    """A local wall-clock time; an offset written after it is dropped (quiet hours are local)."""
    try:
        parsed = time.fromisoformat(value) if isinstance(value, str) and value else None
    except ValueError:
        return None
    return None if parsed is None else parsed.replace(tzinfo=None)


def _moment(value: Any) -> datetime | None:
    """An instant with its zone; one without a zone is unusable (the gate compares with UTC)."""
    try:
        parsed = datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None
    return parsed if parsed is not None and parsed.tzinfo is not None else None


def _read_all(path: Path) -> dict[str, Any]:
    try:
        saved = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError):  # RecursionError: nested too deeply
        return {}  # none yet, or damaged: the defaults
    return saved if isinstance(saved, dict) else {}


def load_preferences(config_dir: Path, login: str) -> NotificationPreferences:
    saved = _read_all(config_dir / FILE_NAME).get(login)
    if not isinstance(saved, dict):
        return NotificationPreferences()
    # A hand-edited or damaged entry loses only the setting that cannot be read.
    kinds = {kind.value for kind in NoticeKind}
    listed = saved.get("disabled")
    disabled = frozenset(
        NoticeKind(k)
        for k in (listed if isinstance(listed, list) else [])
        if isinstance(k, str) and k in kinds
    )
    min_priority = saved.get("min_priority")
    if isinstance(min_priority, bool) or not isinstance(min_priority, int):
        min_priority = 5
    return replace(
        NotificationPreferences(),
        disabled=disabled,
        min_priority=min_priority if 1 <= min_priority <= 5 else 5,
        quiet_from=_time(saved.get("quiet_from")),
        quiet_until=_time(saved.get("quiet_until")),
        sound=bool(saved.get("sound", True)),
        paused_until=_moment(saved.get("paused_until")),
    )


def save_preferences(config_dir: Path, login: str, prefs: NotificationPreferences) -> None:
    path = config_dir / FILE_NAME
    config_dir.mkdir(parents=True, exist_ok=True)
    everyone = _read_all(path)
    everyone[login] = {
        "disabled": sorted(k.value for k in prefs.disabled),
        "min_priority": prefs.min_priority,
        "quiet_from": prefs.quiet_from.isoformat("minutes") if prefs.quiet_from else "",
        "quiet_until": prefs.quiet_until.isoformat("minutes") if prefs.quiet_until else "",
        "sound": prefs.sound,
        "paused_until": prefs.paused_until.isoformat() if prefs.paused_until else None,
    }
    path.write_text(json.dumps(everyone, indent=2), encoding="utf-8")
