"""A queue the database could not give at start-up (a VPN still connecting, a failover) is read
again by itself once the database answers, instead of staying empty until someone presses F5."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from app.domain.errors import DatabaseUnavailable
from app.services.context import ServiceContext
from app.services.incidents.dto import IncidentRow
from tests.helpers import open_incident
from ui.console_context import ConsoleContext
from ui.queue.queue_controller import QueueController


def test_a_queue_that_could_not_be_read_is_read_once_the_database_answers(
    qtbot: QtBot,
    console: ConsoleContext,
    sqlite_ctx: ServiceContext,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    open_incident(sqlite_ctx, "Printer on floor 2 jams")
    open_incident(sqlite_ctx, "VPN drops every hour")
    reads = console.reads
    away = True
    real_first_page, real_queue_rows = reads.first_page, reads.queue_rows

    def first_page(*args: object, **kwargs: object) -> list[IncidentRow]:
        if away:
            raise DatabaseUnavailable("Cannot reach the database server.")
        return real_first_page(*args, **kwargs)  # type: ignore[arg-type]

    def queue_rows(*args: object, **kwargs: object) -> list[IncidentRow]:
        if away:
            raise DatabaseUnavailable("Cannot reach the database server.")
        return real_queue_rows(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(reads, "first_page", first_page)
    monkeypatch.setattr(reads, "queue_rows", queue_rows)
    controller = QueueController(console, None)
    with qtbot.waitSignal(controller.error):
        controller.start()
    assert controller.model.rowCount() == 0
    assert controller.status_text.startswith("● Connection problem")

    away = False
    with qtbot.waitSignal(controller.loaded) as loaded:
        console.hub.poll_now()  # the change feed answers again: the database is back
    assert loaded.args == [2]
    assert controller.model.rowCount() == 2
    assert controller.status_text.startswith("● Connected")
    controller.stop()
