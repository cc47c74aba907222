"""Reports, schedules and subscribers in the admin. Reports are read-only (they are built
by tasks and pinned to the log); their files download behind the same walls as the API.
Schedules and their subscribers are edited here; the timing is the linked django-celery-beat
periodic task (crontab, enabled), edited in its own admin page."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.http import FileResponse, Http404, HttpRequest
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join

from compliance.models import Report, ReportSchedule, ReportSubscriber
from compliance.reports import services
from compliance.reports.render import FORMATS, MEDIA_TYPES
from compliance.reports.schedules import schedule_ensure_task


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = [
        "id", "scope", "as_of", "known_at", "position", "status", "progress", "created_at",
        "downloads",
    ]  # fmt: skip
    list_filter = ["status", "matter_code"]
    ordering = ["-id"]
    fields = (
        "matter_code", "investment_ids", "as_of", "known_at", "position", "chain_hash",
        "pack_versions", "formats", "previous", "schedule", "requested_by", "status",
        "progress", "stage", "error", "task_id", "created_at", "finished_at", "emailed_to",
        "downloads",
    )  # fmt: skip
    readonly_fields = fields

    @admin.display(description="Scope")
    def scope(self, report: Report) -> str:
        return report.matter_code or "all matters"

    @admin.display(description="Files")
    def downloads(self, report: Report) -> str:
        return format_html_join(
            " ",
            '<a href="{}" title="sha256 {}">{}</a>',
            (
                (reverse("admin:compliance_report_file", args=[report.pk, f.format]), f.sha256,
                 f.format.upper())
                for f in report.files.all()
            ),
        )  # fmt: skip

    def get_queryset(self, request: HttpRequest) -> Any:
        """Only the reports the user may see (the API's walls)."""
        return services.report_list(user=request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_urls(self) -> list[Any]:
        view = self.admin_site.admin_view(self.file_view)
        return [
            path("<int:report_id>/file/<str:fmt>/", view, name="compliance_report_file"),
            *super().get_urls(),
        ]

    def file_view(self, request: HttpRequest, report_id: int, fmt: str) -> FileResponse:
        report = services.report_get(report_id=report_id, user=request.user)
        found = services.report_file(report, fmt) if report and fmt in FORMATS else None
        if report is None or found is None or not found[1].is_file():
            raise Http404("No such report file.")
        return FileResponse(
            found[1].open("rb"), content_type=MEDIA_TYPES[fmt], as_attachment=True,
            filename=f"risk-report-{report.pk}.{fmt}",
        )  # fmt: skip


class SubscriberInline(admin.TabularInline):
    model = ReportSubscriber
    extra = 1
    fields = ["user", "email"]


@admin.register(ReportSchedule)
class ReportScheduleAdmin(admin.ModelAdmin):
    list_display = ["name", "matter", "formats", "timing", "enabled"]
    fields = ["name", "matter", "formats", "periodic_task"]
    inlines = [SubscriberInline]
    actions = ["build_now"]

    @admin.display(description="When")
    def timing(self, schedule: ReportSchedule) -> str:
        task = schedule.periodic_task
        if task is None:
            return "-"
        link = reverse("admin:django_celery_beat_periodictask_change", args=[task.pk])
        return format_html('<a href="{}">{}</a>', link, task.crontab or task.interval or "-")

    @admin.display(boolean=True, description="Enabled")
    def enabled(self, schedule: ReportSchedule) -> bool:
        return bool(schedule.periodic_task and schedule.periodic_task.enabled)

    def save_model(
        self, request: HttpRequest, obj: ReportSchedule, form: Any, change: bool
    ) -> None:
        if not obj.formats:
            obj.formats = list(FORMATS)
        super().save_model(request, obj, form, change)
        schedule_ensure_task(obj)

    @admin.action(description="Build and send the selected schedules' reports now")
    def build_now(self, request: HttpRequest, queryset: Any) -> None:
        from compliance.tasks import report_scheduled_task

        for schedule in queryset:
            report_scheduled_task.delay(schedule.pk)
        self.message_user(request, f"{queryset.count()} report(s) queued.", messages.SUCCESS)
