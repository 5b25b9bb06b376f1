"""Crash reports: what a bug leaves in the log folder, with every secret taken out.

A report holds the version, the platform, the Python and Qt versions, which database (never its
password) and the traceback, redacted: URL passwords, `password=`-style pairs, Authorization
headers, tokens in web addresses (webhooks), and any value the caller names as secret (the
database password, for one) become `***`. Locals are never written.

Errors that come in a burst (one bug hit on every repaint, say) go into one report, so the
console shows one dialog, not fifty.
"""

from __future__ import annotations

import logging
import platform
import re
import sys
import threading
import traceback
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from app.db.location import describe_location, sqlite_database
from app.db.postgres_address import postgres_address
from app.domain.errors import DatabaseUnavailable

HIDDEN = "***"
REPORTS_KEPT = 20
ERRORS_PER_REPORT = 20
BURST = timedelta(seconds=30)

_SECRET_KEYS = (
    r"password|passwd|pwd|pass|secret|client[_-]?secret|token|access[_-]?token|refresh[_-]?token"
    r"|api[_-]?key|apikey|sig|signature|auth|session[_-]?id"
)
_REDACTIONS: tuple[tuple[re.Pattern[str], str], ...] = (
    # scheme://user:password@host  ->  scheme://user:***@host
    (re.compile(r"(?P<head>\b[a-z][a-z0-9+.\-]*://[^\s:/@'\"]*:)[^\s@'\"]+(?=@)", re.I), ""),
    # Authorization: Bearer abc / "authorization": "Basic abc"
    (
        re.compile(
            r"(?P<head>\b(?:proxy-)?authorization\b['\"]?\s*[:=]\s*['\"]?(?:(?:bearer|basic|token"
            r"|digest|negotiate)\s+)?)[^\s'\",}]+",
            re.I,
        ),
        "",
    ),
    (re.compile(r"(?P<head>\bbearer\s+)[a-z0-9._~+/=\-]{8,}", re.I), ""),
    # password=abc, password: 'a b', "token": "abc", ?sig=abc&
    (
        re.compile(
            rf"(?P<head>\b(?:{_SECRET_KEYS})\b['\"]?\s*[:=]\s*)(?:'[^'\n]*'|\"[^\"\n]*\"|[^\s&,;)}}\]'\"]+)",
            re.I,
        ),
        "",
    ),
    # The path and query of a web address can be the secret itself (a Slack or Teams webhook):
    # keep only the scheme and host.
    (re.compile(r"(?P<head>\bhttps?://[^\s/'\"<>?#]+)[/?#][^\s'\"<>]*", re.I), "/"),
)


def redact(text: str, secrets: Iterable[str] = ()) -> str:
    """`text` with every secret replaced by ***: the `secrets` named, then anything that looks
    like one."""
    for secret in sorted({s for s in secrets if s and len(s) >= 3}, key=len, reverse=True):
        text = text.replace(secret, HIDDEN)
    for pattern, tail in _REDACTIONS:
        text = pattern.sub(rf"\g<head>{tail}{HIDDEN}", text)
    return text


def database_summary(url: str) -> str:
    """The backend and where the data lives, e.g. "sqlite: local file /x/calmdesk.sqlite3";
    never a password or user name."""
    # Said without SQLAlchemy where the URL is plain (the console reports from before its
    # first paint); SQLAlchemy reads the rest.
    database = sqlite_database(url)
    if database is not None:
        return f"sqlite: {describe_location('sqlite', database)}"
    address = postgres_address(url)
    if address is not None:
        where = describe_location("postgresql", address.database, address.host, address.port)
        return f"postgresql: {where}"
    from app.db.engine import describe, parse_url

    try:
        parsed = parse_url(url)
    except DatabaseUnavailable:
        return "unknown (the URL could not be read)"
    return f"{parsed.get_backend_name()}: {describe(parsed)}"


