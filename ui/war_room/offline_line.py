"""One calm line across the war room while the database is unreachable: since when, that what
is shown is what was known then, and that changes made meanwhile are kept and sent later."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget

from app.domain.status_update import local_clock
from app.services.offline.outbox import OutboxStatus


def offline_line_text(status: OutboxStatus) -> str:
    """Empty when the database answers and nothing waits."""
    waiting = ""
    if status.waiting:
        noun = "change" if status.waiting == 1 else "changes"
        waiting = f" ({status.waiting} {noun} waiting)"
    needs_you = ""
    if status.conflicts:
        noun = "change was" if status.conflicts == 1 else "changes were"
        needs_you = f" {status.conflicts} {noun} refused: see the outbox."
    if status.offline_since is not None:
        return (
            f"Offline since {local_clock(status.offline_since)} — showing what was known then; "
            f"changes you make are kept and sent when it is back{waiting}.{needs_you}"
        )
    if status.waiting:
        return f"The database is back: sending what was kept on this computer{waiting}.{needs_you}"
    return needs_you.strip()


class OfflineLine(QLabel):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("offline_line")
        self.setAccessibleName("Database connection")
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setWordWrap(True)
        self.hide()

    def show_status(self, status: OutboxStatus) -> None:
        text = offline_line_text(status)
        self.setText(text)
        self.setAccessibleDescription(text)
        self.setToolTip(status.reason if status.offline else "")
        self.setVisible(bool(text))
