"""Start-up checks (``manage.py check``) with stable ids."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, register
from django.db import connection


@register()
def check_event_store(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    errors: list[CheckMessage] = []
    if connection.vendor not in {"postgresql", "sqlite"}:
        errors.append(
            Error(
                f"The event store runs on PostgreSQL or SQLite, not {connection.vendor}.",
                hint="Set DATABASE_URL to a postgres:// or sqlite:// URL.",
                id="events.E001",
            )
        )
    from events.projections import _load

    names: set[str] = set()
    for path in settings.EVENTS_PROJECTIONS:
        try:
            projection = _load(path)
        except (ImportError, TypeError) as exc:
            errors.append(Error(f"EVENTS_PROJECTIONS: {exc}", id="events.E002"))
            continue
        if projection.name in names:
            errors.append(
                Error(f"Two projections are named {projection.name!r}.", id="events.E003")
            )
        names.add(projection.name)
    return errors
