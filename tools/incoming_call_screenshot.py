"""Regenerate docs/incoming-call.png: the call form as an incoming call leaves it, on the sample
data (a caller with an open Email incident ringing during the Email outage).

    xvfb-run -a python tools/incoming_call_screenshot.py

Runs on a fresh SQLite file in a temporary CALMDESK_HOME, with the phone region GB.
"""

from __future__ import annotations

from datetime import UTC, datetime

from screenshot_stage import sample_stage, save, show
from sqlalchemy import select

from app.db.models import Contact, Incident, Service
from app.domain.lifecycle import OPEN_STATUSES
from app.services.context import ServiceContext
from ui.main_window import MainWindow

MONDAY = datetime(2026, 11, 23, 8, 55, tzinfo=UTC)


def _ringing_number(ctx: ServiceContext) -> str:
    """The number of a caller who has an open, non-major Email incident in the sample."""
    open_statuses = [s.value for s in OPEN_STATUSES]
    with ctx.db.read() as session:
        phone = session.scalar(
            select(Contact.phone)
            .join(Incident, Incident.caller_id == Contact.id)
            .join(Service, Service.id == Incident.service_id)
            .where(
                Service.name == "Email",
                Incident.status.in_(open_statuses),
                Incident.major.is_(False),
                Contact.phone.is_not(None),
            )
            .order_by(Incident.opened_at.desc())
            .limit(1)
        )
    if phone is None:
        raise SystemExit("the sample has no caller with an open Email incident")
    return "0" + str(phone).removeprefix("+44 ")  # rung as a UK softphone shows it


def main() -> None:
    stage = sample_stage(MONDAY, phone_region="GB")
    window = MainWindow(stage.console())
    show(window, stage, then=window.start)
    number = _ringing_number(stage.ctx)
    form = window.calls.form
    shown: list[object] = []
    form.incoming.shown.connect(shown.append)
    window.calls.take_incoming(number)
    while not shown:
        stage.settle()
    for _ in range(5):
        stage.settle()
    save(form, "incoming-call.png")
    window.close()
    print(f"(incoming call from {number})")


if __name__ == "__main__":
    main()
