"""The start-up baseline: a bare PySide6 main window holding an empty table, started and reported
the way `calmdesk --exit-when-ready` is ("ready in <ms> ms")."""

from __future__ import annotations

import time

STARTED = time.perf_counter()

from PySide6.QtCore import QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication, QMainWindow, QTableView  # noqa: E402


def main() -> int:
    app = QApplication([])
    window = QMainWindow()
    window.setCentralWidget(QTableView())
    window.resize(1360, 800)
    window.show()

    def report() -> None:
        window.repaint()
        print(f"ready in {(time.perf_counter() - STARTED) * 1000:.0f} ms: 0 rows", flush=True)
        app.exit(0)

    QTimer.singleShot(0, report)
    return app.exec()


if __name__ == "__main__":
    raise SystemExit(main())
