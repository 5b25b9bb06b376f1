"""The schema, as typed SQLAlchemy 2 models. Documented for administrators in docs/schema.md.

Enumerations are stored as short lowercase strings (`status = 'on_hold'`), impact, urgency and
priority as the integers 1-5, so that a person querying the database reads them without a key.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    FetchedValue,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    func,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from app.db.open_statuses import OPEN_INCIDENTS_SQL
from app.db.partial_index import PartialIndex
from app.db.types import UtcDateTime

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Team(Base):
    __tablename__ = "teams"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)


class Agent(Base):
    __tablename__ = "agents"
    id: Mapped[int] = mapped_column(primary_key=True)
    login: Mapped[str] = mapped_column(String(120), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20), default="agent")  # agent | supervisor | admin
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class Service(Base):
    __tablename__ = "services"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    # operational | degraded | partial_outage | major_outage | maintenance
    state: Mapped[str] = mapped_column(String(20), default="operational")
    manual_workaround: Mapped[str] = mapped_column(Text, default="")
    owner_team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"))


class Contact(Base):
    """A person who calls the help desk."""

    __tablename__ = "contacts"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    email: Mapped[str | None] = mapped_column(String(200), index=True)
    phone: Mapped[str | None] = mapped_column(String(60), index=True)
    department: Mapped[str | None] = mapped_column(String(120))
    location: Mapped[str | None] = mapped_column(String(120))
    vip: Mapped[bool] = mapped_column(Boolean, default=False)
    external_ref: Mapped[str | None] = mapped_column(String(120), unique=True)
    # The numbers in E.164 (app/domain/phone_numbers.py): how a caller is found by number,
    # however it was written (migration 0013).
    phone_e164: Mapped[str | None] = mapped_column(String(20), index=True)
    mobile: Mapped[str | None] = mapped_column(String(60))
    mobile_e164: Mapped[str | None] = mapped_column(String(20), index=True)
    manager: Mapped[str | None] = mapped_column(String(200))


# A call saved with a typed caller name finds that caller by lower(name) (migration 0007).
Index("ix_contacts_name_lower", func.lower(Contact.name))


class SlaPolicyRow(Base):
    __tablename__ = "sla_policies"
    priority: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    respond_minutes: Mapped[int] = mapped_column(Integer)
    resolve_minutes: Mapped[int] = mapped_column(Integer)
    update_every_minutes: Mapped[int | None] = mapped_column(Integer)


class PriorityMatrixCell(Base):
    __tablename__ = "priority_matrix"
    impact: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    urgency: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    priority: Mapped[int] = mapped_column(Integer)


class Counter(Base):
    """Named counters, such as the next incident number."""

    __tablename__ = "counters"
    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[int] = mapped_column(Integer, default=0)


class Incident(Base):
    __tablename__ = "incidents"
    __table_args__ = (
        Index("ix_incidents_status_priority", "status", "priority"),
        Index("ix_incidents_assignee", "assignee_id"),
        Index("ix_incidents_parent", "parent_id"),
        Index("ix_incidents_updated_at", "updated_at"),
        # The queue reads open incidents and those resolved since yesterday: with this and the
        # status index, a database holding years of history is not scanned (migration 0006).
        Index("ix_incidents_resolved_at", "resolved_at"),
        # The open incidents alone: a few thousand among years of history. SQLite's statistics
        # (after an ANALYZE) can make the status index look useless for them; this one cannot
        # (migration 0007).
        Index("ix_incidents_drill", "drill_id"),
        PartialIndex("ix_incidents_open", "status", where=OPEN_INCIDENTS_SQL),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    service_id: Mapped[int | None] = mapped_column(ForeignKey("services.id"))
    category: Mapped[str | None] = mapped_column(String(120))
    caller_id: Mapped[int | None] = mapped_column(ForeignKey("contacts.id"))
    channel: Mapped[str] = mapped_column(
        String(20), default="phone"
    )  # phone|email|walk_in|chat|self_service|monitoring
    impact: Mapped[int] = mapped_column(Integer)
    urgency: Mapped[int] = mapped_column(Integer)
    priority: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(20), default="new")
    hold_reason: Mapped[str | None] = mapped_column(String(30))
    major: Mapped[bool] = mapped_column(Boolean, default=False)
    commander_id: Mapped[int | None] = mapped_column(ForeignKey("agents.id"))
    comms_lead_id: Mapped[int | None] = mapped_column(ForeignKey("agents.id"))
    declared_major_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    runbook_key: Mapped[str | None] = mapped_column(String(80))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("incidents.id"))
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("agents.id"))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"))
    opened_at: Mapped[datetime] = mapped_column(UtcDateTime)
    acknowledged_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    resolved_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
    respond_by: Mapped[datetime] = mapped_column(UtcDateTime)
    resolve_by: Mapped[datetime] = mapped_column(UtcDateTime)
    on_hold_since: Mapped[datetime | None] = mapped_column(UtcDateTime)
    paused_seconds: Mapped[int] = mapped_column(Integer, default=0)
    next_update_due: Mapped[datetime | None] = mapped_column(UtcDateTime)
    eta: Mapped[datetime | None] = mapped_column(UtcDateTime)
    workaround: Mapped[str] = mapped_column(Text, default="")
    public_message: Mapped[str] = mapped_column(Text, default="")
    resolution: Mapped[str] = mapped_column(Text, default="")
    # Its number in the file it was imported from (migration 0015); None for the desk's own.
    external_ref: Mapped[str | None] = mapped_column(String(60), index=True, unique=True)
    # Made by a drill (a rehearsal): never counted as the real thing (migration 0009).
    drill_id: Mapped[int | None] = mapped_column(ForeignKey("drills.id"))
    # When the current commander took command: declared, or handed over (migration 0009).
    commander_since: Mapped[datetime | None] = mapped_column(UtcDateTime)
    version: Mapped[int] = mapped_column(Integer, default=1)

    # Every UPDATE says "WHERE version = <the version read>", so a writer that raced past the
    # service's own check fails with StaleDataError instead of overwriting. The services bump the
    # version once per unit of work (not once per flush), hence no generator.
    __mapper_args__ = {"version_id_col": version, "version_id_generator": False}  # noqa: RUF012

    service: Mapped[Service | None] = relationship()
    caller: Mapped[Contact | None] = relationship()
    assignee: Mapped[Agent | None] = relationship(foreign_keys=[assignee_id])
    commander: Mapped[Agent | None] = relationship(foreign_keys=[commander_id])
    comms_lead: Mapped[Agent | None] = relationship(foreign_keys=[comms_lead_id])
    team: Mapped[Team | None] = relationship()
    parent: Mapped[Incident | None] = relationship(remote_side=[id])


class IncidentService(Base):
    """Services a major incident affects."""

    __tablename__ = "incident_services"
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"), primary_key=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("services.id"), primary_key=True)


class Call(Base):
    __tablename__ = "calls"
    __table_args__ = (
        Index("ix_calls_incident", "incident_id"),
        Index("ix_calls_at", "at"),
        # Callbacks still to make are read at start-up: without this, every call ever logged.
        Index("ix_calls_callback_pending", "callback_wanted", "callback_done_at"),
        Index("ix_calls_drill", "drill_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    client_uuid: Mapped[str | None] = mapped_column(String(36), unique=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contacts.id"))
    caller_name: Mapped[str] = mapped_column(String(200), default="")
    channel: Mapped[str] = mapped_column(String(20), default="phone")
    service_id: Mapped[int | None] = mapped_column(ForeignKey("services.id"))
    symptom: Mapped[str] = mapped_column(Text, default="")
    callback_wanted: Mapped[bool] = mapped_column(Boolean, default=False)
    callback_number: Mapped[str | None] = mapped_column(String(60))
    callback_done_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    incident_id: Mapped[int | None] = mapped_column(ForeignKey("incidents.id"))
    agent_id: Mapped[int | None] = mapped_column(ForeignKey("agents.id"))
    drill_id: Mapped[int | None] = mapped_column(ForeignKey("drills.id"))
    # When the agent took it, if the console kept it offline and sent it later (`at` is when
    # the database recorded it). NULL for a call saved at once.
    made_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class StatusUpdate(Base):
    __tablename__ = "status_updates"
    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"), index=True)
    posted_at: Mapped[datetime] = mapped_column(UtcDateTime)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("agents.id"))
    audience: Mapped[str] = mapped_column(
        String(20), default="internal"
    )  # internal|stakeholders|all_users
    what_happened: Mapped[str] = mapped_column(Text, default="")
    current_impact: Mapped[str] = mapped_column(Text, default="")
    actions: Mapped[str] = mapped_column(Text, default="")
    workaround: Mapped[str] = mapped_column(Text, default="")
    eta: Mapped[datetime | None] = mapped_column(UtcDateTime)
    next_update_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    final: Mapped[bool] = mapped_column(Boolean, default=False)
    made_at: Mapped[datetime | None] = mapped_column(UtcDateTime)  # written offline, sent later


class ChecklistItem(Base):
    __tablename__ = "checklist_items"
    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    owner_role: Mapped[str] = mapped_column(String(30), default="commander")
    done_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    done_by_id: Mapped[int | None] = mapped_column(ForeignKey("agents.id"))
    ad_hoc: Mapped[bool] = mapped_column(Boolean, default=False)


class VendorEscalation(Base):
    __tablename__ = "vendor_escalations"
    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"), index=True)
    vendor: Mapped[str] = mapped_column(String(200))
    reference: Mapped[str] = mapped_column(String(120), default="")
    contact: Mapped[str] = mapped_column(String(200), default="")
    escalated_at: Mapped[datetime] = mapped_column(UtcDateTime)
    vendor_eta: Mapped[datetime | None] = mapped_column(UtcDateTime)
    state: Mapped[str] = mapped_column(String(20), default="open")  # open|acknowledged|fixed|closed
    notes: Mapped[str] = mapped_column(Text, default="")
    escalated_by_id: Mapped[int | None] = mapped_column(ForeignKey("agents.id"))
    # Edited from the war room by several people: same optimistic check as incidents.
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    __mapper_args__ = {"version_id_col": version, "version_id_generator": False}  # noqa: RUF012


class TimelineEvent(Base):
    """Append-only: rows are inserted, never updated or deleted."""

    __tablename__ = "timeline_events"
    __table_args__ = (Index("ix_timeline_incident_at", "incident_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"))
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("agents.id"))
    kind: Mapped[str] = mapped_column(String(30))
    summary: Mapped[str] = mapped_column(Text)
    details: Mapped[dict[str, object] | None] = mapped_column(JSON)
    pinned: Mapped[bool] = mapped_column(Boolean, default=False)
    made_at: Mapped[datetime | None] = mapped_column(UtcDateTime)  # written offline, sent later


class ChangeLogEntry(Base):
    """One row per write, in the writer's transaction: the feed that keeps every view current."""

    __tablename__ = "change_log"
    # "Did this transaction log this row?" (the audit trigger) and "who changed this incident
    # since I read it?" (an edit conflict) both look up one record's entries (migration 0012).
    __table_args__ = (Index("ix_change_log_entity", "entity", "entity_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("agents.id"))
    entity: Mapped[str] = mapped_column(String(40))  # a table name
    entity_id: Mapped[int] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(String(10))  # insert | update | delete
    version: Mapped[int | None] = mapped_column(Integer)
    fields: Mapped[list[str] | None] = mapped_column(JSON)
    # PostgreSQL only: the writing transaction's id, filled by a column default
    # (pg_current_xact_id()). Ids come from a sequence and transactions commit out of id order,
    # so the feed reads by transaction instead (app/services/feed/reads.py). NULL on SQLite.
    xid: Mapped[int | None] = mapped_column(BigInteger, index=True, server_default=FetchedValue())


class Presence(Base):
    """Who has an incident or war room open right now: one heartbeat row per agent and subject.
    Consoles update rows and never delete them (agents may delete nothing); `seen_at` NULL means
    closed. On PostgreSQL the server prunes closed and day-old rows (migration 0012)."""

    __tablename__ = "presence"
    __table_args__ = (Index("ix_presence_subject_seen", "subject", "seen_at"),)

    agent_id: Mapped[int] = mapped_column(ForeignKey("agents.id"), primary_key=True)
    subject: Mapped[str] = mapped_column(String(60), primary_key=True)  # "incident:12"
    seen_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class AppliedOperation(Base):
    """A receipt for a change a console made while it could not reach the database (its outbox),
    written in the same transaction as the change. Replaying the change a second time (the
    connection dropped after the commit but before the console heard of it) finds the receipt
    and changes nothing: each offline change is applied exactly once."""

    __tablename__ = "applied_operations"

    op_id: Mapped[str] = mapped_column(String(36), primary_key=True)  # made by the console
    kind: Mapped[str] = mapped_column(String(20))  # note | checklist | status_update
    agent_id: Mapped[int] = mapped_column(ForeignKey("agents.id"))
    applied_at: Mapped[datetime] = mapped_column(UtcDateTime)
    result_id: Mapped[int | None] = mapped_column(Integer)  # the row it made, if any


class DatabaseIdentity(Base):
    """One row: an id made when the database was created. A console's offline outbox ties its
    kept changes to it (app/db/identity.py), never to the address used to reach the database."""

    __tablename__ = "database_identity"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)


class PostIncidentReview(Base):
    """The parts of a major incident's blameless review that people write; the rest is drafted
    from the timeline each time it is read (app/services/reports/post_incident_review.py)."""

    __tablename__ = "post_incident_reviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"), unique=True)
    went_well: Mapped[str] = mapped_column(Text, default="")
    to_improve: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("agents.id"))
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version, "version_id_generator": False}  # noqa: RUF012


