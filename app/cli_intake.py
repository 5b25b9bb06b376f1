"""`calmdesk intake serve`: the monitoring-alert intake service, beside the team database.

app/cli.py adds the parser and dispatches here. The HTTP app is app/intake_http.py, the
rules app/domain/alerts.py, the writes app/services/intake/. Logs go to standard output; SIGTERM
(or Ctrl+C) stops taking new connections, finishes the alerts in flight, and exits.
"""

from __future__ import annotations

import argparse
import logging
import signal
import sys
from pathlib import Path
from typing import Any, TextIO

from app.domain.errors import CalmdeskError
from app.settings import Settings

MIN_TOKEN = 16
WRITERS = 4  # database connections kept, each writing one alert at a time (4 more while busy)


def _stopped(_signal: int, _frame: object) -> None:
    """After uvicorn's graceful stop: nothing more to do."""


def add_intake_parser(commands: Any, db_option: argparse.ArgumentParser) -> None:
    intake = commands.add_parser(
        "intake",
        help="the monitoring-alert intake service (Alertmanager, Grafana, generic JSON)",
        parents=[db_option],
    )
    actions = intake.add_subparsers(dest="intake_command", metavar="action", required=True)
    serve = actions.add_parser(
        "serve",
        help="accept alerts over HTTP and keep one incident per alert group",
        description="Accept monitoring alerts over HTTP: POST /alerts/alertmanager, "
        "/alerts/grafana and /alerts/generic with 'Authorization: Bearer <token>'; "
        "GET /healthz. See 'Monitoring alerts' in the README.",
        parents=[db_option],
    )
    serve.add_argument(
        "--listen", metavar="HOST:PORT", default="127.0.0.1:9094", help="default 127.0.0.1:9094"
    )
    serve.add_argument(
        "--token-file",
        metavar="FILE",
        type=Path,
        required=True,
        help="a file holding the bearer token senders must present (one line)",
    )
    serve.add_argument(
        "--mapping",
        metavar="FILE",
        type=Path,
        help="the TOML mapping of labels to service, impact and urgency "
        "(example: resources/intake/mapping.example.toml)",
    )
    serve.add_argument(
        "--max-body",
        metavar="BYTES",
        type=int,
        default=None,
        help="the largest request body accepted (default 1 MiB)",
    )


def parse_listen(text: str) -> tuple[str, int]:
    host, colon, port = text.strip().rpartition(":")
    host = host.strip("[]")
    if not colon or not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise CalmdeskError(
            f"--listen {text!r} is not HOST:PORT; write it like 127.0.0.1:9094 or 0.0.0.0:9094."
        )
    return host, int(port)


def read_token(path: Path) -> str:
    try:
        token = path.read_text(encoding="utf-8").strip()
    except OSError as exc:
        raise CalmdeskError(f"--token-file {path}: cannot be read ({exc.strerror}).") from None
    except UnicodeDecodeError:
        raise CalmdeskError(f"--token-file {path}: is not text.") from None
    if len(token) < MIN_TOKEN or any(c.isspace() for c in token):
        raise CalmdeskError(
            f"--token-file {path}: the token must be one line of at least {MIN_TOKEN} characters "
            "without spaces. Make one with: python3 -c 'import secrets; "
            "print(secrets.token_urlsafe(32))'"
        )
    return token


def run_intake(args: argparse.Namespace, settings: Settings, out: TextIO) -> int:
    try:
        import uvicorn

        from app.intake_http import DEFAULT_MAX_BODY, IntakeConfig, build_app
    except ImportError as exc:
        raise CalmdeskError(
            f"The intake service needs its extra packages ({exc.name} is missing): "
            "pip install 'calmdesk[intake]'."
        ) from None
    from app.adapters.alert_mapping import load_mapping
    from app.bootstrap import connect, explain_local_file, upgrade_or_explain
    from app.domain.clock import SystemClock
    from app.services.context import ServiceContext
    from app.services.intake.commands import AlertIntake, monitoring_actor

    host, port = parse_listen(args.listen)
    token = read_token(args.token_file)
    mapping = load_mapping(args.mapping)
    max_body = args.max_body or DEFAULT_MAX_BODY
    if max_body < 1024:
        raise CalmdeskError("--max-body must be at least 1024 bytes.")
    logging.basicConfig(
        stream=sys.stdout,
        level=logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        force=True,
    )
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)
    db = connect(settings, connections=WRITERS)
    try:
        with explain_local_file(settings):
            upgrade_or_explain(db, settings)
        ctx = ServiceContext(db=db, clock=SystemClock(), actor=monitoring_actor(db))
        app = build_app(AlertIntake(ctx, mapping), db, IntakeConfig(token, max_body, WRITERS))
        print(
            f"calmdesk intake: {db.description}, listening on http://{host}:{port} "
            f"(mapping: {args.mapping or 'defaults'})",
            file=out,
            flush=True,
        )
        # uvicorn stops on SIGTERM and SIGINT: no new connections, the requests in flight
        # finished (each answered only once committed). It then raises the signal again for the
        # handler it found: these quiet ones, so the service exits 0 after a clean stop.
        for stop in (signal.SIGTERM, signal.SIGINT):
            signal.signal(stop, _stopped)
        # Our logging set-up (stdout), not uvicorn's.
        uvicorn.run(
            app,
            host=host,
            port=port,
            log_config=None,
            access_log=False,
            timeout_graceful_shutdown=30,
        )
    finally:
        db.dispose()
    print("calmdesk intake: stopped", file=out, flush=True)
    return 0
