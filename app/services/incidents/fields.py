"""The fields a person types into an incident, and how each is checked. Errors name the field so
the editor can show them inline."""

from __future__ import annotations

from datetime import datetime

from app.domain.priority import Impact, Urgency
from app.services.errors import InvalidInput

CHANNELS = ("phone", "email", "walk_in", "chat", "self_service", "monitoring")
TITLE_MAX = 300

# Fields the editor may change directly; status, assignment and major have their own calls.
EDITABLE = {
    "title": "title",
    "description": "description",
    "service_id": "service",
    "category": "category",
    "caller_id": "caller",
    "channel": "channel",
    "impact": "impact",
    "urgency": "urgency",
    "workaround": "workaround",
    "public_message": "public message",
    "resolution": "resolution",
    "eta": "ETA",
}


def clean_title(title: str) -> str:
    title = " ".join(title.split())
    if not title:
        raise InvalidInput("title", "Give the incident a title: what is broken, for whom.")
    if len(title) > TITLE_MAX:
        raise InvalidInput("title", f"Keep the title under {TITLE_MAX} characters.")
    return title


def check_channel(channel: str) -> None:
    if channel not in CHANNELS:
        raise InvalidInput("channel", f"Channel must be one of {', '.join(CHANNELS)}.")


def parse_impact(value: int) -> Impact:
    try:
        return Impact(int(value))
    except ValueError:
        raise InvalidInput("impact", "Impact is 1 (high), 2 (medium) or 3 (low).") from None


def parse_urgency(value: int) -> Urgency:
    try:
        return Urgency(int(value))
    except ValueError:
        raise InvalidInput("urgency", "Urgency is 1 (high), 2 (medium) or 3 (low).") from None


def validated(field: str, value: object) -> object:
    if field == "title":
        return clean_title(str(value))
    if field == "impact":
        return int(parse_impact(value))  # type: ignore[arg-type]
    if field == "urgency":
        return int(parse_urgency(value))  # type: ignore[arg-type]
    if field == "channel":
        check_channel(str(value))
    if field in ("description", "workaround", "public_message", "resolution"):
        return str(value or "").strip()
    if field == "eta" and value is not None and not isinstance(value, datetime):
        raise InvalidInput("eta", "The ETA must be a date and time.")
    return value
