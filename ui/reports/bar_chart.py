"""A small bar chart drawn with QPainter (QtCharts is not in PySide6-Essentials)."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

SERIES_COLOURS = (QColor("#3b6ea5"), QColor("#d98c2b"))
VALUE_ROOM = 16  # pixels above the tallest bar for its value


class BarChart(QWidget):
    """Grouped bars: one label per group, one value per series, written above its bar when the
    bar is wide enough to carry it (a supervisor reads MTTR 4.2 h, not a bar's height)."""

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
        area = QRectF(self.rect()).adjusted(8, 24 + VALUE_ROOM, -8, -18)
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
        metrics = painter.fontMetrics()
        texts = [value_texts(values) for _, values in self._series]
        for g, label in enumerate(self._labels):
            for s, (_, values) in enumerate(self._series):
                height = area.height() * values[g] / top
                x = area.left() + g * group + s * bar
                painter.fillRect(
                    QRectF(x, area.bottom() - height, bar, height), SERIES_COLOURS[s % 2]
                )
                text = texts[s][g]
                if metrics.horizontalAdvance(text) <= bar + 4:
                    painter.drawText(
                        QRectF(x - 2, area.bottom() - height - VALUE_ROOM, bar + 4, VALUE_ROOM),
                        Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignBottom,
                        text,
                    )
            if group > 40 or g % max(1, int(60 / group)) == 0:
                painter.drawText(
                    QRectF(area.left() + g * group, area.bottom() + 2, 60, 16),
                    Qt.AlignmentFlag.AlignLeft,
                    label,
                )
        painter.end()


def value_texts(values: Sequence[float]) -> list[str]:
    """A series' values as written on its bars: counts as 12, anything else as 4.2 (and then
    6.0, not 6, beside 5.5)."""
    whole = all(value == int(value) for value in values)
    return [f"{value:.0f}" if whole else f"{value:.1f}" for value in values]
