"""The war room for a major incident: `open_war_room(context, incident_id, parent)`."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from ui.console_context import ConsoleContext
from ui.war_room.window import WarRoomWindow


def open_war_room(
    context: ConsoleContext, incident_id: int, parent: QWidget | None = None
) -> WarRoomWindow:
    """Show the war room for `incident_id` and start it. It is a window of its own that deletes
    itself when closed (Ctrl+W); with no parent the caller must keep a reference to it."""
    window = WarRoomWindow(context, incident_id, parent)
    window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
    window.show()
    window.start()
    return window


__all__ = ["WarRoomWindow", "open_war_room"]
