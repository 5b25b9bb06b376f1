"""The connection dialog: a local file or a team PostgreSQL server, with "Test connection".

Testing runs on the task runner, never on the UI thread. "Connect" tests too, and closes only on
success, so the console never switches to a database it cannot use. The password is handed to
the vault (the keyring when secure, else this session's memory); the dialog's URL never has it.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.adapters.secrets import PasswordVault
from app.bootstrap import os_login
from app.services.admin.connection_probe import ProbeResult, probe
from app.services.feed.watching import LiveMode
from app.settings import DB_FILE_NAME, Settings, save_live_updates
from ui.connection.connection_spec import CA_MODES, SSL_LABELS, SSL_MODES, ConnectionSpec
from ui.task_runner import TaskRunner

LIVE_UPDATE_LABELS = {
    LiveMode.AUTO: "Automatic: instant, or every second behind a pooler",
    LiveMode.LISTEN: "Instant (LISTEN): a direct connection to the server",
    LiveMode.POLL: "Every second: through a connection pooler (PgBouncer)",
}


class ConnectionDialog(QDialog):
    def __init__(
        self,
        current_url: str,
        default_file: str,
        vault: PasswordVault,
        runner: TaskRunner,
        parent: QWidget | None = None,
        *,
        message: str = "",
        live_updates: LiveMode = LiveMode.AUTO,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Connect to a database")
        self.setAccessibleName("Database connection")
        self._vault = vault
        self._runner = runner
        self._connecting = False
        self.chosen_url: str | None = None
        self.last_result: ProbeResult | None = None
        self._build(message)
        self._fill(ConnectionSpec.from_url(current_url, default_file))
        self.live_updates.setCurrentIndex(max(self.live_updates.findData(live_updates.value), 0))
        if self.password.isEnabled() and self.user.text() and not self.password.text():
            self.password.setFocus()

    # -- building ----------------------------------------------------------------------------

    def _build(self, message: str) -> None:
        self.problem_label = QLabel(message)
        self.problem_label.setAccessibleName("Why this dialog opened")
        self.problem_label.setWordWrap(True)
        self.problem_label.setVisible(bool(message))

        self.local_choice = QRadioButton("&This computer only: a database file")
        self.local_choice.setAccessibleName("Local file")
        self.server_choice = QRadioButton("A &team database on a PostgreSQL server")
        self.server_choice.setAccessibleName("Team database")
        choices = QButtonGroup(self)
        for button in (self.local_choice, self.server_choice):
            choices.addButton(button)

        self.file = QLineEdit()
        self.file.setAccessibleName("Database file")
        browse = QPushButton("&Browse…")
        browse.clicked.connect(self._on_browse_clicked)
        file_row = QHBoxLayout()
        file_row.addWidget(self.file, 1)
        file_row.addWidget(browse)
        self.local_box = QGroupBox("Local file")
        QFormLayout(self.local_box).addRow("File:", file_row)

        self.host = self._line("Server")
        self.host.setPlaceholderText("db.example.com")
        self.port = QSpinBox()
        self.port.setRange(1, 65535)
        self.port.setAccessibleName("Port")
        self.database = self._line("Database name")
        self.user = self._line("User name")
        self.password = self._line("Password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.remember = QCheckBox("&Remember the password in this computer's keyring")
        self.remember.setAccessibleName("Remember the password")
        self.keyring_note = QLabel()
        self.keyring_note.setAccessibleName("Where the password is kept")
        self.keyring_note.setWordWrap(True)
        self.ssl_mode = QComboBox()
        self.ssl_mode.setAccessibleName("Encryption (SSL mode)")
        for mode in SSL_MODES:
            self.ssl_mode.addItem(SSL_LABELS[mode], mode)
        self.ca_file = self._line("CA certificate file")
        self.ca_file.setPlaceholderText("the certificate authority's file (.pem, .crt)")
        self.ca_browse = QPushButton("Br&owse…")
        self.ca_browse.clicked.connect(self._on_ca_browse_clicked)
        ca_row = QHBoxLayout()
        ca_row.addWidget(self.ca_file, 1)
        ca_row.addWidget(self.ca_browse)

        self.live_updates = QComboBox()
        self.live_updates.setAccessibleName("Live updates")
        for mode, label in LIVE_UPDATE_LABELS.items():
            self.live_updates.addItem(label, mode.value)
        self.live_updates.setToolTip(
            "Behind PgBouncer in transaction mode, LISTEN does not reach this console: "
            "choose 'every second' (Calmdesk also notices a pooler by itself)."
        )

        self.server_box = QGroupBox("Team database")
        form = QFormLayout(self.server_box)
        form.addRow("&Server:", self.host)
        form.addRow("&Port:", self.port)
        form.addRow("&Database:", self.database)
        form.addRow("&User:", self.user)
        form.addRow("Pass&word:", self.password)
        form.addRow("", self.remember)
        form.addRow("", self.keyring_note)
        form.addRow("&Encryption:", self.ssl_mode)
        form.addRow("&CA file:", ca_row)
        form.addRow("&Live updates:", self.live_updates)

        self.test_button = QPushButton("&Test connection")
        self.test_button.setAccessibleName("Test connection")
        self.result_label = QLabel("")
        self.result_label.setAccessibleName("Connection test result")
        self.result_label.setWordWrap(True)
        self.result_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.connect_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.connect_button.setText("&Connect")
        self.connect_button.setAccessibleName("Connect")

        layout = QVBoxLayout(self)
        layout.addWidget(self.problem_label)
        layout.addWidget(self.local_choice)
        layout.addWidget(self.server_choice)
        layout.addWidget(self.local_box)
        layout.addWidget(self.server_box)
        row = QHBoxLayout()
        row.addWidget(self.test_button)
        row.addStretch(1)
        layout.addLayout(row)
        layout.addWidget(self.result_label)
        layout.addWidget(self.buttons)

        self.local_choice.toggled.connect(self._on_choice_toggled)
        self.ssl_mode.currentIndexChanged.connect(self._on_ssl_mode_changed)
        self.test_button.clicked.connect(self._on_test_clicked)
        self.buttons.accepted.connect(self._on_connect_clicked)
        self.buttons.rejected.connect(self.reject)
        self._show_keyring_status()

    def _line(self, name: str) -> QLineEdit:
        line = QLineEdit()
        line.setAccessibleName(name)
        return line

    def _fill(self, spec: ConnectionSpec) -> None:
        self.local_choice.setChecked(spec.local)
        self.server_choice.setChecked(not spec.local)
        self.file.setText(spec.file)
        self.host.setText(spec.host)
        self.port.setValue(spec.port)
        self.database.setText(spec.database)
        self.user.setText(spec.user)
        index = self.ssl_mode.findData(spec.ssl_mode)
        self.ssl_mode.setCurrentIndex(max(index, 0))
        self.ca_file.setText(spec.ca_file)
        if not spec.local:
            self.password.setText(self._vault.password_for(spec.url()) or "")
        self._on_choice_toggled()
        self._on_ssl_mode_changed()

    def _show_keyring_status(self) -> None:
        status = self._vault.status
        self.remember.setEnabled(status.secure)
        self.remember.setChecked(status.secure)
        if status.secure:
            self.keyring_note.setText(
                "The password is kept in the system keyring, never in a file."
            )
        else:
            self.keyring_note.setText(f"Not remembered: {status.reason}.")

    # -- reading -----------------------------------------------------------------------------

    def chosen_live_updates(self) -> LiveMode:
        return LiveMode(str(self.live_updates.currentData()))

    def spec(self) -> ConnectionSpec:
        return ConnectionSpec(
            local=self.local_choice.isChecked(),
            file=self.file.text().strip(),
            host=self.host.text().strip(),
            port=self.port.value(),
            database=self.database.text().strip(),
            user=self.user.text().strip(),
            ssl_mode=str(self.ssl_mode.currentData()),
            ca_file=self.ca_file.text().strip(),
        )

    # -- slots -------------------------------------------------------------------------------

    def _on_choice_toggled(self, _checked: bool = False) -> None:
        local = self.local_choice.isChecked()
        self.local_box.setVisible(local)
        self.server_box.setVisible(not local)

    def _on_ssl_mode_changed(self, _index: int = 0) -> None:
        needs_ca = self.ssl_mode.currentData() in CA_MODES
        self.ca_file.setEnabled(needs_ca)
        self.ca_browse.setEnabled(needs_ca)

    def _on_browse_clicked(self) -> None:
        path, _filter = QFileDialog.getSaveFileName(
            self,
            "Database file",
            self.file.text(),
            "Calmdesk database (*.sqlite3);;All files (*)",
            options=QFileDialog.Option.DontConfirmOverwrite,
        )
        if path:
            self.file.setText(path)

    def _on_ca_browse_clicked(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(
            self, "CA certificate", self.ca_file.text(), "Certificates (*.pem *.crt);;All (*)"
        )
        if path:
            self.ca_file.setText(path)

    def _on_test_clicked(self) -> None:
        self._test(connect_after=False)

    def _on_connect_clicked(self) -> None:
        self._test(connect_after=True)

    def _test(self, *, connect_after: bool) -> None:
        spec = self.spec()
        problem = spec.problem()
        if problem is not None:
            self._show_result(f"✗ {problem}", ok=False)
            return
        url, password = spec.url(), self.password.text() if not spec.local else ""
        self._set_busy(True)
        self.result_label.setText("Testing the connection…")

        def done(result: ProbeResult) -> None:
            self._set_busy(False)
            self.last_result = result
            self._show_result("\n".join(result.lines), ok=result.ok)
            if result.ok and connect_after:
                self._accept(url, password)

        def failed(exc: Exception) -> None:
            self._set_busy(False)
            self._show_result(f"✗ {exc}", ok=False)

        user = os_login()
        self._runner.submit(lambda: probe(url, password or None, user), done, failed)

    def _accept(self, url: str, password: str) -> None:
        if not self.remember.isChecked():
            self._vault.forget(url)  # unticked: take back a password saved before
        if password:
            self._vault.remember(url, password, save=self.remember.isChecked())
        self.chosen_url = url
        self.accept()

    def _set_busy(self, busy: bool) -> None:
        for widget in (self.test_button, self.connect_button):
            widget.setEnabled(not busy)

    def _show_result(self, text: str, *, ok: bool) -> None:
        self.result_label.setText(text)
        self.result_label.setProperty("ok", ok)


def choose_database(
    settings: Settings,
    vault: PasswordVault,
    runner: TaskRunner,
    parent: QWidget | None = None,
    *,
    message: str = "",
) -> str | None:
    """Show the dialog; the URL to switch to (tested, without the password), or None."""
    default_file = str(settings.data_dir / DB_FILE_NAME)
    dialog = ConnectionDialog(
        settings.db_url,
        default_file,
        vault,
        runner,
        parent,
        message=message,
        live_updates=settings.live_updates,
    )
    accepted = dialog.exec() == QDialog.DialogCode.Accepted
    if accepted and dialog.chosen_url is not None:
        save_live_updates(settings, dialog.chosen_live_updates())
    return dialog.chosen_url if accepted else None
