"""Reference data the forms need before anything is saved: the priority matrix."""

from __future__ import annotations

from app.domain.priority import PriorityMatrix
from app.services.context import ServiceContext
from app.services.feed.records import load_matrix


class ReferenceReads:
    def __init__(self, ctx: ServiceContext) -> None:
        self._ctx = ctx

    def priority_matrix(self) -> PriorityMatrix:
        """The impact x urgency matrix as the organisation set it, so a form can show the
        priority an incident will get before it is saved."""
        with self._ctx.db.read() as session:
            return load_matrix(session)
