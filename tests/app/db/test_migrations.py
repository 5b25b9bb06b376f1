"""Alembic at start-up: a linear chain, fresh databases upgraded to head on both backends, backups
before upgrading a SQLite file that holds data, and a refusal to touch a newer schema."""

from __future__ import annotations

import shutil
import sqlite3
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, select, text
from sqlalchemy.exc import SAWarning

import app.db.migrate as migrate
from app.db.engine import Database, open_database
from app.db.identity import database_identity
from app.db.migrate import (
    SchemaTooNew,
    alembic_config,
    backup_sqlite,
    current_revision,
    head_revision,
    upgrade,
)
from app.db.models import Base, Counter, PriorityMatrixCell, SlaPolicyRow
from app.db.open_statuses import OPEN_STATUS_VALUES
from app.domain.clock import ManualClock
from app.domain.priority import DEFAULT_MATRIX
from app.domain.sla import DEFAULT_POLICIES
from app.services.context import ServiceContext
from app.services.directory.reads import sign_in
from app.services.incidents.commands import IncidentCommands, IncidentDraft
from app.services.incidents.reads import IncidentReads
from tests.helpers import open_incident

TABLES = {
    "drills",
    "shift_handovers",
    "goodwill_gestures",
    "status_page_settings",
    "incidents",
    "applied_operations",
    "database_identity",
    "services",
    "contacts",
    "calls",
    "status_updates",
    "checklist_items",
    "vendor_escalations",
    "timeline_events",
    "agents",
    "teams",
    "sla_policies",
    "change_log",
    "priority_matrix",
    "counters",
    "incident_services",
    "presence",
    "post_incident_reviews",
    "review_action_items",
    "alert_groups",
}

NEXT_RELEASE = '''"""A later release's migration, for the upgrade test only."""

import sqlalchemy as sa
from alembic import op

revision = "9000_test"
down_revision = "{head}"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table("shift_handover", sa.Column("id", sa.Integer(), primary_key=True))
    # On SQLite this rebuilds a table that incidents, calls and the timeline refer to.
    with op.batch_alter_table("agents", recreate="always") as batch_op:
        batch_op.alter_column("email", type_=sa.String(320))


def downgrade() -> None:
    op.drop_table("shift_handover")
'''


@pytest.fixture
def fresh_db(db_url: str) -> Iterator[Database]:
    """A database with no schema at all (the `db` fixture is already upgraded)."""
    database = open_database(db_url)
    yield database
    database.dispose()


def _script() -> ScriptDirectory:
    return ScriptDirectory.from_config(alembic_config())


def test_the_revision_chain_is_linear() -> None:
    script = _script()
    revisions = list(script.walk_revisions())
    assert len(script.get_heads()) == 1
    assert len(script.get_bases()) == 1
    for revision in revisions:
        assert revision.down_revision is None or isinstance(revision.down_revision, str), (
            f"{revision.revision} merges branches"
        )
        assert not revision.is_branch_point, f"{revision.revision} has two successors"
        assert not revision.branch_labels
    # Walking down from head visits every revision exactly once.
    chain = [r.revision for r in script.iterate_revisions(head_revision(), "base")]
    assert sorted(chain) == sorted(r.revision for r in revisions)


def test_every_file_in_versions_is_a_revision() -> None:
    versions = Path(migrate.MIGRATIONS_DIR) / "versions"
    files = sorted(p.name for p in versions.glob("*.py"))
    assert len(files) == len(list(_script().walk_revisions()))


def test_a_fresh_database_upgrades_to_head_with_every_table(
    fresh_db: Database, tmp_path: Path
) -> None:
    report = upgrade(fresh_db, backup_dir=tmp_path / "backups")
    assert (report.from_revision, report.to_revision) == (None, head_revision())
    assert report.changed
    assert report.backup is None  # nothing to back up in an empty database
    assert not (tmp_path / "backups").exists()
    assert current_revision(fresh_db) == head_revision()
    assert set(inspect(fresh_db.engine).get_table_names()) == TABLES | {"alembic_version"}


