"""Start a drill: which runbook to rehearse and which scripted outage to play."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QLabel,
    QPushButton,
    QWidget,
)

from app.adapters.drill_scripts import ScriptSource, script_file
from app.domain.drill_script import DrillScript, DrillScriptError
from app.domain.runbook import Runbook


class StartDrillDialog(QDialog):
    def __init__(
        self,
        runbooks: Sequence[Runbook],
        scripts: Sequence[tuple[ScriptSource, DrillScript]],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Start a drill")
        self.setAccessibleName("Start a drill")
        self._runbooks = {book.key: book for book in runbooks}
        self._scripts: list[tuple[ScriptSource, DrillScript]] = list(scripts)
        self.script = QComboBox(self)
        self.script.setAccessibleName("Drill script")
        self.runbook = QComboBox(self)
        self.runbook.setAccessibleName("Runbook to rehearse")
        for book in runbooks:
            self.runbook.addItem(f"{book.title} ({len(book.items)} steps)", book.key)
        self.from_file = QPushButton("From a &file…", self)
        self.from_file.clicked.connect(self._on_from_file_clicked)
        self.summary = QLabel(self)
        self.summary.setWordWrap(True)
        self.error = QLabel(self)
        self.error.setWordWrap(True)
        self.error.setAccessibleName("Drill script problem")
        self.error.setStyleSheet("color: #c62828;")
        self.error.hide()
        form = QFormLayout(self)
        form.addRow(
            QLabel(
                "A drill plays a scripted outage on this console's clock: calls arrive, a vendor "
                "answers late, something changes the plan. Everything it makes is marked DRILL "
                "and left out of reports and exports. Every workstation sees the banner."
            )
        )
        form.addRow("Drill &script", self.script)
        form.addRow("", self.from_file)
        form.addRow(self.summary)
        form.addRow("&Runbook", self.runbook)
        form.addRow(self.error)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, parent=self
        )
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText("Start the drill")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        form.addRow(self.buttons)
        self.script.currentIndexChanged.connect(self._on_script_current_index_changed)
        self._fill_scripts(0)

    def _fill_scripts(self, selected: int) -> None:
        self.script.blockSignals(True)
        self.script.clear()
        for _source, script in self._scripts:
            self.script.addItem(script.title)
        self.script.blockSignals(False)
        self.script.setCurrentIndex(selected)
        self._on_script_current_index_changed(selected)

    def _on_script_current_index_changed(self, index: int) -> None:
        if not 0 <= index < len(self._scripts):
            return
        script = self._scripts[index][1]
        calls = len(script.calls)
        self.summary.setText(
            f"{calls} calls and {len(script.events) - calls} other events over "
            f"{int(script.length.total_seconds() // 60)} minutes. First report: "
            f"{script.incident.title}."
        )
        position = self.runbook.findData(script.runbook)
        if position >= 0:
            self.runbook.setCurrentIndex(position)

    def _on_from_file_clicked(self) -> None:
        path, _chosen = QFileDialog.getOpenFileName(
            self, "Open a drill script", "", "Drill scripts (*.toml)"
        )
        if path:
            self.load_file(Path(path))

    def load_file(self, path: Path) -> bool:
        """Add a script from a file and choose it; a broken file is named, with its line."""
        try:
            source = script_file(path)
        except DrillScriptError as exc:
            self.error.setText(str(exc))
            self.error.show()
            return False
        self.error.hide()
        self._scripts.append((source, source.parse()))
        self._fill_scripts(len(self._scripts) - 1)
        return True

    def chosen(self) -> tuple[ScriptSource, Runbook]:
        source = self._scripts[self.script.currentIndex()][0]
        return source, self._runbooks[str(self.runbook.currentData())]
