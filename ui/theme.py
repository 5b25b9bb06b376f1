"""Colours with a meaning (priority, SLA state), chosen to read on light and dark palettes."""

from __future__ import annotations

from PySide6.QtGui import QColor, QGuiApplication, QPalette

from app.domain.priority import Priority
from app.domain.sla import SlaState

PRIORITY_COLOURS = {
    Priority.CRITICAL: QColor("#c62828"),
    Priority.HIGH: QColor("#ef6c00"),
    Priority.MODERATE: QColor("#f9a825"),
    Priority.LOW: QColor("#2e7d32"),
    Priority.PLANNING: QColor("#607d8b"),
}
PRIORITY_TEXT = {
    Priority.CRITICAL: QColor("white"),
    Priority.HIGH: QColor("white"),
    Priority.MODERATE: QColor("black"),
    Priority.LOW: QColor("white"),
    Priority.PLANNING: QColor("white"),
}


def is_dark() -> bool:
    app = QGuiApplication.instance()
    if app is None:
        return False
    window = QGuiApplication.palette().color(QPalette.ColorRole.Window)
    return window.lightness() < 128


def sla_colour(state: SlaState) -> QColor | None:
    """Text colour for the SLA cell: amber at risk, red breached; None keeps the palette's."""
    dark = is_dark()
    if state == SlaState.BREACHED:
        return QColor("#ff6b6b") if dark else QColor("#c62828")
    if state == SlaState.AT_RISK:
        return QColor("#ffb74d") if dark else QColor("#b26a00")
    return None


# A drill's own colour: violet, which no priority or SLA state uses, so a rehearsal is never
# read as the real thing. The banner uses the strong one; queue rows the soft one.
DRILL_STRONG = QColor("#5e35b1")
DRILL_TEXT = QColor("white")


def drill_row_colour() -> QColor:
    return QColor("#3b2a5c") if is_dark() else QColor("#ede7f6")
