"""A war-room panel: a framed box with a title, a count, tools on the right, and its content.

The title's mnemonic (Alt+letter) moves the focus into the panel, so every panel is one key
away without the mouse.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QTableView, QVBoxLayout, QWidget


def fit_columns(view: QTableView) -> None:
    """Size the to-contents columns to the rows now shown: the header does it by itself only
    on a full layout, not when a refresh inserts or changes rows."""
    view.horizontalHeader().resizeSections()


class Panel(QFrame):
    def __init__(
        self, title: str, accessible_name: str, parent: QWidget | None = None, *, name: str = ""
    ) -> None:
        super().__init__(parent)
        self.setObjectName(name or "panel")
        self.setAccessibleName(accessible_name)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.title = QLabel(title)
        self.title.setProperty("kind", "panel_title")
        self.count = QLabel("")
        self.count.setProperty("kind", "panel_count")
        self.count.setAccessibleName(f"{accessible_name} count")
        self.tools = QHBoxLayout()
        self.tools.setSpacing(4)
        heading = QHBoxLayout()
        heading.setSpacing(8)
        heading.addWidget(self.title)
        heading.addWidget(self.count)
        heading.addStretch(1)
        heading.addLayout(self.tools)
        self.body = QVBoxLayout(self)
        self.body.setContentsMargins(8, 6, 8, 8)
        self.body.setSpacing(6)
        self.body.addLayout(heading)

    def set_focus_target(self, widget: QWidget) -> None:
        """Alt + the title's underlined letter focuses `widget`."""
        self.title.setBuddy(widget)
        self.setFocusProxy(widget)

    def add_tool(self, widget: QWidget) -> None:
        self.tools.addWidget(widget, 0, Qt.AlignmentFlag.AlignRight)

    def set_count(self, text: str) -> None:
        self.count.setText(text)
