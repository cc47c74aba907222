"""Schedules in the database (django-celery-beat), their subscribers and email delivery;
the admin (reports read-only, files behind the walls, schedules editable); the command."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django_celery_beat.models import PeriodicTask

from compliance.models import Matter, Report, ReportSchedule, ReportSubscriber
from compliance.reports.schedules import schedule_ensure_task
from compliance.tasks import report_scheduled_task
from tests.compliance.reports.conftest import World

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


def test_a_migration_creates_the_weekly_default() -> None:
    schedule = ReportSchedule.objects.get(name="Weekly risk report (all matters)")
    task = schedule.periodic_task
    assert task is not None and task.enabled and task.task == "compliance.report_scheduled"
    assert json.loads(task.kwargs) == {"schedule_id": schedule.pk}
    assert (task.crontab.minute, task.crontab.hour, task.crontab.day_of_week) == ("0", "6", "1")
    assert schedule.matter is None and schedule.formats == ["html", "pdf", "csv"]


def test_a_scheduled_report_goes_to_the_subscribers_who_may_see_it(world: World) -> None:
    for name in ("viewer", "other", "admin"):
        world.users[name].email = f"{name}@example.org"
        world.users[name].save()
    schedule = ReportSchedule.objects.create(
        name="A weekly", matter=Matter.objects.get(code="A-1"), formats=["html", "csv"]
    )
    schedule_ensure_task(schedule)
    for name in ("viewer", "other", "admin"):  # "other" is not staffed on A-1
        ReportSubscriber.objects.create(schedule=schedule, user=world.users[name])
    ReportSubscriber.objects.create(schedule=schedule, email="counsel@example.com")
    result = report_scheduled_task.delay(schedule.pk).get()
    report = Report.objects.get(pk=result["report_id"])
    assert report.status == "done" and report.schedule == schedule
    assert report.matter_code == "A-1" and report.position == result["position"]
    assert report.emailed_to == ["admin@example.org", "counsel@example.com", "viewer@example.org"]
    message = mail.outbox[-1]
    assert sorted(message.to) == report.emailed_to
    assert f"ledger position {report.position}" in message.subject
    html = message.alternatives[0]
    assert html[1] == "text/html" and "Portfolio heat map" in html[0]
    assert [a[0] for a in message.attachments] == [f"risk-report-{report.pk}.csv"]


def test_a_schedule_gets_its_periodic_task(world: World) -> None:
    schedule = ReportSchedule.objects.create(name="B", formats=["csv"])
    task = schedule_ensure_task(schedule)
    assert PeriodicTask.objects.get(pk=task.pk).kwargs == json.dumps({"schedule_id": schedule.pk})
    assert schedule_ensure_task(schedule).pk == task.pk  # idempotent


def test_the_admin(world: World, client: Any) -> None:
    world.users["admin"].is_staff = world.users["admin"].is_superuser = True
    world.users["admin"].save()
    call_command("risk_report", "--matter", "A-1", "--format", "csv", "--no-progress",
                 stdout=io.StringIO())  # fmt: skip
    report = Report.objects.latest("pk")
    client.force_login(world.users["admin"])
    listing = client.get("/admin/compliance/report/")
    assert listing.status_code == 200 and f"/admin/compliance/report/{report.pk}/file/csv/" in (
        listing.content.decode()
    )
    download = client.get(f"/admin/compliance/report/{report.pk}/file/csv/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"investment_id,")
    assert client.get("/admin/compliance/report/add/").status_code == 403
    detail = client.get(f"/admin/compliance/report/{report.pk}/change/")
    assert detail.status_code == 200 and b'name="_save"' not in detail.content  # read-only
    assert client.post(f"/admin/compliance/report/{report.pk}/delete/").status_code == 403
    # Schedules are editable: a new one gets a weekly periodic task.
    added = client.post(
        "/admin/compliance/reportschedule/add/",
        {"name": "From the admin", "matter": "", "formats": '["csv"]', "periodic_task": "",
         "subscribers-TOTAL_FORMS": "1", "subscribers-INITIAL_FORMS": "0",
         "subscribers-0-email": "desk@example.com", "subscribers-0-user": ""},
    )  # fmt: skip
    assert added.status_code == 302, added.content.decode()[:2000]
    schedule = ReportSchedule.objects.get(name="From the admin")
    assert schedule.periodic_task is not None
    assert list(schedule.subscribers.values_list("email", flat=True)) == ["desk@example.com"]


def test_the_command_writes_the_file_with_a_progress_bar(world: World, tmp_path: Path) -> None:
    out, err = io.StringIO(), io.StringIO()
    target = tmp_path / "r.html"
    import sys

    real = sys.stderr
    sys.stderr = err
    try:
        call_command(
            "risk_report", "--as-of", "2024-05-01", "--known-at", "2100-01-01",
            "--format", "html", "--out", str(target), "--matter", "A-1", stdout=out,
        )  # fmt: skip
    finally:
        sys.stderr = real
    assert target.read_bytes().startswith(b"<!DOCTYPE html>")
    report = Report.objects.latest("pk")
    assert f"ledger position {report.position}" in out.getvalue()
    assert str(target) in out.getvalue()
    assert "100% done" in err.getvalue() and "[" in err.getvalue()
    check = io.StringIO()
    call_command("risk_report", "--check", str(report.pk), stdout=check)
    assert check.getvalue() == "html: identical\n"
    with pytest.raises(CommandError, match="time zone"):
        call_command("risk_report", "--known-at", "2024-05-01T00:00:00", stdout=out)
    with pytest.raises(CommandError, match="No matter"):
        call_command("risk_report", "--matter", "NOPE", stdout=out)
