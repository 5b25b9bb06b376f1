"""Where the database URL comes from: --db, CALMDESK_DB_URL, the user's own choice, the
administrator's machine-wide default (site-settings.json), the local SQLite file."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest

from app.db.live_mode import LiveMode
from app.settings import (
    SITE_CONFIG_FILE_NAME,
    default_db_url,
    load_settings,
    save_db_url,
    save_live_updates,
    site_settings_files,
)

TEAM_DB = "postgresql://agent@db.example.com/calmdesk"
OTHER_DB = "postgresql://agent@db2.example.com/calmdesk"


def _write_site_settings(folder: Path, url: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / SITE_CONFIG_FILE_NAME
    path.write_text(json.dumps({"db_url": url}), encoding="utf-8")
    return path


def test_without_any_setting_the_local_file_is_used(calmdesk_home: Path) -> None:
    settings = load_settings()
    assert settings.db_url == default_db_url(calmdesk_home / "data")


def test_the_administrators_default_beats_the_local_file(calmdesk_home: Path) -> None:
    _write_site_settings(calmdesk_home, TEAM_DB)
    assert load_settings().db_url == TEAM_DB


def test_the_users_own_choice_beats_the_administrators_default(calmdesk_home: Path) -> None:
    _write_site_settings(calmdesk_home, TEAM_DB)
    save_db_url(load_settings(), OTHER_DB)
    assert load_settings().db_url == OTHER_DB


def test_the_user_can_choose_the_local_file_over_the_administrators_default(
    calmdesk_home: Path,
) -> None:
    _write_site_settings(calmdesk_home, TEAM_DB)
    local = default_db_url(calmdesk_home / "data")
    save_db_url(load_settings(), local)
    assert load_settings().db_url == local


def test_forgetting_the_users_choice_goes_back_to_the_administrators_default(
    calmdesk_home: Path,
) -> None:
    _write_site_settings(calmdesk_home, TEAM_DB)
    save_db_url(load_settings(), OTHER_DB)
    save_db_url(load_settings(), None)
    assert load_settings().db_url == TEAM_DB


def test_environment_and_argument_beat_the_administrators_default(
    calmdesk_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _write_site_settings(calmdesk_home, TEAM_DB)
    monkeypatch.setenv("CALMDESK_DB_URL", OTHER_DB)
    assert load_settings().db_url == OTHER_DB
    assert load_settings(db_url="sqlite:////tmp/x.sqlite3").db_url == "sqlite:////tmp/x.sqlite3"


def test_a_damaged_site_settings_file_is_ignored(calmdesk_home: Path) -> None:
    calmdesk_home.mkdir(parents=True)
    (calmdesk_home / SITE_CONFIG_FILE_NAME).write_text("{not json", encoding="utf-8")
    assert load_settings().db_url == default_db_url(calmdesk_home / "data")


def test_a_frozen_bundle_reads_the_file_in_its_own_folder_first(
    calmdesk_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bundle = tmp_path / "Calmdesk"
    bundle.mkdir()
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "executable", str(bundle / "calmdesk"))
    _write_site_settings(calmdesk_home, OTHER_DB)
    assert load_settings().db_url == OTHER_DB  # no file in the bundle yet
    _write_site_settings(bundle, TEAM_DB)
    assert load_settings().db_url == TEAM_DB


def test_without_calmdesk_home_every_xdg_config_folder_is_searched(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    if not sys.platform.startswith("linux"):
        pytest.skip("XDG_CONFIG_DIRS is a Linux (freedesktop) convention")
    monkeypatch.delenv("CALMDESK_HOME")
    monkeypatch.setenv("XDG_CONFIG_DIRS", f"{tmp_path / 'desktop'}{os.pathsep}{tmp_path / 'xdg'}")
    assert site_settings_files(os.environ) == [
        tmp_path / "desktop" / "Calmdesk" / SITE_CONFIG_FILE_NAME,
        tmp_path / "xdg" / "Calmdesk" / SITE_CONFIG_FILE_NAME,
    ]


def test_a_site_settings_file_with_a_byte_order_mark_is_read(calmdesk_home: Path) -> None:
    # What the Windows installer (SaveStringsToUTF8File) and Notepad write.
    calmdesk_home.mkdir(parents=True)
    text = json.dumps({"db_url": TEAM_DB})
    (calmdesk_home / SITE_CONFIG_FILE_NAME).write_bytes(b"\xef\xbb\xbf" + text.encode())
    assert load_settings().db_url == TEAM_DB


def test_live_updates_come_from_the_user_then_the_administrator_then_auto(
    calmdesk_home: Path,
) -> None:
    assert load_settings().live_updates is LiveMode.AUTO
    site = _write_site_settings(calmdesk_home, TEAM_DB)
    site.write_text(json.dumps({"db_url": TEAM_DB, "live_updates": "poll"}), encoding="utf-8")
    assert load_settings().live_updates is LiveMode.POLL  # the desk is behind PgBouncer
    save_live_updates(load_settings(), LiveMode.LISTEN)
    assert load_settings().live_updates is LiveMode.LISTEN
    save_db_url(load_settings(), OTHER_DB)  # choosing a database keeps the choice
    assert load_settings().live_updates is LiveMode.LISTEN


def test_an_unknown_live_updates_value_falls_back_to_the_next_source(calmdesk_home: Path) -> None:
    site = _write_site_settings(calmdesk_home, TEAM_DB)
    site.write_text(json.dumps({"live_updates": "poll"}), encoding="utf-8")
    config = load_settings().config_file
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(json.dumps({"live_updates": "sometimes"}), encoding="utf-8")
    assert load_settings().live_updates is LiveMode.POLL


def test_a_read_url_applies_only_with_the_database_it_was_saved_with(calmdesk_home: Path) -> None:
    read = "postgresql://agent@db.example.com:6432/calmdesk_read"
    site = _write_site_settings(calmdesk_home, TEAM_DB)
    site.write_text(json.dumps({"db_url": TEAM_DB, "read_db_url": read}), encoding="utf-8")
    assert load_settings().read_db_url == read
    save_db_url(load_settings(), OTHER_DB)  # another database: its reads go to it
    assert load_settings().read_db_url is None
