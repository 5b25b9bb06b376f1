"""The one calm dialog a bug gets: what happened, that saved work is safe, where the report is,
and three ways on: restart, keep working, or show the report's folder."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QStyle,
    QVBoxLayout,
    QWidget,
)


class CrashDialog(QDialog):
    """Non-modal: the console stays usable behind it. Restart closes it and calls `restart`;
    "Show report folder" calls `show_folder` and leaves it open."""

    def __init__(
        self,
        report: Path,
        *,
        restart: Callable[[], None],
        show_folder: Callable[[Path], None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.report = report
        self._restart = restart
        self._show_folder = show_folder
        self.setWindowTitle("Calmdesk hit a problem")
        self.setAccessibleName("Unexpected problem")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, False)

        icon = QLabel()
        icon.setPixmap(
            self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxInformation).pixmap(40, 40)
        )
        icon.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.headline = headline = QLabel(
            "Calmdesk hit a problem it did not expect. Your saved work is safe."
        )
        headline.setWordWrap(True)
        font = headline.font()
        font.setPointSizeF(font.pointSizeF() * 1.15)
        font.setBold(True)
        headline.setFont(font)
        self.message = QLabel(
            f"A report was written to <b>{_escape(str(report))}</b>.<br><br>"
            "Restart opens Calmdesk again on the same database; anything typed but not yet "
            "saved in an open form is lost. If everything still looks right, keep working."
        )
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.TextFormat.RichText)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.message.setAccessibleName("What happened")

        self.restart_button = QPushButton("&Restart")
        self.keep_button = QPushButton("&Keep working")
        self.folder_button = QPushButton("&Show report folder")
        self.keep_button.setDefault(True)
        self.restart_button.clicked.connect(self._on_restart_clicked)
        self.keep_button.clicked.connect(self.reject)
        self.folder_button.clicked.connect(self._on_folder_clicked)

        text = QVBoxLayout()
        text.addWidget(headline)
        text.addWidget(self.message)
        text.addStretch(1)
        top = QHBoxLayout()
        top.addWidget(icon)
        top.addLayout(text, 1)
        top.setSpacing(16)
        buttons = QHBoxLayout()
        buttons.addWidget(self.folder_button)
        buttons.addStretch(1)
        buttons.addWidget(self.restart_button)
        buttons.addWidget(self.keep_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 20, 20, 16)
        layout.setSpacing(18)
        layout.addLayout(top)
        layout.addLayout(buttons)
        self.setMinimumWidth(560)
        # Wrapped labels report a height for a narrower width; ask again at the real one.
        self.resize(560, self.heightForWidth(560))

    def _on_restart_clicked(self) -> None:
        self.accept()
        self._restart()

    def _on_folder_clicked(self) -> None:
        self._show_folder(self.report.parent)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
