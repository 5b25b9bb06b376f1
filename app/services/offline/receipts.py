"""Receipts for changes replayed from a console's offline outbox (app/services/offline/outbox.py).

A change that carries an operation id writes a receipt in its own transaction. If the same
change arrives again (the connection dropped after the commit, before the console heard back),
the receipt is found and the change is not made twice. Calls need no receipt: their
`client_uuid` is unique and does the same job.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from app.db.models import AppliedOperation
from app.services.context import ServiceContext


def earlier_result(session: Session, op_id: str | None) -> AppliedOperation | None:
    """The receipt of `op_id` if it was applied before; None for a first time (or no id)."""
    if op_id is None:
        return None
    return session.get(AppliedOperation, op_id)


def record_receipt(
    session: Session, ctx: ServiceContext, op_id: str | None, kind: str, result_id: int | None
) -> None:
    """Written in the change's transaction, so the receipt exists exactly when the change does."""
    if op_id is None:
        return
    session.add(
        AppliedOperation(
            op_id=op_id,
            kind=kind,
            agent_id=ctx.actor.agent_id,
            applied_at=ctx.clock.now(),
            result_id=result_id,
        )
    )
