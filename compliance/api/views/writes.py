"""Recording through the API: the common path of every write endpoint."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import transaction
from rest_framework import status
from rest_framework.response import Response

from compliance.api.views.common import actor
from events.store import AppendResult


def created(
    request: Any,
    record: Callable[[str], AppendResult],
    *,
    after: Callable[[AppendResult], None] | None = None,
) -> Response:
    """Run a service that records one event, in one transaction with ``after`` (so a write
    and its bookkeeping land together or not at all), and answer 201 with the new version.
    An idempotent retry gets the same body, marked by ``Idempotent-Replayed: true``."""
    if after is None:  # one append: the store's single-statement path, no transaction
        result = record(actor(request))
    else:
        with transaction.atomic():
            result = record(actor(request))
            after(result)
    body = {
        "stream_id": result.stream_id,
        "version": result.version,
        "event_id": str(result.event_ids[-1]),
    }
    headers = {"Idempotent-Replayed": "true"} if result.replayed else {}
    return Response(body, status=status.HTTP_201_CREATED, headers=headers)
