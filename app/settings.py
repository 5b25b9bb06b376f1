"""Settings, declared once with their defaults. Tests point CALMDESK_HOME at a temporary folder so
they never touch the user's real profile.

The database URL comes from the first of these that gives one:

1. the --db argument;
2. the CALMDESK_DB_URL environment variable;
3. the user's own choice, saved by the console ("Connect to a team database") in settings.json;
4. the machine-wide default an administrator set in site-settings.json (the Windows installer
   writes it): first the one in the application's own folder (frozen builds only), then the one
   in the platform's site config folder (/etc/xdg/Calmdesk or another folder of
   XDG_CONFIG_DIRS, C:\\ProgramData\\Calmdesk, /Library/Application Support/Calmdesk), or
   instead in CALMDESK_HOME when that is set;
5. the local SQLite file.

Passwords are never saved here: they belong in the OS keyring.

`live_updates` says how a console on PostgreSQL hears of other consoles' changes (LiveMode in
app/db/live.py): "auto" (the default), "listen", or "poll" when a connection pooler in
transaction mode (PgBouncer) sits in front of the server. It comes from settings.json (the
connection dialog saves it), else site-settings.json (the administrator's), else "auto".

`read_db_url`, for desks behind PgBouncer: where reads go (a PgBouncer entry that logs in as a
shared read-only role). It applies only with the `db_url` saved beside it in the same file;
CALMDESK_READ_DB_URL sets it for one run.

`phone_region`: the country (ISO 3166: "GB", "US", "DE") a phone number written without its
country code belongs to, so "020 7946 0000" and "+44 20 7946 0000" are one caller. From
CALMDESK_PHONE_REGION, else settings.json, else site-settings.json, else the territory of the
locale in LC_ALL / LC_CTYPE / LANG ("en_GB.UTF-8" gives GB), else none (then only numbers
written with their country code are matched across spellings).
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import platformdirs

from app.db.live_mode import LiveMode

APP_NAME = "Calmdesk"
DB_FILE_NAME = "calmdesk.sqlite3"
CONFIG_FILE_NAME = "settings.json"
SITE_CONFIG_FILE_NAME = "site-settings.json"  # written by an administrator, read-only here


@dataclass(frozen=True)
class Settings:
    data_dir: Path  # the SQLite file, its backups, the outbox
    config_dir: Path  # settings.json and the window layout
    log_dir: Path
    db_url: str  # a SQLAlchemy URL; the local SQLite file unless told otherwise
    live_updates: LiveMode = LiveMode.AUTO
    # Behind PgBouncer: a database entry that reads as a shared read-only role (README.md).
    read_db_url: str | None = None
    phone_region: str = ""  # ISO 3166 country for numbers without a country code ("GB")

    @property
    def backup_dir(self) -> Path:
        return self.data_dir / "backups"

    @property
    def config_file(self) -> Path:
        return self.config_dir / CONFIG_FILE_NAME

    @property
    def ui_state_file(self) -> Path:
        return self.config_dir / "ui-state.ini"

    @property
    def uses_default_database(self) -> bool:
        return self.db_url == default_db_url(self.data_dir)


def default_db_url(data_dir: Path) -> str:
    return f"sqlite:///{(data_dir / DB_FILE_NAME).as_posix()}"


def _folders(env: Mapping[str, str]) -> tuple[Path, Path, Path]:
    home = env.get("CALMDESK_HOME")
    if home:
        base = Path(home).expanduser()
        return base / "data", base / "config", base / "logs"
    return (
        Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)),
        Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)),
        Path(platformdirs.user_log_dir(APP_NAME, appauthor=False)),
    )


def site_settings_files(env: Mapping[str, str]) -> list[Path]:
    """Where the machine-wide defaults may be, the one that wins first."""
    files = []
    if getattr(sys, "frozen", False):  # a PyInstaller bundle: the folder it was installed to
        files.append(Path(sys.executable).resolve().parent / SITE_CONFIG_FILE_NAME)
    home = env.get("CALMDESK_HOME")
    if home:
        return [*files, Path(home).expanduser() / SITE_CONFIG_FILE_NAME]
    # Every folder of XDG_CONFIG_DIRS in its order: desktops such as Ubuntu's put their own
    # folder before /etc/xdg.
    site_dirs = platformdirs.site_config_dir(APP_NAME, appauthor=False, multipath=True)
    return [
        *files,
        *(Path(folder) / SITE_CONFIG_FILE_NAME for folder in site_dirs.split(os.pathsep)),
    ]


def _saved(config_file: Path) -> dict[str, object]:
    try:
        # utf-8-sig: Notepad and the Windows installer may start the file with a byte-order mark.
        saved = json.loads(config_file.read_text(encoding="utf-8-sig"))
    except (OSError, ValueError, RecursionError):  # RecursionError: nested too deeply
        return {}  # no file yet, or a damaged one: fall back to the defaults
    return saved if isinstance(saved, dict) else {}


def _saved_db_url(config_file: Path) -> str | None:
    url = _saved(config_file).get("db_url")
    return url if isinstance(url, str) and url else None


def _saved_live_updates(config_file: Path) -> LiveMode | None:
    """The file's live_updates, or None when it has none, or one that is not a known mode."""
    mode = _saved(config_file).get("live_updates")
    return LiveMode(mode) if isinstance(mode, str) and mode in set(LiveMode) else None


