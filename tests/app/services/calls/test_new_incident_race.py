"""Two agents click "New incident from this call" on the same call at the same moment, from
different workstations: one incident opens with the call linked, the other agent is told the
call is taken, and no incident is left without its call. Opening and linking are one
transaction, so there is no moment when the incident exists and the call is still free. Real
concurrent writers, on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
import uuid
from concurrent.futures import ThreadPoolExecutor

from app.db.engine import open_database
from app.domain.errors import CalmdeskError
from app.services.calls.commands import CallCommands
from app.services.calls.dto import CallDraft
from app.services.context import ServiceContext
from app.services.incidents.dto import IncidentDetail
from app.services.incidents.reads import IncidentReads
from tests.helpers import add_agent

ROUNDS = 4


def _race(contexts: list[ServiceContext], call_id: int) -> list[IncidentDetail | CalmdeskError]:
    start = threading.Barrier(len(contexts))

    def click(ctx: ServiceContext) -> IncidentDetail | CalmdeskError:
        start.wait()
        try:
            return CallCommands(ctx).new_incident_from_call(call_id)
        except CalmdeskError as refused:
            return refused

    with ThreadPoolExecutor(len(contexts)) as pool:
        return list(pool.map(click, contexts))


def test_agents_racing_to_open_an_incident_from_one_call_open_one(ctx: ServiceContext) -> None:
    contexts = []
    for name in ("ana", "ben"):
        actor = add_agent(ctx.db, name, name.title())
        contexts.append(ServiceContext(open_database(ctx.db.engine.url), ctx.clock, actor))
    try:
        for round_ in range(ROUNDS):
            draft = CallDraft(client_uuid=str(uuid.uuid4()), caller_name=f"Caller {round_}")
            call = CallCommands(ctx).log_call(draft).call

            results = _race(contexts, call.id)

            opened = [r for r in results if isinstance(r, IncidentDetail)]
            refused = [str(r) for r in results if not isinstance(r, IncidentDetail)]
            assert len(opened) == 1, refused
            assert refused == [f"This call is already linked to {opened[0].number}; "
                               "open that incident instead, or link the call elsewhere from "
                               "the call list."]  # fmt: skip
            rows = IncidentReads(ctx).queue_rows()
            assert len(rows) == round_ + 1  # no second incident, with or without the call
            assert next(r.calls for r in rows if r.number == opened[0].number) == 1
    finally:
        for racer in contexts:
            racer.db.dispose()
