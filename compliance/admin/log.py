"""The event log in the admin, behind the ethical walls: read-only rows, each marked when it
was retracted or corrected (with a link to the correction), "retract" and "correct" on an
event's page, a CSV download of the filtered list, and the recording pages."""

from __future__ import annotations

import json
from contextvars import ContextVar
from functools import cached_property
from typing import Any

from django.contrib import admin
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.urls import path
from django.utils.html import format_html

from compliance.access import WITHHELD, Audience, Role, audience_for
from compliance.admin import recording
from compliance.admin.base import ReadOnlyAdmin, may, scope
from compliance.admin.lists import csv_url
from compliance.exporting import csv_lines, download
from events.models import LedgerEntry, ProjectionCheckpoint, StoredEvent
from events.personal import reveal_json
from events.types import CORRECTION_TYPES

admin.site.unregister(StoredEvent)  # events' generic, wall-less registration
admin.site.unregister(LedgerEntry)
admin.site.unregister(ProjectionCheckpoint)


class Corrections:
    """Which events were retracted or corrected, and by which event: read once per page."""

    def __init__(self, rows: QuerySet[StoredEvent]) -> None:
        self.rows = rows

    @cached_property
    def by_target(self) -> dict[str, StoredEvent]:
        found: dict[str, StoredEvent] = {}
        for row in self.rows.filter(type__in=CORRECTION_TYPES).order_by("seq"):
            found[str(row.data.get("target_event_id"))] = row  # the latest one wins
        return found


# The corrections of the events a request shows, and who reads them (a ModelAdmin is
# shared between requests).
CORRECTIONS: ContextVar[Corrections | None] = ContextVar("corrections", default=None)
READER: ContextVar[Audience | None] = ContextVar("reader", default=None)


