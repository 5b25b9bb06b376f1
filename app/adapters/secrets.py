"""Database passwords, kept in the operating system's keyring and nowhere else.

The keyring is used only when it is secure: the platform's own service (Windows Credential
Locker, macOS Keychain, the Secret Service on Linux) or a backend the user chose in keyring's
configuration (PYTHON_KEYRING_BACKEND or keyringrc.cfg). Where there is none (keyring's `fail`
or `null` backends, an empty chain, or only keyrings.alt's plain-text file picked by default),
passwords are kept in this process's memory for the session, and the console asks again next
time and says why.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlalchemy.engine import URL

SERVICE = "Calmdesk database"


def _keyring() -> Any:
    """The keyring package, imported on first use: a console on a SQLite file never needs a
    password, and keyring's backends cost ~15 ms of start-up."""
    import keyring
    import keyring.core
    import keyring.errors

    return keyring


@dataclass(frozen=True)
class KeyringStatus:
    secure: bool
    backend: str  # the backend's name, for the connection dialog
    reason: str  # why passwords are not stored, when they are not


def account_for(url: str | URL) -> str | None:
    """The keyring account for a PostgreSQL login: user@host:port/database. None for SQLite or
    a URL without a user name (nothing to store)."""
    if isinstance(url, str) and url.startswith("sqlite"):
        return None  # a local file: no login (and no SQLAlchemy before the first paint)
    from sqlalchemy.engine import make_url

    try:
        parsed = make_url(url) if isinstance(url, str) else url
    except Exception:  # an unparsable URL has no account; connecting will say why
        return None
    if not parsed.get_backend_name().startswith("postgres") or not parsed.username:
        return None
    return login_account(parsed.username, parsed.host, parsed.port, parsed.database)


def login_account(username: str, host: str | None, port: int | None, database: str | None) -> str:
    """The keyring account of a login from its parts (no SQLAlchemy: the first screen's child
    process reads a URL without it)."""
    return f"{username}@{host or 'localhost'}:{port or 5432}/{database or ''}"


def current_backend() -> Any:
    """The backend keyring's configuration names, read afresh, or keyring's own choice."""
    keyring = _keyring()
    try:
        configured = keyring.core.load_env() or keyring.core.load_config()
    except Exception:  # a broken configuration: fall back to keyring's choice
        configured = None
    return configured if configured is not None else keyring.get_keyring()


def keyring_status(backend: Any | None = None) -> KeyringStatus:
    backend = current_backend() if backend is None else backend
    name = f"{type(backend).__module__}.{type(backend).__name__}"
    kind = type(backend).__name__
    module = type(backend).__module__
    if module.startswith("keyring.backends.chainer") and getattr(backend, "backends", []):
        # A chain writes to its first backend (the highest priority): judge by that one.
        return keyring_status(backend.backends[0])
    if module.startswith("keyring.backends.fail") or module.startswith("keyring.backends.chainer"):
        return KeyringStatus(
            False,
            name,
            "this computer has no secure password store (keyring found none), so Calmdesk "
            "does not save it and asks for the password each session",
        )
    if module.startswith("keyring.backends.null"):
        return KeyringStatus(
            False,
            name,
            "password storage is switched off in keyring's settings, so Calmdesk asks for the "
            "password each session",
        )
    chosen = type(backend) is _configured_class()  # the user picked it: their decision
    if module.startswith("keyrings.alt") and "Plaintext" in kind and not chosen:
        return KeyringStatus(
            False,
            name,
            "the only password store found keeps passwords in a plain-text file, so Calmdesk "
            "does not use it and asks for the password each session",
        )
    return KeyringStatus(True, name, "")


def _configured_class() -> type | None:
    keyring = _keyring()
    try:
        configured = keyring.core.load_env() or keyring.core.load_config()
    except Exception:
        return None
    return None if configured is None else type(configured)


class PasswordVault:
    """Passwords for database logins: the keyring when secure, this session's memory always.

    Never logs, prints or raises a password; keyring failures (a locked store, a missing D-Bus)
    fall back to the session memory."""

    def __init__(self, backend: Any | None = None) -> None:
        self._backend = backend
        self._session: dict[str, str] = {}

    @property
    def status(self) -> KeyringStatus:
        return keyring_status(self._store())

    def password_for(self, url: str | URL) -> str | None:
        account = account_for(url)
        return None if account is None else self.password_for_account(account)

    def password_for_account(self, account: str) -> str | None:
        """The password of a login named as `login_account` names it."""
        if account in self._session:
            return self._session[account]
        if not self.status.secure:
            return None
        try:
            value = self._store().get_password(SERVICE, account)
        except _keyring().errors.KeyringError:
            return None
        return value if isinstance(value, str) else None

    def remember(self, url: str | URL, password: str, *, save: bool = True) -> bool:
        """Keep the password for this session and, when `save` and the keyring is secure, in
        the keyring. Returns True when it went to the keyring."""
        account = account_for(url)
        if account is None or not password:
            return False
        self._session[account] = password
        if not save or not self.status.secure:
            return False
        try:
            self._store().set_password(SERVICE, account, password)
        except _keyring().errors.KeyringError:
            return False
        return True

    def forget(self, url: str | URL) -> None:
        account = account_for(url)
        if account is None:
            return
        self._session.pop(account, None)
        if not self.status.secure:
            return
        # KeyringError includes PasswordDeleteError: nothing was stored.
        with contextlib.suppress(_keyring().errors.KeyringError):
            self._store().delete_password(SERVICE, account)

    def _store(self) -> Any:
        return current_backend() if self._backend is None else self._backend


def stored_password(url: str | URL) -> str | None:
    """The password the keyring holds for this URL's login, if the keyring is secure."""
    return PasswordVault().password_for(url)
