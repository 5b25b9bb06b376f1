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
    try:
        return time.fromisoformat(value) if isinstance(value, str) and value else None
    except ValueError:
        return None


def _read_all(path: Path) -> dict[str, Any]:
    try:
        saved = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}  # none yet, or damaged: the defaults
    return saved if isinstance(saved, dict) else {}


def load_preferences(config_dir: Path, login: str) -> NotificationPreferences:
    saved = _read_all(config_dir / FILE_NAME).get(login)
    if not isinstance(saved, dict):
        return NotificationPreferences()
    disabled = frozenset(NoticeKind(k) for k in saved.get("disabled", []) if k in set(NoticeKind))
    paused = saved.get("paused_until")
    try:
        paused_until = datetime.fromisoformat(paused) if isinstance(paused, str) else None
    except ValueError:
        paused_until = None
    min_priority = saved.get("min_priority", 5)
    return replace(
        NotificationPreferences(),
        disabled=disabled,
        min_priority=min_priority if isinstance(min_priority, int) else 5,
        quiet_from=_time(saved.get("quiet_from")),
        quiet_until=_time(saved.get("quiet_until")),
        sound=bool(saved.get("sound", True)),
        paused_until=paused_until,
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
