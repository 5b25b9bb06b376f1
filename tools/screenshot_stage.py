"""The stage every screenshot tool in tools/ draws on: Qt offscreen unless a display is there
(`xvfb-run -a python tools/NAME.py`), a throwaway CALMDESK_HOME, the repository importable, and a
fresh SQLite file opened at a fixed moment as the sample's supervisor, so that every picture is
the same on every run. Pictures go to docs/, or to CALMDESK_SHOTS_DIR when it is set (to look at
them before they replace the ones in the repository).

A tool imports this module before anything of Calmdesk's: it sets the environment they read."""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["CALMDESK_HOME"] = tempfile.mkdtemp(prefix="calmdesk-shots-")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from PySide6.QtWidgets import QApplication, QWidget

from app.bootstrap import start
from app.domain.clock import ManualClock
from app.services.admin.demo import load_demo
from app.services.context import ServiceContext
from app.settings import load_settings
from ui.console_context import ConsoleContext
from ui.task_runner import TaskRunner

ROOT = Path(__file__).resolve().parents[1]
SUPERVISOR = "sam.okafor"  # the sample's supervisor: every menu is there


@dataclass(frozen=True)
class Stage:
    app: QApplication
    clock: ManualClock
    ctx: ServiceContext

    def console(self) -> ConsoleContext:
        """What a console's windows are built from, reading this stage's database inline."""
        return ConsoleContext.build(load_settings(), self.ctx, TaskRunner(synchronous=True))

    def sample(self) -> None:
        """The sample data (sites, teams, services, the Monday-morning incidents and calls)."""
        load_demo(self.ctx)

    def settle(self) -> None:
        self.app.processEvents()


def open_stage(at: datetime, *, phone_region: str | None = None) -> Stage:
    """A fresh database at `at`, without the sample yet (`Stage.sample` adds it)."""
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication([])
    clock = ManualClock(at)
    ctx = start(load_settings(), clock=clock, login=SUPERVISOR).ctx
    if phone_region is not None:
        ctx = replace(ctx, phone_region=phone_region)
    return Stage(app, clock, ctx)


def sample_stage(at: datetime, *, phone_region: str | None = None) -> Stage:
    stage = open_stage(at, phone_region=phone_region)
    stage.sample()
    return stage


def show(
    window: QWidget, stage: Stage, *, then: Callable[[], None] | None = None, width: int = 1600
) -> None:
    """Show `window` at 1600x900 (a laptop on a desk), run `then` (its `start`), let it paint."""
    window.resize(width, width * 9 // 16)
    window.show()
    if then is not None:
        then()
    stage.settle()


def save(widget: QWidget, name: str) -> Path:
    folder = Path(os.environ.get("CALMDESK_SHOTS_DIR") or ROOT / "docs")
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    widget.grab().save(str(path))
    print(f"wrote {path}")
    return path
