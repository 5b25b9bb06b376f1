"""The composition root: build the context once, open the main window, run the event loop.

First screen first: the queue's first rows and the signed-in agent are read with the database
driver alone (app/services/first_screen: sqlite3 or psycopg) and painted before SQLAlchemy, the
models and the console's services are imported; the full start (connect, check, upgrade, sign
in) then runs on a worker thread behind the painted window, and `MainWindow.attach` brings the
rest. Anything the first screen cannot vouch for (a new, damaged or older database, a first
sign-in, a password to ask for, a server that does not answer at once) starts the full way
first, as before."""

from __future__ import annotations

import argparse
import linecache
import logging
import sqlite3
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEventLoop, Qt, QTimer
from PySide6.QtWidgets import QApplication

from app import __version__
from app.adapters.secrets import PasswordVault
from app.cli import build_parser, incoming_number, settings_from
from app.domain.errors import CalmdeskError
from app.services.first_screen.read import read_first_screen
from app.settings import Settings, load_settings, save_db_url
from ui.crash_log import Restarter, install_crash_reporting
from ui.icons import app_icon
from ui.launcher import console_argv
from ui.main_window import MainWindow
from ui.queue.queue_day import FIRST_PAGE_ROWS, resolved_since
from ui.single_instance import InstanceServer, instance_name
from ui.task_runner import TaskRunner
from ui.ui_thread_collector import UiThreadCollector
from ui.window.opening import Opening

if TYPE_CHECKING:
    from app.bootstrap import Session
    from app.services.first_screen.ahead import ReadAhead
    from ui.console_context import ConsoleContext
    from ui.notifications import NotificationController

BACKUP_DELAY_MS = 10_000  # after the queue loaded and the first clicks, not during them


def run_console(args: argparse.Namespace, started: float, ahead: ReadAhead | None = None) -> int:
    """`ahead`: the first screen being read in a child process (ui/launcher.py), if it is."""
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationName("Calmdesk")
    app.setApplicationVersion(__version__)
    app.setOrganizationName("Calmdesk")
    app.setWindowIcon(app_icon())
    app.setDesktopFileName("calmdesk")  # Wayland finds the icon through calmdesk.desktop
    settings = settings_from(args)
    vault = PasswordVault()  # one per run: passwords asked for stay for the session
    runner = TaskRunner(app)
    UiThreadCollector(app)  # cycles holding widgets die on the UI thread, never on a worker
    restarter = Restarter()
    reporter = install_crash_reporting(settings.log_dir, settings.db_url, runner, restarter.request)
    server = _listen_for_launches(app, args)
    first = True
    while True:
        code, switch_to = _run_window(
            app,
            args,
            settings,
            started,
            vault,
            runner,
            server,
            first_screen_first=first,
            ahead=ahead,
        )
        first, ahead = False, None
        if switch_to is None:
            if restarter.requested:  # the crash dialog's Restart, once everything shut down
                restarter.start_again()
            return code
        save_db_url(settings, switch_to)
        settings = load_settings(db_url=switch_to)
        reporter.set_database(settings.db_url)


def _listen_for_launches(app: QApplication, args: argparse.Namespace) -> InstanceServer | None:
    """Be the user's one console: later launches hand their arguments here (ui/launcher.py)."""
    if args.exit_when_ready:
        return None  # a timing run, not a console to keep
    server = InstanceServer(instance_name(), app)
    if not server.listen():
        logging.getLogger(__name__).info(
            "Another console listens on %s: later launches go to that one.", server.name
        )
        return None
    return server


def _take_launch(window: MainWindow, argv: list[str]) -> None:
    """A later launch's arguments: an incoming call fills the call form; anything else brings
    the console to the front."""
    try:
        args = build_parser().parse_args(console_argv(argv))
    except SystemExit:  # arguments argparse refused: the other launch said why on its side
        args = None
    number = incoming_number(args) if args is not None else None
    if number:
        window.calls.take_incoming(number)
        return
    if window.isMinimized():
        window.showNormal()
    window.raise_()
    window.activateWindow()


