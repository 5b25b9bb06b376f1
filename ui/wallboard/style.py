"""How the wallboard looks: a dark, high-contrast style sheet whose type scales with the screen.

Sizes are designed for 1920x1080 and multiplied by `scale`, so a 1366x768 TV and a 4K one both
read from three metres. Labels carry a `kind` (how big) and a `tone` (what colour means)
property; the style sheet does the rest, so no widget hard-codes a colour.
"""

from __future__ import annotations

from PySide6.QtWidgets import QGridLayout, QLayout, QWidget

from app.domain.priority import Priority
from ui.theme import PRIORITY_COLOURS, PRIORITY_TEXT

DESIGN_WIDTH = 1920
DESIGN_HEIGHT = 1080

BACKGROUND = "#07090c"
PANEL = "#141a21"
TEXT = "#ffffff"
SECONDARY = "#d0d8e0"
MUTED = "#8e99a4"
# The dark-palette SLA colours of ui/theme.py: red breached, amber at risk.
BREACHED = "#ff5c5c"
AT_RISK = "#ffb74d"
GOOD = "#81c784"
OVERDUE_FILL = "#c62828"
BAR = "#4fc3f7"
CHIP = "#26303a"

# Pixel sizes at 1920x1080 (at 96 dpi, 36 px = 27 pt and 88 px = 66 pt). On a 55" 1080p TV,
# 36 px is about 2 cm tall: readable from three metres.
SIZES = {
    "heading": 34,
    "caption": 36,
    "title": 46,
    "value": 48,
    "countdown": 56,
    "clock": 60,
    "count": 88,
}


def scale_for(width: int, height: int) -> float:
    """How much bigger or smaller than the 1080p design the screen is (within sane bounds)."""
    return max(0.5, min(3.0, width / DESIGN_WIDTH, height / DESIGN_HEIGHT))


def style_sheet(scale: float) -> str:
    def px(size: float) -> str:
        return f"{max(1, round(size * scale))}px"

    rules = [
        f"#Wallboard {{ background: {BACKGROUND}; }}",
        f"QLabel {{ color: {TEXT}; background: transparent; }}",
        f'QFrame[panel="true"] {{ background: {PANEL}; border-radius: {px(14)}; }}',
        f'QLabel[kind="heading"] {{ font-size: {px(SIZES["heading"])}; font-weight: bold;'
        f" color: {SECONDARY}; letter-spacing: {px(2)}; }}",
        f'QLabel[kind="caption"] {{ font-size: {px(SIZES["caption"])}; color: {SECONDARY}; }}',
        f'QLabel[kind="value"] {{ font-size: {px(SIZES["value"])}; font-weight: bold; }}',
        # A chip in every state (grey, then amber, then red), so it never jumps or shifts.
        f'QLabel[kind="countdown"] {{ font-size: {px(SIZES["countdown"])}; font-weight: bold;'
        f" background: {CHIP}; border-radius: {px(8)}; padding: 0 {px(14)}; }}",
        f'QLabel[kind="elapsed"] {{ font-size: {px(SIZES["countdown"])}; font-weight: bold; }}',
        f'QLabel[kind="title"] {{ font-size: {px(SIZES["title"])}; font-weight: bold; }}',
        f'QLabel[kind="clock"] {{ font-size: {px(SIZES["clock"])}; font-weight: bold; }}',
        f'QLabel[kind="count"] {{ font-size: {px(SIZES["count"])}; font-weight: bold; }}',
        f'QLabel[tone="muted"] {{ color: {MUTED}; }}',
        f'QLabel[tone="breached"] {{ color: {BREACHED}; }}',
        f'QLabel[tone="risk"] {{ color: {AT_RISK}; }}',
        f'QLabel[tone="good"] {{ color: {GOOD}; }}',
        f'QLabel[tone="overdue"] {{ background: {OVERDUE_FILL}; color: {TEXT}; }}',
        f'QLabel[tone="due_soon"] {{ background: {AT_RISK}; color: #000000; }}',
        f'QLabel[tone="alarm"] {{ background: {OVERDUE_FILL}; color: {TEXT};'
        f" border-radius: {px(8)}; padding: {px(4)} {px(14)}; }}",
        f"QProgressBar {{ background: {CHIP}; border: none; border-radius: {px(4)};"
        f" min-height: {px(10)}; max-height: {px(10)}; }}",
        f"QProgressBar::chunk {{ background: {BAR}; border-radius: {px(4)}; }}",
        # The drill banner (ui/drills/banner.py) at the wall's scale: read across the room.
        f"#drillBanner QLabel {{ font-size: {px(SIZES['caption'])}; }}",
        f"#drillBanner QPushButton {{ font-size: {px(SIZES['caption'] / 2)}; }}",
    ]
    for priority in Priority:
        fill, ink = PRIORITY_COLOURS[priority].name(), PRIORITY_TEXT[priority].name()
        rules.append(
            f'QLabel[priority="{int(priority)}"] {{ background: {fill}; color: {ink};'
            f" font-size: {px(SIZES['caption'])}; font-weight: bold;"
            f" border-radius: {px(8)}; padding: 0 {px(14)}; }}"
        )
        rules.append(
            f'QFrame[priority="{int(priority)}"] {{ border-top: {px(10)} solid {fill};'
            f" border-radius: {px(4)}; }}"
        )
    rules.append(
        f'QFrame[major="true"] {{ border-left: {px(14)} solid {OVERDUE_FILL};'
        f" border-radius: {px(4)}; }}"
    )
    return "\n".join(rules)


class LayoutScaler:
    """Scales every layout's margins and spacing under a widget, from their designed values.

    A layout whose spacing its owner changes (property `own_spacing`) keeps its spacing.
    """

    def __init__(self, root: QWidget) -> None:
        self._base: dict[QLayout, tuple[tuple[int, int, int, int], int, int]] = {}
        for layout in root.findChildren(QLayout):
            m = layout.contentsMargins()
            margins = (m.left(), m.top(), m.right(), m.bottom())
            if isinstance(layout, QGridLayout):
                spacing = (layout.horizontalSpacing(), layout.verticalSpacing())
            else:
                spacing = (layout.spacing(), layout.spacing())
            self._base[layout] = (margins, *spacing)

    def apply(self, scale: float) -> None:
        for layout, (margins, across, down) in self._base.items():
            layout.setContentsMargins(*(round(m * scale) for m in margins))
            if isinstance(layout, QGridLayout):
                layout.setHorizontalSpacing(round(across * scale))
                layout.setVerticalSpacing(round(down * scale))
            elif across >= 0 and not layout.property("own_spacing"):
                layout.setSpacing(round(across * scale))


def set_tone(widget: QWidget, tone: str) -> None:
    """Change what colour means on a label; re-polish only when it actually changes."""
    if widget.property("tone") == tone:
        return
    widget.setProperty("tone", tone)
    widget.style().unpolish(widget)
    widget.style().polish(widget)
