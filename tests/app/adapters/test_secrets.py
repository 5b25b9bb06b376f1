"""Passwords go to the keyring only when it is a secure one; otherwise they stay in this session's
memory and the reason is given in words."""

from __future__ import annotations

from pathlib import Path

import keyring.backends.chainer
import keyring.backends.fail
import keyring.backends.null
import pytest
from keyrings.alt.file import PlaintextKeyring

from app.adapters.secrets import PasswordVault, account_for, keyring_status

URL = "postgresql+psycopg://pat@db.example.com:5433/calmdesk"


def test_the_account_names_login_server_and_database() -> None:
    assert account_for(URL) == "pat@db.example.com:5433/calmdesk"
    assert account_for("postgresql://pat@db/calmdesk") == "pat@db:5432/calmdesk"
    assert account_for("sqlite:///x.sqlite3") is None
    assert account_for("postgresql://db/calmdesk") is None  # no user: nothing to store
    assert account_for("not a url") is None


@pytest.mark.parametrize(
    ("backend", "words"),
    [
        (keyring.backends.fail.Keyring(), "no secure password store"),
        (keyring.backends.null.Keyring(), "switched off"),
    ],
)
def test_no_secure_backend_means_asking_each_session(backend: object, words: str) -> None:
    status = keyring_status(backend)
    assert not status.secure
    assert words in status.reason
    assert "each session" in status.reason
    vault = PasswordVault(backend)
    assert not vault.remember(URL, "pw")  # not stored...
    assert vault.password_for(URL) == "pw"  # ...but kept for this session
    assert PasswordVault(backend).password_for(URL) is None  # a new session asks again


def test_a_plain_text_file_store_picked_by_default_is_not_trusted(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("PYTHON_KEYRING_BACKEND")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "no-config"))
    status = keyring_status(PlaintextKeyring())
    assert not status.secure
    assert "plain-text file" in status.reason


def test_a_backend_chosen_in_the_configuration_is_used(file_keyring: Path) -> None:
    vault = PasswordVault()
    assert vault.status.secure
    assert vault.remember(URL, "pw-in-keyring")
    assert PasswordVault().password_for(URL) == "pw-in-keyring"
    PasswordVault().forget(URL)
    assert PasswordVault().password_for(URL) is None


def test_a_chain_is_judged_by_the_backend_it_writes_to(monkeypatch: pytest.MonkeyPatch) -> None:
    chain = keyring.backends.chainer.ChainerBackend
    monkeypatch.setattr(chain, "backends", [])
    assert "no secure password store" in keyring_status(chain()).reason
    monkeypatch.setattr(chain, "backends", [PlaintextKeyring()])
    assert not keyring_status(chain()).secure
