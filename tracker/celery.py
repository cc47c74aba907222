"""The one Celery app, and every periodic schedule.

Configuration comes from Django settings under the ``CELERY_`` namespace. With no
``CELERY_BROKER_URL`` set, tasks run in-process (the embedded default).
"""

import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")

# `celery worker` also takes its command-line options from CELERY_WORKER_<OPTION> variables
# (click's auto_envvar_prefix), ahead of the settings. CELERY_WORKER_MAX_TASKS_PER_CHILD=0
# means "never replace the pool process" in tracker/settings.py, but as an option billiard
# refuses 0 and the worker does not start: the settings read it, then the command does not.
if os.environ.get("CELERY_WORKER_MAX_TASKS_PER_CHILD", "").strip() == "0":
    from django.conf import settings as _settings

    if _settings.CELERY_WORKER_MAX_TASKS_PER_CHILD is None:  # read now, while it is set
        del os.environ["CELERY_WORKER_MAX_TASKS_PER_CHILD"]

app = Celery("tracker")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.on_after_configure.connect
def setup_periodic_tasks(sender: Celery, **kwargs: object) -> None:
    """Every periodic schedule of the project, in one place."""
    from django.conf import settings

    sender.add_periodic_task(
        float(settings.EVENTS_CATCH_UP_SECONDS),
        sender.signature("events.projections_catch_up"),
        name="catch up projections",
    )
    # Signed checkpoints of the ledger's head (skipped while no signing key is configured).
    sender.add_periodic_task(
        float(settings.EVENTS_CHECKPOINT_SECONDS),
        sender.signature("events.checkpoint"),
        name="ledger checkpoint",
    )
    # Deadline reminders, daily (each reminder goes out once, however often this runs).
    # Report schedules are rows in the database (django-celery-beat), edited in the admin.
    sender.add_periodic_task(
        crontab(minute=0, hour=settings.REMINDERS_HOUR_UTC),
        sender.signature("compliance.deadline_reminders"),
        name="deadline reminders",
    )
