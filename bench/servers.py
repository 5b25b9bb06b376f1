"""Private server processes for the tests and the team benchmark: a PgBouncer in transaction
pooling mode, and a PostgreSQL cluster of our own (to cap `max_connections` without touching the
machine's server). Each lives in a folder of its own, on a free port, and stops when told.

Both need the Debian packages `pgbouncer` and `postgresql` (tools/system-packages).
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

PGBOUNCER = "/usr/sbin/pgbouncer"
PG_LIB = Path("/usr/lib/postgresql")  # Debian: one folder per installed major version


def _pg_bin() -> Path:
    """The newest installed PostgreSQL's server programs (15 on this project's machines)."""
    found = sorted(
        (folder for folder in PG_LIB.glob("*/bin") if (folder / "initdb").exists()),
        key=lambda folder: int(folder.parent.name) if folder.parent.name.isdigit() else 0,
    )
    return found[-1] if found else PG_LIB / "15" / "bin"


PG_BIN = _pg_bin()
START_SECONDS = 20.0


class ServerUnavailable(RuntimeError):
    """The program is not installed, or did not start: the message says which and why."""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_for_port(port: int, process: subprocess.Popen[bytes] | None, log: Path) -> None:
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            break
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    text = log.read_text(errors="replace")[-2000:] if log.exists() else ""
    raise ServerUnavailable(f"nothing answered on port {port} within {START_SECONDS:g} s: {text}")


@dataclass(frozen=True)
class PoolLimits:
    """PgBouncer's pool sizes. The defaults suit a test: a few server connections per login."""

    pool_size: int = 4  # server connections per (database, login) pair
    max_db_connections: int = 0  # all logins together, per database (0: no limit)
    max_client_conn: int = 400
    server_idle_timeout: float = 10  # seconds before an unused server connection is closed
    query_wait_timeout: float = 120  # seconds a client may wait for a server connection
    databases: tuple[str, ...] = ()  # [databases] lines before the catch-all "*"


