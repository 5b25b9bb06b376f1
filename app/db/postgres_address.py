"""A PostgreSQL URL (`postgresql://sam@db.example:5433/calmdesk?sslmode=require`) read into its
parts as SQLAlchemy reads it, without SQLAlchemy: for the console's first screen, which connects
with the driver alone before SQLAlchemy is imported. Anything unusual (a password with an `@` not
written %40, an option given twice, a bad port) is None, and the full start reads it instead. A
test holds the parts to SQLAlchemy's `make_url`."""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import parse_qsl, unquote

SCHEMES = ("postgresql", "postgres", "postgresql+psycopg")


@dataclass(frozen=True)
class PostgresAddress:
    username: str | None
    password: str | None
    host: str | None
    port: int | None
    database: str | None
    query: dict[str, str] = field(default_factory=dict)


def postgres_address(url: str) -> PostgresAddress | None:
    scheme, sep, rest = url.partition("://")
    if not sep or scheme not in SCHEMES or "#" in rest or rest.count("@") > 1:
        return None
    rest, _, query_text = rest.partition("?")
    location, slash, database = rest.partition("/")
    credentials, at, server = location.rpartition("@")
    if not at:
        credentials, server = "", location
    username, colon, password = credentials.partition(":")
    try:
        host, port = _host_and_port(server)
        query = parse_qsl(query_text, keep_blank_values=True, strict_parsing=bool(query_text))
    except ValueError:
        return None
    if len({key for key, _ in query}) != len(query):
        return None  # an option given twice: SQLAlchemy keeps both, libpq takes one
    return PostgresAddress(
        username=unquote(username) if at else None,
        password=unquote(password) if colon else None,
        host=host,
        port=port,
        database=unquote(database) if slash and database else None,
        query=dict(query),
    )


def _host_and_port(server: str) -> tuple[str | None, int | None]:
    if server.startswith("["):  # [::1]:5432
        host, bracket, after = server[1:].partition("]")
        if not bracket or (after and not after.startswith(":")):
            raise ValueError(server)
        port_text = after[1:]
    else:
        host, _, port_text = server.partition(":")
    if port_text and not port_text.isdigit():
        raise ValueError(port_text)
    return host or None, int(port_text) if port_text else None
