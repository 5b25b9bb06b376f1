"""Making it right: a major incident's war room records goodwill gestures (callbacks owed are
part of the list), settles them, and the timeline, the post-incident review, the reports and a
supervisor's notifications say what was made and what is still owed."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from app.adapters.review_markdown import review_markdown
from app.domain.clock import ManualClock
from app.domain.errors import RuleViolation
from app.domain.goodwill import GestureKind, GestureStatus, Recipient
from app.domain.notification_rules import Me, NoticeKind, evaluate
from app.domain.roles import Role
from app.domain.status_update import UpdateBody
from app.services.context import ServiceContext
from app.services.errors import InvalidInput
from app.services.feed.notification_facts import build_facts, read_extras
from app.services.goodwill.commands import GestureConflict, GoodwillCommands
from app.services.goodwill.dto import GestureDraft
from app.services.goodwill.reads import GoodwillReads
from app.services.incidents.reads import IncidentReads
from app.services.reports.post_incident_review import PostIncidentReviews
from app.services.reports.reads import Reports, ReportScope
from app.services.war_room.commands import WarRoomCommands
from app.services.war_room.dto import ResolutionDraft, WarRoomCallDraft
from app.services.war_room.reads import WarRoomReads
from app.services.war_room.resolution import MajorResolution
from tests.app.services.war_room.war_room_support import declare_outage
from tests.helpers import add_agent, as_actor, open_incident

FINAL = UpdateBody("Email is back.", "None now.", "Monitoring.", "", None, None)


def credit(owner_id: int | None, due: date | None = date(2026, 1, 6)) -> GestureDraft:
    return GestureDraft(
        GestureKind.SERVICE_CREDIT,
        Recipient.DEPARTMENT,
        " Finance ",
        owner_id,
        due,
        "One month of the mail plan",
    )


def test_gestures_and_callbacks_owed_are_one_list_recorded_in_the_timeline(
    ctx: ServiceContext, clock: ManualClock
) -> None:
    outage = declare_outage(ctx)
    WarRoomCommands(ctx).add_call(
        outage.incident.id, WarRoomCallDraft("Dana Reyes", callback_wanted=True)
    )
    goodwill = GoodwillCommands(ctx)
    row = goodwill.add(outage.incident.id, credit(outage.commander.agent_id))
    assert row.gesture.to_whom == "Department Finance"
    assert row.gesture.status == GestureStatus.OWED
    apology = goodwill.add(
        outage.incident.id,
        GestureDraft(GestureKind.APOLOGY, Recipient.TEAM, "Payroll", None, None),
    )
    listed = GoodwillReads(ctx).for_incident(outage.incident.id)
    assert [(r.gesture.kind, r.gesture.to_whom, r.gesture.from_call) for r in listed] == [
        (GestureKind.SERVICE_CREDIT, "Department Finance", False),
        (GestureKind.APOLOGY, "Team Payroll", False),
        (GestureKind.PRIORITY_CALLBACK, "Caller Dana Reyes", True),
    ]
    assert listed[0].gesture.owner == "Sam Okafor"
    clock.advance(timedelta(minutes=3))
    made = goodwill.settle(apology.id or 0, apology.version, GestureStatus.MADE)
    assert made.gesture.settled_at == clock.now()
    with pytest.raises(GestureConflict):
        goodwill.settle(apology.id or 0, apology.version, GestureStatus.DROPPED)
    goodwill.call_back(listed[2].call_id or 0)
    owed = GoodwillReads(ctx).owed()
    assert [r.gesture.kind for r in owed] == [GestureKind.SERVICE_CREDIT]
    timeline = [e.summary for e in WarRoomReads(ctx).snapshot(outage.incident.id).timeline]
    assert "Goodwill owed: service credit to Department Finance, due 06 Jan" in timeline
    assert "Goodwill made: apology to team Payroll" in timeline


def test_bad_gestures_are_refused_with_a_reason(ctx: ServiceContext) -> None:
    outage = declare_outage(ctx)
    minor = open_incident(ctx)
    goodwill = GoodwillCommands(ctx)
    with pytest.raises(InvalidInput, match="which department"):
        goodwill.add(
            outage.incident.id,
            GestureDraft(GestureKind.APOLOGY, Recipient.DEPARTMENT, "  ", None, None),
        )
    with pytest.raises(RuleViolation, match="not a major incident"):
        goodwill.add(minor.id, credit(None))
    assert GoodwillReads(ctx).for_incident(outage.incident.id) == []


def test_the_review_and_the_reports_list_gestures_made_and_owed(
    ctx: ServiceContext, clock: ManualClock
) -> None:
    outage = declare_outage(ctx)
    goodwill = GoodwillCommands(ctx)
    owed = goodwill.add(outage.incident.id, credit(outage.comms.agent_id))
    made = goodwill.add(
        outage.incident.id,
        GestureDraft(GestureKind.EXTENDED_DEADLINE, Recipient.TEAM, "Accounts", None, None),
    )
    goodwill.settle(made.id or 0, made.version, GestureStatus.MADE)
    clock.advance(timedelta(minutes=40))
    version = IncidentReads(ctx).detail(outage.incident.id).version
    MajorResolution(ctx).resolve(outage.incident.id, version, ResolutionDraft("Fixed.", FINAL))
    review = PostIncidentReviews(ctx).draft(outage.incident.id)
    assert [(g.kind, g.status) for g in review.gestures] == [
        (GestureKind.SERVICE_CREDIT, GestureStatus.OWED),
        (GestureKind.EXTENDED_DEADLINE, GestureStatus.MADE),
    ]
    text = review_markdown(review)
    assert "Goodwill gestures to the people affected: 1 made, 1 still owed." in text
    assert "| Service credit (One month of the mail plan) | Department Finance | Priya Nair" in text
    report = Reports(ctx).supervisor(
        ReportScope(clock.now() - timedelta(days=1), clock.now() + timedelta(days=1), None)
    )
    (figures,) = report.major_details
    assert (figures.gestures_made, figures.gestures_owed) == (1, 1)
    assert report.majors.columns[-2:] == ("gestures_made", "gestures_owed")
    assert owed.gesture.status == GestureStatus.OWED


def test_a_supervisor_is_told_once_a_gesture_is_overdue(
    ctx: ServiceContext, clock: ManualClock
) -> None:
    outage = declare_outage(ctx)
    agent = add_agent(ctx.db, "jo", "Jo Agent", Role.AGENT)
    due = clock.now().astimezone().date()
    GoodwillCommands(as_actor(ctx, agent)).add(outage.incident.id, credit(agent.agent_id, due))
    supervisor = Me(outage.commander.agent_id, None, supervisor=True)
    facts = build_facts([], read_extras(ctx))
    assert [
        n for n in evaluate(facts, supervisor, clock.now()) if n.kind.name == "GESTURE_OVERDUE"
    ] == []
    clock.advance(timedelta(days=1))
    facts = build_facts([], read_extras(ctx))
    (notice,) = [
        n for n in evaluate(facts, supervisor, clock.now()) if n.kind == NoticeKind.GESTURE_OVERDUE
    ]
    assert notice.title == f"Goodwill overdue: {outage.incident.number}"
    assert notice.body.startswith("Service credit to Department Finance (Jo Agent) was due ")
    me_agent = Me(agent.agent_id, None)
    assert NoticeKind.GESTURE_OVERDUE not in {
        n.kind for n in evaluate(facts, me_agent, clock.now())
    }
