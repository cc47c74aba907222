"""The REST API, version 1: every path under /api/v1/."""

from __future__ import annotations

from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from compliance.api import errors
from compliance.api.views import (
    exports,
    investments,
    log,
    matters,
    parties,
    proceedings,
    reports,
    risk,
)

app_name = "api"

STREAM = "<str:stream_id>"

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    path("me/", matters.MeApi.as_view(), name="me"),
    path("matters/", matters.MatterListApi.as_view(), name="matters"),
    path("matters/<str:code>/", matters.MatterDetailApi.as_view(), name="matter"),
    path("parties/", parties.PartyListApi.as_view(), name="parties"),
    path("parties/<str:party_id>/", parties.PartyDetailApi.as_view(), name="party"),
    path("investments/", investments.InvestmentListApi.as_view(), name="investments"),
    path(
        "investments/<str:investment_id>/",
        investments.InvestmentDetailApi.as_view(),
        name="investment",
    ),
    path(
        "investments/<str:investment_id>/timeline/",
        investments.TimelineApi.as_view(),
        name="timeline",
    ),
    path(
        "investments/<str:investment_id>/findings/",
        risk.InvestmentFindingsApi.as_view(),
        name="investment-findings",
    ),
    path(
        "investments/<str:investment_id>/findings/diff/",
        risk.FindingDiffApi.as_view(),
        name="findings-diff",
    ),
    path("proceedings/", proceedings.ProceedingListApi.as_view(), name="proceedings"),
    path(
        "proceedings/<str:proceeding_id>/",
        proceedings.ProceedingDetailApi.as_view(),
        name="proceeding",
    ),
    path("deadlines/", proceedings.DeadlineListApi.as_view(), name="deadlines"),
    path("findings/", risk.FindingListApi.as_view(), name="findings"),
    path("risk-matrix/", risk.RiskMatrixApi.as_view(), name="risk-matrix"),
    path("events/", log.EventListApi.as_view(), name="events"),
    path("events/<uuid:event_id>/", log.EventDetailApi.as_view(), name="event"),
    path(f"streams/{STREAM}/events/", log.StreamEventsApi.as_view(), name="stream-events"),
    path("event-types/", log.EventTypeListApi.as_view(), name="event-types"),
    path("event-types/<str:name>/", log.EventTypeDetailApi.as_view(), name="event-type"),
    path("exports/events.ndjson", exports.EventsNdjsonExportApi.as_view(), name="export-ndjson"),
    path("exports/events.csv", exports.EventsCsvExportApi.as_view(), name="export-events-csv"),
    path(
        "exports/findings.csv", exports.FindingsCsvExportApi.as_view(), name="export-findings-csv"
    ),
    path(
        "exports/deadlines.csv",
        exports.DeadlinesCsvExportApi.as_view(),
        name="export-deadlines-csv",
    ),
    path("reports/", reports.ReportListApi.as_view(), name="reports"),
    path("reports/<int:report_id>/", reports.ReportDetailApi.as_view(), name="report"),
    path(
        "reports/<int:report_id>/files/<str:fmt>/",
        reports.ReportFileApi.as_view(),
        name="report-file",
    ),
    re_path(r"^[\s\S]*$", errors.not_found),  # any other path, a newline in it included
]
