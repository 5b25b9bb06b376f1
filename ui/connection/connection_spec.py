"""What the connection dialog edits, as plain values, and the URL it makes (never with the
password: that goes to the keyring or this session's memory)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import URL, make_url

SSL_MODES = ("prefer", "disable", "allow", "require", "verify-ca", "verify-full")
SSL_LABELS = {
    "prefer": "Prefer (encrypt if the server offers it)",
    "disable": "Off",
    "allow": "Allow",
    "require": "Require encryption",
    "verify-ca": "Require, and check the server's certificate",
    "verify-full": "Require, check the certificate and the host name (verify-full)",
}
CA_MODES = ("verify-ca", "verify-full")


@dataclass(frozen=True)
class ConnectionSpec:
    local: bool = True
    file: str = ""
    host: str = ""
    port: int = 5432
    database: str = "calmdesk"
    user: str = ""
    ssl_mode: str = "prefer"
    ca_file: str = ""

    def problem(self) -> str | None:
        """What is missing or wrong, as a sentence; None when the form is complete."""
        if self.local:
            return None if self.file.strip() else "Choose where the database file goes."
        for value, what in (
            (self.host, "server"),
            (self.database, "database"),
            (self.user, "user"),
        ):
            if not value.strip():
                return f"Type the {what} name your administrator gave you."
        if self.ssl_mode in CA_MODES:
            if not self.ca_file.strip():
                return "Checking the server's certificate needs the CA certificate file."
            if not Path(self.ca_file).expanduser().is_file():
                return f"The CA certificate file {self.ca_file} does not exist."
        return None

    def url(self) -> str:
        if self.local:
            return f"sqlite:///{Path(self.file).expanduser().as_posix()}"
        query: dict[str, str] = {}
        if self.ssl_mode != "prefer":
            query["sslmode"] = self.ssl_mode
        if self.ssl_mode in CA_MODES and self.ca_file.strip():
            query["sslrootcert"] = str(Path(self.ca_file).expanduser())
        url = URL.create(
            "postgresql+psycopg",
            username=self.user.strip(),
            host=self.host.strip(),
            port=self.port,
            database=self.database.strip(),
            query=query,
        )
        return url.render_as_string(hide_password=True)

    @classmethod
    def from_url(cls, url: str, default_file: str) -> ConnectionSpec:
        try:
            parsed = make_url(url)
        except Exception:  # an unreadable saved URL: start from the local file
            return cls(file=default_file)
        if parsed.get_backend_name() == "sqlite":
            return cls(local=True, file=parsed.database or default_file)
        query = {key: str(value) for key, value in parsed.query.items()}
        return cls(
            local=False,
            file=default_file,
            host=parsed.host or "",
            port=parsed.port or 5432,
            database=parsed.database or "",
            user=parsed.username or "",
            ssl_mode=query.get("sslmode", "prefer"),
            ca_file=query.get("sslrootcert", ""),
        )
