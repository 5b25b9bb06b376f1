"""The connection dialog, driven like a person would: type, pick, click "Test connection" and
"Connect". The test runs against the real PostgreSQL server; passwords go to a real keyring."""

from __future__ import annotations

import json
from pathlib import Path

import keyring
from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtWidgets import QApplication, QRadioButton
from pytestqt.qtbot import QtBot
from sqlalchemy import make_url

from app.adapters.secrets import SERVICE, PasswordVault, account_for
from app.db.live_mode import LiveMode
from app.settings import load_settings, save_db_url
from ui.connection.connection_dialog import ConnectionDialog, choose_database
from ui.connection.connection_spec import ConnectionSpec
from ui.task_runner import TaskRunner

SECRET = "Tr0ub4dor&3-not-in-files"


def _dialog(qtbot: QtBot, url: str, vault: PasswordVault | None = None) -> ConnectionDialog:
    dialog = ConnectionDialog(
        url, "/tmp/unused.sqlite3", vault or PasswordVault(), TaskRunner(synchronous=True)
    )
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def _fill_server(qtbot: QtBot, dialog: ConnectionDialog, url: str, password: str = "") -> None:
    parsed = make_url(url)
    _choose(qtbot, dialog.server_choice)
    for field, value in (
        (dialog.host, parsed.host or ""),
        (dialog.database, parsed.database or ""),
        (dialog.user, parsed.username or ""),
        (dialog.password, password),
    ):
        field.clear()
        qtbot.keyClicks(field, value)
    dialog.port.setValue(parsed.port or 5432)


