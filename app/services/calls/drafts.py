"""What a call becomes before it is saved: the checked draft of the call itself (trimmed, refused
with a clear message when unusable), its save key, and the incident drafts a call or a surge of
calls prefills."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import replace

from app.domain.priority import Impact, Urgency
from app.services.calls.dto import CallDraft, CallRow
from app.services.errors import InvalidInput
from app.services.incidents.fields import CHANNELS
from app.services.incidents.opening import IncidentDraft

CALLER_MAX = 200
NUMBER_MAX = 60


def draft_from_call(
    call: CallRow, impact: int = Impact.MEDIUM, urgency: int = Urgency.MEDIUM
) -> IncidentDraft:
    """An incident prefilled from a call: what they see becomes the title."""
    symptom = " ".join(call.symptom.split())
    if symptom:
        title = symptom if len(symptom) <= 120 else symptom[:117].rstrip() + "…"
        if call.service and call.service.lower() not in symptom.lower():
            title = f"{call.service}: {title}"
    elif call.service:
        title = f"{call.service} problem reported by {call.caller or 'a caller'}"
    else:
        title = f"Problem reported by {call.caller or 'a caller'}"
    channel = call.channel.replace("_", " ")
    lines = [
        f"Reported by {channel} by {call.caller or 'an unnamed caller'} at {call.at:%H:%M} UTC."
    ]
    if call.symptom:
        lines.append(f"What they see: {call.symptom}")
    if call.callback_wanted:
        lines.append(f"Callback wanted on {call.callback_number or 'their usual number'}.")
    return IncidentDraft(
        title=title,
        impact=impact,
        urgency=urgency,
        description="\n".join(lines),
        service_id=call.service_id,
        caller_id=call.contact_id,
        channel=call.channel,
        category=call.service or None,
    )


def surge_draft(service_id: int, service: str, calls: Sequence[CallRow]) -> IncidentDraft:
    seen: list[str] = []
    for call in calls:
        symptom = " ".join(call.symptom.split())
        if symptom and symptom.lower() not in (s.lower() for s in seen):
            seen.append(symptom)
    lines = [f"Declared from a surge: {len(calls)} calls about {service}."]
    lines += [f"- {s}" for s in seen[:10]]
    return IncidentDraft(
        title=f"{service}: many users affected ({len(calls)} calls)",
        impact=Impact.HIGH,
        urgency=Urgency.HIGH,
        description="\n".join(lines),
        service_id=service_id,
        channel="phone",
        category=service,
    )


def new_client_uuid() -> str:
    return str(uuid.uuid4())


def checked_call_draft(draft: CallDraft) -> CallDraft:
    """The draft as it is saved: trimmed, and refused with a clear message when unusable."""
    try:
        uuid.UUID(draft.client_uuid)
    except (ValueError, AttributeError, TypeError):
        raise InvalidInput(
            "client_uuid", "The call has no valid save key; reopen the form."
        ) from None
    caller = " ".join(draft.caller_name.split())
    symptom = draft.symptom.strip()
    number = draft.callback_number.strip()
    if not caller and not symptom and draft.service_id is None and draft.contact_id is None:
        raise InvalidInput("caller", "Type who called, or what they see, before saving.")
    if len(caller) > CALLER_MAX:
        raise InvalidInput("caller", f"Keep the caller's name under {CALLER_MAX} characters.")
    if len(number) > NUMBER_MAX:
        raise InvalidInput("callback_number", "That callback number is too long.")
    if draft.channel not in CHANNELS:
        raise InvalidInput("channel", f"Unknown channel {draft.channel!r}.")
    return replace(
        draft,
        caller_name=caller,
        symptom=symptom,
        callback_number=number,
        incident_number=draft.incident_number.strip().upper(),
    )
