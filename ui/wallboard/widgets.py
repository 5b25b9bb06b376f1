"""Small building blocks shared by the wallboard's panels."""

from __future__ import annotations

import math

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import (
    QFont,
    QFontMetrics,
    QFontMetricsF,
    QPainter,
    QPaintEvent,
    QPalette,
    QTextLayout,
)
from PySide6.QtWidgets import QLabel, QSizePolicy, QWidget


def make_label(
    text: str, kind: str, accessible_name: str, tone: str = "", parent: QWidget | None = None
) -> QLabel:
    label = QLabel(text, parent)
    _dress(label, kind, accessible_name, tone)
    return label


class ElidedLabel(QLabel):
    """Wraps onto at most `max_lines` lines and ends in '…' when the text still does not fit.

    Its text (and so its accessible text) stays whole; only the painting is shortened.
    """

    def __init__(
        self,
        text: str,
        kind: str,
        accessible_name: str,
        parent: QWidget | None = None,
        *,
        max_lines: int = 1,
    ) -> None:
        super().__init__(text, parent)
        _dress(self, kind, accessible_name, "")
        self._max_lines = max_lines
        # Asks for its natural width but takes whatever is left: labels beside it keep theirs.
        policy = QSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)

    def set_max_lines(self, lines: int) -> None:
        if lines != self._max_lines:
            self._max_lines = lines
            self.updateGeometry()
            self.update()

    def shown_lines(self, width: int | None = None) -> list[str]:
        """The lines as painted at `width` (the current width when None)."""
        if width is None:
            width = self.contentsRect().width()
        return wrap_and_elide(self.text(), self.font(), width, self._max_lines)

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        margins = self.contentsMargins()
        inner = width - margins.left() - margins.right()
        lines = len(self.shown_lines(inner)) or 1
        return lines * self.fontMetrics().lineSpacing() + margins.top() + margins.bottom()

    def sizeHint(self) -> QSize:
        margins = self.contentsMargins()
        # Rounded up, with a pixel to spare: an exact fit in whole pixels would still be elided.
        natural = math.ceil(QFontMetricsF(self.font()).horizontalAdvance(self.text())) + 1
        width = natural + margins.left() + margins.right()
        return QSize(width, self.heightForWidth(max(self.width(), 1)))

    def minimumSizeHint(self) -> QSize:
        return QSize(0, self.fontMetrics().lineSpacing())

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        rect = self.contentsRect()
        text = "\n".join(self.shown_lines(rect.width()))
        self.style().drawItemText(
            painter,
            rect,
            int(self.alignment()),
            self.palette(),
            self.isEnabled(),
            text,
            QPalette.ColorRole.WindowText,
        )


def wrap_and_elide(text: str, font: QFont, width: int, max_lines: int) -> list[str]:
    """Word-wrap `text` to `width`; the last allowed line ends in '…' if text is left over."""
    if not text or width <= 0:
        return [text] if text else []
    metrics = QFontMetrics(font)
    layout = QTextLayout(text, font)
    lines: list[str] = []
    layout.beginLayout()
    while len(lines) < max_lines:
        line = layout.createLine()
        if not line.isValid():
            break
        line.setLineWidth(width)
        start = line.textStart()
        if len(lines) == max_lines - 1:
            rest = text[start:]
            lines.append(metrics.elidedText(rest, Qt.TextElideMode.ElideRight, width))
            break
        lines.append(text[start : start + line.textLength()].rstrip())
    layout.endLayout()
    return lines


def _dress(label: QLabel, kind: str, accessible_name: str, tone: str) -> None:
    label.setProperty("kind", kind)
    if tone:
        label.setProperty("tone", tone)
    label.setAccessibleName(accessible_name)
    label.setTextFormat(Qt.TextFormat.PlainText)
