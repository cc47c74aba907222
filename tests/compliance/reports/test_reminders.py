"""Deadline reminders: at the configured offsets and once overdue, to the people staffed on
the matter, each exactly once however often (and however concurrently) the task runs; an
extended or closed deadline stops its pending reminders."""

from __future__ import annotations

import threading
from datetime import date, timedelta
from typing import Any

import pytest
from django.core import mail
from django.db import connection

from compliance.domain.events import DeadlineExtended, ProceedingClosed
from compliance.models import DeadlineReminder
from compliance.reports.reminders import offset_for, reminders_send
from compliance.services import event_record
from compliance.tasks import deadline_reminders_task
from events import projections
from tests.compliance.reports.conftest import World
from tests.compliance.scenario import T0

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

DUE = date(2024, 5, 9)  # the world's deals each have a deadline due then ("Comments")
KEY = "deadline:itc"  # (and an information request due on 2024-05-02)


@pytest.fixture
def staffed(world: World) -> World:
    for name in ("viewer", "analyst", "other", "norole"):
        user = world.users[name]
        user.email = f"{name}@example.org"
        user.save()
    return world


def mine(world: World) -> list[DeadlineReminder]:
    return list(DeadlineReminder.objects.filter(proceeding_id=world.a.proceeding, deadline_key=KEY))


def mails_about(world: World) -> list[mail.EmailMessage]:
    return [m for m in mail.outbox if world.a.proceeding in m.body and "Comments" in m.subject]


@pytest.mark.parametrize(
    ("days_left", "expected"),
    [(45, None), (31, None), (30, "30"), (12, "30"), (7, "7"), (2, "7"), (1, "1"), (0, "1"),
     (-1, "overdue")],
)  # fmt: skip
def test_which_reminder_is_due(days_left: int, expected: str | None) -> None:
    assert offset_for(days_left, [30, 7, 1]) == expected


def test_each_offset_is_sent_once_to_the_staff_of_the_matter(staffed: World) -> None:
    days = [DUE - timedelta(days=d) for d in (31, 30, 29, 7, 6, 1, 0)] + [DUE + timedelta(1)] * 3
    for day in days:
        reminders_send(today=day)
        reminders_send(today=day)  # the task ran twice that day
    sent = mine(staffed)
    assert sorted(r.offset for r in sent) == ["1", "30", "7", "overdue"]
    messages = mails_about(staffed)
    assert len(messages) == 4
    # Staffed on matter A with a role: viewer and analyst; not "other" (matter B), not
    # "norole", not the admin (not staffed).
    assert {tuple(m.to) for m in messages} == {("analyst@example.org", "viewer@example.org")}
    assert any("overdue" in m.body for m in messages)
    assert any("in 7 days" in m.body for m in messages)


def test_a_run_that_was_missed_sends_only_the_nearest_reminder(staffed: World) -> None:
    reminders_send(today=DUE - timedelta(days=3))
    assert [r.offset for r in mine(staffed)] == ["7"]


def test_an_extended_deadline_stops_the_old_dates_reminders(staffed: World) -> None:
    reminders_send(today=DUE - timedelta(days=7))
    event_record(
        stream_id=staffed.a.proceeding,
        event=DeadlineExtended(occurred_at=T0, deadline_id="itc", due_on=DUE + timedelta(60)),
        actor="test",
    )
    projections.catch_up()
    reminders_send(today=DUE - timedelta(days=1))  # the old date's 1-day reminder: not sent
    reminders_send(today=DUE + timedelta(days=1))  # nor its overdue one
    assert [(r.due_on, r.offset) for r in mine(staffed)] == [(DUE, "7")]
    reminders_send(today=DUE + timedelta(days=53))  # 7 days before the new date
    assert sorted((r.due_on, r.offset) for r in mine(staffed)) == [
        (DUE, "7"),
        (DUE + timedelta(60), "7"),
    ]


def test_a_closed_proceeding_stops_its_reminders(staffed: World) -> None:
    event_record(
        stream_id=staffed.a.proceeding,
        event=ProceedingClosed(occurred_at=T0, closed_on=date(2024, 4, 1)),
        actor="test",
    )
    projections.catch_up()
    reminders_send(today=DUE - timedelta(days=7))
    reminders_send(today=DUE + timedelta(days=3))
    assert mine(staffed) == []
    assert mails_about(staffed) == []


def test_a_failed_send_releases_the_claim(staffed: World, settings: Any) -> None:
    settings.EMAIL_BACKEND = "tests.compliance.reports.test_reminders.BrokenBackend"
    with pytest.raises(ConnectionError):
        reminders_send(today=DUE - timedelta(days=7))
    assert mine(staffed) == []
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    reminders_send(today=DUE - timedelta(days=7))
    assert [r.offset for r in mine(staffed)] == ["7"]


class BrokenBackend:
    def __init__(self, *args: object, **kwargs: object) -> None:
        pass

    def send_messages(self, messages: object) -> int:
        raise ConnectionError("SMTP server down")


@pytest.fixture
def roles() -> None:
    """The role groups, which an earlier transactional test's flush may have removed."""
    from django.contrib.auth.models import Group

    for name in ("viewer", "analyst", "admin"):
        Group.objects.get_or_create(name=name)


@pytest.mark.django_db(transaction=True)
def test_concurrent_runs_send_each_reminder_once(roles: None, staffed: World) -> None:
    """Eight threads, each with its own PostgreSQL connection, run the task at once."""
    day = DUE - timedelta(days=7)
    barrier = threading.Barrier(8)
    errors: list[BaseException] = []

    def run() -> None:
        try:
            barrier.wait()
            reminders_send(today=day)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert [r.offset for r in mine(staffed)] == ["7"]
    assert len(mails_about(staffed)) == 1


def test_the_daily_task_catches_up_and_sends(staffed: World, settings: object) -> None:
    # Today is far past the world's 2024 deadline: it is overdue.
    assert deadline_reminders_task.delay().get() >= 1
    assert [r.offset for r in mine(staffed)] == ["overdue"]
