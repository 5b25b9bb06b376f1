"""The status page in the console: the dialog previews the page before the first publish, then
publishes it; the publisher re-publishes after a public update, shows a failure and retries."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from app.domain.errors import CalmdeskError, DatabaseUnavailable
from app.domain.status_update import Audience, UpdateBody
from app.services.context import ServiceContext
from app.services.status_page.settings import PageSettings, read_settings, save_settings
from app.services.war_room.dto import UpdateDraft
from app.services.war_room.status_updates import StatusUpdates
from tests.app.services.war_room.war_room_support import declare_outage
from ui.console_context import ConsoleContext
from ui.status_page.publisher import StatusPagePublisher
from ui.status_page.status_page_dialog import StatusPageDialog, open_status_page

PUBLIC = UpdateBody("Email is down for everyone.", "No mail.", "Restoring sign-in.", "", None, None)


def test_the_page_is_previewed_before_the_first_publish(
    qtbot: QtBot, console: ConsoleContext, sqlite_ctx: ServiceContext, tmp_path: Path
) -> None:
    outage = declare_outage(sqlite_ctx)
    StatusUpdates(sqlite_ctx).post(outage.incident.id, UpdateDraft(Audience.ALL_USERS, PUBLIC))
    dialog: StatusPageDialog = open_status_page(console, None)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.page is not None)
    text = dialog.preview.toPlainText()
    assert "Email down for all users" in text
    assert "Major outage" in text
    assert not dialog.publish_button.isEnabled()  # nowhere to publish yet
    site = tmp_path / "www"
    dialog.target.setFocus()
    qtbot.keyClicks(dialog.target, str(site))
    with qtbot.waitSignal(dialog.previewed):
        qtbot.mouseClick(dialog.preview_button, Qt.MouseButton.LeftButton)
    assert dialog.publish_button.isEnabled()
    assert not site.exists()  # a preview publishes nothing
    with qtbot.waitSignal(dialog.published):
        qtbot.mouseClick(dialog.publish_button, Qt.MouseButton.LeftButton)
    assert (site / "index.html").read_bytes() == dialog.page.file("index.html")  # type: ignore[union-attr]
    settings = read_settings(sqlite_ctx)
    assert settings.target == str(site)
    assert settings.first_published_at is not None
    assert dialog.status.text().startswith(f"Published to {site}.")


def test_an_address_changed_after_the_preview_must_be_previewed_again(
    qtbot: QtBot, console: ConsoleContext, sqlite_ctx: ServiceContext, tmp_path: Path
) -> None:
    declare_outage(sqlite_ctx)
    dialog: StatusPageDialog = open_status_page(console, None)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.page is not None)
    first, second = tmp_path / "first", tmp_path / "second"
    dialog.target.setFocus()
    qtbot.keyClicks(dialog.target, str(first))
    with qtbot.waitSignal(dialog.previewed):
        qtbot.mouseClick(dialog.preview_button, Qt.MouseButton.LeftButton)
    assert dialog.publish_button.isEnabled()
    dialog.target.selectAll()
    qtbot.keyClicks(dialog.target, str(second))  # a second thought, after the preview
    assert not dialog.publish_button.isEnabled()
    assert dialog.status.text() == "Changed: Preview again, then Publish."
    with qtbot.waitSignal(dialog.previewed):
        qtbot.mouseClick(dialog.preview_button, Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(dialog.published):
        qtbot.mouseClick(dialog.publish_button, Qt.MouseButton.LeftButton)
    assert (second / "index.html").is_file()
    assert not first.exists()


def test_a_public_update_is_republished_and_a_failure_is_retried(
    qtbot: QtBot, console: ConsoleContext, sqlite_ctx: ServiceContext, tmp_path: Path
) -> None:
    outage = declare_outage(sqlite_ctx)
    blocker = tmp_path / "www"
    blocker.write_text("a file where the folder should be")
    save_settings(sqlite_ctx, PageSettings(target=str(blocker / "status")))
    publisher = StatusPagePublisher(console)
    with qtbot.waitSignal(publisher.failed) as failed:
        publisher.start()
    assert "so status cannot be made in it" in str(failed.args[0])
    assert publisher.retry.isActive()
    assert publisher.retry.interval() == 10_000  # the first retry; then 30 s, 2 min, 5 min
    blocker.unlink()
    blocker.mkdir()  # the share is mounted again
    StatusUpdates(sqlite_ctx).post(outage.incident.id, UpdateDraft(Audience.ALL_USERS, PUBLIC))
    with qtbot.waitSignal(publisher.published):
        publisher.retry.timeout.emit()  # the retry's time has come
    assert not publisher.retry.isActive()
    page = (blocker / "status" / "index.html").read_text()
    assert "Email is down for everyone." in page
    # Another update: the hub reports it and the page follows.
    StatusUpdates(sqlite_ctx).post(
        outage.incident.id,
        UpdateDraft(
            Audience.ALL_USERS,
            UpdateBody("Mail is slowly coming back.", "Slow mail.", "Watching.", "", None, None),
        ),
    )
    with qtbot.waitSignal(publisher.published, timeout=10_000):
        console.hub.poll_now()
    assert "Mail is slowly coming back." in (blocker / "status" / "index.html").read_text()
    publisher.stop()


def test_a_database_that_cannot_be_read_is_not_told_twice_but_other_failures_are(
    qtbot: QtBot, console: ConsoleContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    publisher = StatusPagePublisher(console)
    told: list[str] = []
    publisher.failed.connect(told.append)
    problem: CalmdeskError = DatabaseUnavailable("Cannot use PostgreSQL: the server went away.")

    def fail(*, force: bool = False) -> None:
        raise problem

    monkeypatch.setattr(publisher.republisher, "publish_pending", fail)
    publisher.publish_now()
    assert told == []  # the console's offline line says it already
    assert publisher.retry.isActive()
    problem = CalmdeskError("The page template is broken.")
    publisher.publish_now()
    assert told == ["The status page could not be built: The page template is broken."]
    publisher.stop()
