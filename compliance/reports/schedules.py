"""Report schedules: a ``ReportSchedule`` (scope, formats, subscribers) driven by a
django-celery-beat ``PeriodicTask`` that runs ``compliance.report_scheduled`` with its id."""

from __future__ import annotations

import json

from django.db import transaction
from django_celery_beat.models import CrontabSchedule, PeriodicTask

from compliance.models import ReportSchedule

TASK = "compliance.report_scheduled"


def weekly_crontab() -> CrontabSchedule:
    """Mondays at 06:00 UTC."""
    crontab, _ = CrontabSchedule.objects.get_or_create(
        minute="0", hour="6", day_of_week="1", day_of_month="*", month_of_year="*",
        timezone="UTC",
    )  # fmt: skip
    return crontab


@transaction.atomic
def schedule_ensure_task(schedule: ReportSchedule) -> PeriodicTask:
    """The schedule's periodic task, created (weekly) if it has none, and kept pointing at
    the schedule (its name and arguments)."""
    task = schedule.periodic_task
    kwargs = json.dumps({"schedule_id": schedule.pk})
    if task is None:
        task = PeriodicTask.objects.create(
            name=f"Report: {schedule.name}"[:200], task=TASK, crontab=weekly_crontab(),
            kwargs=kwargs, enabled=True,
            description="A risk report schedule (compliance.ReportSchedule).",
        )  # fmt: skip
        schedule.periodic_task = task
        schedule.save(update_fields=["periodic_task"])
    elif task.task != TASK or task.kwargs != kwargs:
        task.task, task.kwargs = TASK, kwargs
        task.save()
    return task
