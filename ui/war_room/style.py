"""How the war room looks: a dark header band that reads from across the room, light panels
below, and colours that mean something (red overdue, amber due soon, green done).

Widgets carry a `tone` or `kind` property; the style sheet does the rest, so no widget
hard-codes a colour and a state change is one property set.
"""

from __future__ import annotations

from PySide6.QtGui import QColor
from PySide6.QtWidgets import QWidget

from app.domain.priority import Priority
from app.domain.services_state import ServiceState
from ui.theme import PRIORITY_COLOURS, PRIORITY_TEXT

BAND = "#17212b"
BAND_TEXT = "#ffffff"
BAND_MUTED = "#b8c4cf"
CHIP = "#2c3b49"
OVERDUE = "#d32f2f"
OVERDUE_DIM = "#7f1010"
DUE_SOON = "#ffb74d"
GOOD = "#2e7d32"
CALLERS_FILL = "#fff8e1"
CALLERS_EDGE = "#f0c36d"
CALLERS_TEXT = "#3e2c00"
PANEL_EDGE = "#c9d1d9"
BAR = "#1e88e5"
BAR_NOW = "#fb8c00"

OVERDUE_TEXT = QColor("#c62828")
DONE_TEXT = QColor("#5f6b76")

SERVICE_COLOURS = {
    ServiceState.OPERATIONAL: ("#2e7d32", "#ffffff"),
    ServiceState.DEGRADED: ("#f9a825", "#000000"),
    ServiceState.PARTIAL_OUTAGE: ("#ef6c00", "#ffffff"),
    ServiceState.MAJOR_OUTAGE: ("#c62828", "#ffffff"),
    ServiceState.MAINTENANCE: ("#546e7a", "#ffffff"),
}


def style_sheet() -> str:
    rules = [
        f"#war_room_header {{ background: {BAND}; }}",
        f"#war_room_header QLabel {{ color: {BAND_TEXT}; background: transparent; }}",
        '#war_room_header QLabel[kind="title"] { font-size: 20px; font-weight: bold; }',
        f'#war_room_header QLabel[kind="fact"] {{ font-size: 14px; color: {BAND_MUTED}; }}',
        '#war_room_header QLabel[kind="fact_value"] { font-size: 14px; font-weight: bold; }',
        f'#war_room_header QLabel[kind="chip"] {{ background: {CHIP}; border-radius: 4px;'
        " padding: 2px 8px; font-size: 13px; font-weight: bold; }",
        f"#war_room_header QPushButton {{ background: {CHIP}; color: {BAND_TEXT};"
        " border: 1px solid #4a5d70; border-radius: 4px; padding: 6px 14px; font-weight: bold; }",
        "#war_room_header QPushButton:hover { background: #3a4d60; }",
        "#war_room_header QPushButton:disabled { color: #6d7b88; }",
        # The countdown: the biggest thing on the screen, a chip in every state so it never jumps.
        f"#countdown {{ background: {CHIP}; color: {BAND_TEXT}; border-radius: 8px;"
        " padding: 4px 18px; font-size: 30px; font-weight: bold; }",
        f'#countdown[tone="due_soon"] {{ background: {DUE_SOON}; color: #000000; }}',
        f'#countdown[tone="overdue"] {{ background: {OVERDUE}; color: #ffffff; }}',
        f'#countdown[tone="overdue_dim"] {{ background: {OVERDUE_DIM}; color: #ffffff; }}',
        '#countdown[tone="none"] { background: #455a64; color: #e0e6eb; font-size: 22px; }',
        f"#countdown_note {{ color: {BAND_MUTED}; font-size: 12px; }}",
        f"QFrame#panel {{ border: 1px solid {PANEL_EDGE}; border-radius: 6px; }}",
        'QLabel[kind="panel_title"] { font-size: 14px; font-weight: bold; }',
        'QLabel[kind="panel_count"] { font-size: 13px; color: palette(mid); }',
        f"QFrame#callers_panel {{ background: {CALLERS_FILL}; border: 2px solid {CALLERS_EDGE};"
        " border-radius: 6px; }",
        f"QFrame#callers_panel QLabel {{ color: {CALLERS_TEXT}; background: transparent; }}",
        'QFrame#callers_panel QLabel[kind="message"] { font-size: 15px; }',
        'QLabel[tone="problem"] { color: #b71c1c; font-weight: bold; }',
        # Offline is a state to know about, not an alarm: quiet blue, not red.
        "QLabel#offline_line { background: #e8f0f7; color: #1f3347; border: 1px solid #b6c9db;"
        " border-radius: 6px; padding: 6px 10px; font-size: 13px; }",
        'QLabel[tone="ok"] { color: #1b5e20; }',
    ]
    for priority in Priority:
        fill, ink = PRIORITY_COLOURS[priority].name(), PRIORITY_TEXT[priority].name()
        rules.append(
            f'#war_room_header QLabel[priority="{int(priority)}"] {{ background: {fill};'
            f" color: {ink}; }}"
        )
    for state, (fill, ink) in SERVICE_COLOURS.items():
        rules.append(
            f'#war_room_header QLabel[service_state="{state.value}"] {{ background: {fill};'
            f" color: {ink}; }}"
        )
    return "\n".join(rules)


def set_property(widget: QWidget, name: str, value: object) -> None:
    """Change a styling property; re-polish only when it actually changes."""
    if widget.property(name) == value:
        return
    widget.setProperty(name, value)
    widget.style().unpolish(widget)
    widget.style().polish(widget)
