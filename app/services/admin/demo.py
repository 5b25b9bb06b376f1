"""The sample data behind `calmdesk demo` and the welcome screen's "Load the sample".

A morning at a mid-sized company: the Email service is down and has been declared a major
incident (about 30 linked calls, a half-done checklist, two status updates, a vendor case), and
about 200 ordinary incidents sit across priorities, teams and statuses. Incidents are made through
the real use cases, on a clock moved through the past, so their timelines and SLA clocks are real.
"""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import datetime, timedelta

from sqlalchemy import func, select

from app.adapters.runbooks import load_runbook
from app.db.models import (
    Agent,
    Call,
    ChecklistItem,
    Contact,
    Incident,
    Service,
    StatusUpdate,
    Team,
    VendorEscalation,
)
from app.domain.clock import ManualClock
from app.domain.errors import RuleViolation
from app.domain.lifecycle import HoldReason, Status
from app.domain.roles import Action, Role
from app.domain.services_state import ServiceState
from app.services.context import Actor, ServiceContext
from app.services.directory.phones import set_phone
from app.services.feed.records import record_change, record_event
from app.services.incidents.commands import AffectedService, IncidentCommands, IncidentDraft
from app.services.incidents.unit_of_work import IncidentUnitOfWork

SEED = 20261126
ORDINARY_INCIDENTS = 200
OUTAGE_CALLS = 30

TEAMS = ("Service Desk", "Network", "Messaging", "Business Apps", "End-user Computing")
SERVICES = {  # name: (owner team, manual workaround)
    "Email": (
        "Messaging",
        "Use webmail at https://mail.example.com, or Teams chat for urgent messages.",
    ),
    "VPN": ("Network", "Work from the office, or use the web portals that need no VPN."),
    "Wi-Fi": ("Network", "Plug into a wired desk port; guest Wi-Fi works for internet only."),
    "Payroll": (
        "Business Apps",
        "Payroll runs from the last approved file; send changes to HR by form.",
    ),
    "ERP": ("Business Apps", "Record orders on the paper form PF-12 and key them in later."),
    "Printing": ("End-user Computing", "Print to any other floor's printer from the print portal."),
    "Telephony": ("Network", "Use the softphone in Teams; mobiles for external calls."),
    "File shares": ("End-user Computing", "Work from OneDrive copies; save to the share later."),
    "Laptops": ("End-user Computing", "Borrow a loan laptop from the service desk."),
    "CRM": ("Business Apps", "Keep notes in the shared spreadsheet and enter them later."),
}
AGENTS = (  # login, name, role, team
    ("sam.okafor", "Sam Okafor", Role.SUPERVISOR, "Service Desk"),
    ("priya.nair", "Priya Nair", Role.AGENT, "Service Desk"),
    ("tom.becker", "Tom Becker", Role.AGENT, "Service Desk"),
    ("lena.kovacs", "Lena Kovacs", Role.AGENT, "Service Desk"),
    ("marco.rossi", "Marco Rossi", Role.AGENT, "Network"),
    ("aisha.khan", "Aisha Khan", Role.SUPERVISOR, "Network"),
    ("jon.eriksen", "Jon Eriksen", Role.AGENT, "Messaging"),
    ("mei.chen", "Mei Chen", Role.AGENT, "Messaging"),
    ("carlos.diaz", "Carlos Diaz", Role.AGENT, "Business Apps"),
    ("hannah.weber", "Hannah Weber", Role.AGENT, "Business Apps"),
    ("olu.adeyemi", "Olu Adeyemi", Role.AGENT, "End-user Computing"),
    ("sofia.lind", "Sofia Lind", Role.AGENT, "End-user Computing"),
)
FIRST = (
    "Anna",
    "Ben",
    "Chloe",
    "David",
    "Emma",
    "Farid",
    "Grace",
    "Hugo",
    "Ines",
    "Jakob",
    "Kira",
    "Liam",
    "Maya",
    "Noah",
    "Olga",
    "Pablo",
    "Quinn",
    "Rosa",
    "Sven",
    "Tara",
)
LAST = ("Schmidt", "Martin", "Novak", "Silva", "Jensen", "Moreau", "Fischer", "Costa")
DEPARTMENTS = ("Finance", "Sales", "HR", "Legal", "Logistics", "Marketing", "Operations")
PROBLEMS = {
    "Email": (
        "Outlook keeps asking for the password",
        "Shared mailbox not updating",
        "Cannot send attachments over 10 MB",
        "Calendar invites not arriving",
    ),
    "VPN": (
        "VPN disconnects every few minutes",
        "Cannot connect to VPN from hotel",
        "VPN client update fails",
    ),
    "Wi-Fi": ("No Wi-Fi on the 3rd floor", "Wi-Fi very slow in meeting room B"),
    "Payroll": ("Payslip shows the wrong tax code", "Cannot approve overtime in payroll"),
    "ERP": ("ERP order screen times out", "Stock levels wrong in ERP", "ERP login locked"),
    "Printing": ("Printer on floor 2 jams", "Cannot add the new printer", "Scans not arriving"),
    "Telephony": ("Desk phone has no dial tone", "Voicemail PIN reset needed"),
    "File shares": ("Access denied on the Finance share", "File share is read-only"),
    "Laptops": ("Laptop will not boot", "Screen flickers after docking", "Battery swollen"),
    "CRM": ("CRM reports are empty", "CRM sync with Outlook broken"),
}
SYMPTOMS = (
    "Outlook says disconnected",
    "Cannot send mail",
    "Webmail login fails",
    "Mails stuck in outbox",
    "Phone not syncing mail",
    "No new mail since 8:00",
)


