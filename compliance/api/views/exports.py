"""Exports, streamed: the log as NDJSON or CSV (constant memory whatever its size), and the
findings and deadlines as CSV. All honour the filters and the user's walls."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from django.http import StreamingHttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.request import Request
from rest_framework.views import APIView

from compliance import selectors
from compliance.access import Audience, audience_for
from compliance.api.params import moment as moment_params
from compliance.api.params import parse
from compliance.api.serializers import recorded
from compliance.api.views.common import errors, scope
from compliance.api.views.log import LogFilterSerializer
from compliance.api.views.proceedings import DeadlineFilterSerializer
from compliance.api.views.risk import FindingFilterSerializer
from compliance.exporting import csv_lines
from compliance.exporting import download as _download
from compliance.selectors.events import LogFilter


def _log_entries(request: Request) -> Iterator[Any]:
    where = LogFilter(**parse(LogFilterSerializer, request))
    for chunk in selectors.event_log_chunks(scope=scope(request), where=where):
        yield from chunk


LOG_COLUMNS = [
    "position", "event_id", "stream_id", "stream_type", "version", "type", "schema_version",
    "occurred_at", "recorded_at", "actor", "source_url", "data", "hash", "chain_hash",
]  # fmt: skip


def _log_row(entry: Any, reader: Audience) -> list[Any]:
    e = recorded(entry, reader)
    source = e["metadata"].get("source") or {}
    return [
        e["position"], e["event_id"], e["stream_id"], e["stream_type"], e["version"], e["type"],
        e["schema_version"], e["occurred_at"], e["recorded_at"], e["metadata"].get("actor"),
        source.get("url"), e["data"], e["hash"], e["chain_hash"],
    ]  # fmt: skip


def _file(media_type: str, description: str) -> dict[Any, Any]:
    return {(200, media_type): OpenApiResponse(OpenApiTypes.STR, description=description)}


class EventsNdjsonExportApi(APIView):
    @extend_schema(
        operation_id="export_events_ndjson",
        parameters=[LogFilterSerializer],
        responses={
            **_file("application/x-ndjson", "One JSON event per line, in ledger order."),
            **errors(400),
        },
    )
    def get(self, request: Request) -> StreamingHttpResponse:
        entries = _log_entries(request)  # filters are checked before the first byte is sent
        first = next(entries, None)
        reader = audience_for(request)

        def lines() -> Iterator[str]:
            if first is not None:
                yield json.dumps(recorded(first, reader)) + "\n"
            for entry in entries:
                yield json.dumps(recorded(entry, reader)) + "\n"

        return _download(lines(), "events.ndjson", "application/x-ndjson")


class EventsCsvExportApi(APIView):
    @extend_schema(
        operation_id="export_events_csv",
        parameters=[LogFilterSerializer],
        responses={**_file("text/csv", "The log as CSV, in ledger order."), **errors(400)},
    )
    def get(self, request: Request) -> StreamingHttpResponse:
        entries = _log_entries(request)
        first = next(entries, None)
        reader = audience_for(request)
        rows = (_log_row(e, reader) for e in ([first] if first is not None else []))

        def all_rows() -> Iterator[list[Any]]:
            yield from rows
            for entry in entries:
                yield _log_row(entry, reader)

        return _download(csv_lines(LOG_COLUMNS, all_rows()), "events.csv", "text/csv")


FINDING_COLUMNS = [
    "investment_id", "regime", "status", "procedure", "score", "context_only", "rationale",
    "citation", "missing", "pack_id", "pack_version", "as_of", "event_ids", "decision_event_id",
]  # fmt: skip


class FindingsCsvExportApi(APIView):
    @extend_schema(
        operation_id="export_findings_csv",
        parameters=[FindingFilterSerializer],
        responses={**_file("text/csv", "Findings as CSV."), **errors(400)},
    )
    def get(self, request: Request) -> StreamingHttpResponse:
        filters = parse(FindingFilterSerializer, request)
        rows = selectors.finding_list(
            scope=scope(request), moment=moment_params(filters), **filters
        )
        lines = csv_lines(FINDING_COLUMNS, ([getattr(f, c) for c in FINDING_COLUMNS] for f in rows))
        return _download(lines, "findings.csv", "text/csv")


DEADLINE_COLUMNS = ["proceeding_id", "key", "kind", "description", "due_on", "days_left", "overdue"]


class DeadlinesCsvExportApi(APIView):
    @extend_schema(
        operation_id="export_deadlines_csv",
        parameters=[DeadlineFilterSerializer],
        responses={**_file("text/csv", "Open deadlines as CSV."), **errors(400)},
    )
    def get(self, request: Request) -> StreamingHttpResponse:
        filters = parse(DeadlineFilterSerializer, request)
        rows = selectors.deadline_list(
            scope=scope(request), moment=moment_params(filters), **filters
        )
        lines = csv_lines(
            DEADLINE_COLUMNS, ([getattr(d, c) for c in DEADLINE_COLUMNS] for d in rows)
        )
        return _download(lines, "deadlines.csv", "text/csv")
