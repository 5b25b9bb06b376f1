"""Status updates: who hears them, what they say, and when the next one is due after posting.

The template is the one users can take in at a glance: what happened, the current impact, what
we are doing, the workaround, the ETA, and when they will hear from us next.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum


class Audience(StrEnum):
    INTERNAL = "internal"
    STAKEHOLDERS = "stakeholders"
    ALL_USERS = "all_users"

    @property
    def label(self) -> str:
        return {
            Audience.INTERNAL: "Internal (IT teams)",
            Audience.STAKEHOLDERS: "Stakeholders (managers, service owners)",
            Audience.ALL_USERS: "All users",
        }[self]

    @property
    def short(self) -> str:
        return {
            Audience.INTERNAL: "Internal",
            Audience.STAKEHOLDERS: "Stakeholders",
            Audience.ALL_USERS: "All users",
        }[self]


TEMPLATE_FIELDS = (
    ("what_happened", "What happened"),
    ("current_impact", "Current impact"),
    ("actions", "What we are doing"),
    ("workaround", "Workaround"),
)


@dataclass(frozen=True)
class UpdateBody:
    """The words of one update, as typed in the composer."""

    what_happened: str
    current_impact: str
    actions: str
    workaround: str
    eta: datetime | None
    next_update_at: datetime | None


@dataclass(frozen=True)
class UpdateHeading:
    """What the update is about, for the first lines of the message."""

    number: str
    title: str
    audience: Audience
    sequence: int  # 1 for the first update on this incident
    final: bool
    services: Sequence[tuple[str, str]] = ()  # (service name, state label)
    drill: bool = False  # a drill's update: says so first, wherever it is sent


def drill_mark(heading: UpdateHeading) -> str:
    return "[DRILL] " if heading.drill else ""


def next_due_after_post(
    interval: timedelta | None, posted_at: datetime, promised: datetime | None, *, final: bool
) -> datetime | None:
    """When the next update is due once one went out at `posted_at`.

    The cadence is the floor: a promise of a later update does not buy more silence than the
    policy allows, but an earlier promise is kept. A final update stops the cadence.
    """
    if final:
        return None
    by_cadence = posted_at + interval if interval is not None else None
    if promised is None or promised <= posted_at:
        return by_cadence
    if by_cadence is None:
        return promised
    return min(promised, by_cadence)


def late_updates(
    cadence_start: datetime, posted: Sequence[datetime], interval: timedelta | None
) -> int:
    """How many times users waited longer than the cadence for an update (for the review)."""
    if interval is None:
        return 0
    late = 0
    previous = cadence_start
    for moment in sorted(posted):
        if moment - previous > interval:
            late += 1
        previous = moment
    return late


def local_clock(moment: datetime) -> str:
    """A time as people in the building read it: 09:35, in the machine's local zone."""
    return moment.astimezone().strftime("%H:%M")


def subject_line(heading: UpdateHeading) -> str:
    kind = "Resolved" if heading.final else f"Update {heading.sequence}"
    return f"{drill_mark(heading)}[{kind}] {heading.number}: {heading.title}"


def render_text(heading: UpdateHeading, body: UpdateBody, posted_at: datetime) -> str:
    """The update as plain text: for the clipboard, e-mail and chat fallbacks."""
    lines = [subject_line(heading), f"{heading.audience.short} · {local_clock(posted_at)}"]
    if heading.services:
        lines.append("Services: " + ", ".join(f"{n} ({s})" for n, s in heading.services))
    lines.append("")
    for field, label in TEMPLATE_FIELDS:
        value = getattr(body, field).strip()
        if value:
            lines += [f"{label}:", value, ""]
    if body.eta is not None and not heading.final:
        lines.append(f"ETA: {local_clock(body.eta)} (our current estimate)")
    if heading.final:
        lines.append("This is the final update: the service is restored.")
    elif body.next_update_at is not None:
        lines.append(f"Next update: by {local_clock(body.next_update_at)}")
    return "\n".join(lines).rstrip() + "\n"


def callers_message(body: UpdateBody) -> str:
    """What the service desk reads out to a caller, from an update to all users."""
    parts = [body.what_happened.strip(), body.actions.strip()]
    sentence = " ".join(p if p.endswith((".", "!", "?")) else f"{p}." for p in parts if p)
    if body.eta is not None:
        sentence += f" We expect it fixed by about {local_clock(body.eta)}."
    if body.next_update_at is not None:
        sentence += f" Next update by {local_clock(body.next_update_at)}."
    return sentence.strip()


@dataclass(frozen=True)
class IncidentFacts:
    """What an incident tells people, which each status update may change."""

    eta: datetime | None
    workaround: str
    public_message: str  # what the service desk reads out to callers


def facts_after_update(
    facts: IncidentFacts, audience: Audience, body: UpdateBody, *, final: bool
) -> IncidentFacts:
    """The incident's facts once this update is posted: the ETA it gives (a final update keeps
    the last one, for the record), its workaround when it has one, and, for an update to all
    users, the words callers hear. `body.next_update_at` must already be the due time."""
    eta = facts.eta if final else body.eta
    workaround = body.workaround or facts.workaround
    message = facts.public_message
    if audience == Audience.ALL_USERS:
        message = callers_message(body) or message
    return IncidentFacts(eta, workaround, message)
