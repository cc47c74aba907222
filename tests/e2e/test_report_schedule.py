"""A report schedule due within seconds, run by real Celery beat (DatabaseScheduler) and a
real worker against Redis and PostgreSQL: the report is stored, pinned to the ledger, and
emailed to the subscribers (file backend)."""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from datetime import timedelta
from email import message_from_bytes
from email.message import Message
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.models import Group, User
from django.utils import timezone
from django_celery_beat.models import ClockedSchedule, PeriodicTask

from compliance.models import Matter, MatterInvestment, Report, ReportSchedule, ReportSubscriber
from compliance.reports import services
from events.models import LedgerEntry
from tests.compliance.scenario import record_deal
from tests.db import database_url
from tests.e2e.conftest import wait_until

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def processes(worker_queue: str, tmp_path: Path, settings: Any) -> Iterator[Any]:
    """Start a worker and beat on this test's queue, mail to files, reports in tmp_path."""
    started: list[subprocess.Popen[bytes]] = []
    mail_dir, reports_dir = tmp_path / "mail", tmp_path / "reports"
    mail_dir.mkdir()
    settings.REPORTS_DIR = reports_dir
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.e2e.report_settings",
        "DATABASE_URL": database_url(),
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "CELERY_TASK_DEFAULT_QUEUE": worker_queue,
        "EMAIL_FILE_PATH": str(mail_dir),
        "REPORTS_DIR": str(reports_dir),
    }
    celery = [sys.executable, "-m", "celery", "-A", "tracker"]

    def start() -> None:
        for args in (
            ["worker", "-Q", worker_queue, "--concurrency", "1", "--without-gossip",
             "--without-mingle", "--without-heartbeat", "-l", "warning"],
            ["beat", "--scheduler", "django_celery_beat.schedulers:DatabaseScheduler",
             "--pidfile", str(tmp_path / "beat.pid"), "--max-interval", "1", "-l", "warning"],
        ):  # fmt: skip
            started.append(
                subprocess.Popen(
                    [*celery, *args], env=env, start_new_session=True, cwd=settings.BASE_DIR
                )
            )

    yield start, mail_dir
    for process in started:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


def test_beat_runs_a_due_schedule_and_the_worker_builds_and_mails_the_report(
    processes: Any,
) -> None:
    start, mail_dir = processes
    deal = record_deal(actor="e2e")
    matter = Matter.objects.create(code="E2E-1", name="End to end")
    MatterInvestment.objects.create(matter=matter, investment_id=deal.investment)
    lawyer = User.objects.create_user(username="lawyer", email="lawyer@example.org")
    # get_or_create: an earlier transactional test's flush may have removed the role groups.
    lawyer.groups.add(Group.objects.get_or_create(name="viewer")[0])
    matter.members.add(lawyer)
    schedule = ReportSchedule.objects.create(
        name="e2e", matter=matter, formats=["html", "pdf", "csv"]
    )
    ReportSubscriber.objects.create(schedule=schedule, user=lawyer)
    ReportSubscriber.objects.create(schedule=schedule, email="counsel@example.com")
    clocked = ClockedSchedule.objects.create(clocked_time=timezone.now() + timedelta(seconds=3))
    schedule.periodic_task = PeriodicTask.objects.create(
        name="e2e report", task="compliance.report_scheduled", clocked=clocked, one_off=True,
        kwargs=f'{{"schedule_id": {schedule.pk}}}',
    )  # fmt: skip
    schedule.save()

    start()

    def mailed() -> bool:  # the message written, then its recipients recorded
        sent = Report.objects.filter(schedule=schedule).values_list("emailed_to", flat=True)
        return any(mail_dir.iterdir()) and any(sent)

    wait_until(mailed, timeout=120, what="beat, the worker and the report's email")
    report = Report.objects.get(schedule=schedule)
    assert report.status == "done", report.error
    # Pins: the ledger position and the chain hash there; the packs; the scope.
    assert report.position is not None
    assert LedgerEntry.objects.get(position=report.position).chain_hash == report.chain_hash
    deal_positions = LedgerEntry.objects.filter(event__stream_id=deal.investment)
    assert max(e.position for e in deal_positions) <= report.position
    assert report.pack_versions["eumr"] == "1"
    assert report.investment_ids == [deal.investment]
    assert report.emailed_to == ["counsel@example.com", "lawyer@example.org"]
    # Content, and the same bytes when regenerated in this process from the pins.
    for stored in report.files.all():
        path = Path(settings.REPORTS_DIR) / stored.path
        data = path.read_bytes()
        assert hashlib.sha256(data).hexdigest() == stored.sha256
        assert services.report_render(report, stored.format) == data, stored.format
    html = (Path(settings.REPORTS_DIR) / report.files.get(format="html").path).read_text()
    assert "Risk report: matter E2E-1" in html and "<svg" in html
    assert report.chain_hash in html
    # The email: one message to both subscribers, the report as HTML, PDF and CSV attached.
    files = list(mail_dir.iterdir())
    assert len(files) == 1
    raw = files[0].read_bytes().split(b"\n" + b"-" * 79 + b"\n")[0]
    message: Message = message_from_bytes(raw)
    assert f"ledger position {report.position}" in message["Subject"]
    assert "lawyer@example.org" in message["To"] and "counsel@example.com" in message["To"]
    parts = {part.get_content_type(): part for part in message.walk()}
    assert "Risk report: matter E2E-1" in parts["text/html"].get_payload(decode=True).decode()
    assert parts["application/pdf"].get_payload(decode=True).startswith(b"%PDF-")
    assert b"investment_id," in parts["text/csv"].get_payload(decode=True)
    assert Report.objects.filter(schedule=schedule).count() == 1  # a one-off schedule