def test_a_fresh_database_holds_the_default_matrix_policies_and_counter(db: Database) -> None:
    with db.read() as session:
        matrix = {
            (c.impact, c.urgency): c.priority for c in session.scalars(select(PriorityMatrixCell))
        }
        policies = {
            p.priority: (p.respond_minutes, p.resolve_minutes, p.update_every_minutes)
            for p in session.scalars(select(SlaPolicyRow))
        }
        counter = session.scalar(select(Counter.value).where(Counter.name == "incident_number"))
    assert matrix == dict(DEFAULT_MATRIX)
    assert policies == {
        int(p): (
            int(policy.respond_within.total_seconds() // 60),
            int(policy.resolve_within.total_seconds() // 60),
            int(policy.update_every.total_seconds() // 60) if policy.update_every else None,
        )
        for p, policy in DEFAULT_POLICIES.items()
    }
    assert counter == 0


def test_the_migrations_build_exactly_the_schema_the_models_describe(db: Database) -> None:
    with db.engine.connect() as connection, warnings.catch_warnings():
        # SQLite's reflection cannot read an index on an expression; the next test checks it.
        warnings.filterwarnings(
            "ignore", "Skipped unsupported reflection of expression-based index", SAWarning
        )
        warnings.filterwarnings("ignore", "autogenerate skipping .* expression-based index")
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []


def test_the_partial_and_expression_indexes_are_built_as_the_models_say(db: Database) -> None:
    # Reflection skips both details on SQLite (and the partial condition everywhere), so read
    # the definitions from the database itself.
    with db.engine.connect() as connection:
        if db.backend == "sqlite":
            query = "SELECT name, sql FROM sqlite_master WHERE type = 'index'"
        else:
            query = "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema()"
        made = {name: sql for name, sql in connection.execute(text(query))}
    open_index = " ".join(made["ix_incidents_open"].replace('"', "").split())
    assert "(status) WHERE status IN" in open_index or "(status) WHERE ((status)" in open_index
    for value in OPEN_STATUS_VALUES:
        assert f"'{value}'" in open_index
    assert "lower(" in made["ix_contacts_name_lower"].lower()


def test_upgrading_an_up_to_date_database_changes_nothing_and_makes_no_backup(
    ctx: ServiceContext, tmp_path: Path
) -> None:
    open_incident(ctx)
    backups = tmp_path / "backups"
    report = upgrade(ctx.db, backup_dir=backups)
    assert not report.changed
    assert report.from_revision == report.to_revision == head_revision()
    assert report.backup is None
    assert not backups.exists()
    assert IncidentReads(ctx).count() == 1


def test_backup_sqlite_makes_a_readable_copy_with_the_same_rows(
    sqlite_url: str, tmp_path: Path
) -> None:
    db = open_database(sqlite_url)
    try:
        upgrade(db)
        with db.write() as session:
            session.execute(text("UPDATE counters SET value = 41"))
        copy = backup_sqlite(db, tmp_path / "backups", head_revision())
    finally:
        db.dispose()
    assert copy.parent == tmp_path / "backups"
    assert f"schema-{head_revision()}" in copy.name
    with sqlite3.connect(copy) as backup:
        assert backup.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert backup.execute("SELECT value FROM counters").fetchone() == (41,)
        assert backup.execute("SELECT count(*) FROM priority_matrix").fetchone() == (9,)
        assert backup.execute("SELECT version_num FROM alembic_version").fetchone() == (
            head_revision(),
        )
    backup.close()


def test_a_database_at_the_previous_revision_is_backed_up_then_upgraded(
    fresh_db: Database, tmp_path: Path
) -> None:
    previous = _script().get_revision(head_revision()).down_revision
    if previous is None:
        pytest.skip("the chain has a single revision: there is no previous release yet")
    assert isinstance(previous, str)
    config = alembic_config()
    with fresh_db.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, previous)
        connection.execute(text("INSERT INTO teams (name) VALUES ('Network')"))
    report = upgrade(fresh_db, backup_dir=tmp_path / "backups")
    assert (report.from_revision, report.to_revision) == (previous, head_revision())
    assert current_revision(fresh_db) == head_revision()
    with fresh_db.read() as session:
        assert session.execute(text("SELECT name FROM teams")).scalars().all() == ["Network"]
    if fresh_db.backend != "sqlite":
        assert report.backup is None  # a server database is the administrator's to back up
        return
    assert report.backup is not None
    with sqlite3.connect(report.backup) as backup:
        assert backup.execute("SELECT version_num FROM alembic_version").fetchone() == (previous,)
        assert backup.execute("SELECT name FROM teams").fetchall() == [("Network",)]
    backup.close()


def test_a_database_made_by_the_previous_release_is_backed_up_then_upgraded(
    sqlite_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, clock: ManualClock
) -> None:
    # This release's database, with incidents that refer to agents...
    db = open_database(sqlite_url)
    try:
        upgrade(db)
        previous = head_revision()
        ctx = ServiceContext(db=db, clock=clock, actor=sign_in(db, "alice", "Alice"))
        IncidentCommands(ctx).open(IncidentDraft(title="Mail down", assignee_id=ctx.actor.agent_id))
        # ...opened by a release whose chain has one more migration.
        migrations = tmp_path / "migrations"
        shutil.copytree(
            migrate.MIGRATIONS_DIR, migrations, ignore=shutil.ignore_patterns("__pycache__")
        )
        (migrations / "versions" / "9000_test.py").write_text(
            NEXT_RELEASE.format(head=previous), encoding="utf-8"
        )
        monkeypatch.setattr(migrate, "MIGRATIONS_DIR", migrations)
        report = upgrade(db, backup_dir=tmp_path / "backups")
        assert (report.from_revision, report.to_revision) == (previous, "9000_test")
        assert current_revision(db) == "9000_test"
        assert "shift_handover" in inspect(db.engine).get_table_names()
        assert IncidentReads(ctx).detail(1).assignee == "Alice"  # the data survived
        with db.engine.connect() as connection:  # and the pool's connections enforce FKs again
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    finally:
        db.dispose()
    assert report.backup is not None
    assert report.backup.parent == tmp_path / "backups"
    with sqlite3.connect(report.backup) as backup:
        assert backup.execute("SELECT version_num FROM alembic_version").fetchone() == (previous,)
        assert backup.execute("SELECT number, title FROM incidents").fetchall() == [
            ("INC0000001", "Mail down")
        ]
        tables = {row[0] for row in backup.execute("SELECT name FROM sqlite_master")}
        assert "shift_handover" not in tables
    backup.close()


def test_a_database_from_a_newer_release_is_refused(db: Database, tmp_path: Path) -> None:
    with db.write() as session:
        session.execute(text("UPDATE alembic_version SET version_num = 'f00d_future'"))
    with pytest.raises(SchemaTooNew, match="newer Calmdesk") as refused:
        upgrade(db, backup_dir=tmp_path / "backups")
    assert "f00d_future" in str(refused.value)
    assert current_revision(db) == "f00d_future"  # left exactly as it was
    assert not (tmp_path / "backups").exists()


def test_every_database_gets_an_identity_of_its_own(db: Database, tmp_path: Path) -> None:
    other = open_database(f"sqlite:///{(tmp_path / 'other.sqlite3').as_posix()}")
    upgrade(other)
    mine, theirs = database_identity(db), database_identity(other)
    assert mine
    assert theirs
    assert mine != theirs
    assert database_identity(db) == mine  # stable
    other.dispose()
