"""Window layout and queue filters, remembered per signed-in agent in the profile folder."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings

from app.services.incidents.queue_filters import QuickFilter


class UiState:
    def __init__(self, path: Path, login: str) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._settings = QSettings(str(path), QSettings.Format.IniFormat)
        self._prefix = f"agents/{login}/"

    def _get_bytes(self, key: str) -> QByteArray | None:
        value = self._settings.value(self._prefix + key)
        return value if isinstance(value, QByteArray) and not value.isEmpty() else None

    def _set(self, key: str, value: object) -> None:
        self._settings.setValue(self._prefix + key, value)

    @property
    def quick_filter(self) -> QuickFilter:
        value = self._settings.value(self._prefix + "queue/filter", QuickFilter.ALL_OPEN.value)
        try:
            return QuickFilter(str(value))
        except ValueError:
            return QuickFilter.ALL_OPEN

    @quick_filter.setter
    def quick_filter(self, value: QuickFilter) -> None:
        self._set("queue/filter", value.value)

    @property
    def header_state(self) -> QByteArray | None:
        return self._get_bytes("queue/header")

    @header_state.setter
    def header_state(self, value: QByteArray) -> None:
        self._set("queue/header", value)

    @property
    def window_geometry(self) -> QByteArray | None:
        return self._get_bytes("window/geometry")

    @window_geometry.setter
    def window_geometry(self, value: QByteArray) -> None:
        self._set("window/geometry", value)

    @property
    def window_state(self) -> QByteArray | None:
        return self._get_bytes("window/state")

    @window_state.setter
    def window_state(self, value: QByteArray) -> None:
        self._set("window/state", value)

    @property
    def welcome_dismissed(self) -> bool:
        return str(self._settings.value(self._prefix + "welcome/dismissed", "false")) == "true"

    @welcome_dismissed.setter
    def welcome_dismissed(self, value: bool) -> None:
        self._set("welcome/dismissed", "true" if value else "false")

    def sync(self) -> None:
        self._settings.sync()