def _site_db_url(env: Mapping[str, str]) -> str | None:
    for site_file in site_settings_files(env):
        url = _saved_db_url(site_file)
        if url:
            return url
    return None


def _read_db_url(config_dir: Path, env: Mapping[str, str], db_url: str) -> str | None:
    """The read URL saved with the database URL in use (settings.json or site-settings.json);
    None when that file has none or names another database."""
    for config_file in [config_dir / CONFIG_FILE_NAME, *site_settings_files(env)]:
        saved = _saved(config_file)
        read_url = saved.get("read_db_url")
        if saved.get("db_url") == db_url and isinstance(read_url, str) and read_url:
            return read_url
    return None


def _live_updates(config_dir: Path, env: Mapping[str, str]) -> LiveMode:
    for config_file in [config_dir / CONFIG_FILE_NAME, *site_settings_files(env)]:
        mode = _saved_live_updates(config_file)
        if mode is not None:
            return mode
    return LiveMode.AUTO


def _phone_region(config_dir: Path, env: Mapping[str, str]) -> str:
    chosen = env.get("CALMDESK_PHONE_REGION")
    if chosen:
        return chosen.strip().upper()
    for config_file in [config_dir / CONFIG_FILE_NAME, *site_settings_files(env)]:
        region = _saved(config_file).get("phone_region")
        if isinstance(region, str) and region.strip():
            return region.strip().upper()
    for name in ("LC_ALL", "LC_CTYPE", "LANG"):
        value = env.get(name, "")
        if value:  # the first one set is the one in force, as for the C library
            territory = value.split(".", 1)[0].split("@", 1)[0].partition("_")[2]
            return territory.upper() if len(territory) == 2 and territory.isalpha() else ""
    return ""


def directory_config(settings: Settings, env: Mapping[str, str] | None = None) -> dict[str, object]:
    """The "directory" section (LDAP sync settings: README.md, "Directory sync"), from the
    user's settings.json, else the machine's site-settings.json."""
    env = os.environ if env is None else env
    for config_file in [settings.config_file, *site_settings_files(env)]:
        section = _saved(config_file).get("directory")
        if isinstance(section, dict):
            return section
    return {}


def load_settings(env: Mapping[str, str] | None = None, db_url: str | None = None) -> Settings:
    env = os.environ if env is None else env
    data_dir, config_dir, log_dir = _folders(env)
    url = (
        db_url
        or env.get("CALMDESK_DB_URL")
        or _saved_db_url(config_dir / CONFIG_FILE_NAME)
        or _site_db_url(env)
        or default_db_url(data_dir)
    )
    return Settings(
        data_dir=data_dir,
        config_dir=config_dir,
        log_dir=log_dir,
        db_url=url,
        live_updates=_live_updates(config_dir, env),
        read_db_url=env.get("CALMDESK_READ_DB_URL") or _read_db_url(config_dir, env, url),
        phone_region=_phone_region(config_dir, env),
    )


def save_db_url(settings: Settings, url: str | None) -> None:
    """Remember the team database for next time (None: back to the machine-wide default, or the
    local file where there is none). The password is stripped: it belongs in the OS keyring,
    never in a settings file."""
    saved = {key: value for key, value in _saved(settings.config_file).items() if key != "db_url"}
    if url:
        from sqlalchemy.engine import make_url  # here: the console reads settings before it

        # _replace, not set(): URL.set ignores None and would keep the password.
        saved["db_url"] = (
            make_url(url)._replace(password=None).render_as_string(hide_password=False)
        )
    _write(settings, saved)


def save_live_updates(settings: Settings, mode: LiveMode) -> None:
    """Remember how this workstation hears of changes (the connection dialog's choice)."""
    saved = _saved(settings.config_file)
    saved["live_updates"] = mode.value
    _write(settings, saved)


def _write(settings: Settings, saved: dict[str, object]) -> None:
    settings.config_dir.mkdir(parents=True, exist_ok=True)
    settings.config_file.write_text(json.dumps(saved, indent=2), encoding="utf-8")
