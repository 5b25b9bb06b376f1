"""The incident editor side panel: create and edit one incident."""

from ui.editor.incident_editor import IncidentEditor

__all__ = ["IncidentEditor"]
