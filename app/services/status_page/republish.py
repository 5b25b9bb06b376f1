"""Keeping the published page current: after every public update, service state change and
resolution the page is written again; a failure is kept, shown and retried, and since the page
is always rebuilt from the database, nothing is lost while it fails.

No threads here: the console runs `publish_pending` off its UI thread and schedules the retry
(`next_try`), one at a time."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from app.adapters.status_page_targets import PublishFailed
from app.domain.status_page import retry_delay
from app.services.context import ServiceContext
from app.services.status_page.publishing import PageFiles, build, publish_to
from app.services.status_page.settings import read_settings

# A change to these means the public page may have changed.
PUBLIC_ENTITIES = frozenset({"status_updates", "services", "incidents", "status_page_settings"})


@dataclass(frozen=True)
class PublishOutcome:
    published: bool  # False: nothing to do (no target) or it failed
    target: str
    at: datetime
    error: str = ""  # why it failed, for the person at the console
    failures: int = 0  # failed tries in a row
    next_try: datetime | None = None  # when it will be tried again


def touches_public_page(entities: Iterable[str]) -> bool:
    return any(entity in PUBLIC_ENTITIES for entity in entities)


class Republisher:
    def __init__(
        self,
        ctx: ServiceContext,
        write: Callable[[str, PageFiles], None] = publish_to,
    ) -> None:
        self._ctx = ctx
        self._write = write
        self._failures = 0
        self._last: bytes | None = None  # what was last published, to skip needless uploads

    def publish_pending(self, *, force: bool = False) -> PublishOutcome:
        """Build the page from the data now and write it to the team's target. Unchanged pages
        are not sent again unless `force`; a failure is counted and gets a retry time."""
        now = self._ctx.clock.now()
        if not read_settings(self._ctx).configured:
            return PublishOutcome(False, "", now)  # one small read: most desks publish nothing
        page = build(self._ctx)
        target = page.settings.target
        if not target:
            return PublishOutcome(False, "", now)
        fingerprint = b"\0".join(name.encode() + data for name, data in page.files) + (
            target.encode()
        )
        if fingerprint == self._last and not force:
            return PublishOutcome(True, target, now)
        try:
            self._write(target, page)
        except PublishFailed as exc:
            self._failures += 1
            return PublishOutcome(
                False,
                target,
                now,
                str(exc),
                self._failures,
                now + retry_delay(self._failures),
            )
        self._failures, self._last = 0, fingerprint
        return PublishOutcome(True, target, now)
