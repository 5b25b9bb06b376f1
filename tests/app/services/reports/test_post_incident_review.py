"""The post-incident review: drafted from the record of a resolved major incident with known
figures, and what people write in it saved, version-checked and read back."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest

from app.domain.clock import ManualClock
from app.domain.errors import RuleViolation
from app.domain.review import ActionItem, ReviewEdits
from app.domain.roles import PermissionDenied
from app.services.context import ServiceContext
from app.services.errors import InvalidInput
from app.services.incidents.reads import IncidentReads
from app.services.reports.post_incident_review import PostIncidentReviews, ReviewConflict
from tests.app.services.reports.review_support import (
    CAUSE,
    FOLLOW_UPS,
    RESOLUTION,
    ResolvedOutage,
    resolve_outage,
)
from tests.app.services.war_room.war_room_support import declare_outage
from tests.helpers import as_actor


@pytest.fixture
def resolved(ctx: ServiceContext, clock: ManualClock) -> ResolvedOutage:
    return resolve_outage(ctx, clock)


def test_the_draft_holds_the_known_figures(ctx: ServiceContext, resolved: ResolvedOutage) -> None:
    draft = PostIncidentReviews(ctx).draft(resolved.incident_id)
    impact, comms = draft.impact, draft.communication
    assert impact.duration_minutes == 100
    assert impact.declared_at == resolved.declared
    assert impact.resolved_at == resolved.resolved
    assert impact.services == ("Email",)
    assert (impact.calls, impact.callers) == (3, 2)
    assert (impact.callbacks_wanted, impact.callbacks_done) == (1, 0)
    assert len(comms.updates) == 4
    assert comms.updates[-1].final
    assert comms.first_update_minutes == 10
    assert comms.longest_silence_minutes == 45
    assert comms.on_time_percent == 75
    assert comms.update_every_minutes == 30
    assert [c.eta - resolved.declared for c in comms.eta_changes] == [
        timedelta(minutes=60),
        timedelta(minutes=75),
        timedelta(minutes=90),
    ]
    assert comms.eta_error_minutes == 10
    assert draft.resolution == RESOLUTION
    assert draft.cause == CAUSE
    assert draft.commander == "Sam Okafor"
    (vendor,) = draft.vendors
    assert (vendor.vendor, vendor.reference, vendor.missed_eta) == ("Microsoft", "MS-4711", True)
    assert "open for 1 h 40 min, affecting Email" in draft.summary
    assert "3 calls from 2 callers" in draft.summary
    assert "longest silence was 45 min" in draft.summary


def test_the_key_events_are_in_order_with_the_pinned_note(
    ctx: ServiceContext, resolved: ResolvedOutage
) -> None:
    events = PostIncidentReviews(ctx).draft(resolved.incident_id).key_events
    kinds = [e.kind for e in events]
    declaring = [e.kind for e in events if e.at == resolved.declared]
    assert "declared_major" in declaring
    assert "service_state" in declaring  # Email set to Major outage
    assert kinds.count("status_update") == 4
    assert "vendor" in kinds
    assert "review_data" not in kinds
    assert [e.at for e in events] == sorted(e.at for e in events)
    (note,) = [e for e in events if e.kind == "note"]
    assert note.pinned
    assert "Tenant policy rolled back" in note.summary
    assert events[-1].kind in {"status", "service_state"}


def test_an_unsaved_review_starts_from_the_resolution_follow_ups(
    ctx: ServiceContext, resolved: ResolvedOutage
) -> None:
    draft = PostIncidentReviews(ctx).draft(resolved.incident_id)
    assert draft.version == 0
    assert draft.edits == ReviewEdits("", FOLLOW_UPS, ())


def test_action_items_are_saved_and_read_back(
    ctx: ServiceContext, resolved: ResolvedOutage
) -> None:
    reviews = PostIncidentReviews(ctx)
    commander = resolved.outage.commander
    edits = ReviewEdits(
        went_well="The first update went out in 10 minutes.",
        to_improve="We were silent for 45 minutes while waiting on Microsoft.",
        action_items=(
            ActionItem(
                None,
                "Agree an update slot with Microsoft",
                commander.agent_id,
                "",
                date(2026, 1, 12),
                False,
            ),
            ActionItem(None, "Add a Teams fallback to the runbook", None, "", None, True),
        ),
    )
    saved = reviews.save(resolved.incident_id, 0, edits)
    assert saved.version == 1
    assert saved.saved_by == "Alice Admin"
    reloaded = reviews.draft(resolved.incident_id)
    assert reloaded.edits.went_well == edits.went_well
    assert reloaded.edits.to_improve == edits.to_improve
    items = reloaded.edits.action_items
    assert [(i.text, i.owner, i.due_on, i.done) for i in items] == [
        ("Agree an update slot with Microsoft", "Sam Okafor", date(2026, 1, 12), False),
        ("Add a Teams fallback to the runbook", "", None, True),
    ]
    assert all(i.id is not None for i in items)
    # Drop the first, tick the second off again, add one: ids are kept for what stays.
    second = replace(items[1], done=False)
    new = ActionItem(None, "Review the cadence", None, "", None, False)
    again = reviews.save(
        resolved.incident_id, 1, replace(reloaded.edits, action_items=(second, new))
    )
    assert again.version == 2
    assert [(i.id, i.text, i.done) for i in again.edits.action_items] == [
        (items[1].id, "Add a Teams fallback to the runbook", False),
        (again.edits.action_items[1].id, "Review the cadence", False),
    ]
    follow_ups = reviews.follow_ups()
    assert [f.text for f in follow_ups] == [
        "Add a Teams fallback to the runbook",
        "Review the cadence",
    ]
    assert {f.number for f in follow_ups} == {resolved.outage.incident.number}
    timeline = IncidentReads(ctx).timeline(resolved.incident_id)
    assert timeline[-1].summary == "Post-incident review saved: 2 action items (0 done)"


def test_a_stale_save_is_refused(ctx: ServiceContext, resolved: ResolvedOutage) -> None:
    reviews = PostIncidentReviews(ctx)
    edits = ReviewEdits("Fast first update.", "", ())
    reviews.save(resolved.incident_id, 0, edits)
    with pytest.raises(ReviewConflict, match="Alice Admin saved this review") as caught:
        reviews.save(resolved.incident_id, 0, replace(edits, went_well="Mine"))
    assert caught.value.current.edits.went_well == "Fast first update."
    assert reviews.draft(resolved.incident_id).edits.went_well == "Fast first update."


def test_an_empty_action_item_is_refused(ctx: ServiceContext, resolved: ResolvedOutage) -> None:
    blank = ActionItem(None, "  ", None, "", None, False)
    with pytest.raises(InvalidInput) as caught:
        PostIncidentReviews(ctx).save(resolved.incident_id, 0, ReviewEdits("", "", (blank,)))
    assert caught.value.field == "action_items"
    assert PostIncidentReviews(ctx).draft(resolved.incident_id).version == 0


def test_agents_read_but_do_not_write_the_review(
    ctx: ServiceContext, resolved: ResolvedOutage
) -> None:
    agent = as_actor(ctx, resolved.outage.comms)
    reviews = PostIncidentReviews(agent)
    assert reviews.draft(resolved.incident_id).number == resolved.outage.incident.number
    with pytest.raises(PermissionDenied):
        reviews.save(resolved.incident_id, 0, ReviewEdits("", "", ()))


def test_an_open_major_incident_has_no_review_yet(ctx: ServiceContext) -> None:
    outage = declare_outage(ctx)
    with pytest.raises(RuleViolation, match="not resolved yet"):
        PostIncidentReviews(ctx).draft(outage.incident.id)