@admin.register(StoredEvent)
class EventLogAdmin(ReadOnlyAdmin):
    list_display = ("seq", "stream_link", "version", "type", "occurred_at", "recorded_at",
                    "actor", "state")  # fmt: skip
    list_filter = ("stream_type", "type", "occurred_at", "recorded_at")
    search_fields = ("stream_id", "=event_id", "type")
    date_hierarchy = "recorded_at"
    ordering = ("-seq",)
    change_form_template = "admin/compliance/event_detail.html"
    change_list_template = "admin/compliance/change_list_csv.html"
    fields = ("event_id", "stream_link", "version", "type", "schema_version", "occurred_at",
              "recorded_at", "actor", "source", "payload", "state", "hash")  # fmt: skip
    readonly_fields = fields

    def get_queryset(self, request: HttpRequest) -> QuerySet[StoredEvent]:
        rows = super().get_queryset(request)
        seen = scope(request)
        if not seen.everything:
            streams = {*seen.investment_ids, *(seen.proceeding_ids() or ())}
            rows = rows.filter(Q(stream_type="party") | Q(stream_id__in=streams))
        return rows

    @admin.display(description="stream", ordering="stream_id")
    def stream_link(self, row: StoredEvent) -> str:
        if row.stream_type not in recording.PAGES:
            return row.stream_id
        return format_html(
            '<a href="{}">{}</a>', recording.stream_page(row.stream_id), row.stream_id
        )

    @admin.display(description="recorded by")
    def actor(self, row: StoredEvent) -> str:
        reader = READER.get()
        return str((reader.shown_actor(row.metadata) if reader else WITHHELD) or "")

    @admin.display(description="source")
    def source(self, row: StoredEvent) -> str:
        found = row.metadata.get("source")
        if not found:
            return "-"
        return format_html(
            '<a href="{}" rel="noopener noreferrer">{}</a> ({}, {}{})',
            found.get("url"), found.get("title") or found.get("url"), found.get("publisher"),
            found.get("reliability", ""),
            f", published {found['published_on']}" if found.get("published_on") else "",
        )  # fmt: skip

    @admin.display(description="data")
    def payload(self, row: StoredEvent) -> str:
        shown = reveal_json(row.data)  # personal data in clear, or marked erased
        return format_html("<pre>{}</pre>", json.dumps(shown, indent=2, ensure_ascii=False))

    @admin.display(description="state")
    def state(self, row: StoredEvent) -> str:
        corrections = CORRECTIONS.get()
        fix = corrections.by_target.get(str(row.event_id)) if corrections else None
        if row.type in CORRECTION_TYPES:
            target = StoredEvent.objects.filter(event_id=row.data.get("target_event_id")).first()
            if target is None:
                return row.type
            verb = "retracts" if row.type == "EventRetracted" else "corrects"
            return format_html(
                '{} <a href="{}">event {}</a>', verb, recording.event_page(target.seq), target.seq
            )
        if fix is None:
            return "in force"
        verb = "retracted" if fix.type == "EventRetracted" else "corrected"
        return format_html(
            '<strong>{}</strong> by <a href="{}">event {}</a>: {}',
            verb, recording.event_page(fix.seq), fix.seq, fix.data.get("reason", ""),
        )  # fmt: skip

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        CORRECTIONS.set(Corrections(self.get_queryset(request)))
        READER.set(audience_for(request))
        context = {
            **(extra_context or {}),
            "csv_url": csv_url(request, "admin:compliance_event_export"),
        }
        return super().changelist_view(request, context)

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: Any = None
    ) -> HttpResponse:
        CORRECTIONS.set(Corrections(self.get_queryset(request)))
        READER.set(audience_for(request))
        row = (
            self.get_queryset(request).filter(pk=object_id).first() if object_id.isdigit() else None
        )
        context = {
            **(extra_context or {}),
            "may_correct": row is not None and may(request, Role.ANALYST)
            and row.type not in CORRECTION_TYPES and row.stream_type in recording.PAGES,
        }  # fmt: skip
        return super().change_view(request, object_id, form_url, context)

    def get_urls(self) -> list[Any]:
        view = self.admin_site.admin_view
        return [
            path("record/<str:stream_id>/", view(recording.record_choose),
                 name="compliance_record_choose"),
            path("record/<str:stream_id>/<str:type_name>/", view(recording.record_form),
                 name="compliance_record_form"),
            path("<int:seq>/retract/", view(recording.retract), name="compliance_event_retract"),
            path("<int:seq>/correct/", view(recording.correct), name="compliance_event_correct"),
            path("export.csv", view(self.export), name="compliance_event_export"),
            *super().get_urls(),
        ]  # fmt: skip

    def export(self, request: HttpRequest) -> HttpResponseBase:
        """The list as filtered and searched on screen, as CSV."""
        changelist = self.get_changelist_instance(request)
        rows = changelist.get_queryset(request).order_by("seq")
        keys: dict[str, bytes | None] = {}  # each data subject's key looked up once
        reader = audience_for(request)
        header = ["seq", "event_id", "stream_id", "version", "type", "occurred_at",
                  "recorded_at", "actor", "source_url", "data"]  # fmt: skip
        lines = csv_lines(
            header,
            (
                [r.seq, r.event_id, r.stream_id, r.version, r.type, r.occurred_at.isoformat(),
                 r.recorded_at.isoformat(), reader.shown_actor(r.metadata),
                 (r.metadata.get("source") or {}).get("url"), reveal_json(r.data, keys)]
                for r in rows.iterator(chunk_size=2000)
            ),
        )  # fmt: skip
        return download(lines, "events.csv", "text/csv")


class AdminsOnly(ReadOnlyAdmin):
    """Store internals: for admins."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return may(request, Role.ADMIN)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return may(request, Role.ADMIN)


@admin.register(LedgerEntry)
class LedgerAdmin(AdminsOnly):
    list_display = ("position", "event", "chain_hash", "sealed_at")
    ordering = ("-position",)


@admin.register(ProjectionCheckpoint)
class CheckpointAdmin(AdminsOnly):
    list_display = ("name", "position", "failed_position", "error", "updated_at")
