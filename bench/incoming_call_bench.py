"""An incoming call with the console running: from spawning `calmdesk call --from NUMBER` (what a
softphone does) to the call form showing the caller, their open incidents and the outage match
in the running console. Target 300 ms. The baseline is spawning a Python that only imports
Qt's core and network modules and exits: what any hand-over costs before Calmdesk does anything.
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from time import perf_counter

from PySide6.QtCore import QEventLoop
from PySide6.QtWidgets import QApplication

from app.db.engine import open_database
from app.domain.clock import SystemClock
from app.services.calls.commands import CallCommands
from app.services.calls.dto import ContactDraft
from app.services.context import ServiceContext
from app.services.directory.reads import sign_in
from app.settings import load_settings
from bench.common import Result, median, ms, p95
from ui.console import _take_launch
from ui.console_context import ConsoleContext
from ui.main_window import MainWindow
from ui.single_instance import InstanceServer, instance_name
from ui.task_runner import TaskRunner

ROOT = Path(__file__).resolve().parents[1]
ROUNDS = 10
NUMBER = "020 7946 0555"


def _env(home: Path) -> dict[str, str]:
    return {
        **os.environ,
        "CALMDESK_HOME": str(home),
        "QT_QPA_PLATFORM": "offscreen",
        "PYTHONPATH": str(ROOT),
    }


def _wait(app: QApplication, done: list[object], seconds: float = 30) -> None:
    loop = QEventLoop()
    deadline = perf_counter() + seconds
    while not done and perf_counter() < deadline:
        loop.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 5)
        app.sendPostedEvents()


def _spawn_baseline(home: Path) -> float:
    started = perf_counter()
    subprocess.run(
        [sys.executable, "-c", "import PySide6.QtCore, PySide6.QtNetwork"],
        env=_env(home),
        check=True,
    )
    return perf_counter() - started


def measure(url: str, label: str, home: Path) -> list[Result]:
    app = QApplication.instance() or QApplication([])
    assert isinstance(app, QApplication)
    db = open_database(url)
    ctx = replace(
        ServiceContext(db, SystemClock(), sign_in(db, "bench.agent", "Bench Agent")),
        phone_region="GB",
    )
    CallCommands(ctx).create_contact(ContactDraft(name="Bench Caller", phone="+44 20 7946 0555"))
    runner = TaskRunner()
    context = ConsoleContext.build(load_settings(_env(home)), ctx, runner)
    window = MainWindow(context)
    window.show()
    loaded: list[object] = []
    window.queue_loaded.connect(loaded.append)
    window.start()
    _wait(app, loaded)
    server = InstanceServer(instance_name({"CALMDESK_HOME": str(home)}), window)
    if not server.listen():
        raise RuntimeError(f"cannot listen on {server.name}")
    server.arguments.connect(lambda argv: _take_launch(window, argv))
    form = window.calls.form
    times, wrong = [], 0
    for _ in range(ROUNDS):
        form.clear_for_next_call()
        shown: list[object] = []
        form.incoming.shown.connect(shown.append)
        started = perf_counter()
        process = subprocess.Popen(
            [sys.executable, "-m", "ui.launcher", "call", "--from", NUMBER],
            env=_env(home),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        _wait(app, shown)
        times.append(perf_counter() - started)
        form.incoming.shown.disconnect(shown.append)
        wrong += form.caller.text() != "Bench Caller"
        process.wait(30)
    baseline = median([_spawn_baseline(home) for _ in range(5)])
    server.close()
    window.close()
    runner.wait_for_idle()
    db.dispose()
    return [
        Result(
            f"incoming call to filled form, median ({label})",
            ms(median(times)),
            "ms",
            ms(baseline),
            300,
            "max",
            f"{ROUNDS} rounds, p95 {ms(p95(times)):.0f} ms, {wrong} wrong; baseline: spawning "
            f"a Python that imports QtCore + QtNetwork ({datetime.now(UTC):%H:%M} UTC)",
        )
    ]
