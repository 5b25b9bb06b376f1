"""The resolution summary: what fixed it, the final update, whether the children go with it,
the callers still owed a callback, and notes for the review. One button resolves it all."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QObject, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QListView,
    QPlainTextEdit,
    QWidget,
)

from app.domain.status_update import Audience, UpdateBody, local_clock
from app.services.calls.dto import CallRow
from app.services.war_room.dto import ResolutionDraft, WarRoomSnapshot
from ui.model_index import ModelIndex


def callback_line(call: CallRow) -> str:
    number = call.callback_number or "no number given"
    what = f" ({call.symptom})" if call.symptom else ""
    return f"{call.caller or 'Unnamed caller'}: {number}, called {local_clock(call.at)}{what}"


class CallbackListModel(QAbstractListModel):
    """Callers who asked to be called back, oldest first."""

    def __init__(self, calls: Sequence[CallRow], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._calls = sorted(calls, key=lambda c: (c.at, c.id))

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._calls)

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.parent().isValid() or index.row() >= len(self._calls):
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return callback_line(self._calls[index.row()])
        return None


def _text(value: str, name: str, lines: int = 2) -> QPlainTextEdit:
    edit = QPlainTextEdit(value)
    edit.setAccessibleName(name)
    edit.setTabChangesFocus(True)
    edit.setFixedHeight(edit.fontMetrics().lineSpacing() * lines + 12)
    return edit


class ResolveDialog(QDialog):
    def __init__(self, snapshot: WarRoomSnapshot, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        incident = snapshot.incident
        self.setWindowTitle(f"Resolve {incident.number}")
        self.setAccessibleName("Resolve the major incident")
        services = ", ".join(s.name for s in snapshot.services) or "the service"
        self.resolution = _text("", "Resolution", 3)
        self.resolution.setPlaceholderText("What fixed it, in a sentence or two")
        self.what_happened = _text(f"{services} is working again.", "Final update: what happened")
        self.impact = _text("None: everyone can work normally again.", "Final update: impact")
        self.what_we_did = _text("", "Final update: what we did")
        self.what_we_did.setPlaceholderText("Filled from the resolution when left empty")
        self.audience = QComboBox()
        self.audience.setAccessibleName("Final update audience")
        for audience in Audience:
            self.audience.addItem(audience.label, audience.value)
        self.audience.setCurrentIndex(self.audience.findData(Audience.ALL_USERS.value))
        open_children = snapshot.open_children
        self.resolve_children = QCheckBox(
            f"Also resolve the {len(open_children)} open child incident"
            f"{'s' if len(open_children) != 1 else ''} with the same resolution"
        )
        self.resolve_children.setAccessibleName("Resolve the child incidents too")
        self.resolve_children.setChecked(bool(open_children))
        self.resolve_children.setEnabled(bool(open_children))
        self.callbacks = CallbackListModel(snapshot.callbacks_pending, self)
        self.callback_list = QListView()
        self.callback_list.setModel(self.callbacks)
        self.callback_list.setAccessibleName("Callers waiting for a callback")
        self.callback_list.setMaximumHeight(110)
        self.cause = _text("", "Suspected cause")
        self.follow_ups = _text("", "Follow-ups for the review")
        form = QFormLayout(self)
        form.addRow(QLabel(f"<b>{incident.number}</b> · {incident.title}"))
        form.addRow("&Resolution", self.resolution)
        form.addRow(QLabel("<b>Final update</b> (stops the countdown)"))
        form.addRow("Audience", self.audience)
        form.addRow("What happened", self.what_happened)
        form.addRow("Impact now", self.impact)
        form.addRow("What we did", self.what_we_did)
        form.addRow(self.resolve_children)
        waiting = self.callbacks.rowCount()
        form.addRow(
            QLabel(
                f"<b>{waiting} caller{'s' if waiting != 1 else ''} asked for a callback</b>"
                " (they stay on the callback list until called)"
                if waiting
                else "No caller is waiting for a callback."
            )
        )
        if waiting:
            form.addRow(self.callback_list)
        form.addRow(QLabel("<b>For the post-incident review</b> (optional)"))
        form.addRow("Suspected &cause", self.cause)
        form.addRow("&Follow-ups", self.follow_ups)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, parent=self
        )
        self.ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText("Resolve major incident")
        self.ok.setEnabled(False)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.resolution.textChanged.connect(self._on_resolution_changed)
        self.resize(620, 640)

    def _on_resolution_changed(self) -> None:
        self.ok.setEnabled(bool(self.resolution.toPlainText().strip()))

    def draft(self) -> ResolutionDraft:
        resolution = self.resolution.toPlainText().strip()
        return ResolutionDraft(
            resolution=resolution,
            final_update=UpdateBody(
                what_happened=self.what_happened.toPlainText(),
                current_impact=self.impact.toPlainText(),
                actions=self.what_we_did.toPlainText().strip() or resolution,
                workaround="",
                eta=None,
                next_update_at=None,
            ),
            audience=Audience(self.audience.currentData()),
            resolve_children=self.resolve_children.isChecked(),
            cause=self.cause.toPlainText(),
            follow_ups=self.follow_ups.toPlainText(),
        )
