"""How the call list and the call form read: filters over call rows, and the "Is this the
outage?" ranking. Pure functions, so the Qt models stay thin and the rules are tested alone."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from app.domain.call_matching import Match, match_outages
from app.services.calls.dto import ActiveMajor, CallRow


class CallFilter(StrEnum):
    ALL = "all"
    TODAY = "today"
    UNLINKED = "unlinked"
    CALLBACK_PENDING = "callback_pending"

    @property
    def label(self) -> str:
        return {
            CallFilter.ALL: "All",
            CallFilter.TODAY: "Today",
            CallFilter.UNLINKED: "Unlinked",
            CallFilter.CALLBACK_PENDING: "Callback pending",
        }[self]


def call_matches(
    row: CallRow, quick: CallFilter, today_start: datetime, service_id: int | None = None
) -> bool:
    """Whether `row` shows under `quick` and, if given, the service filter."""
    if service_id is not None and row.service_id != service_id:
        return False
    if quick == CallFilter.TODAY:
        return row.at >= today_start
    if quick == CallFilter.UNLINKED:
        return row.incident_id is None
    if quick == CallFilter.CALLBACK_PENDING:
        return row.callback_pending
    return True


@dataclass(frozen=True)
class OutageMatch:
    major: ActiveMajor
    match: Match

    @property
    def reason(self) -> str:
        if self.match.same_service:
            services = ", ".join(self.major.services)
            words = self.match.shared_words
            extra = f"; words: {', '.join(words)}" if words else ""
            return f"same service ({services}){extra}"
        return self.match.reason


def rank_outages(
    majors: Sequence[ActiveMajor], service_id: int | None, service_name: str, symptom: str
) -> list[OutageMatch]:
    """The active major incidents this call may be about, best first."""
    if service_id is None and not symptom.strip() and not service_name.strip():
        return []
    by_id = {m.id: m for m in majors}
    found = match_outages(
        service_id, symptom, [m.target() for m in majors], extra_words=service_name
    )
    return [OutageMatch(by_id[m.key], m) for m in found]
