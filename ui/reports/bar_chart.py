"""A small bar chart drawn with QPainter (QtCharts is not in PySide6-Essentials)."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

SERIES_COLOURS = (QColor("#3b6ea5"), QColor("#d98c2b"))


class BarChart(QWidget):
    """Grouped bars: one label per group, one value per series."""

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._title = title
        self._labels: list[str] = []
        self._series: list[tuple[str, list[float]]] = []
        self.setMinimumHeight(160)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)

    def set_data(
        self, labels: Sequence[str], series: Sequence[tuple[str, Sequence[float]]]
    ) -> None:
        self._labels = list(labels)
        self._series = [(name, [float(v) for v in values]) for name, values in series]
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        area = QRectF(self.rect()).adjusted(8, 24, -8, -18)
        painter.drawText(
            QRectF(8, 2, self.width() - 16, 20), Qt.AlignmentFlag.AlignLeft, self._title
        )
        top = max((max(v, default=0.0) for _, v in self._series), default=0.0)
        if not self._labels or top <= 0:
            painter.drawText(area, Qt.AlignmentFlag.AlignCenter, "No data in this range")
            painter.end()
            return
        legend_x = area.right() - 10
        for index, (name, _) in reversed(list(enumerate(self._series))):
            width = painter.fontMetrics().horizontalAdvance(name) + 18
            legend_x -= width
            painter.fillRect(QRectF(legend_x, 8, 10, 10), SERIES_COLOURS[index % 2])
            painter.drawText(QRectF(legend_x + 13, 2, width, 20), Qt.AlignmentFlag.AlignLeft, name)
        group = area.width() / len(self._labels)
        bar = max(1.0, group * 0.8 / max(len(self._series), 1))
        for g, label in enumerate(self._labels):
            for s, (_, values) in enumerate(self._series):
                height = area.height() * values[g] / top
                x = area.left() + g * group + s * bar
                painter.fillRect(
                    QRectF(x, area.bottom() - height, bar, height), SERIES_COLOURS[s % 2]
                )
            if group > 40 or g % max(1, int(60 / group)) == 0:
                painter.drawText(
                    QRectF(area.left() + g * group, area.bottom() + 2, 60, 16),
                    Qt.AlignmentFlag.AlignLeft,
                    label,
                )
        painter.end()
