"""Where the phone region comes from: CALMDESK_PHONE_REGION, settings.json, site-settings.json,
the locale, in that order."""

from __future__ import annotations

import json
from pathlib import Path

from app.settings import CONFIG_FILE_NAME, SITE_CONFIG_FILE_NAME, load_settings


def _env(home: Path, **extra: str) -> dict[str, str]:
    return {"CALMDESK_HOME": str(home), **extra}


def test_the_region_comes_from_the_locale_when_nothing_else_says(tmp_path: Path) -> None:
    assert load_settings(_env(tmp_path, LANG="en_GB.UTF-8")).phone_region == "GB"
    assert load_settings(_env(tmp_path, LC_ALL="de_DE@euro", LANG="en_GB")).phone_region == "DE"
    assert load_settings(_env(tmp_path, LANG="C.UTF-8")).phone_region == ""
    assert load_settings(_env(tmp_path)).phone_region == ""


def test_the_administrator_then_the_user_then_the_environment_win(tmp_path: Path) -> None:
    (tmp_path / SITE_CONFIG_FILE_NAME).write_text(json.dumps({"phone_region": "ie"}), "utf-8")
    assert load_settings(_env(tmp_path, LANG="en_GB.UTF-8")).phone_region == "IE"
    (tmp_path / "config").mkdir()
    (tmp_path / "config" / CONFIG_FILE_NAME).write_text(json.dumps({"phone_region": "US"}))
    assert load_settings(_env(tmp_path)).phone_region == "US"
    env = _env(tmp_path, CALMDESK_PHONE_REGION="fr")
    assert load_settings(env).phone_region == "FR"