class DemoRefused(RuleViolation):
    """The database already holds incidents and --force was not given."""


def load_demo(ctx: ServiceContext, *, force: bool = False) -> int:
    """Load the sample into the database; returns the number of incidents created."""
    ctx.actor.require(Action.LOAD_DEMO)
    with ctx.db.read() as session:
        existing = session.scalar(select(func.count(Incident.id))) or 0
    if existing and not force:
        raise DemoRefused(
            f"The database already holds {existing} incidents; the sample would mix with them. "
            "Use --force to add it anyway."
        )
    rng = random.Random(SEED)
    now = ctx.clock.now()
    people = _reference_data(ctx, rng)
    created = _ordinary_incidents(ctx, rng, now, people)
    created += _email_outage(ctx, rng, now, people)
    return created


class _People:
    def __init__(self) -> None:
        self.agents: dict[str, Actor] = {}
        self.agent_teams: dict[str, int] = {}
        self.teams: dict[str, int] = {}
        self.services: dict[str, int] = {}
        self.contacts: list[tuple[int, str, str]] = []  # id, name, phone


def _reference_data(ctx: ServiceContext, rng: random.Random) -> _People:
    people = _People()
    with ctx.db.write() as session:
        for name in TEAMS:
            team = session.scalar(select(Team).where(Team.name == name)) or Team(name=name)
            session.add(team)
            session.flush()
            people.teams[name] = team.id
        for name, (team_name, workaround) in SERVICES.items():
            service = session.scalar(select(Service).where(Service.name == name)) or Service(
                name=name,
                state=ServiceState.OPERATIONAL.value,
                manual_workaround=workaround,
                owner_team_id=people.teams[team_name],
            )
            session.add(service)
            session.flush()
            people.services[name] = service.id
        for login, name, role, team_name in AGENTS:
            agent = session.scalar(select(Agent).where(Agent.login == login)) or Agent(
                login=login,
                name=name,
                role=role.value,
                team_id=people.teams[team_name],
                email=f"{login}@example.com",
                active=True,
            )
            session.add(agent)
            session.flush()
            people.agents[login] = Actor(agent.id, login, name, Role(agent.role))
            people.agent_teams[login] = people.teams[team_name]
        for n in range(80):
            first, last = rng.choice(FIRST), rng.choice(LAST)
            phone = f"+44 20 7946 {1000 + n:04d}"
            contact = Contact(
                name=f"{first} {last}",
                email=f"{first}.{last}{n}@example.com".lower(),
                department=rng.choice(DEPARTMENTS),
                vip=n % 17 == 0,
            )
            set_phone(contact, phone, ctx.phone_region)
            session.add(contact)
            session.flush()
            people.contacts.append((contact.id, contact.name, phone))
        for entity in ("teams", "services", "agents", "contacts"):
            record_change(session, ctx, entity, 0, "insert")
    return people


