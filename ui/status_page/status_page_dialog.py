"""Supervisor > Public status page…: the page's name, public address and target, a preview of
exactly what will be published, and Publish. The preview comes first: nothing leaves the building
until someone has looked at it."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from app.adapters.status_page_targets import publish_files
from app.domain.roles import Action, may
from app.services.status_page.publishing import INDEX, PageFiles, build
from app.services.status_page.settings import (
    PageSettings,
    mark_published,
    read_settings,
    save_settings,
)
from ui.console_context import ConsoleContext


class StatusPageDialog(QDialog):
    previewed = Signal()
    published = Signal(str)
    failed = Signal(str)

    def __init__(self, context: ConsoleContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = context
        self.page: PageFiles | None = None
        self.may_set_up = may(context.services.actor.role, Action.SET_UP_STATUS_PAGE)
        self.setWindowTitle("Public status page")
        self.setAccessibleName("Public status page")
        self.name = QLineEdit()
        self.name.setAccessibleName("Page name")
        self.public_url = QLineEdit()
        self.public_url.setAccessibleName("Public address")
        self.public_url.setPlaceholderText("https://status.example.com (where people read it)")
        self.target = QLineEdit()
        self.target.setAccessibleName("Publish to")
        self.target.setPlaceholderText(
            "a folder (web server root, share) or an https:// PUT address"
        )
        self.browse = QPushButton("&Folder…")
        self.browse.setAccessibleName("Choose a folder")
        for field in (self.name, self.public_url, self.target, self.browse):
            field.setEnabled(self.may_set_up)
        target_row = QHBoxLayout()
        target_row.addWidget(self.target, 1)
        target_row.addWidget(self.browse)
        form = QFormLayout()
        form.addRow("Page &name", self.name)
        form.addRow("Public &address", self.public_url)
        target_label = QLabel("Publish &to")
        target_label.setBuddy(self.target)
        form.addRow(target_label, target_row)
        self.note = QLabel(
            "Shows each service's state, open major incidents with their updates to All users, "
            "and those resolved in the last 14 days. Never internal or stakeholder updates, "
            "notes, callers or agents. Drills never appear."
        )
        self.note.setWordWrap(True)
        self.preview = QTextBrowser()
        self.preview.setAccessibleName("Status page preview")
        self.preview.setOpenLinks(False)
        self.status = QLabel("")
        self.status.setAccessibleName("Status page result")
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.preview_button = QPushButton("&Preview")
        self.preview_button.setAccessibleName("Preview the status page")
        self.publish_button = QPushButton("P&ublish")
        self.publish_button.setAccessibleName("Publish the status page")
        self.publish_button.setEnabled(False)  # after a preview
        close = QPushButton("Close")
        buttons = QHBoxLayout()
        buttons.addWidget(self.status, 1)
        buttons.addWidget(self.preview_button)
        buttons.addWidget(self.publish_button)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.note)
        layout.addWidget(self.preview, 1)
        layout.addLayout(buttons)
        self.browse.clicked.connect(self._choose_folder)
        for field in (self.name, self.public_url, self.target):
            field.textEdited.connect(self._on_settings_edited)
        self.preview_button.clicked.connect(self.show_preview)
        self.publish_button.clicked.connect(self.publish)
        close.clicked.connect(self.reject)
        self.resize(760, 720)

    def load(self, settings: PageSettings) -> None:
        self.name.setText(settings.name)
        self.public_url.setText(settings.public_url)
        self.target.setText(settings.target)
        self.show_preview()

    def _wanted(self) -> PageSettings:
        return PageSettings(self.name.text(), self.public_url.text(), self.target.text())

    def _choose_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Publish the status page to")
        if folder:
            self.target.setText(folder)
            self._on_settings_edited()

    def _on_settings_edited(self) -> None:
        """Publish sends what the preview shows, to where it said: a change needs a preview."""
        if self.publish_button.isEnabled():
            self.publish_button.setEnabled(False)
            self.status.setText("Changed: Preview again, then Publish.")

    def show_preview(self) -> None:
        """Save the settings (a supervisor's), then build the page exactly as it would go out."""
        services = self._ctx.services
        wanted, may_set_up = self._wanted(), self.may_set_up

        def work() -> PageFiles:
            if may_set_up:
                save_settings(services, wanted)
            return build(services)

        self.status.setText("Building the preview…")
        self._ctx.runner.submit(work, self._on_preview, self._on_failed)

    def _on_preview(self, page: PageFiles) -> None:
        self.page = page
        self.preview.setHtml(page.file(INDEX).decode("utf-8"))
        target = page.settings.target
        self.publish_button.setEnabled(bool(target))
        self.status.setText(
            f"This is what will be published to {target}."
            if target
            else "Choose where to publish it (a folder or an address), then Preview again."
        )
        self.previewed.emit()

    def publish(self) -> None:
        page = self.page
        if page is None or not page.settings.target:
            return
        services, target = self._ctx.services, page.settings.target
        may_set_up = self.may_set_up

        def work() -> str:
            publish_files(target, page.files)
            if may_set_up:
                mark_published(services)
            return target

        self.status.setText(f"Publishing to {target}…")
        self._ctx.runner.submit(work, self._on_published, self._on_failed)

    def _on_published(self, target: str) -> None:
        self.status.setText(
            f"Published to {target}. From now on it is published again after every public "
            "update, service change and resolution."
        )
        self.published.emit(target)

    def _on_failed(self, exc: Exception) -> None:
        self.status.setText(str(exc))
        self.failed.emit(str(exc))


def open_status_page(context: ConsoleContext, parent: QWidget | None) -> StatusPageDialog:
    """Open the dialog with the team's settings, and the preview built from them."""
    dialog = StatusPageDialog(context, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    services = context.services
    context.runner.submit(lambda: read_settings(services), dialog.load, dialog._on_failed)
    dialog.show()
    return dialog
