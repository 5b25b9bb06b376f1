"""An update posted while the database is unreachable is shown, copied and e-mailed from its
draft. It must read exactly as the update the database records when it arrives: one formatter,
one cadence rule, for both."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest

from app.domain.clock import ManualClock
from app.domain.status_update import Audience, UpdateBody
from app.services.context import ServiceContext
from app.services.errors import InvalidInput
from app.services.offline.unsent_updates import unsent_update
from app.services.war_room.dto import UpdateDraft
from app.services.war_room.reads import WarRoomReads
from app.services.war_room.status_updates import StatusUpdates
from tests.app.services.war_room.war_room_support import declare_outage

BODY = UpdateBody(
    what_happened="  Email is down for everyone since 8:05. ",
    current_impact="Nobody can send or receive mail.",
    actions="Microsoft is restoring sign-in.",
    workaround="Use Teams chat for urgent messages.",
    eta=None,
    next_update_at=None,
)


def test_an_unsent_update_reads_as_the_saved_one_will(
    sqlite_ctx: ServiceContext, clock: ManualClock, tmp_path: Path
) -> None:
    outage = declare_outage(sqlite_ctx)
    config = tmp_path / "war-room.toml"
    config.write_text('[mail]\nall_users = ["all-staff@example.com"]\n', encoding="utf-8")
    updates = StatusUpdates(sqlite_ctx, config)
    reads = WarRoomReads(sqlite_ctx)
    first = updates.post(outage.incident.id, UpdateDraft(Audience.ALL_USERS, BODY))
    clock.advance(timedelta(minutes=20))
    promised = clock.now() + timedelta(minutes=15)
    draft = UpdateDraft(Audience.STAKEHOLDERS, replace(BODY, next_update_at=promised))
    before = reads.snapshot(outage.incident.id)

    unsent = unsent_update(before, draft, clock.now(), author="Alice", key=-1)
    saved = updates.post(outage.incident.id, draft)

    assert unsent.update.id == -1
    assert unsent.update.sequence == saved.update.sequence == first.update.sequence + 1
    assert unsent.update.subject == saved.update.subject
    assert unsent.update.text == saved.update.text
    assert unsent.update.what_happened == "Email is down for everyone since 8:05."
    assert unsent.next_update_due == saved.next_update_due == promised
    assert updates.mailto_for(unsent.update) == updates.mailto(saved.update.id)


def test_an_unsent_update_keeps_to_the_cadence(
    sqlite_ctx: ServiceContext, clock: ManualClock
) -> None:
    outage = declare_outage(sqlite_ctx)
    snapshot = WarRoomReads(sqlite_ctx).snapshot(outage.incident.id)
    plain = unsent_update(
        snapshot, UpdateDraft(Audience.ALL_USERS, BODY), clock.now(), author="", key=-1
    )
    assert plain.next_update_due == clock.now() + timedelta(minutes=30)  # P1: every 30 minutes
    too_late = UpdateDraft(
        Audience.ALL_USERS,
        replace(BODY, next_update_at=clock.now() + timedelta(hours=2)),
    )
    with pytest.raises(InvalidInput, match="updated every 30 minutes"):
        unsent_update(snapshot, too_late, clock.now(), author="", key=-1)