def _open(
    args: argparse.Namespace, settings: Settings, vault: PasswordVault, runner: TaskRunner
) -> tuple[Session, Settings] | None:
    """Start on the settings' database. When that fails (unreachable, a password needed, no
    rights), the connection dialog says why and lets the user fix it or choose another."""
    from app.bootstrap import start
    from app.services.admin.local_file_recovery import LocalFileProblem

    while True:
        try:
            return start(settings, password=vault.password_for(settings.db_url)), settings
        except CalmdeskError as exc:
            if args.exit_when_ready:
                print(f"calmdesk: {exc}", file=sys.stderr)
                return None
            if isinstance(exc, LocalFileProblem):  # damaged or locked: restore, retry or quit
                from ui.local_file_dialog import resolve_local_file

                if resolve_local_file(exc):
                    continue
                return None
            from ui.connection.connection_dialog import choose_database  # only when it failed

            url = choose_database(
                settings, vault, runner, message=f"Calmdesk could not open the database: {exc}"
            )
            if url is None:
                return None
            save_db_url(settings, url)
            settings = load_settings(db_url=url)


def _first_screen(
    app: QApplication,
    settings: Settings,
    before_showing: Callable[[MainWindow], None],
    ahead: ReadAhead | None,
) -> MainWindow | None:
    """The window painted with the queue's first rows, read with the driver alone (by `ahead`'s
    child process when it read this database); None when only the full start can say what to
    show (see the module's text)."""
    if ahead is not None and ahead.db_url == settings.db_url:
        screen = ahead.result()
    else:
        if ahead is not None:
            ahead.cancel()
        now = datetime.now(UTC)
        screen = read_first_screen(settings.db_url, now, resolved_since(now), FIRST_PAGE_ROWS)
    if screen is None:
        return None
    opening = Opening(settings.ui_state_file, screen.actor, screen.backend, screen.description)
    window = MainWindow(opening=opening)
    before_showing(window)
    window.show_first_screen(screen.rows)
    window.show()
    app.processEvents()  # paint it now (and say so, with --exit-when-ready), then the rest
    return window


def _start_behind(
    window: MainWindow, settings: Settings, vault: PasswordVault, runner: TaskRunner
) -> tuple[Session, Settings] | None:
    """The full start (its imports, connecting, checking, signing in) on a worker thread, while
    the painted first screen answers the mouse and keys (what they ask for waits for `attach`).
    None when it failed in a way a person can act on: `_open` then tries again with its
    dialogs. Also returns when the window is closed meanwhile."""
    sessions: list[Session] = []
    errors: list[CalmdeskError] = []
    waiting = QEventLoop()

    def full_start() -> Session:
        from app.bootstrap import start

        return start(settings, password=vault.password_for(settings.db_url))

    def started(session: Session) -> None:
        sessions.append(session)
        waiting.quit()

    def failed(exc: CalmdeskError) -> None:  # a defect was reported already (TaskRunner)
        errors.append(exc)
        waiting.quit()

    runner.submit(full_start, started, failed)
    window.closing.connect(waiting.quit)
    waiting.exec()
    window.closing.disconnect(waiting.quit)
    if not sessions and not errors:
        runner.wait_for_idle()  # closed first: let the start finish before the console ends
    return (sessions[0], settings) if sessions else None


def _context(
    session: Session, settings: Settings, runner: TaskRunner, vault: PasswordVault
) -> ConsoleContext:
    from app.services.feed.watching import change_watcher
    from ui.console_context import ConsoleContext

    if session.upgrade.backup is not None:
        logging.getLogger(__name__).info("Database backed up to %s", session.upgrade.backup)
    return ConsoleContext.build(
        settings,
        session.ctx,
        runner,
        vault=vault,
        watcher=change_watcher(session.ctx, settings.live_updates),
    )


