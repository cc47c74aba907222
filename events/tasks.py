"""Celery tasks of the event store: thin wrappers over :mod:`events.projections`, and the
receiver that queues a catch-up when an append commits (connected in events/apps.py)."""

from __future__ import annotations

import logging

from celery import shared_task

logger = logging.getLogger(__name__)


@shared_task(name="events.projections_catch_up")
def projections_catch_up_task() -> dict[str, str]:
    """Seal the ledger and catch every projection up. Queued on commit of every append and
    run periodically by beat, so a lost message or a broker outage only delays the views."""
    from events.projections import catch_up

    return {result.name: result.status for result in catch_up()}


def projections_catch_up_queue() -> None:
    """Queue :func:`projections_catch_up_task` (run it here in eager mode). A broker outage
    must neither fail nor stall an append that has committed: the connection is tried once,
    without kombu's retries (about 6 s per append otherwise), and the periodic catch-up
    covers a message that could not be sent."""
    task = projections_catch_up_task
    try:
        if task.app.conf.task_always_eager:
            task.apply_async(retry=False)
            return
        with task.app.producer_or_acquire() as producer:
            producer.connection.ensure_connection(
                max_retries=1, interval_start=0, interval_step=0, timeout=2
            )
            task.apply_async(retry=False, producer=producer)
    except Exception:
        logger.warning("Could not queue the projection catch-up task", exc_info=True)


@shared_task(name="events.checkpoint")
def checkpoint_task() -> dict[str, object]:
    """Sign a checkpoint of the ledger's head (hourly by default, EVENTS_CHECKPOINT_SECONDS).
    Without a configured key it logs and skips; a log that does not extend the last
    checkpoint raises, so the failure shows in the worker's log and monitoring."""
    from events.checkpoints import checkpoint_create, signing_key

    if signing_key() is None:
        logger.warning("No checkpoint key configured: checkpoint skipped.")
        return {"skipped": "no key"}
    checkpoint = checkpoint_create()
    return {"position": checkpoint.position, "chain_hash": checkpoint.chain_hash}
