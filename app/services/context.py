"""What every use case needs: the database, a clock, and who is acting."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from app.db.engine import Database
from app.domain.clock import Clock
from app.services.actor import Actor

__all__ = ["Actor", "ServiceContext"]


@dataclass(frozen=True)
class ServiceContext:
    db: Database
    clock: Clock  # on a team database, the server's time (app/services/server_time)
    actor: Actor
    # When the agent made this change, if the console kept it offline and sends it later: it is
    # stored beside the time the database records it (the `made_at` columns), never instead.
    made_at: datetime | None = None
    # The country of phone numbers typed without a country code ("GB"): Settings.phone_region.
    phone_region: str = ""