def _as(ctx: ServiceContext, actor: Actor, clock: ManualClock) -> IncidentCommands:
    return IncidentCommands(replace(ctx, actor=replace(actor, role=Role.ADMIN), clock=clock))


def _ordinary_incidents(
    ctx: ServiceContext, rng: random.Random, now: datetime, people: _People
) -> int:
    logins = [login for login, *_ in AGENTS]
    for _ in range(ORDINARY_INCIDENTS):
        service = rng.choice(list(SERVICES))
        fate = rng.random()
        # Open work is recent (a few breached, most on track); resolved work spans ten days.
        if fate < 0.12:
            age_minutes = rng.randint(5, 6 * 60)
        elif fate < 0.62:
            age_minutes = rng.randint(30, 30 * 60)
        else:
            age_minutes = rng.randint(12 * 60, 10 * 24 * 60)
        opened = now - timedelta(minutes=age_minutes)
        clock = ManualClock(opened)
        agent_login = rng.choice(logins)
        commands = _as(ctx, people.agents[agent_login], clock)
        contact_id, _, _ = rng.choice(people.contacts)
        incident = commands.open(
            IncidentDraft(
                title=rng.choice(PROBLEMS[service]),
                description="Reported by phone.",
                impact=rng.choices((1, 2, 3), weights=(1, 4, 6))[0],
                urgency=rng.choices((1, 2, 3), weights=(1, 4, 5))[0],
                service_id=people.services[service],
                caller_id=contact_id,
                channel=rng.choice(("phone", "phone", "email", "chat", "walk_in", "self_service")),
                category=service,
            )
        )
        if fate < 0.12:
            continue  # still New, often unassigned: the queue's first job
        clock.advance(timedelta(minutes=rng.randint(2, 90)))
        if rng.random() < 0.85:
            owner = rng.choice(logins)
            incident = commands.assign(
                incident.id,
                incident.version,
                assignee_id=people.agents[owner].agent_id,
                team_id=people.agent_teams[owner],
            )
        incident = commands.transition(incident.id, incident.version, Status.IN_PROGRESS)
        if fate < 0.50 or clock.now() >= now:
            continue
        clock.advance(timedelta(minutes=rng.randint(10, 600)))
        if fate < 0.62 and clock.now() < now:
            reason = rng.choice(list(HoldReason))
            commands.transition(incident.id, incident.version, Status.ON_HOLD, hold_reason=reason)
            continue
        if clock.now() >= now:
            continue
        incident = commands.transition(
            incident.id,
            incident.version,
            Status.RESOLVED,
            resolution=rng.choice(
                (
                    "Reset the account.",
                    "Replaced the cable.",
                    "Cleared the cache.",
                    "Restarted the service.",
                    "Reinstalled the client.",
                )
            ),
        )
        if fate > 0.85:
            clock.advance(timedelta(days=1))
            if clock.now() < now:
                _as(ctx, people.agents["sam.okafor"], clock).transition(
                    incident.id, incident.version, Status.CLOSED
                )
    return ORDINARY_INCIDENTS


def _email_outage(ctx: ServiceContext, rng: random.Random, now: datetime, people: _People) -> int:
    start = now - timedelta(minutes=55)
    clock = ManualClock(start)
    supervisor = people.agents["sam.okafor"]
    commands = _as(ctx, people.agents["priya.nair"], clock)
    outage = commands.open(
        IncidentDraft(
            title="Email down for all users: Outlook and webmail cannot connect",
            description="Calls started at 8:05. Outlook shows 'Disconnected'; webmail login hangs.",
            impact=1,
            urgency=1,
            service_id=people.services["Email"],
            channel="phone",
            category="Email",
            caller_id=people.contacts[0][0],
        )
    )
    clock.advance(timedelta(minutes=3))
    outage = commands.assign(
        outage.id,
        outage.version,
        assignee_id=people.agents["jon.eriksen"].agent_id,
        team_id=people.teams["Messaging"],
    )
    outage = commands.transition(outage.id, outage.version, Status.IN_PROGRESS)
    clock.advance(timedelta(minutes=4))
    outage = _as(ctx, supervisor, clock).declare_major(
        outage.id,
        outage.version,
        commander_id=supervisor.agent_id,
        comms_lead_id=people.agents["priya.nair"].agent_id,
        affected=[AffectedService(people.services["Email"], ServiceState.MAJOR_OUTAGE)],
        runbook=load_runbook("email-outage"),
    )
    outage = _as(ctx, supervisor, clock).edit(
        outage.id,
        outage.version,
        {
            "workaround": SERVICES["Email"][1],
            "public_message": "We know email is down for everyone and are working with Microsoft. "
            "Use webmail or Teams chat meanwhile. Next update by the top of the hour.",
            "eta": now + timedelta(hours=1, minutes=30),
        },
    )
    duplicates = 0
    for title in ("Outlook disconnected", "Cannot send email to customers", "Webmail hangs"):
        clock.advance(timedelta(minutes=2))
        child = commands.open(
            IncidentDraft(
                title=title,
                impact=2,
                urgency=1,
                channel="phone",
                service_id=people.services["Email"],
            )
        )
        commands.link_to_parent(child.id, child.version, outage.id)
        duplicates += 1
    _outage_records(ctx, rng, now, start, outage.id, people)
    return 1 + duplicates


