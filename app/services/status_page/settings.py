"""The status page's team settings: its name, public address and publishing target."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from app.adapters.status_page_targets import is_http
from app.db.models import StatusPageSettings
from app.domain.roles import Action
from app.services.context import ServiceContext
from app.services.errors import InvalidInput
from app.services.feed.records import record_change

DEFAULT_NAME = "IT service status"
_ROW = 1


@dataclass(frozen=True)
class PageSettings:
    name: str = DEFAULT_NAME
    public_url: str = ""  # where people read it: https://status.example.com
    target: str = ""  # where the console writes it: a folder or an http(s) PUT address
    first_published_at: datetime | None = None

    @property
    def configured(self) -> bool:
        return bool(self.target.strip())


def load_settings(session: Session) -> PageSettings:
    row = session.get(StatusPageSettings, _ROW)
    if row is None:
        return PageSettings()
    return PageSettings(row.name, row.public_url, row.target, row.first_published_at)


def read_settings(ctx: ServiceContext) -> PageSettings:
    with ctx.db.read() as session:
        return load_settings(session)


def save_settings(ctx: ServiceContext, wanted: PageSettings) -> PageSettings:
    """Set the page's name, public address and target (a supervisor's decision)."""
    ctx.actor.require(Action.SET_UP_STATUS_PAGE)
    name = wanted.name.strip() or DEFAULT_NAME
    url = wanted.public_url.strip()
    if url and not is_http(url):
        raise InvalidInput("public_url", "The public address starts with https:// or http://.")
    with ctx.db.write() as session:
        row = session.get(StatusPageSettings, _ROW)
        if row is None:
            row = StatusPageSettings(id=_ROW, updated_at=ctx.clock.now())
            session.add(row)
        row.name, row.public_url, row.target = name, url, wanted.target.strip()
        row.updated_at, row.updated_by_id = ctx.clock.now(), ctx.actor.agent_id
        session.flush()
        record_change(session, ctx, "status_page_settings", _ROW, "update")
        return PageSettings(row.name, row.public_url, row.target, row.first_published_at)


def mark_published(ctx: ServiceContext) -> None:
    """The first publish happened (the console previews before it, never after)."""
    with ctx.db.write() as session:
        row = session.get(StatusPageSettings, _ROW)
        if row is None:
            row = StatusPageSettings(id=_ROW, name=DEFAULT_NAME, public_url="", target="")
            row.updated_at = ctx.clock.now()
            session.add(row)
        if row.first_published_at is None:
            row.first_published_at = ctx.clock.now()
