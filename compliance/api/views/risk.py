"""Findings, the portfolio risk matrix, and re-evaluation diffs."""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from compliance import selectors, services
from compliance.api.pagination import Page, paginated
from compliance.api.params import (
    MOMENT_PARAMETERS,
    PAGE_PARAMS,
    Instant,
    MomentParams,
    Strict,
    parse,
)
from compliance.api.params import moment as moment_of
from compliance.api.serializers import FindingSerializer, finding
from compliance.api.views.common import errors, scope
from compliance.api.views.investments import visible_investment
from compliance.rules import engine, packs
from compliance.rules.base import Status
from compliance.selectors.risk import finding_row

STATUSES = [s.value for s in Status]


class FindingFilterSerializer(MomentParams):
    ignored = PAGE_PARAMS
    investment_id = serializers.CharField(required=False, max_length=200)
    regime = serializers.ChoiceField(sorted(engine.REGIMES), required=False)
    status = serializers.ChoiceField(STATUSES, required=False)


class FindingListApi(APIView):
    pagination_class = Page

    @extend_schema(
        operation_id="findings_list",
        parameters=[FindingFilterSerializer],
        responses={200: FindingSerializer(many=True), **errors(400)},
        description="Findings per investment and regime across the user's matters: the risk "
        "view now, or evaluated from the log at `as_of` / `known_at`.",
    )
    def get(self, request: Request) -> Response:
        filters = parse(FindingFilterSerializer, request)
        rows = selectors.finding_list(scope=scope(request), moment=moment_of(filters), **filters)
        return paginated(request, self, rows, lambda page: [finding(f) for f in page])


class InvestmentFindingsApi(APIView):
    class FilterSerializer(MomentParams):
        regime = serializers.ChoiceField(sorted(engine.REGIMES), required=False)
        status = serializers.ChoiceField(STATUSES, required=False)

    @extend_schema(
        operation_id="investments_findings",
        parameters=[FilterSerializer],
        responses={200: FindingSerializer(many=True), **errors(400, 404)},
        description="Every regime's finding for one investment: status, score, rationale, "
        "citation, each number against its threshold, the events used, the rule pack, and "
        "the data still missing.",
    )
    def get(self, request: Request, investment_id: str) -> Response:
        filters = parse(self.FilterSerializer, request)
        when = moment_of(filters)
        if not when.live or not scope(request).sees_investment(investment_id):
            visible_investment(request, investment_id)
        rows = selectors.finding_list(
            scope=scope(request), moment=when, investment_id=investment_id, **filters
        )
        if not rows:  # findings in the read model are of a recorded investment; else check
            visible_investment(request, investment_id)
        return Response([finding(f) for f in rows])


class CellSerializer(serializers.Serializer):
    status = serializers.ChoiceField(STATUSES)
    score = serializers.IntegerField()


class MatrixRowSerializer(serializers.Serializer):
    investment_id = serializers.CharField()
    title = serializers.CharField()
    cells = serializers.DictField(child=CellSerializer(), help_text="By regime.")
    highest = CellSerializer(allow_null=True, help_text="The most pressing cell.")


class MatrixSerializer(serializers.Serializer):
    regimes = serializers.ListField(child=serializers.CharField())
    rows = MatrixRowSerializer(many=True)


class RiskMatrixApi(APIView):
    @extend_schema(
        operation_id="risk_matrix",
        parameters=MOMENT_PARAMETERS,
        responses={200: MatrixSerializer, **errors(400)},
        description="The portfolio heat map: the user's investments by regimes, each cell the "
        "finding's status and score.",
    )
    def get(self, request: Request) -> Response:
        when = moment_of(parse(MomentParams, request))
        matrix = selectors.portfolio_matrix(scope=scope(request), moment=when)
        return Response(
            {
                "regimes": matrix.regimes,
                "rows": [
                    {
                        "investment_id": row.investment_id,
                        "title": row.title,
                        "cells": {r: vars(cell) for r, cell in row.cells.items()},
                        "highest": None if row.highest is None else vars(row.highest),
                    }
                    for row in matrix.rows
                ],
            }
        )


def _versions(value: str) -> dict[str, str]:
    """``eumr=2024-1,fsr_art20=2023-10`` as ``{"eumr": "2024-1", ...}``."""
    found = {}
    for item in filter(None, (part.strip() for part in value.split(","))):
        regime, sep, version = item.partition("=")
        if not sep or regime not in engine.REGIMES or not version:
            raise serializers.ValidationError(
                f"Give regime=version pairs separated by commas; regimes: "
                f"{', '.join(sorted(engine.REGIMES))}."
            )
        known = [pack.version for pack in packs.load().get(regime, ())]
        if version not in known:
            raise serializers.ValidationError(
                f"No rule pack {regime} version {version!r}; there are: {', '.join(known)}."
            )
        found[regime] = version
    return found


class PackVersions(serializers.CharField):
    def to_internal_value(self, data: Any) -> dict[str, str]:  # type: ignore[override]
        return _versions(super().to_internal_value(data))


class DiffParams(Strict):
    as_of = serializers.DateField(help_text="The valid time both evaluations look at.")
    before_known_at = Instant(required=False)
    after_known_at = Instant(required=False)
    before_versions = PackVersions(required=False, max_length=1000)
    after_versions = PackVersions(required=False, max_length=1000)


class FindingSideSerializer(serializers.Serializer):
    status = serializers.ChoiceField(STATUSES)
    procedure = serializers.CharField(help_text="Where the authority's case stands; empty: none.")
    score = serializers.IntegerField()
    pack_version = serializers.CharField()
    rationale = serializers.CharField()


class FindingChangeSerializer(serializers.Serializer):
    regime = serializers.CharField()
    change = serializers.ChoiceField(["appeared", "disappeared", "changed"])
    before = FindingSideSerializer(allow_null=True)
    after = FindingSideSerializer(allow_null=True)


class FindingDiffApi(APIView):
    @extend_schema(
        operation_id="investments_findings_diff",
        parameters=[
            DiffParams,
            OpenApiParameter(
                "before_versions",
                OpenApiTypes.STR,
                description="Rule pack versions, `regime=version` pairs separated by commas "
                "(default: the packs in force on `as_of`).",
            ),
            OpenApiParameter("after_versions", OpenApiTypes.STR, description="As above."),
        ],
        responses={200: FindingChangeSerializer(many=True), **errors(400, 404, 422)},
        description="Re-evaluate one investment twice, under two rule pack versions or as "
        "known at two times, and list the findings that appear, disappear or change status.",
    )
    def get(self, request: Request, investment_id: str) -> Response:
        params = parse(DiffParams, request)
        visible_investment(request, investment_id)
        changes = services.findings_compare(investment_id=investment_id, **params)
        return Response(
            [
                {
                    "regime": c.regime,
                    "change": c.change,
                    "before": _side(c.before, params["as_of"]),
                    "after": _side(c.after, params["as_of"]),
                }
                for c in changes
            ]
        )


def _side(finding: Any, as_of: Any) -> dict[str, Any] | None:
    if finding is None:
        return None
    row = finding_row(finding, as_of)
    return {
        "status": row.status,
        "procedure": row.procedure,
        "score": row.score,
        "pack_version": row.pack_version,
        "rationale": row.rationale,
    }
