"""Words and colours the editor's widgets share."""

from __future__ import annotations

from ui import theme

CHANNEL_LABELS = {
    "phone": "Phone",
    "email": "E-mail",
    "walk_in": "Walk-in",
    "chat": "Chat",
    "self_service": "Self-service portal",
    "monitoring": "Monitoring alert",
}


def error_colour() -> str:
    """Red for a field's message, readable on light and dark palettes."""
    return "#ff8a80" if theme.is_dark() else "#b3261e"