def secrets_in(url: str) -> tuple[str, ...]:
    """The password written in a database URL, if any, so it can be taken out of reports."""
    if sqlite_database(url) is not None:
        return ()  # a plain file URL holds none
    address = postgres_address(url)
    if address is not None:
        return (address.password,) if address.password else ()
    from app.db.engine import parse_url

    try:
        password = parse_url(url).password
    except DatabaseUnavailable:
        return ()
    return (str(password),) if password else ()


@dataclass(frozen=True)
class CrashContext:
    """What the report says about the running console, set by the UI (which knows Qt)."""

    version: str
    database: str  # database_summary(url)
    qt: str = "not loaded"
    secrets: tuple[str, ...] = field(default=(), repr=False)


@dataclass(frozen=True)
class Recorded:
    path: Path
    new_burst: bool  # the first error of a burst: the console shows its dialog for this one


def describe_error(error: BaseException) -> str:
    return "".join(traceback.format_exception(type(error), error, error.__traceback__))


def header(context: CrashContext, now: datetime) -> str:
    frozen = "yes (bundle)" if getattr(sys, "frozen", False) else "no"
    return "\n".join(
        [
            "Calmdesk crash report",
            "",
            f"When:      {now:%Y-%m-%d %H:%M:%S} (local time)",
            f"Version:   {context.version}",
            f"Platform:  {platform.platform()} ({sys.platform}, {platform.machine()})",
            f"Python:    {platform.python_version()} ({platform.python_implementation()})",
            f"Qt:        {context.qt}",
            f"Bundled:   {frozen}",
            f"Database:  {context.database}",
            "",
            "Passwords, tokens and web addresses' paths are replaced by ***. Send this file to",
            "whoever looks after Calmdesk; it holds no secrets.",
            "",
        ]
    )


class CrashReports:
    """Writes crash-YYYYMMDD-HHMMSS.txt files into `log_dir`; thread-safe (a worker thread's
    error is recorded from that thread)."""

    def __init__(
        self,
        log_dir: Path,
        context: CrashContext,
        *,
        now: Callable[[], datetime] = datetime.now,
        burst: timedelta = BURST,
    ) -> None:
        self.log_dir = log_dir
        self.context = context
        self._now = now
        self._burst = burst
        self._lock = threading.Lock()
        self._current: Path | None = None
        self._last_error: datetime | None = None
        self._in_report = 0

    def record(self, error: BaseException, where: str = "the main thread") -> Recorded:
        """Write `error` into a new report, or into the current one when it comes within
        `burst` of the previous error."""
        now = self._now()
        text = redact(f"Where: {where}\n\n{describe_error(error)}", self.context.secrets)
        with self._lock:
            same_burst = (
                self._current is not None
                and self._last_error is not None
                and now - self._last_error < self._burst
            )
            self._last_error = now
            if same_burst and self._current is not None:
                self._in_report += 1
                if self._in_report <= ERRORS_PER_REPORT:
                    with self._current.open("a", encoding="utf-8") as report:
                        report.write(f"\n--- another error at {now:%H:%M:%S} ---\n{text}")
                return Recorded(self._current, new_burst=False)
            self._current = self._new_file(now)
            self._in_report = 1
            self._current.write_text(header(self.context, now) + "\n" + text, encoding="utf-8")
            self._prune()
            return Recorded(self._current, new_burst=True)

    def _new_file(self, now: datetime) -> Path:
        self.log_dir.mkdir(parents=True, exist_ok=True)
        base = f"crash-{now:%Y%m%d-%H%M%S}"
        path, number = self.log_dir / f"{base}.txt", 2
        while path.exists():
            path, number = self.log_dir / f"{base}-{number}.txt", number + 1
        return path

    def _prune(self) -> None:
        for old in sorted(self.log_dir.glob("crash-*.txt"), reverse=True)[REPORTS_KEPT:]:
            old.unlink(missing_ok=True)


class RedactingFormatter(logging.Formatter):
    """A log formatter that takes secrets out of each line, tracebacks included."""

    def __init__(self, fmt: str, secrets: Callable[[], Iterable[str]] = tuple) -> None:
        super().__init__(fmt)
        self._secrets = secrets

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record), self._secrets())