class PgBouncer:
    """PgBouncer in front of `server_host:server_port`, every database, every login as itself.

    Authentication: by default PgBouncer trusts local clients and logs in to the server as the
    same user, which the local test server trusts too. With `passwords=True` a client must give
    its role's password, checked against the role's SCRAM secret on the server, as a team's
    pooler does. Unknown users are looked up with auth_query, so logins made during a test work
    at once."""

    def __init__(
        self,
        server_host: str = "127.0.0.1",
        server_port: int = 5432,
        *,
        admin_user: str = "postgres",
        limits: PoolLimits | None = None,
        passwords: bool = False,
    ) -> None:
        if not Path(PGBOUNCER).exists():
            raise ServerUnavailable(
                f"PgBouncer is not installed ({PGBOUNCER}): run tools/system-packages"
            )
        limits = limits or PoolLimits()
        self.folder = folder = _own_folder("calmdesk-pgbouncer-")
        self.port = free_port()
        self.log = folder / "pgbouncer.log"
        users = folder / "users.txt"
        users.write_text(f'"{admin_user}" ""\n')
        config = folder / "pgbouncer.ini"
        config.write_text(
            "\n".join(
                [
                    "[databases]",
                    *limits.databases,
                    f"* = host={server_host} port={server_port}",
                    "[pgbouncer]",
                    "listen_addr = 127.0.0.1",
                    f"listen_port = {self.port}",
                    f"unix_socket_dir = {folder}",
                    f"auth_type = {'scram-sha-256' if passwords else 'trust'}",
                    f"auth_file = {users}",
                    f"auth_user = {admin_user}",
                    "pool_mode = transaction",
                    f"default_pool_size = {limits.pool_size}",
                    f"max_db_connections = {limits.max_db_connections}",
                    f"max_client_conn = {limits.max_client_conn}",
                    f"server_idle_timeout = {limits.server_idle_timeout:g}",
                    f"query_wait_timeout = {limits.query_wait_timeout:g}",
                    "server_reset_query =",
                    "ignore_startup_parameters = extra_float_digits, options",
                    f"logfile = {self.log}",
                    f"pidfile = {folder / 'pgbouncer.pid'}",
                    f"admin_users = {admin_user}",
                    "",
                ]
            )
        )
        self._process = subprocess.Popen(
            [PGBOUNCER, "--quiet", str(config)],
            **_as_postgres_user(folder),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            _wait_for_port(self.port, self._process, self.log)
        except ServerUnavailable:
            self.stop()
            raise

    def url(self, database: str, user: str = "postgres") -> str:
        return f"postgresql+psycopg://{user}@127.0.0.1:{self.port}/{database}"

    @property
    def pid(self) -> int:
        return self._process.pid

    def stop(self) -> None:
        if self._process.poll() is None:
            self._process.send_signal(signal.SIGINT)  # "safe shutdown": no new clients
            try:
                self._process.wait(5)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
        shutil.rmtree(self.folder, ignore_errors=True)


class PrivateCluster:
    """A PostgreSQL cluster of our own in `folder`, on a free port, trusting local logins."""

    def __init__(self, *, max_connections: int = 100) -> None:
        initdb = PG_BIN / "initdb"
        if not initdb.exists():
            raise ServerUnavailable(f"PostgreSQL's server programs are not in {PG_BIN}")
        self.folder = folder = _own_folder("calmdesk-cluster-")
        self.data = folder / "data"
        self.port = free_port()
        self.log = folder / "postgres.log"
        self.max_connections = max_connections
        env = {**os.environ, "LC_ALL": "C.UTF-8"}
        run_as = _as_postgres_user(folder)
        self._run_as = run_as
        subprocess.run(
            [
                str(initdb),
                "-D",
                str(self.data),
                "-U",
                "postgres",
                "--auth=trust",
                "-E",
                "UTF8",
                "--no-sync",
            ],
            check=True,
            capture_output=True,
            env=env,
            **run_as,
        )
        options = (
            f"-c port={self.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={folder}"
            f" -c max_connections={max_connections} -c fsync=off -c shared_buffers=64MB"
        )
        subprocess.run(
            [
                str(PG_BIN / "pg_ctl"),
                "-D",
                str(self.data),
                "-l",
                str(self.log),
                "-o",
                options,
                "-w",
                "-t",
                str(int(START_SECONDS)),
                "start",
            ],
            check=True,
            capture_output=True,
            env=env,
            **run_as,
        )

    @property
    def pid(self) -> int:
        """The postmaster's process id (its backends are its children)."""
        return int((self.data / "postmaster.pid").read_text().split("\n", 1)[0])

    @property
    def admin_conninfo(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def url(self, database: str, user: str = "postgres") -> str:
        return f"postgresql+psycopg://{user}@127.0.0.1:{self.port}/{database}"

    def stop(self) -> None:
        subprocess.run(
            [
                str(PG_BIN / "pg_ctl"),
                "-D",
                str(self.data),
                "-m",
                "immediate",
                "-w",
                "stop",
            ],
            check=False,
            capture_output=True,
            **self._run_as,
        )
        shutil.rmtree(self.folder, ignore_errors=True)


def _own_folder(prefix: str) -> Path:
    """A new folder in the system's temporary folder (not a test's: as root, the programs run as
    `postgres`, who must reach it)."""
    return Path(tempfile.mkdtemp(prefix=prefix))


def _as_postgres_user(folder: Path) -> dict[str, Any]:
    """PostgreSQL and PgBouncer refuse to run as root: as root, run them as the `postgres`
    user, who is given the folder."""
    if os.geteuid() != 0:
        return {}
    shutil.chown(folder, "postgres", "postgres")
    for child in folder.iterdir():
        shutil.chown(child, "postgres", "postgres")
    return {"user": "postgres", "group": "postgres", "extra_groups": []}


SLAPD = Path("/usr/sbin/slapd")
LDAP_SCHEMAS = ("core", "cosine", "inetorgperson")


class OpenLdap:
    """A private OpenLDAP server (Debian's slapd) for the directory sync tests: its own
    slapd.conf and database in `folder`, a free port on 127.0.0.1, run as the current user in
    the foreground (no system service, the machine's own configuration untouched). `suffix`'s
    root entry exists; `rootdn` logs in with `password`."""

    def __init__(
        self, folder: Path, suffix: str = "dc=example,dc=org", password: str = "secret"
    ) -> None:
        slapd = shutil.which("slapd") or (str(SLAPD) if SLAPD.exists() else None)
        if slapd is None:
            raise ServerUnavailable("slapd is not installed (Debian: apt-get install slapd)")
        self.folder, self.suffix, self.password = folder, suffix, password
        self.rootdn = f"cn=admin,{suffix}"
        data = folder / "data"
        data.mkdir(parents=True, exist_ok=True)
        schemas = "\n".join(f"include /etc/ldap/schema/{name}.schema" for name in LDAP_SCHEMAS)
        config = folder / "slapd.conf"
        config.write_text(
            f"{schemas}\n"
            f"pidfile {folder / 'slapd.pid'}\n"
            f"argsfile {folder / 'slapd.args'}\n"
            "modulepath /usr/lib/ldap\nmoduleload back_mdb\n"
            "database mdb\nmaxsize 10485760\n"
            f'suffix "{suffix}"\nrootdn "{self.rootdn}"\nrootpw {password}\n'
            f"directory {data}\n",
            encoding="utf-8",
        )
        self.port = free_port()
        self.url = f"ldap://127.0.0.1:{self.port}"
        log = folder / "slapd.log"
        with log.open("wb") as out:
            # -d keeps it in the foreground (a child of ours, stopped with it); 0: no debug output
            self._process = subprocess.Popen(
                [slapd, "-f", str(config), "-h", f"{self.url}/", "-d", "0"],
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        try:
            _wait_for_port(self.port, self._process, log)
        except ServerUnavailable:
            self.stop()
            raise
        domain = suffix.split(",")[0].split("=")[1]
        self.add(
            f"dn: {suffix}\nobjectClass: dcObject\nobjectClass: organization\n"
            f"dc: {domain}\no: {domain}\n"
        )

    def add(self, ldif: str) -> None:
        """Load entries with ldapadd, as the root DN."""
        ldapadd = shutil.which("ldapadd")
        if ldapadd is None:
            raise ServerUnavailable("ldapadd is not installed (Debian: apt-get install ldap-utils)")
        subprocess.run(
            [ldapadd, "-x", "-H", self.url, "-D", self.rootdn, "-w", self.password],
            input=ldif.encode(),
            check=True,
            capture_output=True,
        )

    def stop(self) -> None:
        if self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
