"""The war room's remembered layout (window size, panel splits, timeline filter), per agent, in
the same profile file as the main window's (Settings.ui_state_file)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings


class WarRoomLayout:
    def __init__(self, path: Path, login: str) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._settings = QSettings(str(path), QSettings.Format.IniFormat)
        self._prefix = f"agents/{login}/war_room/"

    def get_bytes(self, key: str) -> QByteArray | None:
        value = self._settings.value(self._prefix + key)
        return value if isinstance(value, QByteArray) and not value.isEmpty() else None

    def set_bytes(self, key: str, value: QByteArray) -> None:
        self._settings.setValue(self._prefix + key, value)

    @property
    def timeline_filter(self) -> str:
        return str(self._settings.value(self._prefix + "timeline_filter", "all"))

    @timeline_filter.setter
    def timeline_filter(self, value: str) -> None:
        self._settings.setValue(self._prefix + "timeline_filter", value)

    def sync(self) -> None:
        self._settings.sync()
