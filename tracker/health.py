"""Health endpoints for load balancers and orchestrators, outside the API (no auth, no
throttling, tiny JSON bodies).

``/healthz``: the process answers. ``/readyz``: it can do its job: the database answers, the
broker answers, and every projection is within ``EVENTS_READY_MAX_LAG`` events of the log's
head (a view further behind would mislead its readers). 200 when ready, else 503, with each
check's result either way.
"""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


def _timed(check: Any) -> dict[str, Any]:
    start = time.monotonic()
    try:
        result = {"ok": True, **(check() or {})}
    except Exception as exc:
        result = {"ok": False, "error": f"{type(exc).__name__}: {exc}"[:300]}
    result["ms"] = round((time.monotonic() - start) * 1000, 1)
    return result


def _database() -> dict[str, Any]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {}


def _broker() -> dict[str, Any]:
    from tracker.celery import app

    if settings.CELERY_TASK_ALWAYS_EAGER:
        return {"mode": "in-process"}
    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=2)
        conn.default_channel  # noqa: B018 - opening a channel is what reaches the server
    return {}


def _projections() -> dict[str, Any]:
    from events import ledger
    from events.models import ProjectionCheckpoint
    from events.projections import get_projections

    head = ledger.head()[0]
    positions = dict(ProjectionCheckpoint.objects.values_list("name", "position"))
    lags = {p.name: head - positions.get(p.name, 0) for p in get_projections()}
    worst = max(lags.values(), default=0)
    bound = settings.EVENTS_READY_MAX_LAG
    if worst > bound:
        raise RuntimeError(f"a projection is {worst} events behind the log (bound {bound})")
    return {"head": head, "max_lag": worst, "bound": bound}


@never_cache
@require_GET
def readyz(request: HttpRequest) -> JsonResponse:
    checks = {"database": _timed(_database), "broker": _timed(_broker)}
    checks["projections"] = (
        _timed(_projections)
        if checks["database"]["ok"]
        else {"ok": False, "error": "database unavailable"}
    )
    ready = all(c["ok"] for c in checks.values())
    return JsonResponse(
        {"status": "ready" if ready else "unready", "checks": checks}, status=200 if ready else 503
    )
