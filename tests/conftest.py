"""Fixtures live in tests/helpers.py; this file only makes them visible to every test."""

import os
from collections.abc import Iterator

import pytest
from hypothesis import settings
from PySide6.QtCore import QCoreApplication, QEvent, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget

from tests.app.adapters.notification_server import (  # noqa: F401  (one private bus per run)
    _desktop_bus,
    _private_bus,
    notification_server,
    session_bus,
)
from tests.demo_sample import _demo_samples, demo  # noqa: F401
from tests.helpers import (  # noqa: F401
    calmdesk_home,
    clock,
    console,
    ctx,
    db,
    db_url,
    file_keyring,
    pg_through_proxy,
    pgbouncer,
    pgbouncer_url,
    postgres_databases,
    postgres_url,
    sqlite_ctx,
    sqlite_url,
    team_server,
)
from tests.migrated_sqlite import migrated_sqlite_file  # noqa: F401
from ui.ui_thread_collector import UiThreadCollector

# Property tests run the same examples on every run and machine (derandomize), save no example
# database in the checkout, and never fail on timing: the build machine is shared and noisy.
# HYPOTHESIS_PROFILE=fuzz explores with fresh random examples, many more of them.
settings.register_profile("ci", derandomize=True, database=None, deadline=None, max_examples=40)
settings.register_profile("fuzz", database=None, deadline=None, max_examples=1000)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture(scope="session", autouse=True)
def _ui_thread_collector(qapp: QApplication) -> Iterator[UiThreadCollector]:
    """As in the console: reference cycles are collected on the UI thread only, so a window an
    earlier test left in a cycle is never destroyed by a later test's worker thread."""
    collector = UiThreadCollector(qapp)
    yield collector
    collector.stop()


@pytest.fixture(autouse=True)
def _cycles_collected_after_each_test(_ui_thread_collector: UiThreadCollector) -> Iterator[None]:
    yield
    _ui_thread_collector.collect_if_due()


@pytest.hookimpl(trylast=True)
def pytest_runtest_teardown(item: pytest.Item) -> None:
    """Destroy the windows a test showed now, once its fixtures have been torn down.

    pytest-qt closes them and calls deleteLater(); left at that, they die at the next test's first
    wait, or earlier when the garbage collector breaks a reference cycle, and Qt then sends
    events through a half-destroyed window. Deleting them here makes that moment the same on
    every run."""
    if QCoreApplication.instance() is not None:
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        _let_go_of_modifier_keys()


def _let_go_of_modifier_keys() -> None:
    """A simulated Ctrl+Shift shortcut that moves the focus (opening a dock, say) loses the
    release of Shift, and Qt then believes it is still held: the next test's selectRow() would
    toggle instead of select. One plain key click on a scratch widget lets go of it."""
    if QGuiApplication.keyboardModifiers() != Qt.KeyboardModifier.NoModifier:
        scratch = QWidget()
        QTest.keyClick(scratch, Qt.Key.Key_Home)
        scratch.deleteLater()