def _run_window(
    app: QApplication,
    args: argparse.Namespace,
    settings: Settings,
    started: float,
    vault: PasswordVault,
    runner: TaskRunner,
    server: InstanceServer | None = None,
    first_screen_first: bool = False,
    ahead: ReadAhead | None = None,
) -> tuple[int, str | None]:
    """Open the window on `settings`' database; returns the exit code and, when the user chose
    another database, its URL. `first_screen_first`: try painting the first screen before the
    full start (the run's first window)."""
    ready: list[MainWindow] = []  # the window whose first paint --exit-when-ready reports

    def report_when_ready(window: MainWindow) -> None:
        if args.exit_when_ready and not ready:
            ready.append(window)
            window.queue_loaded.connect(
                lambda count: _report_ready(window, started, count),
                Qt.ConnectionType.SingleShotConnection,
            )

    early = _first_screen(app, settings, report_when_ready, ahead) if first_screen_first else None
    if early is not None:
        started_behind = _start_behind(early, settings, vault, runner)
        if early.isHidden():  # closed while the rest was starting
            return 0, None
        opened = started_behind or _open(args, settings, vault, runner)
    else:
        opened = _open(args, settings, vault, runner)
    if opened is None:
        if early is not None:
            early.close()
        return 1, None
    session, settings = opened
    context = _context(session, settings, runner, vault)
    if early is not None:
        window = early
        forget_imported_sources()
        window.attach(context)
    else:
        window = MainWindow(context)
        report_when_ready(window)
    notifications: list[NotificationController] = []  # lives as long as the window

    def notify() -> None:  # after the first paint: not needed for it
        from ui.notifications import install_notifications

        installed = install_notifications(window, context)
        installed.log_call_requested.connect(window.calls.open_form)  # the tray's "Log a call…"
        notifications.append(installed)

    window.settled.connect(notify)
    if args.exit_when_ready:
        window.queue.error.connect(lambda message: _fail(message))
    switch_to: list[str] = []

    def switch(url: str) -> None:
        switch_to.append(url)
        window.close()

    window.database_switch_requested.connect(switch)
    if early is None:
        window.show()
        forget_imported_sources()
    window.start()
    number = incoming_number(args)
    if number:
        window.calls.take_incoming(number)
        args.from_number = args.link = None  # taken: a switch of database does not repeat it

    def take(argv: list[str]) -> None:
        _take_launch(window, argv)

    if server is not None:
        server.arguments.connect(take)
    if not args.exit_when_ready:
        QTimer.singleShot(BACKUP_DELAY_MS, lambda: back_up_if_due(settings, runner))
    code = app.exec()
    if server is not None:
        server.arguments.disconnect(take)
    for installed in notifications:
        installed.stop()
    context.offline.stop()
    context.clock.stop()
    context.hub.stop()
    runner.wait_for_idle()
    session.ctx.db.dispose()
    return code, (switch_to[0] if switch_to else None)


def back_up_if_due(settings: Settings, runner: TaskRunner) -> None:
    """Once a day, a verified copy of the local file, made off the UI thread, so that "the last
    backup" a damaged file's message names is recent. A failed backup is logged, not shown."""
    from app.services.admin.local_file_recovery import backup_if_due, sqlite_file

    file = sqlite_file(settings.db_url)
    if file is None:
        return

    def back_up() -> Path | None:
        try:
            return backup_if_due(file, settings.backup_dir, datetime.now())
        except (OSError, sqlite3.Error) as exc:
            logging.getLogger(__name__).warning("Daily backup of %s failed: %s", file, exc)
            return None

    runner.submit(back_up)


def forget_imported_sources() -> None:
    """PySide6's import hook reads the source of every module imported after it, to look for
    "PySide6" in it (PYSIDE-2029), and the lines stay in `linecache` (about 10 MB of text by the
    time the window is up). ui/pyside_feature_scan.py spares most of that read; what was read
    before it (or with a PySide6 where the skip does not apply) is dropped here, before the whole
    queue is read, so its rows reuse that memory; a traceback reads the lines it needs again."""
    linecache.clearcache()


def _report_ready(window: MainWindow, started: float, count: int) -> None:
    """`ready in` once the queue's first rows are painted (what the agent waits for), then
    `complete in` once the whole queue is in (the benchmark reads peak memory there), then exit."""
    complete: list[int] = []
    window.queue_complete.connect(complete.append)

    def finish(total: int) -> None:
        elapsed = (time.perf_counter() - started) * 1000
        print(f"complete in {elapsed:.0f} ms: {total} incidents", flush=True)
        QApplication.exit(0)

    def report() -> None:
        window.repaint()  # paint the loaded rows now, synchronously, before reporting
        elapsed = (time.perf_counter() - started) * 1000
        print(f"ready in {elapsed:.0f} ms: {count} incidents", flush=True)
        if complete:
            finish(complete[0])
        else:
            window.queue_complete.connect(finish)

    QTimer.singleShot(0, report)


def _fail(message: str) -> None:
    print(f"calmdesk: {message}", file=sys.stderr)
    QApplication.exit(1)
