"""Deadlines and findings: searchable, filterable, sortable lists behind the walls, each
downloadable as CSV exactly as filtered on screen."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.urls import path, reverse
from django.utils.html import format_html

from compliance.access import Scope
from compliance.admin import recording
from compliance.admin.base import WalledAdmin
from compliance.exporting import csv_lines, download
from compliance.models import Deadline, RiskFinding


def csv_url(request: HttpRequest, name: str) -> str:
    """The CSV download of a list, with the list's filters and search."""
    query = request.GET.urlencode()
    return reverse(name) + (f"?{query}" if query else "")


class CsvListAdmin(WalledAdmin):
    """A list with a "Download CSV" link that exports the current filters and search."""

    change_list_template = "admin/compliance/change_list_csv.html"
    csv_name = ""
    csv_columns: tuple[str, ...] = ()

    def get_urls(self) -> list[Any]:
        name = f"{self.model._meta.app_label}_{self.model._meta.model_name}_export"
        return [
            path("export.csv", self.admin_site.admin_view(self.export), name=name),
            *super().get_urls(),
        ]

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        return super().changelist_view(request, {**(extra_context or {}), "csv_url": csv_url(
            request, f"admin:{self.model._meta.app_label}_{self.model._meta.model_name}_export"
        )})  # fmt: skip

    def export(self, request: HttpRequest) -> HttpResponseBase:
        rows = self.get_changelist_instance(request).get_queryset(request)
        lines = csv_lines(
            list(self.csv_columns),
            ([getattr(row, c) for c in self.csv_columns] for row in rows.iterator(chunk_size=2000)),
        )
        return download(lines, self.csv_name, "text/csv")


@admin.register(Deadline)
class DeadlineAdmin(CsvListAdmin):
    list_display = ("due_on", "description", "kind", "proceeding_link")
    list_filter = ("kind", "due_on")
    search_fields = ("description", "proceeding_id", "key")
    date_hierarchy = "due_on"
    csv_name = "deadlines.csv"
    csv_columns = ("proceeding_id", "key", "kind", "description", "due_on")

    def walled(self, rows: QuerySet[Any], seen: Scope) -> QuerySet[Any]:
        return rows.filter(proceeding_id__in=seen.proceeding_ids() or ())

    @admin.display(description="proceeding", ordering="proceeding_id")
    def proceeding_link(self, row: Deadline) -> str:
        return format_html(
            '<a href="{}">{}</a>', recording.stream_page(row.proceeding_id), row.proceeding_id
        )


@admin.register(RiskFinding)
class FindingAdmin(CsvListAdmin):
    list_display = ("investment_link", "regime", "status", "procedure", "score", "context_only",
                    "as_of", "pack_version")  # fmt: skip
    list_filter = ("regime", "status", "procedure", "context_only", "as_of")
    search_fields = ("investment_id", "rationale", "citation")
    ordering = ("-score", "investment_id", "regime")
    readonly_fields = ("event_ids",)  # the deal's, kept once per deal (RiskDeal)
    csv_name = "findings.csv"
    csv_columns = (
        "investment_id", "regime", "status", "procedure", "score", "context_only", "rationale",
        "citation", "missing", "pack_id", "pack_version", "as_of", "event_ids",
        "decision_event_id",
    )  # fmt: skip

    def walled(self, rows: QuerySet[Any], seen: Scope) -> QuerySet[Any]:
        return rows.filter(investment_id__in=seen.investment_ids)

    @admin.display(description="investment", ordering="investment_id")
    def investment_link(self, row: RiskFinding) -> str:
        return format_html(
            '<a href="{}">{}</a>', recording.stream_page(row.investment_id), row.investment_id
        )
