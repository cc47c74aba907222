"""Celery tasks of the compliance app: thin, they look things up and call a service.
Periodic ones are declared in tracker/celery.py (reminders) or in the database
(report schedules, django-celery-beat)."""

from __future__ import annotations

from typing import Any

from celery import shared_task


@shared_task(name="compliance.report_build", bind=True)
def report_build_task(self: Any, report_id: int) -> dict[str, Any]:
    """Build a requested report; its state and progress are kept on the Report row."""
    from compliance.models import Report
    from compliance.reports.services import report_build

    if self.request.id:
        Report.objects.filter(pk=report_id).update(task_id=self.request.id)
    try:
        report = report_build(report_id=report_id)
    except Exception:  # recorded on the report (status failed, error) and logged
        return {"report_id": report_id, "status": Report.Status.FAILED}
    return {"report_id": report.pk, "status": report.status, "position": report.position}


@shared_task(name="compliance.report_scheduled")
def report_scheduled_task(schedule_id: int) -> dict[str, Any]:
    """A schedule's report: as of today, as known now, built and emailed to its subscribers."""
    from compliance.models import ReportSchedule
    from compliance.reports.services import (
        report_build,
        report_deliver,
        report_request,
        schedule_recipients,
    )
    from events.projections import catch_up

    schedule = ReportSchedule.objects.select_related("matter").get(pk=schedule_id)
    catch_up()  # the read models the scope is taken from, current
    report = report_request(
        matter_code=schedule.matter.code if schedule.matter else None,
        formats=schedule.formats or None,
        schedule=schedule,
    )
    report = report_build(report_id=report.pk)
    sent = report_deliver(report=report, recipients=schedule_recipients(schedule))
    return {"report_id": report.pk, "position": report.position, "emails": sent}


@shared_task(name="compliance.deadline_reminders")
def deadline_reminders_task() -> int:
    """The daily run: catch the deadlines up, then send the reminders due today, once."""
    from compliance.reports.reminders import reminders_send
    from events.projections import catch_up

    catch_up()
    return len(reminders_send())
