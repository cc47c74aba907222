"""Celery tasks of the event store: thin wrappers over :mod:`events.projections`."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="events.projections_catch_up")
def projections_catch_up_task() -> dict[str, str]:
    """Seal the ledger and catch every projection up. Queued on commit of every append and
    run periodically by beat, so a lost message or a broker outage only delays the views."""
    from events.projections import catch_up

    return {result.name: result.status for result in catch_up()}