def _outage_records(
    ctx: ServiceContext,
    rng: random.Random,
    now: datetime,
    start: datetime,
    outage_id: int,
    people: _People,
) -> None:
    """The calls, checklist ticks, status updates and vendor case the war-room issue will own."""
    desk = [people.agents[login] for login in ("priya.nair", "tom.becker", "lena.kovacs")]
    with ctx.db.write() as session:
        outage = session.get(Incident, outage_id)
        assert outage is not None
        for n in range(OUTAGE_CALLS):
            at = start + timedelta(minutes=2 + n * 50 / OUTAGE_CALLS + rng.random())
            contact_id, name, phone = rng.choice(people.contacts)
            wants_callback = n % 6 == 0
            session.add(
                Call(
                    at=at,
                    contact_id=contact_id,
                    caller_name=name,
                    channel="phone",
                    service_id=people.services["Email"],
                    symptom=rng.choice(SYMPTOMS),
                    callback_wanted=wants_callback,
                    callback_number=phone if wants_callback else None,
                    incident_id=outage_id,
                    agent_id=rng.choice(desk).agent_id,
                )
            )
        items = session.scalars(
            select(ChecklistItem)
            .where(ChecklistItem.incident_id == outage_id)
            .order_by(ChecklistItem.position)
        ).all()
        for item in items[: len(items) // 2 + 1]:
            item.done_at = start + timedelta(minutes=8 + item.position * 4)
            item.done_by_id = people.agents["sam.okafor"].agent_id
            record_event(session, ctx, outage, "checklist", f"Ticked: {item.text}", at=item.done_at)
        for minutes, what in (
            (10, "Email is down for all users since 8:05."),
            (40, "Microsoft confirmed an authentication fault in our tenant."),
        ):
            posted = start + timedelta(minutes=minutes)
            session.add(
                StatusUpdate(
                    incident_id=outage_id,
                    posted_at=posted,
                    author_id=people.agents["priya.nair"].agent_id,
                    audience="all_users",
                    what_happened=what,
                    current_impact="No one can send or receive email in Outlook or webmail.",
                    actions="The messaging team and Microsoft are restoring sign-in.",
                    workaround=SERVICES["Email"][1],
                    eta=outage.eta,
                    next_update_at=posted + timedelta(minutes=30),
                    final=False,
                )
            )
            record_event(
                session, ctx, outage, "status_update", f"Update to all users: {what}", at=posted
            )
            outage.next_update_due = posted + timedelta(minutes=30)
        escalated = start + timedelta(minutes=15)
        session.add(
            VendorEscalation(
                incident_id=outage_id,
                vendor="Microsoft 365 support",
                reference="MS-2611-48213",
                contact="+44 800 026 0330",
                escalated_at=escalated,
                vendor_eta=now + timedelta(hours=1),
                state="acknowledged",
                notes="Severity A case; engineer assigned.",
            )
        )
        record_event(
            session,
            ctx,
            outage,
            "vendor",
            "Escalated to Microsoft 365 support (MS-2611-48213)",
            at=escalated,
        )
        IncidentUnitOfWork(ctx, session).bump(outage, ["calls", "checklist", "status_updates"])
