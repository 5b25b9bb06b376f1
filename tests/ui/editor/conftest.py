"""Fixtures for the incident editor tests: a little reference data and an editor on screen."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox
from pytestqt.qtbot import QtBot

from app.db.engine import Database
from app.db.models import Contact
from app.services.context import Actor, ServiceContext
from app.settings import load_settings
from tests.helpers import add_agent, add_service, add_team
from ui.console_context import ConsoleContext
from ui.editor import IncidentEditor
from ui.task_runner import TaskRunner


@dataclass(frozen=True)
class Seed:
    service_desk: int
    network: int
    email: int
    vpn: int
    anna: int
    anna_other: int
    ben: int
    priya: Actor


def add_contact(db: Database, name: str, email: str | None = None) -> int:
    with db.write() as session:
        contact = Contact(name=name, email=email, vip=False)
        session.add(contact)
        session.flush()
        return contact.id


@pytest.fixture
def seed(ctx: ServiceContext) -> Seed:
    service_desk, network = add_team(ctx.db, "Service Desk"), add_team(ctx.db, "Network")
    return Seed(
        service_desk=service_desk,
        network=network,
        email=add_service(ctx.db, "Email"),
        vpn=add_service(ctx.db, "VPN"),
        anna=add_contact(ctx.db, "Anna Berg", "anna.berg@example.com"),
        anna_other=add_contact(ctx.db, "Annabel Lee", "annabel.lee@example.com"),
        ben=add_contact(ctx.db, "Ben Okoro", "ben.okoro@example.com"),
        priya=add_agent(ctx.db, "priya.nair", "Priya Nair", team_id=network),
    )


def show_editor(
    qtbot: QtBot, ctx: ServiceContext, runner: TaskRunner | None = None
) -> IncidentEditor:
    console = ConsoleContext.build(load_settings(), ctx, runner or TaskRunner(synchronous=True))
    editor = IncidentEditor(console)
    qtbot.addWidget(editor)
    editor.resize(520, 900)
    editor.show()
    editor.activateWindow()
    qtbot.waitUntil(editor.isActiveWindow)  # activation is asynchronous, even offscreen
    return editor


@pytest.fixture
def editor(qtbot: QtBot, ctx: ServiceContext, seed: Seed) -> IncidentEditor:
    """An editor on a synchronous task runner, signed in as the admin, with the seed loaded."""
    return show_editor(qtbot, ctx)


def choose(qtbot: QtBot, combo: QComboBox, text: str) -> None:
    """Pick the item starting with `text` with the arrow keys, as a keyboard user would."""
    qtbot.keyClick(combo, Qt.Key.Key_Home)
    for _ in range(combo.count()):
        if combo.currentText().startswith(text):
            return
        qtbot.keyClick(combo, Qt.Key.Key_Down)
    raise AssertionError(f"{combo.accessibleName()} offers no {text!r}")
