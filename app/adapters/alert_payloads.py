"""Reading the alert webhooks the intake service accepts, each into one AlertNotice.

Three shapes, each on its own path (the README shows them whole):

- Prometheus Alertmanager's webhook, version 4: one alert group per request, `groupKey` names it.
- Grafana alerting's webhook: Alertmanager's shape with Grafana's extras (`orgId`, `title`,
  `panelURL`...); its `groupKey` names the group too.
- A small generic shape for anything else: `{"name": ..., "status": "firing" | "resolved", ...}`.

Anything else is refused with PayloadError, whose message says what is wrong and where.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from app.domain.alerts import AlertNotice, AlertStatus
from app.domain.errors import CalmdeskError

MAX_NAME = 200


class PayloadError(CalmdeskError):
    """A request body that is not an alert this path accepts; nothing was written."""


def parse_json(body: bytes) -> Any:
    try:
        return json.loads(body.decode("utf-8"))
    except UnicodeDecodeError:
        raise PayloadError("The body is not UTF-8 text; send JSON encoded as UTF-8.") from None
    except json.JSONDecodeError as exc:
        raise PayloadError(
            f"The body is not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}."
        ) from None


def alertmanager_notice(body: bytes, source: str = "alertmanager") -> AlertNotice:
    """Alertmanager's webhook (version 4), or Grafana's (`source="grafana"`), as one notice."""
    data = _object(parse_json(body), "the body")
    version = data.get("version")
    if source == "alertmanager" and version != "4":
        raise PayloadError(
            f'"version" is {version!r}; this path takes Alertmanager\'s webhook version "4".'
        )
    status = _status(data.get("status"), '"status"')
    alerts = data.get("alerts")
    if not isinstance(alerts, list) or not alerts:
        raise PayloadError('"alerts" must be a list of at least one alert.')
    parsed = [_object(alert, f'"alerts"[{n}]') for n, alert in enumerate(alerts)]
    statuses = [_status(a.get("status"), f'"alerts"[{n}].status') for n, a in enumerate(parsed)]
    group_key = data.get("groupKey")
    if group_key is not None and not isinstance(group_key, str):
        raise PayloadError('"groupKey" must be a string.')
    common = _labels(data.get("commonLabels", {}), '"commonLabels"')
    first_labels = _labels(parsed[0].get("labels", {}), '"alerts"[0].labels')
    labels = common or first_labels
    group_labels = _labels(data.get("groupLabels", {}), '"groupLabels"')
    name = (
        group_labels.get("alertname")
        or labels.get("alertname")
        or first_labels.get("alertname")
        or _text(data.get("title"), '"title"')
        or "Alert"
    )
    annotations = _labels(data.get("commonAnnotations", {}), '"commonAnnotations"') or _labels(
        parsed[0].get("annotations", {}), '"alerts"[0].annotations'
    )
    starts = [_time(a.get("startsAt"), f'"alerts"[{n}].startsAt') for n, a in enumerate(parsed)]
    known = [t for t in starts if t is not None]
    first = parsed[0]
    url = (
        _text(first.get("panelURL"), "panelURL")
        or _text(first.get("dashboardURL"), "dashboardURL")
        or _text(first.get("generatorURL"), "generatorURL")
        or _text(data.get("externalURL"), '"externalURL"')
    )
    return AlertNotice(
        source=source,
        name=name[:MAX_NAME],
        status=status,
        labels=labels,
        firing=sum(1 for s in statuses if s == AlertStatus.FIRING),
        summary=annotations.get("summary") or annotations.get("description") or "",
        source_key=group_key or None,
        started_at=min(known) if known else None,
        source_url=url,
    )


def grafana_notice(body: bytes) -> AlertNotice:
    return alertmanager_notice(body, source="grafana")


GENERIC_FIELDS = frozenset(
    {"name", "status", "service", "severity", "labels", "summary", "url", "group", "started_at"}
)


def generic_notice(body: bytes) -> AlertNotice:
    """The generic shape: `name` and `status` are required, the rest optional."""
    data = _object(parse_json(body), "the body")
    unknown = sorted(set(data) - GENERIC_FIELDS)
    if unknown:
        raise PayloadError(
            f"Unknown field {unknown[0]!r}; the generic shape has "
            f"{', '.join(sorted(GENERIC_FIELDS))}."
        )
    name = _text(data.get("name"), '"name"').strip()
    if not name:
        raise PayloadError('"name" is required: the alert\'s name, such as "DiskFull".')
    labels = dict(_labels(data.get("labels", {}), '"labels"'))
    labels.setdefault("alertname", name)
    for field in ("service", "severity"):
        value = _text(data.get(field), f'"{field}"').strip()
        if value:
            labels[field] = value
    group = _text(data.get("group"), '"group"').strip()
    status = _status(data.get("status"), '"status"')
    return AlertNotice(
        source="generic",
        name=name[:MAX_NAME],
        status=status,
        labels=labels,
        firing=1 if status == AlertStatus.FIRING else 0,
        summary=_text(data.get("summary"), '"summary"'),
        source_key=group or None,
        started_at=_time(data.get("started_at"), '"started_at"'),
        source_url=_text(data.get("url"), '"url"'),
    )


def _object(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise PayloadError(f"{where[0].upper()}{where[1:]} must be a JSON object.")
    return value


def _status(value: Any, where: str) -> AlertStatus:
    try:
        return AlertStatus(value)
    except ValueError:
        raise PayloadError(f'{where} is {value!r}; it must be "firing" or "resolved".') from None


def _text(value: Any, where: str) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise PayloadError(f"{where} must be a string.")
    return value


def _labels(value: Any, where: str) -> Mapping[str, str]:
    if not isinstance(value, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in value.items()
    ):
        raise PayloadError(f"{where} must be an object of text values.")
    return value


def _time(value: Any, where: str) -> datetime | None:
    text = _text(value, where).strip()
    if not text or text.startswith("0001-01-01"):  # Go's zero time: "not set"
        return None
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        # Go writes nine digits of a second; Python reads at most six.
        moment = _nanoseconds(text, where)
    if moment.tzinfo is None:
        raise PayloadError(f"{where} ({text}) has no time zone; add Z or an offset.")
    return moment


def _nanoseconds(text: str, where: str) -> datetime:
    head, dot, rest = text.replace("Z", "+00:00").partition(".")
    digits = "".join(c for c in rest if c.isdigit())
    zone = rest[len(digits) :]
    try:
        return datetime.fromisoformat(f"{head}.{digits[:6]}{zone}" if dot else head)
    except ValueError:
        raise PayloadError(f"{where} ({text}) is not an ISO 8601 time.") from None
