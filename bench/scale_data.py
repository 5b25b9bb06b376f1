"""A generated scale set: tens of thousands of open incidents, written in bulk for speed.

Rows go straight in with SQLAlchemy Core (no timeline, no change log): this is a load for
measuring reads, not an example of how Calmdesk writes.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from sqlalchemy import insert, update

from app.db.engine import Database
from app.db.models import Agent, Counter, Incident, Service, Team
from app.domain.priority import PriorityMatrix
from app.domain.sla import DEFAULT_POLICIES, due_times

WORDS = ("email", "vpn", "printer", "laptop", "payroll", "erp", "wifi", "share", "phone",
         "crm", "slow", "down", "error", "login", "crash", "sync", "timeout", "locked",
         "missing")  # fmt: skip


def generate(db: Database, count: int, now: datetime, seed: int = 7) -> None:
    rng = random.Random(seed)
    matrix = PriorityMatrix()
    with db.write() as session:
        team_ids = []
        for n in range(8):
            team = Team(name=f"Team {n}")
            session.add(team)
            session.flush()
            team_ids.append(team.id)
        agent_ids = []
        for n in range(60):
            agent = Agent(login=f"agent{n}", name=f"Agent {n}", role="agent",
                          team_id=rng.choice(team_ids), active=True)  # fmt: skip
            session.add(agent)
            session.flush()
            agent_ids.append(agent.id)
        service_ids = []
        for name in ("Email", "VPN", "Printing", "Laptops", "Payroll", "ERP", "Wi-Fi", "CRM"):
            service = Service(name=name, state="operational", manual_workaround="")
            session.add(service)
            session.flush()
            service_ids.append(service.id)
    rows = []
    for n in range(1, count + 1):
        impact, urgency = rng.randint(1, 3), rng.randint(1, 3)
        priority = matrix.priority(impact, urgency)
        opened = now - timedelta(minutes=rng.randint(1, 5 * 24 * 60))
        due = due_times(opened, DEFAULT_POLICIES[priority])
        status = rng.choice(("new", "in_progress", "in_progress", "on_hold"))
        rows.append({
            "number": f"INC{n:07d}",
            "title": " ".join(rng.choice(WORDS) for _ in range(5)).capitalize(),
            "description": "", "service_id": rng.choice(service_ids), "channel": "phone",
            "impact": impact, "urgency": urgency, "priority": int(priority), "status": status,
            "hold_reason": "awaiting_caller" if status == "on_hold" else None,
            "major": n % 5000 == 0, "assignee_id": rng.choice([None, *agent_ids]),
            "team_id": rng.choice(team_ids), "opened_at": opened, "updated_at": opened,
            "acknowledged_at": None if status == "new" else opened + timedelta(minutes=5),
            "respond_by": due.respond_by, "resolve_by": due.resolve_by,
            "on_hold_since": opened + timedelta(hours=1) if status == "on_hold" else None,
            "paused_seconds": 0, "workaround": "", "public_message": "", "resolution": "",
            "version": 1,
        })  # fmt: skip
    with db.write() as session:
        for start in range(0, len(rows), 5000):
            session.execute(insert(Incident), rows[start : start + 5000])
        session.execute(
            update(Counter).where(Counter.name == "incident_number").values(value=count)
        )
