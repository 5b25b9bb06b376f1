"""Database URLs, whatever is typed or saved: a URL Calmdesk can use, or a DatabaseUnavailable in
one line that never shows the password. Opening checks nothing over the network (PostgreSQL
examples that connect go to the test server on 127.0.0.1 only)."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.engine import URL

from app.db.engine import Database, check_connection, describe, open_database, parse_url
from app.domain.errors import DatabaseUnavailable
from tests.helpers import PG_ADMIN_URL, postgres_available
from tests.properties import TRICKY_TEXT, assert_clear_refusal

SHARED_FOLDER = settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
# Distinct enough that finding one in a message cannot be a coincidence.
PASSWORDS = st.builds(lambda text: f"pw{text}!", st.text(min_size=8, max_size=20)).filter(
    lambda p: p.strip() == p
)
SCHEMES = st.sampled_from(
    ["postgresql", "postgres", "postgresql+psycopg", "postgresql+nodriver", "sqlite", "mysql", ""]
)
HOSTS = st.sampled_from(["db.example.com", "127.0.0.1:1", "[::1]:5432", "h:notaport", "[::1", ""])
QUERIES = st.sampled_from(["", "?sslmode=require", "?sslmode=bogus", "?connect_timeout=abc", "?"])
SQLITE_QUERIES = st.sampled_from(
    ["", "?timeout=abc", "?timeout=1", "?check_same_thread=maybe", "?uri=true&mode=zz", "?mode=ro"]
)


def _opened(url: str, *secrets: str) -> Database | None:
    try:
        return open_database(url)
    except DatabaseUnavailable as refused:
        assert_clear_refusal(refused, *secrets)
        return None


def _connects(db: Database, *secrets: str) -> bool:
    try:
        check_connection(db)
        return True
    except DatabaseUnavailable as refused:
        assert_clear_refusal(refused, *secrets)
        return False
    finally:
        db.dispose()


@given(TRICKY_TEXT)
def test_any_text_is_a_url_or_a_clear_refusal(text: str) -> None:
    try:
        url = parse_url(text)
    except DatabaseUnavailable as refused:
        assert_clear_refusal(refused)
    else:
        assert isinstance(url, URL)
        assert url.get_backend_name() in ("sqlite", "postgresql")


@given(scheme=SCHEMES, password=PASSWORDS, host=HOSTS, query=QUERIES, encode=st.booleans())
def test_a_password_is_never_in_a_refusal_or_a_description(
    scheme: str, password: str, host: str, query: str, encode: bool
) -> None:
    written = quote(password, safe="") if encode else password
    text = f"{scheme}://agent:{written}@{host}/calmdesk{query}"
    secrets = {password, written}
    try:
        url = parse_url(text)
    except DatabaseUnavailable as refused:
        assert_clear_refusal(refused, *secrets)
        return
    assert all(secret not in describe(url) for secret in secrets)
    if url.get_backend_name() == "postgresql":  # opening one does not connect
        db = _opened(text, *secrets)
        if db is not None:
            shown = db.engine.url.render_as_string(hide_password=False)
            assert all(secret not in shown + db.description for secret in secrets)
            db.dispose()


# SQLAlchemy warns (an error under this suite's filterwarnings) that it ignores mode=ro without
# uri=true; the URL still opens, read-write. A warning, not a crash, so it is not asserted here.
@pytest.mark.filterwarnings("ignore:Query string argument:sqlalchemy.exc.SAWarning")
@SHARED_FOLDER
@given(
    name=st.text(
        st.characters(exclude_categories=("Cs",), exclude_characters="/\\?#"), max_size=30
    ),
    query=SQLITE_QUERIES,
)
def test_any_sqlite_file_name_opens_or_is_refused_in_one_line(
    tmp_path: Path, name: str, query: str
) -> None:
    db = _opened(f"sqlite:///{tmp_path.as_posix()}/data/{name}.sqlite3{query}")
    if db is not None:
        _connects(db)


@pytest.mark.postgres
@given(
    user=st.text(min_size=1, max_size=20),
    password=PASSWORDS,
    database=st.text(min_size=1, max_size=20),
    query=QUERIES,
)
@SHARED_FOLDER
def test_connecting_to_a_real_server_fails_in_one_line_without_the_password(
    user: str, password: str, database: str, query: str
) -> None:
    reason = postgres_available()
    if reason is not None:
        pytest.skip(f"PostgreSQL unreachable: {reason}")
    url = URL.create(
        "postgresql+psycopg",
        username=f"nobody_{user}",
        password=password,
        host="127.0.0.1",
        port=int(PG_ADMIN_URL.rsplit(":", 1)[1].split("/")[0]),
        database=database,
    ).render_as_string(hide_password=False)
    db = _opened(url + query, password)
    if db is not None:
        assert not _connects(db, password)  # no such login on the test server


@pytest.mark.parametrize(
    "url",
    [
        "postgresql://agent@127.0.0.1/%00",
        "postgresql://agent%00x@127.0.0.1/calmdesk",
        "postgresql://agent:pw%00secret@127.0.0.1/calmdesk",
        "postgresql://agent@127.0.0.1/calmdesk?application_name=a%00b",
    ],
)
def test_a_nul_in_a_postgresql_url_is_refused_before_connecting_elsewhere(url: str) -> None:
    with pytest.raises(DatabaseUnavailable) as refused:
        open_database(url)
    assert "NUL" in assert_clear_refusal(refused.value, "pw", "secret")


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("sqlite+nodriver:///calmdesk.sqlite3", "No database driver for sqlite+nodriver"),
        ("sqlite:///{tmp}/data/a\x00b.sqlite3", "not a file name"),
        ("sqlite:///{tmp}/x.sqlite3?timeout=abc", "timeout"),
        ("sqlite:///{tmp}/x.sqlite3?check_same_thread=maybe", "check_same_thread"),
    ],
)
def test_a_sqlite_url_that_cannot_be_used_is_refused_in_one_line(
    tmp_path: Path, url: str, says: str
) -> None:
    def attempt() -> None:
        db = open_database(url.format(tmp=tmp_path.as_posix()))
        try:
            check_connection(db)
        finally:
            db.dispose()

    with pytest.raises(DatabaseUnavailable) as refused:
        attempt()
    assert says in assert_clear_refusal(refused.value)
