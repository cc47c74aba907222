"""Matters (the ethical walls) and the signed-in user. Admins create matters and staff them;
everyone else sees the matters they are staffed on."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from compliance.access import Role, role_of
from compliance.api.authentication import forget_access
from compliance.api.params import Strict
from compliance.api.permissions import IsAdmin
from compliance.api.views.common import errors, not_found
from compliance.models import Matter, MatterInvestment


class MatterSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    members = serializers.ListField(child=serializers.CharField(), help_text="Usernames.")
    investment_ids = serializers.ListField(child=serializers.CharField())


def _out(matter: Matter) -> dict[str, Any]:
    return {
        "code": matter.code,
        "name": matter.name,
        "members": sorted(u.get_username() for u in matter.members.all()),
        "investment_ids": sorted(i.investment_id for i in matter.investments.all()),
    }


def _matters(request: Request) -> Any:
    rows = Matter.objects.prefetch_related("members", "investments")
    if role_of(request.user) is Role.ADMIN:
        return rows
    return rows.filter(members__pk=request.user.pk or 0)


class MatterInput(Strict):
    code = serializers.RegexField(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,49}$")
    name = serializers.CharField(max_length=200)
    members = serializers.ListField(
        child=serializers.CharField(max_length=150), required=False, max_length=1000
    )
    investment_ids = serializers.ListField(
        child=serializers.RegexField(r"^investment-[A-Za-z0-9][A-Za-z0-9._:-]*$", max_length=200),
        required=False,
        max_length=10000,
    )

    def validate_members(self, value: list[str]) -> list[Any]:
        users = {u.get_username(): u for u in get_user_model().objects.filter(username__in=value)}
        unknown = sorted(set(value) - set(users))
        if unknown:
            raise serializers.ValidationError(f"No such users: {', '.join(unknown)}.")
        return list(users.values())


class MatterUpdate(MatterInput):
    code = None  # type: ignore[assignment]
    name = serializers.CharField(max_length=200, required=False)


def _save(matter: Matter, data: dict[str, Any]) -> None:
    if "name" in data:
        matter.name = data["name"]
        matter.save()
    if "members" in data:
        matter.members.set(data["members"])
    if "investment_ids" in data:
        matter.investments.all().delete()
        MatterInvestment.objects.bulk_create(
            [MatterInvestment(matter=matter, investment_id=i) for i in set(data["investment_ids"])]
        )
        forget_access()  # bulk_create sends no signal


class MatterListApi(APIView):
    permission_classes = [IsAdmin]

    @extend_schema(
        operation_id="matters_list",
        responses={200: MatterSerializer(many=True), **errors()},
        description="The matters you are staffed on (admins: every matter).",
    )
    def get(self, request: Request) -> Response:
        return Response([_out(m) for m in _matters(request)])

    @extend_schema(
        operation_id="matters_create",
        request=MatterInput,
        responses={201: MatterSerializer, **errors(400, 409, 413)},
        description="Admins only: open a matter, staff it and list its investments.",
    )
    def post(self, request: Request) -> Response:
        body = MatterInput(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        with transaction.atomic():
            if Matter.objects.filter(code=data["code"]).exists():
                from compliance.api.errors import ApiError

                raise ApiError(
                    "already_exists", f"Matter {data['code']!r} exists.", status_code=409,
                    field="code",
                )  # fmt: skip
            matter = Matter.objects.create(code=data["code"], name=data["name"])
            _save(matter, data)
        return Response(_out(matter), status=status.HTTP_201_CREATED)


class MatterDetailApi(APIView):
    permission_classes = [IsAdmin]

    @extend_schema(operation_id="matters_read", responses={200: MatterSerializer, **errors(404)})
    def get(self, request: Request, code: str) -> Response:
        matter = _matters(request).filter(code=code).first()
        if matter is None:
            raise not_found("matter", code)
        return Response(_out(matter))

    @extend_schema(
        operation_id="matters_update",
        request=MatterUpdate,
        responses={200: MatterSerializer, **errors(400, 404, 413)},
        description="Admins only: rename, restaff, or replace the list of investments.",
    )
    def patch(self, request: Request, code: str) -> Response:
        matter = Matter.objects.filter(code=code).first()
        if matter is None:
            raise not_found("matter", code)
        body = MatterUpdate(data=request.data)
        body.is_valid(raise_exception=True)
        with transaction.atomic():
            _save(matter, dict(body.validated_data))
        return Response(_out(Matter.objects.get(pk=matter.pk)))


class MeSerializer(serializers.Serializer):
    username = serializers.CharField()
    role = serializers.ChoiceField(["viewer", "analyst", "admin"])
    matters = serializers.ListField(child=serializers.CharField(), help_text="Matter codes.")


class MeApi(APIView):
    @extend_schema(operation_id="me", responses={200: MeSerializer, **errors()})
    def get(self, request: Request) -> Response:
        role = role_of(request.user)
        assert role is not None  # CanRead let the request in
        return Response(
            {
                "username": request.user.get_username(),
                "role": role.name.lower(),
                "matters": [m.code for m in _matters(request)],
            }
        )