def _choose(qtbot: QtBot, button: QRadioButton) -> None:
    """Click the radio button's round indicator, at its left edge."""
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton, pos=QPoint(6, button.height() // 2))
    assert button.isChecked()


def test_a_team_server_is_tested_and_the_checks_are_listed(qtbot: QtBot, postgres_url: str) -> None:
    dialog = _dialog(qtbot, "sqlite:////tmp/unused.sqlite3")
    _fill_server(qtbot, dialog, postgres_url)
    qtbot.mouseClick(dialog.test_button, Qt.MouseButton.LeftButton)
    result = dialog.result_label.text()
    assert "answers" in result
    assert "Signed in to the database" in result
    assert "Empty" in result  # a fresh database: no schema yet
    assert "A direct connection: changes from other consoles arrive at once" in result
    assert dialog.last_result is not None
    assert dialog.last_result.ok
    assert dialog.isVisible()  # testing never closes the dialog


def test_an_unreachable_server_says_so_and_stays_open(qtbot: QtBot) -> None:
    dialog = _dialog(qtbot, "sqlite:////tmp/unused.sqlite3")
    _fill_server(qtbot, dialog, "postgresql://nobody@127.0.0.1:1/none")
    qtbot.mouseClick(dialog.connect_button, Qt.MouseButton.LeftButton)
    assert "Cannot reach" in dialog.result_label.text()
    assert dialog.isVisible()
    assert dialog.chosen_url is None


def test_verify_full_asks_for_the_ca_file(qtbot: QtBot, tmp_path: Path) -> None:
    dialog = _dialog(qtbot, "postgresql+psycopg://pat@db.example.com/calmdesk")
    dialog.ssl_mode.setCurrentIndex(dialog.ssl_mode.findData("verify-full"))
    assert dialog.ca_file.isEnabled()
    qtbot.mouseClick(dialog.test_button, Qt.MouseButton.LeftButton)
    assert "CA certificate file" in dialog.result_label.text()
    qtbot.keyClicks(dialog.ca_file, str(tmp_path / "missing.pem"))
    qtbot.mouseClick(dialog.test_button, Qt.MouseButton.LeftButton)
    assert "does not exist" in dialog.result_label.text()
    ca = tmp_path / "ca.pem"
    ca.write_text("-----BEGIN CERTIFICATE-----\n", encoding="utf-8")
    dialog.ca_file.clear()
    qtbot.keyClicks(dialog.ca_file, str(ca))
    url = make_url(dialog.spec().url())
    assert url.query == {"sslmode": "verify-full", "sslrootcert": str(ca)}
    assert ConnectionSpec.from_url(dialog.spec().url(), "/tmp/unused.sqlite3") == dialog.spec()


def test_without_a_secure_keyring_the_password_is_not_offered_for_saving(qtbot: QtBot) -> None:
    dialog = _dialog(qtbot, "postgresql+psycopg://pat@db.example.com/calmdesk")
    assert not dialog.remember.isEnabled()
    assert not dialog.remember.isChecked()
    assert "asks for the password each session" in dialog.keyring_note.text()
    assert dialog.password.hasFocus() or dialog.focusWidget() is dialog.password


def test_connect_keeps_the_password_in_the_keyring_and_out_of_the_url_and_settings(
    qtbot: QtBot, postgres_url: str, file_keyring: Path
) -> None:
    vault = PasswordVault()
    assert vault.status.secure, vault.status
    dialog = _dialog(qtbot, "sqlite:////tmp/unused.sqlite3", vault)
    _fill_server(qtbot, dialog, postgres_url, SECRET)
    assert dialog.remember.isChecked()
    with qtbot.waitSignal(dialog.accepted):
        qtbot.mouseClick(dialog.connect_button, Qt.MouseButton.LeftButton)
    url = dialog.chosen_url
    assert url is not None
    assert SECRET not in url
    assert make_url(url).password is None
    # Through the configured backend, and a fresh vault (a new session) finds it there.
    assert keyring.core.load_env().get_password(SERVICE, account_for(url)) == SECRET
    assert PasswordVault().password_for(url) == SECRET
    settings = load_settings()
    save_db_url(settings, url)
    saved = json.loads(settings.config_file.read_text(encoding="utf-8"))
    assert make_url(saved["db_url"]).username == make_url(postgres_url).username
    assert SECRET not in settings.config_file.read_text(encoding="utf-8")
    # A new dialog on the same URL offers the remembered password.
    assert _dialog(qtbot, url).password.text() == SECRET


def test_unticking_remember_takes_the_password_back_out_of_the_keyring(
    qtbot: QtBot, postgres_url: str, file_keyring: Path
) -> None:
    vault = PasswordVault()
    dialog = _dialog(qtbot, "sqlite:////tmp/unused.sqlite3", vault)
    _fill_server(qtbot, dialog, postgres_url, SECRET)
    with qtbot.waitSignal(dialog.accepted):
        qtbot.mouseClick(dialog.connect_button, Qt.MouseButton.LeftButton)
    url = dialog.chosen_url
    assert url is not None
    again = _dialog(qtbot, url, vault)
    again.remember.setChecked(False)
    with qtbot.waitSignal(again.accepted):
        qtbot.mouseClick(again.connect_button, Qt.MouseButton.LeftButton)
    assert PasswordVault().password_for(url) is None  # gone from the keyring
    assert vault.password_for(url) == SECRET  # but kept for this session


def test_a_local_file_is_chosen_without_a_server(qtbot: QtBot, tmp_path: Path) -> None:
    dialog = _dialog(qtbot, "postgresql+psycopg://pat@db.example.com/calmdesk")
    _choose(qtbot, dialog.local_choice)
    assert dialog.local_box.isVisible()
    assert not dialog.server_box.isVisible()
    (tmp_path / "team").mkdir()
    dialog.file.clear()
    qtbot.keyClicks(dialog.file, str(tmp_path / "team" / "calmdesk.sqlite3"))
    with qtbot.waitSignal(dialog.accepted):
        qtbot.mouseClick(dialog.connect_button, Qt.MouseButton.LeftButton)
    assert dialog.chosen_url == f"sqlite:///{(tmp_path / 'team' / 'calmdesk.sqlite3').as_posix()}"
    assert "new file" in dialog.result_label.text()


def test_a_local_file_in_a_folder_that_does_not_exist_is_refused(
    qtbot: QtBot, tmp_path: Path
) -> None:
    dialog = _dialog(qtbot, "postgresql+psycopg://pat@db.example.com/calmdesk")
    _choose(qtbot, dialog.local_choice)
    dialog.file.clear()
    qtbot.keyClicks(dialog.file, str(tmp_path / "tema" / "calmdesk.sqlite3"))  # a typo
    qtbot.mouseClick(dialog.connect_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "no such folder" in dialog.result_label.text())
    assert dialog.chosen_url is None
    assert not (tmp_path / "tema").exists()


def test_behind_pgbouncer_the_test_says_so_and_every_second_is_remembered(
    qtbot: QtBot, pgbouncer_url: str
) -> None:
    """The administrator's choice for a desk behind a pooler: "Every second" is kept in the
    settings with the database, and the console's watcher then never LISTENs."""
    seen: list[str] = []

    def drive() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, ConnectionDialog):
            QTimer.singleShot(10, drive)
            return
        _fill_server(qtbot, dialog, pgbouncer_url)
        qtbot.mouseClick(dialog.test_button, Qt.MouseButton.LeftButton)
        seen.append(dialog.result_label.text())
        dialog.live_updates.setCurrentIndex(dialog.live_updates.findData(LiveMode.POLL.value))
        qtbot.mouseClick(dialog.connect_button, Qt.MouseButton.LeftButton)

    QTimer.singleShot(0, drive)
    url = choose_database(load_settings(), PasswordVault(), TaskRunner(synchronous=True))
    assert url is not None
    assert "Through a connection pooler" in seen[0]
    settings = load_settings()
    assert settings.live_updates is LiveMode.POLL
    save_db_url(settings, url)  # what the console does next keeps the choice
    assert load_settings().live_updates is LiveMode.POLL
    assert load_settings().db_url == url
