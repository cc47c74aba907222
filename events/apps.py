from typing import Any

from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "events"
    verbose_name = "Event store"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from events import checks  # noqa: F401  (registers system checks)
        from events.signals import events_committed

        events_committed.connect(_queue_catch_up, dispatch_uid="events.queue_catch_up")


def _queue_catch_up(**_kwargs: Any) -> None:
    """Every committed append queues a projection catch-up. Celery is imported on the first
    one, not before: importing the store (or setting Django up) never loads it."""
    from events.tasks import projections_catch_up_queue

    projections_catch_up_queue()
