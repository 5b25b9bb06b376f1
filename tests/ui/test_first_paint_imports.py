"""What the console imports before its first paint, as an agent starts it: a fresh process on a
SQLite file, `--exit-when-ready`, the modules loaded at the moment it says the queue is painted.
Whatever is not on the first screen comes later, when first used or once the queue is up."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

# The console, with stdout tapped: at the "ready in" line (printed once the queue is painted),
# the names of the modules loaded so far; printed after the console exits.
SPAWN = """
import sys
from ui.launcher import main

class Tap:
    def __init__(self, out):
        self.out, self.modules = out, None
    def write(self, text):
        if self.modules is None and text.startswith("ready in "):
            self.modules = sorted(sys.modules)
        return self.out.write(text)
    def flush(self):
        self.out.flush()

tap = sys.stdout = Tap(sys.stdout)
code = main(["--exit-when-ready"])
sys.stdout = tap.out
print("\\n".join(tap.modules or ["(never ready)"]))
raise SystemExit(code)
"""

NOT_BEFORE_FIRST_PAINT = {
    # The first screen is read with the sqlite3 driver alone (app/services/first_screen): the
    # database toolkit, the models, the full start and the console's services come after it.
    "sqlalchemy": "SQLAlchemy: the first screen is read with the driver alone",
    "app.db.engine": "the engine, built by the full start behind the painted window",
    "app.db.models": "the models",
    "app.bootstrap": "the full start: connect, check, upgrade, sign in",
    "app.services.incidents.reads": "the queue's SQLAlchemy reads",
    "ui.console_context": "the console's services",
    "ui.queue.queue_controller": "the queue's live updates",
    "ui.queue_actions": "the queue's actions",
    "ui.window.editor_dock": "the editor's dock",
    "ui.window.opened_windows": "the windows the menus open",
    "psycopg": "the PostgreSQL driver, on a SQLite file",
    "alembic": "migrations, when the schema is up to date",
    "keyring": "the password store: a local file has no password",
    "ui.notifications": "notifications: installed once the queue is painted",
    "app.adapters.notifications": "desktop notifications",
    "app.services.reports": "reports and exports",
    "app.adapters.tabular_export": "CSV and JSON export",
    "app.services.imports": "imports",
    "ui.import_dialog": "the import dialog",
    "ui.reports": "the reports window",
    "ui.review": "the post-incident review",
    "ui.editor": "the incident editor: built when an incident is first opened",
    "phonenumbers": "phone number parsing: when a number is first looked up",
    "app.services.war_room.commands": "war-room writes: in a war room, or sending a kept change",
    "ui.calls.controller": "call logging's reads: once the queue is painted",
    "ui.calls.call_form": "the call form: built on Ctrl+L",
    "ui.calls.call_list": "the call list's dock: built once the queue is painted",
    "ui.calls.surge_banner": "the surge banner: built when a surge shows",
    "ui.drills.banner": "the drill banner: attached once the queue is painted",
    "ui.drills.drill_actions": "drill actions and dialogs: on first use",
    "ui.handover.handover_dialog": "the shift handover: on first use",
    "ui.status_page.publisher": "the status page publisher: started once the queue is painted",
    "ui.status_page.status_page_dialog": "the status page dialog",
    "ui.dialogs": "the queue actions' dialogs",
    "ui.war_room": "war rooms",
    "ui.wallboard": "the wallboard",
    "ui.crash_dialog": "the crash dialog: only when something went wrong",
    "ui.connection": "the team database dialog",
}


def _loaded_at_first_paint(home: Path, db_url: str | None = None) -> list[str]:
    env = {**os.environ, "CALMDESK_HOME": str(home), "QT_QPA_PLATFORM": "offscreen"}
    if db_url is not None:
        env["CALMDESK_DB_URL"] = db_url
    subprocess.run(
        [sys.executable, "-m", "app.cli", "demo"], env=env, check=True, capture_output=True
    )
    result = subprocess.run(
        [sys.executable, "-c", SPAWN],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("ready in "), result.stdout[:200]
    return lines[1:]


def test_the_first_paint_imports_only_what_the_first_screen_needs(tmp_path: Path) -> None:
    """On the local file, once it exists and knows the agent (`calmdesk demo` made it)."""
    loaded = _loaded_at_first_paint(tmp_path)
    assert "ui.queue.queue_view" in loaded  # the tap saw the queue painted
    early = {
        name: why
        for name, why in NOT_BEFORE_FIRST_PAINT.items()
        if any(m == name or m.startswith(name + ".") for m in loaded)
    }
    assert early == {}


@pytest.mark.postgres
def test_on_a_team_server_too_the_first_paint_comes_before_sqlalchemy(
    tmp_path: Path, postgres_url: str
) -> None:
    """The server's own login (an administrator, an agent since `calmdesk demo` signed in). The
    first screen is read by a child process while the console loads Qt
    (app/services/first_screen/ahead.py): not even psycopg is loaded here before the paint."""
    loaded = _loaded_at_first_paint(tmp_path, postgres_url)
    assert "ui.queue.queue_view" in loaded
    early = {
        name: why
        for name, why in NOT_BEFORE_FIRST_PAINT.items()
        if any(m == name or m.startswith(name + ".") for m in loaded)
    }
    expected = {"psycopg": NOT_BEFORE_FIRST_PAINT["psycopg"]} if _no_fork() else {}
    assert early == expected


def _no_fork() -> bool:
    """Where there is no fork (Windows), the console reads the first screen itself."""
    return not hasattr(os, "fork")