class ReviewActionItem(Base):
    """A follow-up task from a review: what, who owns it, by when, and whether it is done."""

    __tablename__ = "review_action_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("post_incident_reviews.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("agents.id"), index=True)
    due_on: Mapped[date | None] = mapped_column(Date)
    done_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # Nothing is deleted (a team database grants no DELETE): a removed item is only marked.
    removed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class AlertGroup(Base):
    """One monitoring alert group and the incident it opened (the alert intake service,
    app/services/intake). A repeat of the group adds to its count and its incident's timeline;
    a group that fires again long after it recovered opens a new incident and a new row, and the
    old row keeps its incident. `current_key` (a digest of the group key) is set on the group's
    live row only: unique, so two deliveries racing for one new group make one incident."""

    __tablename__ = "alert_groups"

    id: Mapped[int] = mapped_column(primary_key=True)
    group_key: Mapped[str] = mapped_column(Text)
    current_key: Mapped[str | None] = mapped_column(String(64), unique=True)
    source: Mapped[str] = mapped_column(String(20))  # alertmanager | grafana | generic
    alert_name: Mapped[str] = mapped_column(String(200))
    labels: Mapped[dict[str, str]] = mapped_column(JSON)
    service_id: Mapped[int | None] = mapped_column(ForeignKey("services.id"))
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"), unique=True)
    state: Mapped[str] = mapped_column(String(20))  # firing | recovered
    first_firing_at: Mapped[datetime] = mapped_column(UtcDateTime)
    last_firing_at: Mapped[datetime] = mapped_column(UtcDateTime)
    recovered_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    source_url: Mapped[str] = mapped_column(Text, default="")
    alert_count: Mapped[int] = mapped_column(Integer, default=0)
    # The state changes of the last hour (ISO times), and since when it flaps (None: it does not).
    recent_changes: Mapped[list[str]] = mapped_column(JSON)
    flapping_since: Mapped[datetime | None] = mapped_column(UtcDateTime)
    flap_changes: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)


