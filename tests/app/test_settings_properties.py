"""settings.json and site-settings.json, whatever is in them: the settings load (a damaged file
means the next source, then the local file), and a saved URL never carries the password."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import make_url

from app.settings import (
    CONFIG_FILE_NAME,
    SITE_CONFIG_FILE_NAME,
    default_db_url,
    load_settings,
    save_db_url,
)
from tests.properties import json_values

SHARED_HOME = settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
FILES = (
    st.binary(max_size=200)
    | json_values().map(lambda v: json.dumps(v).encode())
    | st.fixed_dictionaries({"db_url": json_values()}).map(lambda v: json.dumps(v).encode())
)
PASSWORDS = st.text("abcdefghijklmnopqrstuvwxyz0123456789!$&'()*+,;=:@/?#", min_size=8).map(
    lambda t: f"pw{t}"
)


@SHARED_HOME
@given(user_file=FILES, site_file=FILES)
def test_any_settings_files_load_to_a_url(
    calmdesk_home: Path, user_file: bytes, site_file: bytes
) -> None:
    (calmdesk_home / "config").mkdir(parents=True, exist_ok=True)
    (calmdesk_home / "config" / CONFIG_FILE_NAME).write_bytes(user_file)
    (calmdesk_home / SITE_CONFIG_FILE_NAME).write_bytes(site_file)
    loaded = load_settings({"CALMDESK_HOME": str(calmdesk_home)})
    assert isinstance(loaded.db_url, str)
    assert loaded.db_url


@SHARED_HOME
@given(password=PASSWORDS, user=st.sampled_from(["agent", "a.b", "Ünï"]))
def test_a_saved_url_keeps_everything_but_the_password(
    calmdesk_home: Path, password: str, user: str
) -> None:
    url = make_url("postgresql://db.example.com:5433/calmdesk?sslmode=require")
    url = url.set(username=user, password=password)
    current = load_settings({"CALMDESK_HOME": str(calmdesk_home)})
    save_db_url(current, url.render_as_string(hide_password=False))
    saved_text = current.config_file.read_text(encoding="utf-8")
    assert password not in saved_text
    assert password not in json.loads(saved_text)["db_url"]
    reloaded = make_url(load_settings({"CALMDESK_HOME": str(calmdesk_home)}).db_url)
    assert reloaded.password is None
    assert reloaded._replace(password=password) == url


def test_a_password_in_the_url_is_not_written_to_settings_json(calmdesk_home: Path) -> None:
    current = load_settings({"CALMDESK_HOME": str(calmdesk_home)})
    save_db_url(current, "postgresql://agent:s3cret-pw@db.example.com/calmdesk")
    assert json.loads(current.config_file.read_text(encoding="utf-8")) == {
        "db_url": "postgresql://agent@db.example.com/calmdesk"
    }


@pytest.mark.parametrize("content", ["[" * 100_000, '{"db_url": ' + "[" * 100_000])
def test_a_deeply_nested_settings_file_falls_back_to_the_local_file(
    calmdesk_home: Path, content: str
) -> None:
    (calmdesk_home / "config").mkdir(parents=True)
    (calmdesk_home / "config" / CONFIG_FILE_NAME).write_text(content, encoding="utf-8")
    loaded = load_settings({"CALMDESK_HOME": str(calmdesk_home)})
    assert loaded.db_url == default_db_url(calmdesk_home / "data")
