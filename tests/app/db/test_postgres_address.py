"""A PostgreSQL URL read without SQLAlchemy: the parts SQLAlchemy reads, or None when unsure."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import make_url

from app.db.postgres_address import postgres_address


@pytest.mark.parametrize(
    "url",
    [
        "postgresql+psycopg://sam:p%40ss@db.Example.com:5433/calm%20desk?sslmode=require",
        "postgresql://sam@[::1]:5432/calmdesk",
        "postgresql://db/calmdesk",
        "postgresql://sam@/calmdesk?host=/var/run/postgresql&application_name=desk%201",
        "postgresql:///calmdesk",
        "postgres://u:@h/d",
        "postgresql://agent@10.0.0.5:6432/calmdesk?connect_timeout=10&options=%20",
    ],
)
def test_its_parts_are_the_ones_sqlalchemy_reads(url: str) -> None:
    parsed = make_url(url)
    address = postgres_address(url)
    assert address is not None
    assert (address.username, address.password, address.host, address.port) == (
        parsed.username,
        parsed.password,
        parsed.host,
        parsed.port,
    )
    assert (address.database, address.query) == (parsed.database, dict(parsed.query))


@pytest.mark.parametrize(
    "url",
    [
        "postgresql://h:port/d",  # a port that is no number
        "postgresql://u:p@ss@h/d",  # an @ in the password not written %40
        "postgresql://h/d?a=1&a=2",  # an option twice
        "postgresql://[::1/d",  # an unclosed address
        "mysql://h/d",
        "sqlite:///calmdesk.sqlite3",
        "not a url",
    ],
)
def test_what_it_is_unsure_of_is_none(url: str) -> None:
    assert postgres_address(url) is None
