"""The team benchmark's desk: the team database on the private cluster (one login per
workstation, the shared read-only role, the incidents), the PgBouncer in front of it configured
as the shipped `installer/pgbouncer/pgbouncer.ini` says, and the count of lost writes."""

from __future__ import annotations

import configparser
from collections import defaultdict
from pathlib import Path

import psycopg
from sqlalchemy import func, select, text

from app.db.engine import Database, open_database
from app.db.models import Call, Incident
from app.domain.clock import SystemClock
from app.domain.roles import Role
from app.services.admin import team_setup
from app.services.admin.identity import identify
from app.services.context import ServiceContext
from app.services.incidents.commands import IncidentCommands, IncidentDraft
from bench.servers import PgBouncer, PoolLimits, PrivateCluster
from bench.team_station import StationLog

DATABASE = "calmdesk"
READ_ALIAS = "calmdesk_read"  # PgBouncer's entry that logs in as READER
READER = "calmdesk_reader"
SHIPPED_INI = Path(__file__).resolve().parents[1] / "installer" / "pgbouncer" / "pgbouncer.ini"


def prepare(
    cluster: PrivateCluster, stations: int, incidents: int
) -> tuple[list[str], dict[int, tuple[int, int]]]:
    """The team database, one login per workstation, the incidents; their (version, calls)."""
    with psycopg.connect(cluster.admin_conninfo, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{DATABASE}"')
    owner_db = open_database(cluster.url(DATABASE))
    try:
        team_setup.init_postgres(owner_db)
        owner = ServiceContext(owner_db, SystemClock(), identify(owner_db, "postgres"))
        logins = [f"ws{n:03d}" for n in range(stations)]
        for n, login in enumerate(logins):
            team_setup.add_agent(owner, login, f"Workstation {n}", Role.AGENT)
        with owner_db.write() as session:  # the shared read-only role (README.md)
            for statement in (
                f"CREATE ROLE {READER} LOGIN",
                f"GRANT USAGE ON SCHEMA public TO {READER}",
                f"GRANT SELECT ON ALL TABLES IN SCHEMA public TO {READER}",
            ):
                session.execute(text(statement))
        commands = IncidentCommands(owner)
        for n in range(incidents):
            commands.open(IncidentDraft(title=f"Shared incident {n}", impact=2, urgency=2))
        initial = versions_and_calls(owner_db)
    finally:
        owner_db.dispose()
    return logins, initial


def shipped_pooler(cluster: PrivateCluster, stations: int) -> PgBouncer:
    """A PgBouncer with the shipped sample's pool sizes and timeouts, in front of the cluster
    (its own port and folder, trusting local logins instead of the sample's scram)."""
    ini = configparser.ConfigParser(inline_comment_prefixes=(";",), interpolation=None)
    ini.read(SHIPPED_INI, encoding="utf-8")
    server = f"host=127.0.0.1 port={cluster.port} dbname={DATABASE}"
    entries = []
    for alias in (DATABASE, READ_ALIAS):
        options = dict(
            part.split("=", 1) for part in ini["databases"][alias].split() if "=" in part
        )
        kept = " ".join(
            f"{key}={value}"
            for key, value in options.items()
            if key not in ("host", "port", "dbname")  # the cluster's, not the sample's
        )
        entries.append(f"{alias} = {server} {kept}")
    return PgBouncer(
        "127.0.0.1",
        cluster.port,
        limits=PoolLimits(
            pool_size=ini.getint("pgbouncer", "default_pool_size"),
            max_client_conn=stations * 5 + 50,
            server_idle_timeout=ini.getfloat("pgbouncer", "server_idle_timeout"),
            query_wait_timeout=ini.getfloat("pgbouncer", "query_wait_timeout"),
            databases=tuple(entries),
        ),
    )


def lost_writes(
    cluster: PrivateCluster, logs: list[StationLog], initial: dict[int, tuple[int, int]]
) -> int:
    """Saved calls missing (or doubled), and incidents whose version or call count does not add
    up to the writes that were reported saved."""
    writes = [w for log in logs for w in log.writes]
    uuids = [w.client_uuid for w in writes if w.field == "calls"]
    edits: dict[int, int] = defaultdict(int)
    calls: dict[int, int] = defaultdict(int)
    for w in writes:
        (edits if w.field == "version" else calls)[w.incident] += 1
    db = open_database(cluster.url(DATABASE))
    try:
        with db.read() as session:
            found = (
                session.scalar(select(func.count(Call.id)).where(Call.client_uuid.in_(uuids)))
                if uuids
                else 0
            )
        final = versions_and_calls(db)
    finally:
        db.dispose()
    lost = abs(len(uuids) - int(found or 0))
    for incident, (version, linked) in initial.items():
        now_version, now_calls = final.get(incident, (0, 0))
        lost += abs(version + edits[incident] - now_version)
        lost += abs(linked + calls[incident] - now_calls)
    return lost


def versions_and_calls(db: Database) -> dict[int, tuple[int, int]]:
    """Every incident's (version, linked calls)."""
    with db.read() as session:
        counts = select(Call.incident_id, func.count(Call.id)).group_by(Call.incident_id)
        linked = {incident: int(count) for incident, count in session.execute(counts)}
        return {
            int(i): (int(v), int(linked.get(i, 0)))
            for i, v in session.execute(select(Incident.id, Incident.version))
        }
