"""Loading the sample (a bulk load) is not news: one summary at most, no banner for an old P1."""

from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from app.domain.notification_rules import NoticeKind
from ui.console_context import ConsoleContext
from ui.main_window import MainWindow
from ui.notifications import install_notifications


def test_loading_the_sample_makes_one_summary_and_no_banner_for_an_old_p1(
    qtbot: QtBot, console: ConsoleContext
) -> None:
    window = MainWindow(console)
    qtbot.addWidget(window)
    controller = install_notifications(window, console)
    window.show()
    with qtbot.waitSignal(window.queue_loaded):
        window.start()
    assert window.stack.currentWidget() is window.welcome
    with qtbot.waitSignal(controller.evaluated, timeout=20_000, check_params_cb=lambda n: n > 0):
        qtbot.mouseClick(window.welcome.sample_button, Qt.MouseButton.LeftButton)
    model = controller.centre.model
    assert model.rowCount() == 1
    summary = model.notice_at(0)
    assert summary.kind == NoticeKind.MANY_AT_ONCE
    assert summary.incident_id is None
    banner = controller.banner
    shown = banner.label.text() if banner.isVisible() else ""
    assert "INC" not in shown
    assert "New P1:" not in shown
