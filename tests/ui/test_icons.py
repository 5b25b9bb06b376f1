"""The application icon: every drawn size, on every window."""

from __future__ import annotations

from PySide6.QtCore import QSize
from PySide6.QtWidgets import QApplication

from ui.icons import ICON_SIZES, app_icon


def test_app_icon_has_every_drawn_size(qapp: QApplication) -> None:
    sizes = app_icon().availableSizes()
    assert sorted(size.width() for size in sizes) == sorted(ICON_SIZES)
    assert QSize(16, 16) in sizes


def test_the_small_icon_is_drawn_not_scaled_down(qapp: QApplication) -> None:
    # The 16 px image is its own rendering: Qt picks it for the tray instead of shrinking 256 px.
    pixmap = app_icon().pixmap(QSize(16, 16))
    assert pixmap.width() == 16
    assert not pixmap.toImage().isNull()
