"""Recording monitoring alerts: each notification is one transaction on its group's incident.

A new group opens an incident (channel `monitoring`) at the impact and urgency the mapping gives;
a repeat, or another alert of the group, adds to the incident's timeline and alert count; a
recovery says so on the incident (and resolves it when the mapping says to); firing again soon
after goes back to the same incident, reopening it if it was resolved. The rules are in
app/domain/alerts.py; this module applies them to the rows.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.db.engine import Database
from app.db.models import Agent, AlertGroup, Incident, Service
from app.domain.alerts import (
    MONITORING_LOGIN,
    MONITORING_NAME,
    Action,
    AlertMapping,
    AlertNotice,
    AlertRoute,
    Flapping,
    GroupFacts,
    GroupState,
    Step,
    group_key,
    key_digest,
    next_step,
)
from app.domain.lifecycle import Status
from app.domain.roles import Action as RoleAction
from app.domain.roles import PermissionDenied, Role
from app.services.context import Actor, ServiceContext
from app.services.feed.records import locking, record_event
from app.services.incidents.changes import apply_move
from app.services.incidents.dto import StatusMove
from app.services.incidents.fields import TITLE_MAX
from app.services.incidents.opening import IncidentDraft, insert_incident
from app.services.incidents.unit_of_work import IncidentUnitOfWork
from app.services.intake.dto import AlertReceipt

RECOVERED_NOTE = "Monitoring reports recovered"
_CLOSED = (Status.CLOSED.value, Status.CANCELLED.value)
_ATTEMPTS = 3  # two deliveries racing to open one new group: the loser retries and finds it


def monitoring_actor(db: Database) -> Actor:
    """The agent the intake writes as, always with an agent's rights: "Monitoring" (inactive, so
    no picker offers it), made on first use. On a team database whose login for the service may
    not add agents, the agent of that login instead (`calmdesk db add-agent --login
    calmdesk_intake --name Monitoring --role agent`)."""
    with db.read() as session:
        agent = session.scalar(select(Agent).where(Agent.login == MONITORING_LOGIN))
    if agent is None and db.backend == "postgresql":
        agent = _login_agent(db)
    if agent is None:
        agent = _make_monitoring_agent(db)
    return Actor(agent.id, agent.login, agent.name, Role.AGENT)


def _login_agent(db: Database) -> Agent | None:
    """The agent of the database login, unless that login administers the database (then it is
    a person's, and the intake should not write as them)."""
    from app.db.team_roles import current_login, granted_role  # psycopg: PostgreSQL only

    with db.engine.connect() as connection:
        login = current_login(connection).lower()
        granted = granted_role(connection)
    if granted == Role.ADMIN:
        return None
    with db.read() as session:
        agent = session.scalar(select(Agent).where(Agent.login == login))
    if agent is None:
        raise PermissionDenied(
            f"The database login {login!r} is not a Calmdesk agent yet. Ask your administrator "
            f"to run: calmdesk db add-agent --login {login} --name {MONITORING_NAME} --role agent"
        )
    return agent


def _make_monitoring_agent(db: Database) -> Agent:
    with db.write() as session:
        agent = session.scalar(select(Agent).where(Agent.login == MONITORING_LOGIN))
        if agent is None:
            agent = Agent(
                login=MONITORING_LOGIN, name=MONITORING_NAME, role=Role.AGENT.value, active=False
            )
            session.add(agent)
            session.flush()
        return agent


class AlertIntake:
    def __init__(self, ctx: ServiceContext, mapping: AlertMapping) -> None:
        self._ctx = ctx
        self._mapping = mapping

    def receive(self, notice: AlertNotice) -> AlertReceipt:
        """Apply one notification; returns once it is committed."""
        self._ctx.actor.require(RoleAction.OPEN_INCIDENT)
        self._ctx.actor.require(RoleAction.TRANSITION)
        route = self._mapping.route(notice.labels)
        key = group_key(notice, route.service)
        for attempt in range(_ATTEMPTS):
            try:
                with self._ctx.db.write() as session:
                    return self._apply(session, notice, route, key)
            except IntegrityError:
                if attempt == _ATTEMPTS - 1:
                    raise
        raise AssertionError("unreachable")

    def _apply(
        self, session: Session, notice: AlertNotice, route: AlertRoute, key: str
    ) -> AlertReceipt:
        now = self._ctx.clock.now()
        digest = key_digest(key)
        group = session.scalar(
            locking(session, select(AlertGroup).where(AlertGroup.current_key == digest))
        )
        incident = None
        if group is not None:
            incident = session.scalar(
                locking(session, select(Incident).where(Incident.id == group.incident_id))
            )
        facts = None
        if group is not None and incident is not None:
            facts = GroupFacts(
                state=GroupState(group.state),
                recovered_at=group.recovered_at,
                recent_changes=tuple(datetime.fromisoformat(t) for t in group.recent_changes),
                flapping=group.flapping_since is not None,
                incident_closed=incident.status in _CLOSED,
            )
        step = next_step(facts, notice.status, now, self._mapping)
        if step.action == Action.OPEN:
            if group is not None:
                group.current_key = None  # it moves on to a new row and a new incident
                session.flush()
            return self._open(session, notice, route, key, digest, now)
        if group is None or incident is None:
            return AlertReceipt(
                Action.IGNORE.value,
                None,
                None,
                0,
                "A recovery for an alert group that is not open: nothing to record.",
            )
        if step.action == Action.IGNORE and step.flapping is None:
            return AlertReceipt(
                Action.IGNORE.value,
                incident.number,
                group.id,
                group.alert_count,
                "Already recovered: nothing to record.",
            )
        return self._update(session, group, incident, notice, route, step, now)

    def _open(
        self,
        session: Session,
        notice: AlertNotice,
        route: AlertRoute,
        key: str,
        digest: str,
        now: datetime,
    ) -> AlertReceipt:
        service_id = None
        if route.service:
            service_id = session.scalar(select(Service.id).where(Service.name == route.service))
        incident = insert_incident(
            IncidentUnitOfWork(self._ctx, session),
            IncidentDraft(
                title=_title(notice, route.service),
                impact=route.impact,
                urgency=route.urgency,
                description=_description(notice, route.service, service_id),
                service_id=service_id,
                channel="monitoring",
            ),
        )
        group = AlertGroup(
            group_key=key,
            current_key=digest,
            source=notice.source,
            alert_name=notice.name,
            labels=dict(notice.labels),
            service_id=service_id,
            incident_id=incident.id,
            state=GroupState.FIRING.value,
            first_firing_at=min(notice.started_at or now, now),
            last_firing_at=now,
            recovered_at=None,
            source_url=notice.source_url,
            alert_count=max(notice.firing, 1),
            recent_changes=[],
            flapping_since=None,
            flap_changes=0,
            updated_at=now,
        )
        session.add(group)
        session.flush()
        summary = f": {notice.summary}" if notice.summary else ""
        self._event(
            session,
            incident,
            group,
            f"Alert {notice.name} firing ({_alerts(group.alert_count)}, "
            f"from {notice.source}){summary}",
        )
        return AlertReceipt(
            Action.OPEN.value, incident.number, group.id, group.alert_count, "incident opened"
        )

    def _update(
        self,
        session: Session,
        group: AlertGroup,
        incident: Incident,
        notice: AlertNotice,
        route: AlertRoute,
        step: Step,
        now: datetime,
    ) -> AlertReceipt:
        uow = IncidentUnitOfWork(self._ctx, session)
        name = group.alert_name
        lines: list[str] = []
        group.updated_at = now
        group.recent_changes = [t.isoformat() for t in step.recent_changes]
        if step.flapping == Flapping.STARTED:
            group.flapping_since = now
            group.flap_changes = len(step.recent_changes)
            lines.append(
                f"{name} is flapping: {group.flap_changes} changes between firing and recovered "
                "in the last hour. Further changes are counted, not listed; a summary follows "
                "when it calms down."
            )
        elif step.flapping == Flapping.ONGOING:
            group.flap_changes += 1
        elif step.flapping == Flapping.STOPPED and group.flapping_since is not None:
            since = group.flapping_since.strftime("%H:%M")
            lines.append(
                f"{name} stopped flapping: {group.flap_changes} changes since {since} UTC; "
                f"now {'recovered' if step.action == Action.RECOVERED else 'firing'}."
            )
            group.flapping_since = None
            group.flap_changes = 0
        quiet = group.flapping_since is not None
        moved = False
        if step.action == Action.REPEAT:
            group.alert_count += max(notice.firing, 1)
            group.last_firing_at = now
            if not quiet:
                lines.append(
                    f"Alert {name} still firing ({_alerts(notice.firing)} in this notification, "
                    f"{group.alert_count} so far)"
                )
        elif step.action == Action.RECOVERED:
            group.state = GroupState.RECOVERED.value
            group.recovered_at = now
            if not quiet:
                lines.append(f"{RECOVERED_NOTE}: {name}")
                if route.resolve_on_recovery and incident.status not in _CLOSED:
                    moved = _resolve(uow, incident, name)
        elif step.action == Action.REFIRED:
            after = ""
            if group.recovered_at is not None:
                after = f", {_minutes(now - group.recovered_at)} after it recovered"
            group.state = GroupState.FIRING.value
            group.alert_count += max(notice.firing, 1)
            group.last_firing_at = now
            if not quiet:
                lines.append(f"Monitoring reports {name} firing again{after}")
                if incident.status == Status.RESOLVED.value:
                    apply_move(uow, incident, StatusMove(Status.IN_PROGRESS))
                    moved = True
        for line in lines:
            self._event(session, incident, group, line)
        if moved:
            uow.bump(incident, ["status"])
        else:
            uow.record(incident, "note", ["alerts", "timeline"] if lines else ["alerts"])
        note = "counted quietly: the group is flapping" if quiet else "; ".join(lines)
        return AlertReceipt(step.action.value, incident.number, group.id, group.alert_count, note)

    def _event(self, session: Session, incident: Incident, group: AlertGroup, text: str) -> None:
        record_event(
            session,
            self._ctx,
            incident,
            "alert",
            text,
            {"alert_group": group.id, "state": group.state, "count": group.alert_count},
        )


def _resolve(uow: IncidentUnitOfWork, incident: Incident, name: str) -> bool:
    if incident.status == Status.RESOLVED.value:
        return False
    if incident.status == Status.NEW.value:
        apply_move(uow, incident, StatusMove(Status.IN_PROGRESS))
    resolved = StatusMove(Status.RESOLVED, resolution=f"{RECOVERED_NOTE}: {name}.")
    apply_move(uow, incident, resolved)
    return True


def _alerts(count: int) -> str:
    return f"{count} alert{'s' if count != 1 else ''}"


def _minutes(delta: timedelta) -> str:
    minutes = max(int(delta.total_seconds() // 60), 0)
    return f"{minutes} min"


def _title(notice: AlertNotice, service: str | None) -> str:
    on = f" on {service}" if service else ""
    text = f"{notice.name}{on}: {notice.summary}" if notice.summary else f"{notice.name}{on}"
    text = " ".join(text.split()) or "Monitoring alert"
    return text if len(text) <= TITLE_MAX else text[: TITLE_MAX - 1] + "…"


def _description(notice: AlertNotice, service: str | None, service_id: int | None) -> str:
    lines = [f"Opened by monitoring ({notice.source})."]
    if notice.labels:
        lines.append("Labels: " + ", ".join(f"{k}={v}" for k, v in sorted(notice.labels.items())))
    if notice.source_url:
        lines.append(f"Source: {notice.source_url}")
    if service and service_id is None:
        lines.append(
            f"The mapping names the service {service!r}, which Calmdesk does not have: add the "
            "service, or correct the mapping file."
        )
    return "\n".join(lines)
