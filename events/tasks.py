"""Celery tasks of the event store: thin wrappers over :mod:`events.projections`."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="events.projections_catch_up")
def projections_catch_up_task() -> dict[str, str]:
    """Seal the ledger and catch every projection up. Queued on commit of every append and
    run periodically by beat, so a lost message or a broker outage only delays the views."""
    from events.projections import catch_up

    return {result.name: result.status for result in catch_up()}


@shared_task(name="events.checkpoint")
def checkpoint_task() -> dict[str, object]:
    """Sign a checkpoint of the ledger's head (hourly by default, EVENTS_CHECKPOINT_SECONDS).
    Without a configured key it logs and skips; a log that does not extend the last
    checkpoint raises, so the failure shows in the worker's log and monitoring."""
    import logging

    from events.checkpoints import checkpoint_create, signing_key

    if signing_key() is None:
        logging.getLogger(__name__).warning("No checkpoint key configured: checkpoint skipped.")
        return {"skipped": "no key"}
    checkpoint = checkpoint_create()
    return {"position": checkpoint.position, "chain_hash": checkpoint.chain_hash}
