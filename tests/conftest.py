"""Fixtures live in tests/helpers.py; this file only makes them visible to every test."""

from tests.helpers import (  # noqa: F401
    calmdesk_home,
    clock,
    console,
    ctx,
    db,
    db_url,
    postgres_url,
    sqlite_ctx,
    sqlite_url,
)
