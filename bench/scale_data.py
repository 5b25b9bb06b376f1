"""Generated scale sets, written in bulk for speed: tens of thousands of open incidents
(`generate`), and years of resolved and closed history behind them (`generate_history`).

Rows go straight in with SQLAlchemy Core (no timeline, no change log): this is a load for
measuring reads, not an example of how Calmdesk writes.
"""

from __future__ import annotations

import random
import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, insert, select, update

from app.db.engine import Database
from app.db.models import Agent, Counter, Incident, Service, Team
from app.domain.priority import Priority, PriorityMatrix
from app.domain.sla import DEFAULT_POLICIES, due_times

Row = tuple[object, ...]
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


HISTORY_YEARS = 3
CALLS_EVERY = 4  # one call in the history for every 4th incident (250,000 for 1M incidents)


def _sqlite_time(moment: datetime) -> str:
    # How SQLAlchemy stores a UtcDateTime in SQLite: naive UTC text with microseconds.
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat(" ", "microseconds")


def generate_history(db: Database, count: int, now: datetime, seed: int = 11) -> int:
    """`count` resolved and closed incidents over the last HISTORY_YEARS years (about 900 a day,
    so a realistic few hundred were resolved since yesterday), numbered after the open ones,
    with a call for every CALLS_EVERY-th. Written in one transaction through the driver's own
    bulk path: SQLite's executemany with the journal off (a throwaway file), PostgreSQL's COPY
    followed by what autovacuum would soon do (VACUUM ANALYZE). A million rows in about a
    minute, where the ORM would take many. Returns the number of calls written."""
    rng = random.Random(seed)
    with db.read() as session:
        first = int(session.scalar(select(func.max(Incident.id))) or 0) + 1
        teams = list(session.scalars(select(Team.id)))
        agents = list(session.scalars(select(Agent.id)))
        services = list(session.scalars(select(Service.id)))
    titles = [" ".join(rng.choice(WORDS) for _ in range(5)).capitalize() for _ in range(997)]
    cells = [(i, u, int(PriorityMatrix().priority(i, u))) for i in (1, 2, 3) for u in (1, 2, 3)]
    span = HISTORY_YEARS * 365 * 24 * 60  # minutes
    minute = timedelta(minutes=1)
    when = _sqlite_time if db.backend == "sqlite" else _same

    def incidents() -> Iterator[tuple[object, ...]]:
        for n in range(count):
            # Spread evenly back from now (the newest resolved minutes ago); the variety comes
            # from cheap index arithmetic rather than a random call per column.
            opened = now - ((n * span) // count + 60 + n % 541) * minute
            impact, urgency, priority = cells[n % 9]
            policy = DEFAULT_POLICIES[Priority(priority)]
            resolved = opened + (20 + n % 31) * minute
            closed = resolved + timedelta(days=3)
            done = closed < now
            yield (
                f"INC{first + n:07d}", titles[n % 997], "", services[n % len(services)], "phone",
                impact, urgency, priority, "closed" if done else "resolved", None, False,
                agents[(n * 7) % len(agents)], teams[(n * 3) % len(teams)],
                when(opened), when(opened + 5 * minute), when(resolved),
                when(closed) if done else None, when(closed if done else resolved),
                when(opened + policy.respond_within), when(opened + policy.resolve_within),
                0, "", "", "Fixed", 1,
            )  # fmt: skip

    def calls() -> Iterator[tuple[object, ...]]:
        for n in range(0, count, CALLS_EVERY):
            at = now - ((n * span) // count + 700) * minute
            yield (f"00000000-0000-4000-8000-{n:012d}", when(at), f"Caller {n % 5000}", "phone",
                   "Same again", False, first + n, agents[n % len(agents)])  # fmt: skip

    last = first + count - 1
    if db.backend == "sqlite":
        _write_sqlite(db, incidents(), calls(), last)
    else:
        _write_postgres(db, incidents(), calls(), last)
    return len(range(0, count, CALLS_EVERY))


_INCIDENT_COLUMNS = (
    "number", "title", "description", "service_id", "channel", "impact", "urgency", "priority",
    "status", "hold_reason", "major", "assignee_id", "team_id", "opened_at", "acknowledged_at",
    "resolved_at", "closed_at", "updated_at", "respond_by", "resolve_by", "paused_seconds",
    "workaround", "public_message", "resolution", "version",
)  # fmt: skip
_CALL_COLUMNS = (
    "client_uuid", "at", "caller_name", "channel", "symptom", "callback_wanted", "incident_id",
    "agent_id",
)  # fmt: skip


def _insert(table: str, columns: tuple[str, ...]) -> str:
    marks = ", ".join("?" for _ in columns)
    return f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})"


def _write_sqlite(
    db: Database, incidents: Iterator[Row], calls: Iterator[Row], last_number: int
) -> None:
    path = db.engine.url.database
    assert path, "a file database"
    db.dispose()  # the bulk connection below needs the file to itself
    connection = sqlite3.connect(path, isolation_level=None)
    try:
        connection.execute("PRAGMA journal_mode = OFF")
        connection.execute("PRAGMA synchronous = OFF")
        connection.execute("PRAGMA cache_size = -262144")  # 256 MB: the indexes stay in memory
        connection.execute("BEGIN")
        connection.executemany(_insert("incidents", _INCIDENT_COLUMNS), incidents)
        connection.executemany(_insert("calls", _CALL_COLUMNS), calls)
        connection.execute(
            "UPDATE counters SET value = ? WHERE name = 'incident_number'", (last_number,)
        )
        connection.execute("COMMIT")
        # No ANALYZE: Calmdesk never runs it, so its databases have no statistics (see
        # bench/README.md on what statistics would change for the queue's query).
        connection.execute("PRAGMA journal_mode = WAL")
    finally:
        connection.close()


def _write_postgres(
    db: Database, incidents: Iterator[Row], calls: Iterator[Row], last_number: int
) -> None:
    with db.engine.begin() as connection:
        driver: Any = connection.connection.driver_connection
        with driver.cursor() as cursor:
            cursor.execute("SET LOCAL statement_timeout = 0")  # a console's 60 s: not for this
            for table, columns, rows in (
                ("incidents", _INCIDENT_COLUMNS, incidents),
                ("calls", _CALL_COLUMNS, calls),
            ):
                with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            cursor.execute(
                "UPDATE counters SET value = %s WHERE name = 'incident_number'", (last_number,)
            )
    # What autovacuum does to a table that grew this much, done now rather than at its leisure:
    # the statistics and visibility map a team's server would have.
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.exec_driver_sql("SET statement_timeout = 0")
        connection.exec_driver_sql("VACUUM ANALYZE incidents")
        connection.exec_driver_sql("VACUUM ANALYZE calls")
    db.dispose()


def _same(value: datetime) -> datetime:
    return value
