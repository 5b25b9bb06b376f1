"""Reading monitoring alerts: the marks of alert-born incidents, and whether the database answers
(the intake's health check)."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db.engine import Database, check_connection
from app.db.models import AlertGroup
from app.domain.errors import DatabaseUnavailable
from app.services.intake.dto import AlertMark, alert_mark


def database_problem(db: Database) -> str | None:
    """None when the database answers a query now, else why not (one line)."""
    try:
        check_connection(db)
    except DatabaseUnavailable as exc:
        return str(exc)
    return None


def alert_marks(session: Session, incident_ids: Iterable[int]) -> dict[int, AlertMark]:
    """The alert group each of these incidents was opened by, for those that were."""
    wanted = sorted(set(incident_ids))
    if not wanted:
        return {}
    query = select(AlertGroup).where(AlertGroup.incident_id.in_(wanted))
    return {group.incident_id: to_mark(group) for group in session.scalars(query)}


def to_mark(group: AlertGroup) -> AlertMark:
    return alert_mark(
        (
            group.alert_name,
            group.labels,
            group.first_firing_at,
            group.last_firing_at,
            group.source_url,
            group.state,
            group.alert_count,
            group.flapping_since is not None,
        )
    )
