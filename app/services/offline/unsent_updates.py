"""An update posted while the database is unreachable, as the console shows it until it
arrives (the offline outbox keeps the post itself: app/services/offline/operations.py `PostUpdate`).

It goes through the same checks, cadence rule and formatter as posting online, so what is
copied or e-mailed during an outage reads exactly as the update the database records later."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from app.services.war_room.dto import PostedUpdate, UpdateDraft, WarRoomSnapshot
from app.services.war_room.reads import to_update_row
from app.services.war_room.status_updates import checked_body, due_after_post, new_update_record


def unsent_update(
    snapshot: WarRoomSnapshot,
    draft: UpdateDraft,
    posted_at: datetime,
    *,
    author: str,
    key: int,
) -> PostedUpdate:
    """An update posted while the database was unreachable, as the console shows it until it
    arrives: the subject, text and next-update time the database will record (the same rules
    and formatter as `post_in_session`), numbered after the updates in `snapshot`. `key` is
    the row's stand-in id (the database has not issued one), so nothing can look it up."""
    incident = snapshot.incident
    body = checked_body(draft.body, posted_at, final=draft.final)
    interval = snapshot.update_interval
    due = due_after_post(incident.priority, interval, posted_at, body, final=draft.final)
    update = new_update_record(
        incident.id,
        posted_at,
        None,
        draft.audience,
        replace(body, next_update_at=due),
        draft.final,
    )
    update.id = key  # never added to a session: it only feeds the row's formatter
    row = to_update_row(update, author, len(snapshot.updates) + 1, incident)
    return PostedUpdate(row, due, incident.version)
