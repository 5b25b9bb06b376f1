"""An incoming call fills the call form: the caller matched by number however it is written,
their open incidents, the outage match; an unknown number waits for a name. And one console per
user: a second `calmdesk call --from NUMBER` (a real second process) hands the call over to the
running console and exits 0."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from app.db.models import Contact
from app.services.calls.commands import CallCommands
from app.services.calls.dto import ContactDraft, IncomingCall
from app.services.context import ServiceContext
from app.services.incidents.commands import IncidentCommands, IncidentDraft
from app.settings import load_settings
from tests.app.services.calls.test_calls import declare_outage
from tests.helpers import add_service
from tests.ui.calls.conftest import Console, press, show_console, type_here
from ui.console import _take_launch
from ui.console_context import ConsoleContext
from ui.single_instance import InstanceServer, hand_over, instance_name
from ui.task_runner import TaskRunner

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def london(sqlite_ctx: ServiceContext) -> ServiceContext:
    return replace(sqlite_ctx, phone_region="GB")


@pytest.fixture
def desk(qtbot: QtBot, london: ServiceContext) -> Console:
    """A console on a desk in London: an Email outage, and Ruth, who has an Email incident open."""
    email = add_service(london.db, "Email")
    add_service(london.db, "VPN")
    declare_outage(london, email, "Email down for all users: Outlook cannot connect")
    ruth = CallCommands(london).create_contact(
        ContactDraft(name="Ruth Adeyemi", phone="+44 20 7946 0000", department="Finance")
    )
    IncidentCommands(london).open(
        IncidentDraft(
            title="Outlook keeps asking for my password", service_id=email, caller_id=ruth.id
        )
    )
    context = ConsoleContext.build(load_settings(), london, TaskRunner(synchronous=True))
    return show_console(qtbot, context)


def _incoming(qtbot: QtBot, desk: Console, number: str) -> IncomingCall:
    form = desk.calls.form
    with qtbot.waitSignal(form.incoming.shown) as shown:
        desk.calls.take_incoming(number)
    qtbot.waitUntil(form.isVisible)
    call = shown.args[0]
    assert isinstance(call, IncomingCall)
    return call


def test_a_known_number_opens_the_form_with_the_caller_their_incident_and_the_outage(
    qtbot: QtBot, desk: Console
) -> None:
    form = desk.calls.form
    call = _incoming(qtbot, desk, "020 7946 0000")  # stored as +44 20 7946 0000
    assert call.e164 == "+442079460000"
    assert form.caller.picked() is not None
    assert form.caller.text() == "Ruth Adeyemi"
    card = form.caller.card.text()
    assert "Open incidents:" in card
    assert "Outlook keeps asking for my password" in card
    assert form.service.currentText() == "Email"
    assert form.matches.isVisible()
    assert form.matches_model.rowCount() == 1
    assert "Email down for all users" in form.matches_model.match_at(0).major.title
    assert form.callback_number.text() == "+44 20 7946 0000"
    assert "Ruth Adeyemi" in form.status.text()
    qtbot.waitUntil(form.symptom.hasFocus)  # the agent types what they see straight away


def test_an_unknown_number_waits_for_a_name_and_saves_the_caller_with_it(
    qtbot: QtBot, desk: Console, london: ServiceContext
) -> None:
    form = desk.calls.form
    call = _incoming(qtbot, desk, "tel:+44-7700-900123")
    assert call.callers == ()
    assert form.caller.picked() is None
    assert "Unknown number" in form.caller.card.text()
    assert "+44 7700 900123" in form.caller.card.text()
    qtbot.waitUntil(form.caller.edit.hasFocus)
    type_here(qtbot, "Omar Haddad")
    from PySide6.QtCore import Qt

    with qtbot.waitSignal(form.call_saved):
        press(qtbot, Qt.Key.Key_Return)
    with london.db.read() as session:
        omar = session.scalars(select(Contact).where(Contact.name == "Omar Haddad")).one()
    assert omar.phone_e164 == "+447700900123"


def test_a_number_two_contacts_share_offers_both(
    qtbot: QtBot, desk: Console, london: ServiceContext
) -> None:
    CallCommands(london).create_contact(ContactDraft(name="Reception", phone="0044 20 7946 0000"))
    form = desk.calls.form
    call = _incoming(qtbot, desk, "+442079460000")
    assert {c.name for c in call.callers} == {"Ruth Adeyemi", "Reception"}
    assert form.caller.suggestions.isVisible()
    assert form.caller.model.rowCount() == 2
    assert form.caller.pick_highlighted()
    assert form.caller.picked() is not None


def _launch(qtbot: QtBot, args: list[str], home: Path) -> int:
    """`calmdesk ARGS` as a second process, run to its end while the console's event loop
    turns; its exit status (what it says goes to home/launch.err)."""
    env = {
        **os.environ,
        "CALMDESK_HOME": str(home),
        "QT_QPA_PLATFORM": "offscreen",
        "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
    }
    with (home / "launch.err").open("wb") as err:
        second = subprocess.Popen(
            [sys.executable, "-m", "ui.launcher", *args],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=err,
        )
        try:
            qtbot.waitUntil(lambda: second.poll() is not None, timeout=30_000)
        finally:  # a launch that did not hand over is a console of its own: never left running
            if second.poll() is None:
                second.kill()
                second.wait()
    return second.returncode


@pytest.mark.parametrize(
    "args",
    [
        ["call", "--from", "0044-20-7946-0000"],
        ["tel:+44-20-7946-0000"],  # what the desktop runs for a tel: link (Exec=calmdesk %u)
        ["callto://+442079460000"],
    ],
)
def test_a_second_launch_hands_the_call_to_the_running_console_and_exits(
    qtbot: QtBot, desk: Console, tmp_path: Path, args: list[str]
) -> None:
    name = instance_name({"CALMDESK_HOME": str(tmp_path)})
    server = InstanceServer(name, desk.window)
    assert server.listen()
    server.arguments.connect(lambda argv: _take_launch(desk.window, argv))
    form = desk.calls.form
    try:
        with qtbot.waitSignal(form.incoming.shown, timeout=30_000) as shown:
            code = _launch(qtbot, args, tmp_path)
    finally:
        server.close()
    assert code == 0, (tmp_path / "launch.err").read_text()
    assert shown.args[0].e164 == "+442079460000"
    assert form.caller.text() == "Ruth Adeyemi"
    assert form.isVisible()


def test_a_bare_second_launch_brings_the_console_forward(
    qtbot: QtBot, desk: Console, tmp_path: Path
) -> None:
    server = InstanceServer(instance_name({"CALMDESK_HOME": str(tmp_path)}), desk.window)
    assert server.listen()
    desk.window.showMinimized()
    try:
        with qtbot.waitSignal(server.arguments, timeout=30_000) as handed:
            server.arguments.connect(lambda argv: _take_launch(desk.window, argv))
            code = _launch(qtbot, [], tmp_path)
    finally:
        server.close()
    assert code == 0, (tmp_path / "launch.err").read_text()
    assert handed.args[0] == []
    assert not desk.window.isMinimized()
    assert not desk.calls.form.isVisible()  # no call: only the console comes forward


def test_with_no_console_running_nobody_takes_the_call(tmp_path: Path) -> None:
    assert not hand_over(
        ["call", "--from", "+442079460000"], instance_name({"CALMDESK_HOME": str(tmp_path)}), 500
    )


def test_a_second_server_leaves_the_running_consoles_socket_alone(
    qtbot: QtBot, tmp_path: Path
) -> None:
    name = instance_name({"CALMDESK_HOME": str(tmp_path)})
    first = InstanceServer(name)
    assert first.listen()
    second = InstanceServer(name)
    try:
        assert not second.listen()  # a console opened on another --db does not take over
        with qtbot.waitSignal(first.arguments) as handed:
            code = _launch(qtbot, ["call", "--from", "+442079460000"], tmp_path)
    finally:
        second.close()
        first.close()
    assert code == 0, (tmp_path / "launch.err").read_text()
    assert handed.args[0] == ["call", "--from", "+442079460000"]
