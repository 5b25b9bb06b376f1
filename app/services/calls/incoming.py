"""An incoming call (`calmdesk call --from NUMBER`, a `tel:` link): the caller matched by
number however it is written, their open incidents and the service to match outages on."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from app.db.models import Call, Incident, Service
from app.domain.lifecycle import OPEN_STATUSES, Status
from app.domain.phone_numbers import display_phone, normalise_phone, strip_scheme
from app.services.calls.dto import IncomingCall, RecentIncident
from app.services.calls.reads import CallReads
from app.services.context import ServiceContext

OPEN_SHOWN = 5
RECENT_CALL_HOURS = 12  # a call back about the same thing within a working day


class IncomingCalls:
    def __init__(self, ctx: ServiceContext) -> None:
        self._ctx = ctx

    def identify(self, number: str) -> IncomingCall:
        number = strip_scheme(number)
        e164 = normalise_phone(number, self._ctx.phone_region)
        shown = display_phone(e164) if e164 else number
        if e164 is None:
            return IncomingCall(number=number, e164=None, display=shown)
        callers = tuple(CallReads(self._ctx).callers_by_number(e164))
        if len(callers) != 1:  # nobody, or several sharing a desk phone: the agent picks
            return IncomingCall(number, e164, shown, callers)
        contact_id = callers[0].id
        open_statuses = [s.value for s in OPEN_STATUSES]
        with self._ctx.db.read() as session:
            rows = session.execute(
                select(Incident, Service.name)
                .outerjoin(Service, Service.id == Incident.service_id)
                .where(Incident.caller_id == contact_id, Incident.status.in_(open_statuses))
                .order_by(Incident.opened_at.desc(), Incident.id.desc())
                .limit(OPEN_SHOWN)
            ).all()
            service_id, service = next(
                ((i.service_id, name) for i, name in rows if i.service_id is not None),
                (None, ""),
            )
            if service_id is None:
                since = self._ctx.clock.now() - timedelta(hours=RECENT_CALL_HOURS)
                last_call = session.execute(
                    select(Call.service_id, Service.name)
                    .join(Service, Service.id == Call.service_id)
                    .where(Call.contact_id == contact_id, Call.at >= since)
                    .order_by(Call.at.desc(), Call.id.desc())
                    .limit(1)
                ).first()
                if last_call is not None:
                    service_id, service = last_call[0], last_call[1]
        open_incidents = tuple(
            RecentIncident(i.id, i.number, i.title, Status(i.status), i.opened_at)
            for i, _name in rows
        )
        return IncomingCall(number, e164, shown, callers, open_incidents, service_id, service)
