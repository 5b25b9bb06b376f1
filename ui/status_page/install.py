"""The status page in the main window: Supervisor > Public status page…, and the publisher that
keeps the published page current while the console is open."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QWidget

from ui.console_context import ConsoleContext
from ui.status_page.publisher import StatusPagePublisher
from ui.status_page.status_page_dialog import StatusPageDialog, open_status_page


class StatusPageActions(QObject):
    def __init__(
        self,
        context: ConsoleContext,
        window: QWidget,
        menu: QMenu,
        on_message: Callable[[str], None],
    ) -> None:
        super().__init__(window)
        self._ctx = context
        self._window = window
        self.dialog: StatusPageDialog | None = None
        self.action = QAction("Public status &page…", window)
        self.action.setToolTip("Preview and publish the public status page; choose where it goes")
        self.action.triggered.connect(self.open)
        menu.addAction(self.action)
        self.publisher = StatusPagePublisher(context, self)
        self.publisher.failed.connect(on_message)
        self.publisher.published.connect(
            lambda target: on_message(f"Status page published to {target}.")
        )

    def open(self) -> StatusPageDialog:
        self.dialog = open_status_page(self._ctx, self._window)
        return self.dialog

    def start(self) -> None:
        self.publisher.start()

    def stop(self) -> None:
        self.publisher.stop()