class Drill(Base):
    """A rehearsal: a runbook played against a drill script on the console's clock. The row and
    its scorecard stay when the drill's incidents and calls are cleaned away."""

    __tablename__ = "drills"
    __table_args__ = (Index("ix_drills_runbook_key", "runbook_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    script_key: Mapped[str] = mapped_column(String(80))
    runbook_key: Mapped[str] = mapped_column(String(80))
    runbook_title: Mapped[str] = mapped_column(String(200))
    # The script as played (parsed), so every workstation plays the same one.
    script: Mapped[dict[str, object]] = mapped_column(JSON)
    started_at: Mapped[datetime] = mapped_column(UtcDateTime)
    started_by_id: Mapped[int | None] = mapped_column(ForeignKey("agents.id"))
    played: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    incident_id: Mapped[int | None] = mapped_column(Integer)  # the drill's own incident
    ended_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    ended_by_id: Mapped[int | None] = mapped_column(ForeignKey("agents.id"))
    scorecard: Mapped[dict[str, object] | None] = mapped_column(JSON)
    cleaned_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class ShiftHandover(Base):
    """A shift handover: the report as it stood, the outgoing lead's notes, and the incoming
    supervisor's acknowledgement."""

    __tablename__ = "shift_handovers"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("agents.id"))
    shift: Mapped[str] = mapped_column(String(80))
    report: Mapped[dict[str, object]] = mapped_column(JSON)
    notes: Mapped[str] = mapped_column(Text, default="")
    notes_updated_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    acknowledged_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    acknowledged_by_id: Mapped[int | None] = mapped_column(ForeignKey("agents.id"))
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version, "version_id_generator": False}  # noqa: RUF012


class GoodwillGesture(Base):
    """A gesture owed to people a major incident kept waiting: an apology, a service credit, a
    priority callback, an extended deadline (app/domain/goodwill.py)."""

    __tablename__ = "goodwill_gestures"

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(
        ForeignKey("incidents.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(30))  # apology | service_credit | ...
    recipient: Mapped[str] = mapped_column(String(20))  # caller | team | department
    recipient_name: Mapped[str] = mapped_column(String(200))
    details: Mapped[str] = mapped_column(Text, default="")
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("agents.id"))
    due_on: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default="owed")  # owed | made | dropped
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("agents.id"))
    settled_at: Mapped[datetime | None] = mapped_column(UtcDateTime)  # made or dropped
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version, "version_id_generator": False}  # noqa: RUF012


class StatusPageSettings(Base):
    """The public status page's team settings: one row (id 1)."""

    __tablename__ = "status_page_settings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    name: Mapped[str] = mapped_column(String(200))
    public_url: Mapped[str] = mapped_column(Text, default="")
    target: Mapped[str] = mapped_column(Text, default="")  # a folder, or an http(s) PUT address
    first_published_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("agents.id"))
