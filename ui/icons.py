"""The application icon (resources/icons/calmdesk-*.png) for windows, the taskbar and the tray."""

from __future__ import annotations

from importlib import resources

from PySide6.QtGui import QIcon, QPixmap

ICON_SIZES = (16, 32, 48, 64, 128, 256)


def app_icon() -> QIcon:
    """The headset icon at every size it was drawn for, so Qt never scales a 256 px image down
    to 16 px for the tray. Read as bytes, so it works installed, frozen or from a zip. Needs a
    QGuiApplication."""
    folder = resources.files("resources") / "icons"
    icon = QIcon()
    for size in ICON_SIZES:
        pixmap = QPixmap()
        if pixmap.loadFromData((folder / f"calmdesk-{size}.png").read_bytes(), "PNG"):
            icon.addPixmap(pixmap)
    return icon
