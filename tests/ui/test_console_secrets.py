"""No password on disk outside the keyring: the real console, started as a process on a team
database whose password sits in a real keyring backend, writes settings and logs without it,
and says nothing with it when the database refuses."""

from __future__ import annotations

import base64
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import make_url

from app.adapters.secrets import PasswordVault
from app.bootstrap import start
from app.settings import load_settings, save_db_url

SECRET = "Zx9-correct-horse-battery"


def _console(home: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", CALMDESK_HOME=str(home))
    return subprocess.run(
        [sys.executable, "-m", "ui.launcher", "--exit-when-ready"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def _files_holding(folder: Path, secret: str) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file() and secret.encode() in p.read_bytes()]


@pytest.mark.postgres
def test_the_console_uses_the_keyring_password_and_writes_it_nowhere(
    postgres_url: str, file_keyring: Path, calmdesk_home: Path
) -> None:
    vault = PasswordVault()
    assert vault.status.secure
    assert vault.remember(postgres_url, SECRET)  # as the connection dialog does
    settings = load_settings()
    save_db_url(settings, make_url(postgres_url).set(password=SECRET).render_as_string(False))

    ready = _console(calmdesk_home)
    assert ready.returncode == 0, ready.stderr
    assert ready.stdout.startswith("ready in ")

    # The same URL, but a database that does not exist: refused, and said without the password.
    missing = make_url(postgres_url).set(database="calmdesk_missing_db")
    vault.remember(missing, SECRET)
    save_db_url(settings, missing.render_as_string(hide_password=False))
    refused = _console(calmdesk_home)
    assert refused.returncode == 1
    assert "does not exist" in refused.stderr
    assert SECRET not in refused.stdout + refused.stderr

    written = sorted(p.relative_to(calmdesk_home) for p in calmdesk_home.rglob("*") if p.is_file())
    assert Path("config/settings.json") in written
    assert Path("logs/calmdesk.log") in written
    assert _files_holding(calmdesk_home, SECRET) == []
    # It is in the keyring's own store, which a new session reads.
    assert PasswordVault().password_for(postgres_url) == SECRET
    # keyrings.alt's file store encodes it (base64), in the keyring's folder, not Calmdesk's.
    assert _files_holding(file_keyring, base64.b64encode(SECRET.encode()).decode())


@pytest.mark.postgres
def test_the_keyring_password_is_what_the_driver_sends(
    postgres_url: str, file_keyring: Path
) -> None:
    PasswordVault().remember(postgres_url, SECRET)
    session = start(load_settings(db_url=postgres_url))
    try:
        with session.ctx.db.engine.connect() as connection:
            driver = connection.connection.driver_connection
            assert driver is not None
            assert driver.info.password == SECRET
        assert SECRET not in repr(session.ctx.db.engine.url)
        assert session.ctx.db.engine.url.password is None
    finally:
        session.ctx.db.dispose()
