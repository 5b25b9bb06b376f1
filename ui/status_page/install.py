"""The status page in the main window: Supervisor > Public status page…, and the publisher that
keeps the published page current while the console is open (made when the window starts it,
after its first paint; the dialog when it is first opened)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QWidget

from ui.console_context import ConsoleContext

if TYPE_CHECKING:
    from ui.status_page.publisher import StatusPagePublisher
    from ui.status_page.status_page_dialog import StatusPageDialog


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
        self._message = on_message
        self.dialog: StatusPageDialog | None = None
        self.publisher: StatusPagePublisher | None = None
        self.action = QAction("Public status &page…", window)
        self.action.setToolTip("Preview and publish the public status page; choose where it goes")
        self.action.triggered.connect(self.open)
        menu.addAction(self.action)

    def open(self) -> StatusPageDialog:
        from ui.status_page.status_page_dialog import open_status_page

        self.dialog = open_status_page(self._ctx, self._window)
        return self.dialog

    def start(self) -> None:
        from ui.status_page.publisher import StatusPagePublisher

        if self.publisher is None:
            self.publisher = StatusPagePublisher(self._ctx, self)
            self.publisher.failed.connect(self._message)
            self.publisher.published.connect(
                lambda target: self._message(f"Status page published to {target}.")
            )
        self.publisher.start()

    def stop(self) -> None:
        if self.publisher is not None:
            self.publisher.stop()
