"""The welcome view never clips its own text, at any window size or font scale."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from ui.welcome_view import WelcomeView

SIZES = [(480, 420), (800, 600), (1024, 700), (1920, 1080)]
SCALES = [1.0, 1.5, 2.0]


def _clipped(view: WelcomeView) -> list[str]:
    """Each label whose text needs more room than it was given, as 'text: needs x, has y'."""
    problems = []
    for label in view.findChildren(QLabel):
        if not label.isVisible() or not label.text():
            continue
        needs = label.heightForWidth(label.width()) if label.wordWrap() else -1
        needs = max(needs, label.minimumSizeHint().height())
        if label.height() < needs:
            problems.append(f"{label.text()[:40]!r}: needs {needs}px, has {label.height()}px")
        if not label.wordWrap() and label.width() < label.sizeHint().width():
            problems.append(f"{label.text()[:40]!r}: cut across, {label.width()}px wide")
    return problems


@pytest.mark.parametrize("scale", SCALES)
@pytest.mark.parametrize("size", SIZES)
def test_every_label_gets_the_room_its_text_needs(
    qtbot: QtBot, size: tuple[int, int], scale: float
) -> None:
    view = WelcomeView()
    qtbot.addWidget(view)
    font = view.font()
    font.setPointSizeF(font.pointSizeF() * scale)
    view.setFont(font)
    view.resize(*size)
    view.show()
    qtbot.waitExposed(view)
    qtbot.waitUntil(lambda: view.sample_button.width() > 0)
    assert _clipped(view) == []


def test_the_sample_description_is_whole(qtbot: QtBot) -> None:
    view = WelcomeView()
    qtbot.addWidget(view)
    view.resize(1280, 800)
    view.show()
    qtbot.waitExposed(view)
    texts = [label.text() for label in view.findChildren(QLabel)]
    assert any(t.endswith("The same as `calmdesk demo`.") for t in texts)
    assert _clipped(view) == []
