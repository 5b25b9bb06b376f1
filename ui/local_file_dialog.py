"""The dialog for a local database file that is damaged or locked, shown at start-up instead of
the window: which file, what is wrong, the last backup, and what to do next.

Damaged: restore the last backup, or start with an empty database (either way the damaged file
is kept beside it under a new name, never deleted), or quit. Locked: retry, or quit.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from app.domain.errors import CalmdeskError
from app.services.admin.local_file_recovery import (
    LocalFileDamaged,
    LocalFileLocked,
    LocalFileProblem,
    restore_backup,
    start_empty,
)

log = logging.getLogger(__name__)


class LocalFileDialog(QDialog):
    """Accepted when the console should try to open the file again (after a restore, a fresh
    start or a retry); rejected on Quit."""

    def __init__(self, problem: LocalFileProblem, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.problem = problem
        self.outcome = ""  # what was done, for the log and the tests
        damaged = isinstance(problem, LocalFileDamaged)
        self.setWindowTitle("Calmdesk cannot open its database")
        self.setAccessibleName("Database file problem")

        icon = QLabel()
        icon.setPixmap(
            self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning).pixmap(40, 40)
        )
        icon.setAlignment(Qt.AlignmentFlag.AlignTop)
        headline = QLabel(
            "The database file is damaged."
            if damaged
            else "Another program is using the database file."
        )
        font = headline.font()
        font.setPointSizeF(font.pointSizeF() * 1.15)
        font.setBold(True)
        headline.setFont(font)

        facts = QGridLayout()
        facts.setHorizontalSpacing(12)
        facts.setVerticalSpacing(6)
        rows = [("File", str(problem.path))]
        if isinstance(problem, LocalFileDamaged):
            rows.append(("What is wrong", _sentence(problem.reason)))
        if isinstance(problem, LocalFileLocked):
            rows.append(("Held by", _sentence(problem.holder)))
        backup = problem.backup
        rows.append(
            (
                "Last backup",
                f"{backup.path}\nfrom {backup.when}" if backup is not None else "No backup yet.",
            )
        )
        for row, (name, value) in enumerate(rows):
            label = QLabel(name)
            label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
            label.setStyleSheet("color: palette(placeholder-text);")
            shown = QLabel(value)
            shown.setWordWrap(True)
            shown.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            shown.setAccessibleName(name)
            facts.addWidget(label, row, 0)
            facts.addWidget(shown, row, 1)
        facts.setColumnStretch(1, 1)

        self.advice = QLabel(_advice(problem))
        self.advice.setWordWrap(True)
        self.advice.setAccessibleName("What to do next")
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setAccessibleName("What went wrong")
        self.error.setStyleSheet("color: #a1260d;")
        self.error.hide()

        self.restore_button = QPushButton("&Restore the last backup")
        self.empty_button = QPushButton("Start with an &empty database")
        self.retry_button = QPushButton("&Retry")
        self.quit_button = QPushButton("&Quit")
        self.restore_button.setVisible(damaged and backup is not None)
        self.empty_button.setVisible(damaged)
        self.retry_button.setVisible(not damaged)
        default = self.retry_button if not damaged else self.restore_button
        if damaged and backup is None:
            default = self.empty_button
        default.setDefault(True)
        self.restore_button.clicked.connect(self._on_restore_clicked)
        self.empty_button.clicked.connect(self._on_empty_clicked)
        self.retry_button.clicked.connect(self.accept)
        self.quit_button.clicked.connect(self.reject)

        text = QVBoxLayout()
        text.setSpacing(12)
        text.addWidget(headline)
        text.addLayout(facts)
        text.addWidget(self.advice)
        text.addWidget(self.error)
        top = QHBoxLayout()
        top.setSpacing(16)
        top.addWidget(icon)
        top.addLayout(text, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.quit_button)
        buttons.addStretch(1)
        for button in (self.empty_button, self.restore_button, self.retry_button):
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 20, 20, 16)
        layout.setSpacing(18)
        layout.addLayout(top)
        layout.addLayout(buttons)
        self.setMinimumWidth(600)

    def _on_restore_clicked(self) -> None:
        problem = self.problem
        assert isinstance(problem, LocalFileDamaged)
        assert problem.backup is not None
        try:
            kept = restore_backup(problem.path, problem.backup, problem.aside)
        except CalmdeskError as exc:
            self._show_error(str(exc))
            return
        self.outcome = (
            f"Restored {problem.path} from {problem.backup.path}; the damaged file is kept "
            f"as {kept}"
        )
        log.warning("%s", self.outcome)
        self.accept()

    def _on_empty_clicked(self) -> None:
        problem = self.problem
        assert isinstance(problem, LocalFileDamaged)
        try:
            kept = start_empty(problem.path, problem.aside)
        except CalmdeskError as exc:
            self._show_error(str(exc))
            return
        self.outcome = f"Started an empty database; the damaged file is kept as {kept}"
        log.warning("%s", self.outcome)
        self.accept()

    def _show_error(self, message: str) -> None:
        self.error.setText(message)
        self.error.show()


def _sentence(text: str) -> str:
    text = text[:1].upper() + text[1:]
    return text if text.endswith(".") else f"{text}."


def _advice(problem: LocalFileProblem) -> str:
    if isinstance(problem, LocalFileLocked):
        return (
            "Close the program that holds it (another Calmdesk, a database browser, or a sync "
            "or backup tool), then choose Retry. Nothing has been changed."
        )
    assert isinstance(problem, LocalFileDamaged)
    kept = f"The damaged file is kept beside it as {problem.aside.name}, never deleted."
    if problem.backup is None:
        return (
            f"Start with an empty database, or quit and ask whoever looks after this computer "
            f"to recover the file. {kept}"
        )
    return (
        "Restore the last backup to carry on from it; work saved after "
        f"{problem.backup.when} is not in it. {kept}"
    )


def resolve_local_file(problem: LocalFileProblem, parent: QWidget | None = None) -> bool:
    """Ask what to do; True when the console should try to open the file again."""
    dialog = LocalFileDialog(problem, parent)
    accepted = dialog.exec() == QDialog.DialogCode.Accepted
    dialog.deleteLater()
    return accepted
