"""Deadline reminders: each open deadline, at each configured number of days before it is
due and once when it is overdue, to the people staffed on the matters it concerns.

Exactly once: a reminder is *claimed* by inserting a ``DeadlineReminder`` row, unique on
(proceeding, deadline key, due date, offset), and the mail is sent inside the same
transaction. A second run, on this worker or another, cannot insert the row again (on
PostgreSQL it waits for the first transaction, then finds the row); a failed send rolls the
claim back so the next run tries again. The one window left is a crash after the mail
server accepted the message and before the commit: the next run sends it again (at least
once there, never silently lost).

A deadline extended in the log has a new due date, so its pending reminders (for the old
date) are never sent; a deadline met, withdrawn or closed is no longer open, so nothing is
sent for it. Reminders read the deadlines read model, caught up first.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from compliance.access import role_of
from compliance.models import DeadlineReminder, Matter, MatterInvestment
from compliance.models import Proceeding as ProceedingRow
from compliance.selectors import deadline_list
from compliance.selectors.proceedings import OpenDeadline

OVERDUE = "overdue"


def offset_for(days_left: int, offsets: Sequence[int]) -> str | None:
    """Which reminder a deadline is due for today: ``overdue`` once past its date, else the
    smallest configured offset at or above the days left (so a run that was missed sends
    the nearest reminder once, not every one skipped), else None (too far away)."""
    if days_left < 0:
        return OVERDUE
    reached = [o for o in offsets if o >= days_left]
    return str(min(reached)) if reached else None


def staff_addresses(proceeding_id: str) -> list[str]:
    """The addresses of the active users with a role staffed on a matter covering one of
    the investments the proceeding concerns."""
    row = ProceedingRow.objects.filter(stream_id=proceeding_id).first()
    if row is None:
        return []
    matters = MatterInvestment.objects.filter(investment_id__in=row.investment_ids).values("matter")
    found = set()
    for matter in Matter.objects.filter(pk__in=matters).prefetch_related("members"):
        for user in matter.members.all():
            if user.is_active and user.email and role_of(user) is not None:
                found.add(user.email)
    return sorted(found)


@dataclass(frozen=True)
class Sent:
    proceeding_id: str
    key: str
    due_on: date
    offset: str
    recipients: list[str]


def _message(deadline: OpenDeadline, offset: str) -> tuple[str, str]:
    when = (
        f"was due on {deadline.due_on:%Y-%m-%d} and is overdue"
        if offset == OVERDUE
        else f"is due on {deadline.due_on:%Y-%m-%d}, in {deadline.days_left} day"
        + ("" if deadline.days_left == 1 else "s")
    )
    subject = f"Deadline reminder: {deadline.description[:120]} ({deadline.due_on:%Y-%m-%d})"
    body = (
        f"{deadline.description}\n\nThis {deadline.kind} of proceeding {deadline.proceeding_id} "
        f"{when}.\n\nYou receive this because you are staffed on a matter it concerns."
    )
    return subject, body


def reminders_send(
    *, today: date | None = None, offsets: Sequence[int] | None = None
) -> list[Sent]:
    """Send the reminders due today (each at most once); return those sent by this run."""
    today = today or timezone.localdate()
    offsets = list(settings.REMINDER_OFFSETS_DAYS if offsets is None else offsets)
    sent = []
    for deadline in deadline_list(today=today):
        offset = offset_for(deadline.days_left, offsets)
        if offset is None:
            continue
        recipients = staff_addresses(deadline.proceeding_id)
        if not recipients:
            continue  # nobody to tell yet: not claimed, so someone staffed later is told
        identity = {
            "proceeding_id": deadline.proceeding_id,
            "deadline_key": deadline.key,
            "due_on": deadline.due_on,
            "offset": offset,
        }
        with transaction.atomic():
            if DeadlineReminder.objects.filter(**identity).exists():
                continue
            try:
                with transaction.atomic():
                    DeadlineReminder.objects.create(
                        **identity, sent_on=today, recipients=recipients
                    )
            except IntegrityError:
                continue  # another run claimed it first
            subject, body = _message(deadline, offset)
            send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients)
        sent.append(Sent(deadline.proceeding_id, deadline.key, deadline.due_on, offset, recipients))
    return sent
