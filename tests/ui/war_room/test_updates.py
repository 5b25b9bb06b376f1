"""Status updates from the war room: compose, preview, post (the countdown resets), then copy,
e-mail or send to chat. Chat delivery goes to a real HTTP server; when it fails, the update is
kept, the reason shown, and Retry sends it again."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QGuiApplication
from pytestqt.qtbot import QtBot

from app.adapters.webhooks import RetryPolicy
from app.domain.clock import ManualClock
from app.services.context import ServiceContext
from app.services.war_room.status_updates import StatusUpdates
from tests.app.adapters.webhook_server import WebhookServer
from ui.war_room import WarRoomWindow

FAST = RetryPolicy(timeout=2.0, attempts=2, backoff=0.0)


def write_config(calmdesk_home: Path, body: str) -> Path:
    path = calmdesk_home / "config" / "war-room.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(body, encoding="utf-8")
    return path


def type_update(qtbot: QtBot, war_room: WarRoomWindow) -> None:
    composer = war_room.panels.composer
    for name, text in (
        ("what_happened", "Email is down for everyone since 8:05."),
        ("current_impact", "Nobody can send or receive mail."),
        ("actions", "Microsoft is restoring sign-in."),
    ):
        composer.fields[name].clear()
        qtbot.keyClicks(composer.fields[name], text)


def post(qtbot: QtBot, war_room: WarRoomWindow) -> None:
    with qtbot.waitSignal(war_room.snapshot_applied):
        qtbot.mouseClick(war_room.panels.composer.post_button, Qt.MouseButton.LeftButton)


def test_the_composer_starts_from_the_template_and_previews_it(war_room: WarRoomWindow) -> None:
    composer = war_room.panels.composer
    assert composer.accessibleName() == "Status update composer"
    assert composer.audience.currentText() == "All users"
    assert composer.fields["what_happened"].toPlainText() == "Email down for all users"
    assert composer.fields["current_impact"].toPlainText() == "Email: major outage"
    preview = composer.preview.toPlainText()
    assert preview.startswith(f"[Update 1] {war_room.snapshot.incident.number}: Email down")  # type: ignore[union-attr]
    assert "Current impact:\nEmail: major outage" in preview
    assert "Next update: by " in preview
    assert not composer.copy_button.isEnabled()  # nothing posted yet


def test_posting_an_update_resets_the_overdue_countdown(
    qtbot: QtBot, war_room: WarRoomWindow, clock: ManualClock
) -> None:
    countdown = war_room.header.countdown
    clock.advance(timedelta(minutes=34))
    war_room.controller.tick()
    assert countdown.text() == "Update overdue 04:00"
    type_update(qtbot, war_room)
    assert "Microsoft is restoring sign-in." in war_room.panels.composer.preview.toPlainText()
    post(qtbot, war_room)
    assert countdown.text() == "Next update in 30:00"
    assert not countdown.overdue
    history = war_room.panels.history
    assert history.model.rowCount() == 1
    assert history.model.index(0, 4).data() == "Email is down for everyone since 8:05."
    assert war_room.panels.composer.sending.text() == "Send update 1:"
    assert war_room.panels.callers.message.text().startswith("Email is down for everyone")
    # The composer now carries this update forward, ready for the next one.
    assert war_room.panels.composer.fields["actions"].toPlainText() == (
        "Microsoft is restoring sign-in."
    )
    assert war_room.statusBar().currentMessage().startswith("Update 1 posted; next update due by")


def test_ctrl_enter_posts(qtbot: QtBot, war_room: WarRoomWindow) -> None:
    war_room.activateWindow()
    qtbot.waitUntil(war_room.isActiveWindow)
    composer = war_room.panels.composer
    composer.fields["actions"].setFocus()
    qtbot.keyClicks(composer.fields["actions"], "Vendor engaged.")
    with qtbot.waitSignal(war_room.snapshot_applied):
        qtbot.keyClick(
            composer.fields["actions"], Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier
        )
    assert war_room.panels.history.model.rowCount() == 1


def test_a_refused_update_says_why_and_keeps_the_text(
    qtbot: QtBot, war_room: WarRoomWindow
) -> None:
    war_room.activateWindow()
    qtbot.waitUntil(war_room.isActiveWindow)
    composer = war_room.panels.composer
    composer.fields["current_impact"].clear()
    qtbot.keyClicks(composer.fields["actions"], "typed and kept")
    with qtbot.waitSignal(war_room.operations.failed):
        qtbot.mouseClick(composer.post_button, Qt.MouseButton.LeftButton)
    assert "Say who is affected now" in war_room.panels.banner.message.text()
    assert composer.fields["actions"].toPlainText().endswith("typed and kept")
    assert composer.fields["current_impact"].hasFocus()  # the field to fix
    assert war_room.panels.history.model.rowCount() == 0


def test_copy_puts_the_posted_update_on_the_clipboard(
    qtbot: QtBot, war_room: WarRoomWindow
) -> None:
    type_update(qtbot, war_room)
    post(qtbot, war_room)
    qtbot.mouseClick(war_room.panels.composer.copy_button, Qt.MouseButton.LeftButton)
    copied = QGuiApplication.clipboard().text()
    assert copied == war_room.snapshot.updates[0].text  # type: ignore[union-attr]
    assert "What happened:\nEmail is down for everyone since 8:05." in copied


def test_email_opens_a_mailto_to_the_distribution_list(
    qtbot: QtBot, war_room: WarRoomWindow, calmdesk_home: Path
) -> None:
    write_config(calmdesk_home, '[mail]\nall_users = ["all-staff@example.com"]\n')
    opened: list[QUrl] = []
    war_room.operations.open_url = lambda url: opened.append(url) or True
    type_update(qtbot, war_room)
    post(qtbot, war_room)
    with qtbot.waitSignal(war_room.operations.finished):
        qtbot.mouseClick(war_room.panels.composer.mail_button, Qt.MouseButton.LeftButton)
    (url,) = opened
    parts = urlsplit(url.toString(QUrl.ComponentFormattingOption.FullyEncoded))
    assert parts.scheme == "mailto"
    assert parts.path == "all-staff@example.com"
    query = parse_qs(parts.query)
    update = war_room.snapshot.updates[0]  # type: ignore[union-attr]
    assert query["subject"] == [update.subject]
    assert query["body"] == [update.text.replace("\n", "\r\n")]


def test_the_webhook_button_posts_slack_json_to_the_configured_url(
    qtbot: QtBot, war_room: WarRoomWindow, calmdesk_home: Path
) -> None:
    with WebhookServer() as server:
        write_config(
            calmdesk_home,
            f'[[webhook]]\nname = "Slack #major"\nurl = "{server.url("/slack")}"\n',
        )
        type_update(qtbot, war_room)
        post(qtbot, war_room)
        with qtbot.waitSignal(war_room.snapshot_applied):
            qtbot.mouseClick(war_room.panels.composer.webhook_button, Qt.MouseButton.LeftButton)
    (received,) = server.requests
    update = war_room.snapshot.updates[0]  # type: ignore[union-attr]
    assert received.json["text"] == update.text
    assert received.json["blocks"][0]["text"]["text"] == update.subject
    assert war_room.panels.composer.delivery.text() == "Sent to Slack #major."
    assert not war_room.panels.composer.retry_button.isVisible()
    assert war_room.panels.timeline.model.row_at(0).summary == "Update 1 sent to Slack #major"


def test_a_failed_webhook_keeps_the_update_says_why_and_retries(
    qtbot: QtBot, war_room: WarRoomWindow, calmdesk_home: Path, sqlite_ctx: ServiceContext
) -> None:
    composer = war_room.panels.composer
    with WebhookServer(default=503) as server:
        config = write_config(
            calmdesk_home,
            f'[[webhook]]\nname = "Teams IT"\nurl = "{server.url("/teams")}"\nformat = "teams"\n',
        )
        war_room.operations.updates = StatusUpdates(
            war_room.operations.updates._ctx,
            config,
            FAST,  # a faster retry policy for tests
        )
        type_update(qtbot, war_room)
        post(qtbot, war_room)
        with qtbot.waitSignal(war_room.snapshot_applied):
            qtbot.mouseClick(composer.webhook_button, Qt.MouseButton.LeftButton)
        assert "Not sent to Teams IT" in composer.delivery.text()
        assert "HTTP 503" in composer.delivery.text()
        assert "The update itself is saved" in composer.delivery.text()
        assert composer.retry_button.isVisible()
        assert war_room.panels.history.model.rowCount() == 1  # never lost
        server.set_default(200)
        with qtbot.waitSignal(war_room.snapshot_applied):
            qtbot.mouseClick(composer.retry_button, Qt.MouseButton.LeftButton)
    assert composer.delivery.text() == "Sent to Teams IT."
    assert not composer.retry_button.isVisible()
    assert len(server.requests) == 3  # two failed attempts, then the retry
    card = server.requests[-1].json["attachments"][0]["content"]
    assert card["type"] == "AdaptiveCard"


def test_with_no_webhook_set_up_the_button_says_where_to_add_one(
    qtbot: QtBot, war_room: WarRoomWindow
) -> None:
    type_update(qtbot, war_room)
    post(qtbot, war_room)
    with qtbot.waitSignal(war_room.operations.finished):
        qtbot.mouseClick(war_room.panels.composer.webhook_button, Qt.MouseButton.LeftButton)
    text = war_room.panels.composer.delivery.text()
    assert text.startswith("No webhook is set up for this audience: add one to ")
    assert "war-room.toml" in text
