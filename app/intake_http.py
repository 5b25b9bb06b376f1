"""The alert intake's HTTP face: a Starlette app that uvicorn serves (app/cli_intake.py). Like
app/cli.py, a composition root outside the layers: it wires the payload readers (adapters) to
the intake service.

    POST /alerts/alertmanager   Prometheus Alertmanager webhook, version 4
    POST /alerts/grafana        Grafana alerting webhook
    POST /alerts/generic        the generic shape (README, "Monitoring alerts")
    GET  /healthz               200 when the database answers, 503 when it does not

Every POST needs `Authorization: Bearer <token>` (401 without it, compared in constant time), a
body no larger than the limit (413) that is an alert of that path's shape (400 saying what is
wrong). A refused request writes nothing. An accepted alert is answered 200 only after its
transaction is committed: a sender that hears nothing (the service stopped, the database away)
sends it again, and Alertmanager and Grafana do.
"""

from __future__ import annotations

import hmac
import logging
from collections.abc import Callable
from dataclasses import dataclass

from anyio import CapacityLimiter, to_thread
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from app.adapters.alert_payloads import (
    PayloadError,
    alertmanager_notice,
    generic_notice,
    grafana_notice,
)
from app.db.engine import Database
from app.domain.alerts import AlertNotice
from app.domain.errors import CalmdeskError
from app.services.intake.commands import AlertIntake
from app.services.intake.reads import database_problem

DEFAULT_MAX_BODY = 1024 * 1024  # an Alertmanager group of a few thousand alerts
PATHS: dict[str, Callable[[bytes], AlertNotice]] = {
    "/alerts/alertmanager": alertmanager_notice,
    "/alerts/grafana": grafana_notice,
    "/alerts/generic": generic_notice,
}

log = logging.getLogger("calmdesk.intake")


class _TooLarge(Exception):
    pass


@dataclass(frozen=True)
class IntakeConfig:
    token: str
    max_body: int = DEFAULT_MAX_BODY
    # Alerts written at once: the database connections the service keeps. More requests wait
    # their turn here, not at the pool (whose wait has a deadline); the health check and a
    # retry use the pool's extra connections.
    writers: int = 4


def build_app(intake: AlertIntake, db: Database, config: IntakeConfig) -> Starlette:
    expected = f"Bearer {config.token}".encode()
    writers = CapacityLimiter(config.writers)

    def authorised(request: Request) -> bool:
        given = request.headers.get("authorization", "").encode("latin-1", "replace")
        return hmac.compare_digest(given, expected)

    async def read_body(request: Request) -> bytes:
        declared = request.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > config.max_body:
            raise _TooLarge
        chunks: list[bytes] = []
        size = 0
        async for chunk in request.stream():
            size += len(chunk)
            if size > config.max_body:
                raise _TooLarge
            chunks.append(chunk)
        return b"".join(chunks)

    def endpoint(parse: Callable[[bytes], AlertNotice]) -> Callable[..., object]:
        async def receive(request: Request) -> JSONResponse:
            where = request.url.path
            if not authorised(request):
                log.warning("refused %s: no valid bearer token", where)
                return JSONResponse(
                    {"error": "A valid 'Authorization: Bearer <token>' header is required."},
                    status_code=401,
                    headers={"WWW-Authenticate": "Bearer"},
                )
            try:
                notice = parse(await read_body(request))
            except _TooLarge:
                log.warning("refused %s: body over %d bytes", where, config.max_body)
                return JSONResponse(
                    {"error": f"The body is larger than {config.max_body} bytes."},
                    status_code=413,
                )
            except PayloadError as exc:
                log.warning("refused %s: %s", where, exc)
                return JSONResponse({"error": str(exc)}, status_code=400)
            try:
                receipt = await to_thread.run_sync(intake.receive, notice, limiter=writers)
            except CalmdeskError as exc:
                log.error("not recorded %s %s: %s", where, notice.name, exc)
                return JSONResponse(
                    {"error": f"Not recorded; send it again later. {exc}"}, status_code=503
                )
            log.info(
                "%s %s %s -> %s %s (%d alerts)",
                notice.source,
                notice.name,
                notice.status.value,
                receipt.action,
                receipt.incident_number or "-",
                receipt.alert_count,
            )
            return JSONResponse(receipt.as_json())

        return receive

    async def healthz(_: Request) -> JSONResponse:
        problem = await run_in_threadpool(database_problem, db)
        if problem is not None:
            log.error("health check: %s", problem)
            return JSONResponse({"database": "unavailable"}, status_code=503)
        return JSONResponse({"database": "ok"})

    routes = [Route(path, endpoint(parse), methods=["POST"]) for path, parse in PATHS.items()]
    routes.append(Route("/healthz", healthz, methods=["GET"]))
    return Starlette(routes=routes)
