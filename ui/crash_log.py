"""Where unexpected errors go: a log file and a crash report in the user's log folder (never a
secret in either), and one calm dialog that offers to restart.

Three ways a bug surfaces, all reported here: an exception in a slot or event handler on the UI
thread (sys.excepthook: PySide6 hands those to it), one in a plain Python thread
(threading.excepthook), and one in a task on the task runner (its `unexpected_error` signal).
"""

from __future__ import annotations

import logging
import os
import sys
import threading
from collections.abc import Callable, Iterable
from logging.handlers import RotatingFileHandler
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

import PySide6
from PySide6.QtCore import QObject, QProcess, QUrl, Signal, Slot, qVersion
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QApplication

from app import __version__
from app.adapters.crash_report import (
    CrashContext,
    CrashReports,
    RedactingFormatter,
    database_summary,
    describe_error,
    redact,
    secrets_in,
)
from ui.task_runner import TaskRunner

if TYPE_CHECKING:
    from ui.crash_dialog import CrashDialog

LOG_FILE = "calmdesk.log"
log = logging.getLogger("calmdesk.crash")


def install_crash_log(
    log_dir: Path, secrets: Callable[[], Iterable[str]] = tuple
) -> RotatingFileHandler:
    """The rotating log file; every line goes through the redactor first."""
    log_dir.mkdir(parents=True, exist_ok=True)
    handler = RotatingFileHandler(
        log_dir / LOG_FILE, maxBytes=2_000_000, backupCount=3, encoding="utf-8"
    )
    handler.setFormatter(
        RedactingFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s", secrets)
    )
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    return handler


def crash_context(db_url: str) -> CrashContext:
    return CrashContext(
        version=__version__,
        database=database_summary(db_url),
        qt=f"{qVersion()} (PySide6 {PySide6.__version__})",
        secrets=secrets_in(db_url),
    )


def restart_command() -> tuple[str, list[str]]:
    """The console again, with the same arguments. In a PyInstaller bundle sys.executable is
    calmdesk(.exe) itself; from a Python install it is the interpreter, run on the launcher."""
    if getattr(sys, "frozen", False):
        return sys.executable, sys.argv[1:]
    return sys.executable, ["-m", "ui.launcher", *sys.argv[1:]]


class Restarter:
    """`request()` closes the windows and quits the event loop; the composition root then calls
    `start_again()` once everything has shut down cleanly."""

    def __init__(self, quit_loop: Callable[[], None] = lambda: QApplication.exit(0)) -> None:
        self.requested = False
        # Injected so tests do not leave a pending quit that ends the next dialog's exec().
        self._quit_loop = quit_loop

    def request(self) -> None:
        QApplication.closeAllWindows()
        if any(w.isVisible() and w.isWindow() for w in QApplication.topLevelWidgets()):
            return  # a window refused to close (the user kept an unsaved edit): stay
        self.requested = True
        self._quit_loop()

    def start_again(self) -> bool:
        program, arguments = restart_command()
        started, _pid = QProcess.startDetached(program, arguments, os.getcwd())
        return bool(started)


def open_folder(folder: Path) -> None:
    QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))


class CrashReporter(QObject):
    """Writes the report for each unexpected error and shows the dialog once per burst."""

    report_written = Signal(str)  # the report's path, after each error
    dialog_shown = Signal(object)  # the CrashDialog
    _recorded = Signal(str, bool)  # from any thread to the UI thread: path, first of a burst

    def __init__(
        self,
        reports: CrashReports,
        *,
        restart: Callable[[], None],
        show_folder: Callable[[Path], None] = open_folder,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.reports = reports
        self._restart = restart
        self._show_folder = show_folder
        self.dialog: CrashDialog | None = None
        self.log_handler: logging.Handler | None = None
        self._previous_hooks: (
            tuple[Callable[..., Any], Callable[[threading.ExceptHookArgs], Any]] | None
        ) = None
        self._recorded.connect(self._on_recorded)

    def install(self) -> None:
        """Take over sys.excepthook and threading.excepthook until `uninstall()` (which also
        removes the log file handler `install_crash_reporting` added)."""
        self._previous_hooks = (sys.excepthook, threading.excepthook)
        sys.excepthook = self._excepthook
        threading.excepthook = self._thread_excepthook

    def uninstall(self) -> None:
        if self.log_handler is not None:
            logging.getLogger().removeHandler(self.log_handler)
            self.log_handler.close()
            self.log_handler = None
        if self._previous_hooks is not None:
            sys.excepthook, threading.excepthook = self._previous_hooks
            self._previous_hooks = None

    def watch(self, runner: TaskRunner) -> None:
        runner.unexpected_error.connect(self._on_runner_unexpected_error)

    def set_database(self, db_url: str) -> None:
        """After switching databases: the report names the new one and hides its password."""
        self.reports.context = crash_context(db_url)

    def secrets(self) -> tuple[str, ...]:
        return self.reports.context.secrets

    def report(self, error: BaseException, where: str = "the main thread") -> Path | None:
        try:
            recorded = self.reports.record(error, where)
        except OSError:
            log.exception("Could not write a crash report to %s", self.reports.log_dir)
            return None
        log.critical("Crash report written to %s", recorded.path)
        self._recorded.emit(str(recorded.path), recorded.new_burst)
        return recorded.path

    def _excepthook(
        self, kind: type[BaseException], value: BaseException, tb: TracebackType | None
    ) -> None:
        if issubclass(kind, KeyboardInterrupt):
            sys.__excepthook__(kind, value, tb)
            return
        log.critical("Unhandled error", exc_info=(kind, value, tb))
        if value.__traceback__ is None:
            value = value.with_traceback(tb)
        self._print(value)
        self.report(value)

    def _thread_excepthook(self, args: threading.ExceptHookArgs) -> None:
        if args.exc_value is None or issubclass(args.exc_type, SystemExit):
            return
        name = args.thread.name if args.thread is not None else "a thread"
        log.critical("Unhandled error in %s", name, exc_info=args.exc_value)
        self.report(args.exc_value, f"thread {name!r}")

    def _print(self, error: BaseException) -> None:
        if sys.stderr is not None:  # none in a windowed bundle
            print(redact(describe_error(error), self.secrets()), file=sys.stderr)

    @Slot(object)
    def _on_runner_unexpected_error(self, error: object) -> None:
        if isinstance(error, BaseException):
            self.report(error, "a background task")

    @Slot(str, bool)
    def _on_recorded(self, path: str, new_burst: bool) -> None:
        self.report_written.emit(path)
        if not new_burst or (self.dialog is not None and self.dialog.isVisible()):
            return
        from ui.crash_dialog import CrashDialog  # only when something went wrong

        self.dialog = CrashDialog(
            Path(path),
            restart=self._restart,
            show_folder=self._show_folder,
        )
        self.dialog.show()
        self.dialog.raise_()
        self.dialog_shown.emit(self.dialog)


def install_crash_reporting(
    log_dir: Path, db_url: str, runner: TaskRunner, restart: Callable[[], None]
) -> CrashReporter:
    """The log file, the hooks and the runner's unexpected errors, all into one reporter."""
    reporter = CrashReporter(CrashReports(log_dir, crash_context(db_url)), restart=restart)
    reporter.install()
    reporter.log_handler = install_crash_log(log_dir, reporter.secrets)
    reporter.watch(runner)
    return reporter
