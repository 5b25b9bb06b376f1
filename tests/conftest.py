"""Fixtures live in tests/helpers.py; this file only makes them visible to every test."""

from tests.app.adapters.notification_server import (  # noqa: F401  (one private bus per run)
    _desktop_bus,
    _private_bus,
    notification_server,
    session_bus,
)
from tests.helpers import (  # noqa: F401
    calmdesk_home,
    clock,
    console,
    ctx,
    db,
    db_url,
    file_keyring,
    postgres_url,
    sqlite_ctx,
    sqlite_url,
    team_server,
)
