"""Reports: request, build (pin, read, render, store), regenerate, deliver; and who may
see one. Interfaces (the API, the admin, the ``risk_report`` command, Celery tasks) call
these functions only."""

from __future__ import annotations

import hashlib
import logging
import os
from collections.abc import Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import nullcontext
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from compliance.access import Role, role_of
from compliance.models import Matter, MatterInvestment, Report, ReportFile, ReportSchedule
from compliance.projections import forked
from compliance.reports import render as renderer
from compliance.reports.content import Content, Pins, build
from compliance.reports.snapshot import Progress, pack_versions_on, read_log
from events import checkpoints, ledger

logger = logging.getLogger(__name__)


class ReportError(Exception):
    """A report cannot be requested or built as asked. ``field`` names the input at fault."""

    def __init__(self, code: str, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.code, self.message, self.field = code, message, field


def _formats(formats: Iterable[str] | None) -> list[str]:
    chosen = list(formats) if formats else list(renderer.FORMATS)
    unknown = sorted(set(chosen) - set(renderer.FORMATS))
    if unknown:
        raise ReportError(
            "invalid", f"Unknown format {unknown[0]!r}: one of html, pdf, csv.", field="formats"
        )
    return [f for f in renderer.FORMATS if f in chosen]


@transaction.atomic
def report_request(
    *,
    matter_code: str | None = None,
    as_of: date | None = None,
    known_at: datetime | None = None,
    formats: Iterable[str] | None = None,
    requested_by: Any = None,
    schedule: ReportSchedule | None = None,
) -> Report:
    """Record a pending report. ``known_at`` defaults to now and ``as_of`` to the day of
    ``known_at`` (UTC). The scope's investments are pinned now: a matter restaffed later
    does not change the report. Build it with :func:`report_build` (or its task)."""
    known_at = known_at or timezone.now()
    if known_at.tzinfo is None:
        raise ReportError("invalid", "known_at must carry a time zone.", field="known_at")
    as_of = as_of or known_at.astimezone(UTC).date()
    investment_ids: list[str] = []
    if matter_code is not None:
        matter = Matter.objects.filter(code=matter_code).first()
        if matter is None:
            raise ReportError("not_found", f"No matter {matter_code!r}.", field="matter")
        investment_ids = sorted(
            MatterInvestment.objects.filter(matter=matter).values_list("investment_id", flat=True)
        )
    return Report.objects.create(
        matter_code=matter_code,
        investment_ids=investment_ids,
        as_of=as_of,
        known_at=known_at,
        formats=_formats(formats),
        requested_by=requested_by if getattr(requested_by, "pk", None) else None,
        schedule=schedule,
    )


def pins_of(report: Report) -> Pins:
    if report.position is None:
        raise ReportError("not_built", f"Report {report.pk} has not been built yet.")
    return Pins(
        position=report.position,
        chain_hash=report.chain_hash,
        as_of=report.as_of,
        known_at=report.known_at,
        pack_versions=dict(report.pack_versions),
        matter_code=report.matter_code,
        investment_ids=None if report.matter_code is None else tuple(report.investment_ids),
    )


def _update(report: Report, **fields: Any) -> None:
    for name, value in fields.items():
        setattr(report, name, value)
    Report.objects.filter(pk=report.pk).update(**fields)


def report_content(report: Report, progress: Progress | None = None) -> Content:
    """The content of a report, from its pins (and its previous report's pins)."""
    pins = pins_of(report)
    previous = pins_of(report.previous) if report.previous is not None else None
    log = read_log(pins.position, progress=_part(progress, 0, 20))
    content = build(log, pins, previous, progress=_part(progress, 20, 80))
    content.checkpoint = _checkpoint(report)
    return content


def _checkpoint(report: Report) -> dict[str, Any] | None:
    """The signed checkpoint the report cites: the first covering its position that had
    been made when it was pinned (None if there was none, e.g. no signing key)."""
    if report.pinned_at is None or report.position is None:
        return None
    found = checkpoints.covering(report.position, made_by=report.pinned_at)
    if found is None:
        return None
    return {
        "position": found.position,
        "chain_hash": found.chain_hash,
        "merkle_root": found.merkle_root,
        "created_at": found.created_at.isoformat(),
        "key_id": found.key_id,
        "public_key": found.public_key,
        "signature": found.signature,
        "file_name": found.file_name,
    }


def _part(progress: Progress | None, start: int, end: int) -> Progress | None:
    if progress is None:
        return None
    return lambda pct, stage: progress(start + (end - start) * pct // 100, stage)


def report_render(report: Report, fmt: str) -> bytes:
    """Regenerate one format of a built report from its pins alone (a PDF with the engine
    that printed the stored one, if it is still there)."""
    content = report_content(report)
    if fmt == "pdf":
        return renderer.pdf(content, engine=_stored_engine(report))
    return renderer.render(content, fmt)


def _stored_engine(report: Report) -> str | None:
    found = report_file(report, "pdf")
    if found is None or not found[1].exists():
        return None
    with found[1].open("rb") as stream:
        return renderer.engine_of(stream.read(4096))


def _previous(report: Report) -> Report | None:
    return (
        Report.objects.filter(
            matter_code=report.matter_code,
            status=Report.Status.DONE,
            position__lte=report.position,
            pk__lt=report.pk,
        )
        .order_by("-pk")
        .first()
    )


def report_dir(report: Report) -> Path:
    return Path(settings.REPORTS_DIR) / f"report-{report.pk}"


def report_build(*, report_id: int, progress: Progress | None = None) -> Report:
    """Pin the report to the ledger's head (sealing what has committed first), evaluate,
    render each format, store the files with their SHA-256. Progress is kept on the row
    (``progress``, ``stage``) for the API, and passed to ``progress`` for a terminal."""
    report = Report.objects.get(pk=report_id)
    if report.status == Report.Status.DONE:
        return report

    last = [-1]

    def tick(pct: int, stage: str) -> None:
        if pct != last[0]:
            last[0] = pct
            _update(report, progress=min(pct, 100), stage=stage)
        if progress is not None:
            progress(pct, stage)

    try:
        _update(report, status=Report.Status.RUNNING, progress=0, stage="pinning", error="")
        if report.position is None:
            ledger.seal()
            position, chain_hash = ledger.head()
            _update(
                report,
                position=position,
                chain_hash=chain_hash,
                pack_versions=pack_versions_on(report.as_of),
            )
            _update(report, previous=_previous(report))
            if checkpoints.signing_key() is not None:
                checkpoints.checkpoint_create()  # signs the head, which covers the position
            _update(report, pinned_at=timezone.now())
        content = report_content(report, progress=_part(tick, 0, 80))
        folder = report_dir(report)
        folder.mkdir(parents=True, exist_ok=True)
        formats = report.formats
        # The CSV is written in a forked child (where one can be: see ``forked``) and the
        # PDF printed on a thread, while this thread renders the HTML that the PDF prints
        # (Chromium starts meanwhile): on two cores, a long report's CSV and the browser's
        # start cost no time of their own.
        csv_later = (
            forked.Later(
                lambda: renderer.csv_bytes(content), processes=settings.RISK_REBUILD_PROCESSES
            )
            if "csv" in formats
            else None
        )
        with (
            csv_later or nullcontext(),
            ThreadPoolExecutor(max_workers=1, thread_name_prefix="report-pdf") as pool,
        ):
            html_ready: Future[bytes] = Future()
            printing = pool.submit(renderer.pdf, content, html_ready) if "pdf" in formats else None
            try:
                if "html" in formats or printing is not None:
                    tick(80, "rendering html")
                    html_ready.set_result(renderer.html(content))
            except BaseException as exc:
                html_ready.set_exception(exc)
                raise
            outputs: dict[str, bytes] = {}
            if "html" in formats:
                outputs["html"] = html_ready.result()
            if printing is not None:
                tick(85, "printing pdf")
                outputs["pdf"] = printing.result()
            if csv_later is not None:
                tick(95, "writing csv")
                outputs["csv"] = csv_later.result()
        with transaction.atomic():  # every format's file recorded, or none
            for fmt, data in outputs.items():
                _store(report, folder, fmt, data)
        tick(100, "done")
        _update(report, status=Report.Status.DONE, finished_at=timezone.now(), stage="done")
    except Exception as exc:
        logger.exception("Report %s failed", report.pk)
        _update(report, status=Report.Status.FAILED, error=f"{type(exc).__name__}: {exc}")
        raise
    return report


def _store(report: Report, folder: Path, fmt: str, data: bytes) -> None:
    """One format's file, written whole (a temporary file renamed) and recorded."""
    name = f"report-{report.pk}.{fmt}"
    temporary = folder / f".{name}.tmp"
    temporary.write_bytes(data)
    os.replace(temporary, folder / name)
    ReportFile.objects.update_or_create(
        report=report,
        format=fmt,
        defaults={
            "sha256": hashlib.sha256(data).hexdigest(),
            "size": len(data),
            "path": f"{folder.name}/{name}",
        },
    )


def report_file(report: Report, fmt: str) -> tuple[ReportFile, Path] | None:
    stored = report.files.filter(format=fmt).first()
    if stored is None:
        return None
    return stored, Path(settings.REPORTS_DIR) / stored.path


def report_check(report: Report) -> dict[str, bool]:
    """Regenerate every stored format from the pins and compare it with the stored hash."""
    content = report_content(report)
    html_bytes = renderer.html(content)
    result = {}
    for stored in report.files.all():
        data = (
            html_bytes
            if stored.format == "html"
            else renderer.pdf(content, html_bytes, engine=_stored_engine(report))
            if stored.format == "pdf"
            else renderer.render(content, stored.format)
        )
        result[stored.format] = hashlib.sha256(data).hexdigest() == stored.sha256
    return result


# ---------------------------------------------------------------- who sees a report


def report_visible_to(report: Report, user: Any) -> bool:
    """An all-matters report: admins only. A one-matter report: admins and the people
    staffed on that matter (any role)."""
    role = role_of(user)
    if role is None:
        return False
    if role is Role.ADMIN:
        return True
    if report.matter_code is None:
        return False
    return Matter.objects.filter(code=report.matter_code, members=user).exists()


def report_list(*, user: Any) -> QuerySet[Report]:
    role = role_of(user)
    reports = Report.objects.select_related("previous").prefetch_related("files")
    if role is None:
        return reports.none()
    if role is Role.ADMIN:
        return reports.order_by("-pk")
    codes = Matter.objects.filter(members=user).values_list("code", flat=True)
    return reports.filter(Q(matter_code__in=list(codes))).order_by("-pk")


def report_get(*, report_id: int, user: Any) -> Report | None:
    report = report_list(user=user).filter(pk=report_id).first()
    return report


# ---------------------------------------------------------------- delivery


def schedule_recipients(schedule: ReportSchedule) -> list[str]:
    """The addresses a schedule's report goes to: plain addresses as entered by an admin,
    and the users' addresses for users who may see the schedule's scope (a user who has
    lost the right receives nothing)."""
    addresses = set()
    probe = Report(matter_code=schedule.matter.code if schedule.matter else None)
    for subscriber in schedule.subscribers.select_related("user"):
        if subscriber.email:
            addresses.add(subscriber.email)
        elif (
            subscriber.user is not None
            and subscriber.user.email
            and subscriber.user.is_active
            and report_visible_to(probe, subscriber.user)
        ):
            addresses.add(subscriber.user.email)
    return sorted(addresses)


def report_deliver(*, report: Report, recipients: list[str]) -> int:
    """Email the report: the HTML as the body, the PDF and CSV attached. Returns the number
    of messages sent (one, to every recipient, or none without recipients)."""
    if not recipients:
        return 0
    label = renderer.scope_label(report.matter_code)
    subject = (
        f"Risk report: {label}, as of {report.as_of:%Y-%m-%d} (ledger position {report.position})"
    )
    text = (
        f"The risk report for {label}, as of {report.as_of:%Y-%m-%d}, built from the event log up "
        f"to ledger position {report.position} (chain hash {report.chain_hash}).\n"
        "The report is in this message as HTML, with the PDF and the findings (CSV) attached.\n"
    )
    message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, to=recipients)
    for fmt in report.formats:
        found = report_file(report, fmt)
        if found is None:
            continue
        data = found[1].read_bytes()
        if fmt == "html":
            message.attach_alternative(data.decode("utf-8"), "text/html")
        else:
            message.attach(f"risk-report-{report.pk}.{fmt}", data, renderer.MEDIA_TYPES[fmt])
    sent = message.send()
    _update(report, emailed_to=recipients)
    return sent
