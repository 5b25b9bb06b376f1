"""The post-incident review as a PDF: the Markdown export laid out by Qt's text document and
printed by its PDF writer. Needs a QGuiApplication (fonts), hence here and not in app/."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QMarginsF, QSizeF
from PySide6.QtGui import QPageLayout, QPageSize, QPdfWriter, QTextDocument


def write_review_pdf(markdown: str, path: Path, title: str = "Post-incident review") -> Path:
    writer = QPdfWriter(str(path))
    writer.setTitle(title)
    writer.setCreator("Calmdesk")
    writer.setResolution(96)
    writer.setPageLayout(
        QPageLayout(
            QPageSize(QPageSize.PageSizeId.A4),
            QPageLayout.Orientation.Portrait,
            QMarginsF(15, 15, 15, 15),
            QPageLayout.Unit.Millimeter,
        )
    )
    document = QTextDocument()
    document.setMarkdown(markdown)
    document.setPageSize(QSizeF(writer.width(), writer.height()))
    document.print_(writer)
    return path
