"""Risk reports: list, request (built by a Celery task), follow the task's progress, and
download each format. A one-matter report is visible to the people staffed on that matter
(any role) and to admins; a report of every matter to admins only. Others get a 404."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.views import APIView

from compliance.access import Role, role_of
from compliance.api.errors import ApiError
from compliance.api.pagination import Page, paginated
from compliance.api.params import PAGE_PARAMS, Instant, Strict, parse
from compliance.api.views.common import errors, not_found
from compliance.models import Matter, Report
from compliance.reports import services
from compliance.reports.render import FORMATS, MEDIA_TYPES


class ReportFileSerializer(serializers.Serializer):
    format = serializers.ChoiceField(FORMATS)
    sha256 = serializers.CharField(help_text="SHA-256 of the file's bytes.")
    size = serializers.IntegerField(help_text="Bytes.")
    url = serializers.CharField(help_text="Where to download it.")


class ReportSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    matter = serializers.CharField(allow_null=True, help_text="Null: every matter.")
    investment_ids = serializers.ListField(
        child=serializers.CharField(), help_text="A matter's investments, pinned when requested."
    )
    as_of = serializers.DateField()
    known_at = serializers.DateTimeField()
    position = serializers.IntegerField(
        allow_null=True, help_text="The ledger position the report was built at."
    )
    chain_hash = serializers.CharField(help_text="The ledger's chain hash at that position.")
    pack_versions = serializers.DictField(
        child=serializers.CharField(allow_blank=True), help_text="Rule pack version by regime."
    )
    formats = serializers.ListField(child=serializers.ChoiceField(FORMATS))
    previous_id = serializers.IntegerField(
        allow_null=True, help_text="The report its changes are counted from."
    )
    status = serializers.ChoiceField(Report.Status.choices)
    progress = serializers.IntegerField(help_text="Percent done.")
    stage = serializers.CharField(help_text="What the task is doing.")
    error = serializers.CharField(help_text="Why it failed, if it did.")
    task_id = serializers.CharField(help_text="The Celery task building it.")
    created_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField(allow_null=True)
    files = ReportFileSerializer(many=True)


def _out(request: Request, report: Report) -> dict[str, Any]:
    return {
        "id": report.pk,
        "matter": report.matter_code,
        "investment_ids": list(report.investment_ids),
        "as_of": report.as_of,
        "known_at": report.known_at,
        "position": report.position,
        "chain_hash": report.chain_hash,
        "pack_versions": dict(report.pack_versions),
        "formats": list(report.formats),
        "previous_id": report.previous_id,
        "status": report.status,
        "progress": report.progress,
        "stage": report.stage,
        "error": report.error,
        "task_id": report.task_id,
        "created_at": report.created_at,
        "finished_at": report.finished_at,
        "files": [
            {
                "format": f.format,
                "sha256": f.sha256,
                "size": f.size,
                "url": reverse("api:report-file", args=[report.pk, f.format], request=request),
            }
            for f in report.files.all()
        ],
    }


class ReportRequestSerializer(Strict):
    matter = serializers.CharField(
        required=False, max_length=50, help_text="A matter's code; omit for every matter (admins)."
    )
    as_of = serializers.DateField(
        required=False, help_text="Valid time (default: the day of known_at, UTC)."
    )
    known_at = Instant(required=False, help_text="Transaction time (default: now).")
    formats = serializers.ListField(
        child=serializers.ChoiceField(FORMATS), required=False, min_length=1, max_length=3,
        help_text="Default: html, pdf and csv.",
    )  # fmt: skip


class ReportListParams(Strict):
    ignored = PAGE_PARAMS
    matter = serializers.CharField(
        required=False, max_length=50, help_text="Only the reports of this matter."
    )


class ReportListApi(APIView):
    pagination_class = Page

    @extend_schema(
        operation_id="reports_list",
        parameters=[ReportListParams],
        responses={200: ReportSerializer(many=True), **errors(400)},
        description="The reports you may see, newest first: those of your matters (admins: "
        "every report, including those of every matter).",
    )
    def get(self, request: Request) -> Response:
        filters = parse(ReportListParams, request)
        rows = services.report_list(user=request.user)
        if "matter" in filters:
            rows = rows.filter(matter_code=filters["matter"])
        return paginated(request, self, rows, lambda page: [_out(request, r) for r in page])

    @extend_schema(
        operation_id="reports_create",
        request=ReportRequestSerializer,
        responses={202: ReportSerializer, **errors(400, 413, 422)},
        description="Request a report: it is built by a Celery task (follow `status` and "
        "`progress` on the report), pinned to the ledger position it is built at. Analysts "
        "request reports of their matters; only admins request one of every matter.",
    )
    def post(self, request: Request) -> Response:
        body = ReportRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        code = data.get("matter")
        admin = role_of(request.user) is Role.ADMIN
        if code is None and not admin:
            raise ApiError(
                "permission_denied", "Only admins may request a report of every matter.",
                status_code=403,
            )  # fmt: skip
        if code is not None and not (
            (admin and Matter.objects.filter(code=code).exists())
            or Matter.objects.filter(code=code, members__pk=request.user.pk or 0).exists()
        ):
            raise ApiError(
                "unknown_reference", f"No matter {code!r} you are staffed on.",
                status_code=422, field="matter",
            )  # fmt: skip
        from compliance.tasks import report_build_task

        with transaction.atomic():
            report = services.report_request(
                matter_code=code, as_of=data.get("as_of"), known_at=data.get("known_at"),
                formats=data.get("formats"), requested_by=request.user,
            )  # fmt: skip
            transaction.on_commit(lambda: report_build_task.delay(report.pk))
        report.refresh_from_db()
        return Response(_out(request, report), status=status.HTTP_202_ACCEPTED)


def _visible(request: Request, report_id: int) -> Report:
    report = services.report_get(report_id=report_id, user=request.user)
    if report is None:
        raise not_found("report", report_id)
    return report


class ReportDetailApi(APIView):
    @extend_schema(
        operation_id="reports_read",
        responses={200: ReportSerializer, **errors(404)},
        description="One report: its pins, the state and progress of the task building it, "
        "and its files with their SHA-256.",
    )
    def get(self, request: Request, report_id: int) -> Response:
        return Response(_out(request, _visible(request, report_id)))


class ReportFileApi(APIView):
    @extend_schema(
        operation_id="reports_file",
        parameters=[
            OpenApiParameter("fmt", OpenApiTypes.STR, OpenApiParameter.PATH, enum=list(FORMATS))
        ],
        responses={
            **{
                (200, media): OpenApiResponse(OpenApiTypes.BINARY, description=f"The {fmt}.")
                for fmt, media in MEDIA_TYPES.items()
            },
            **errors(404),
        },
        description="A report's file, as stored (its SHA-256 is in `X-Content-SHA256`).",
    )
    def get(self, request: Request, report_id: int, fmt: str) -> FileResponse:
        report = _visible(request, report_id)
        found = services.report_file(report, fmt) if fmt in FORMATS else None
        if found is None or not found[1].is_file():
            raise not_found("file", f"{fmt} of report {report_id}")
        stored, path = found
        response = FileResponse(
            path.open("rb"),
            content_type=MEDIA_TYPES[fmt] + ("; charset=utf-8" if fmt != "pdf" else ""),
            as_attachment=True,
            filename=f"risk-report-{report.pk}.{fmt}",
        )
        response["X-Content-SHA256"] = stored.sha256
        response["X-Content-Type-Options"] = "nosniff"
        return response
