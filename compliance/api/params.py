"""Query parameters and request bodies: strict (unknown fields are a 400, and so is a number
where a string is expected, or a string where a number is), and the ``as_of`` /
``known_at`` pair every read of state accepts. The schema says so (``StrictExtension``)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Any

from django.http import QueryDict
from drf_spectacular.extensions import OpenApiSerializerExtension
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers

from compliance.selectors import Moment


class Strict(serializers.Serializer):
    """A serializer that refuses fields it does not know, instead of ignoring them, and a
    JSON value of the wrong type (DRF's CharField takes 0 as "0")."""

    ignored: tuple[str, ...] = ()

    def to_internal_value(self, data: Any) -> Any:
        if hasattr(data, "keys"):
            unknown = sorted(set(data.keys()) - set(self.fields) - set(self.ignored))
            if unknown:
                raise serializers.ValidationError(
                    {name: ["Unknown field."] for name in unknown}, code="unknown_field"
                )
            if isinstance(data, QueryDict):  # ?name= is a mistake, not "no filter"
                empty = sorted(k for k, v in data.items() if v == "" and k not in self.ignored)
                if empty:
                    raise serializers.ValidationError(
                        {name: ["Must not be empty."] for name in empty}, code="blank"
                    )
            else:
                wrong = {k: _wrong_type(f, data[k]) for k, f in self.fields.items() if k in data}
                if any(wrong.values()):
                    raise serializers.ValidationError(
                        {name: [reason] for name, reason in wrong.items() if reason},
                        code="invalid",
                    )
        return super().to_internal_value(data)


def _wrong_type(field: serializers.Field, value: Any) -> str | None:
    """Why a JSON value does not fit a string or integer field (or a list of them): DRF
    would take the number 0 for the string "0", and the string "3" for the number 3."""
    if isinstance(field, serializers.ListField) and isinstance(value, list):
        return next(filter(None, (_wrong_type(field.child, item) for item in value)), None)
    if value is None:
        return None
    if isinstance(field, serializers.CharField) and not isinstance(value, str):
        return "Not a valid string."
    if isinstance(field, serializers.IntegerField) and (
        isinstance(value, bool) or not isinstance(value, int | float)
    ):
        return "A valid integer is required."
    return None


class StrictExtension(OpenApiSerializerExtension):
    """In the schema, a Strict serializer's object refuses unknown fields
    (``additionalProperties: false``) and its strings must not be blank (DRF strips them
    first, so "  " is blank too: a non-space is required)."""

    target_class = Strict
    match_subclasses = True

    def map_serializer(self, auto_schema: Any, direction: Any) -> Any:
        schema = auto_schema._map_serializer(self.target, direction, bypass_extensions=True)
        schema["additionalProperties"] = False
        fields = self.target().fields if isinstance(self.target, type) else self.target.fields
        for name, field in fields.items():
            spec = schema["properties"].get(name, {})
            if isinstance(field, serializers.ListField):
                field, spec = field.child, spec.get("items", {})
            if (
                isinstance(field, serializers.CharField)
                and not field.allow_blank
                and field.trim_whitespace
                and "pattern" not in spec
                and spec.get("type") == "string"
            ):
                spec["pattern"] = r"\S"
        return schema


class Instant(serializers.DateTimeField):
    """A timestamp with a time zone, or a date meaning the end of that day (UTC)."""

    def to_internal_value(self, value: Any) -> datetime:
        if isinstance(value, str) and len(value) == 10:
            try:
                day = date.fromisoformat(value)
            except ValueError:
                self.fail("invalid", format="YYYY-MM-DD or YYYY-MM-DDThh:mm:ss+00:00")
            return datetime.combine(day, time.max, tzinfo=UTC)
        if isinstance(value, str) and not (
            value.endswith("Z") or "+" in value[10:] or "-" in value[10:]
        ):
            raise serializers.ValidationError("Give a time zone (Z or +hh:mm).", code="naive")
        parsed: datetime = super().to_internal_value(value)
        return parsed


class MomentParams(Strict):
    as_of = serializers.DateField(
        required=False, help_text="Valid time: the world as it stood at the end of this day."
    )
    known_at = Instant(
        required=False,
        help_text="Transaction time: what the log held at this instant (a date means the end "
        "of that day, UTC).",
    )


PAGE_PARAMS = ("limit", "offset")


def parse(params: type[serializers.Serializer], request: Any, **context: Any) -> dict[str, Any]:
    """Validate a request's query parameters (strictly) with a serializer. Without any, and
    when the serializer requires nothing and fills in no defaults, that is ``{}`` (the
    common case of the hot reads, without building a serializer)."""
    if not request.query_params and _optional_only(params):
        return {}
    serializer = params(data=request.query_params, context={"request": request, **context})
    serializer.is_valid(raise_exception=True)
    data: dict[str, Any] = dict(serializer.validated_data)
    return data


_OPTIONAL_ONLY: dict[type[serializers.Serializer], bool] = {}


def _optional_only(params: type[serializers.Serializer]) -> bool:
    """Whether empty input validates to ``{}``: no field required, none with a default."""
    found = _OPTIONAL_ONLY.get(params)
    if found is None:
        found = params.validate is serializers.Serializer.validate and all(
            not f.required and f.default is serializers.empty for f in params().fields.values()
        )
        _OPTIONAL_ONLY[params] = found
    return found


def moment(data: dict[str, Any]) -> Moment:
    return Moment(as_of=data.pop("as_of", None), known_at=data.pop("known_at", None))


MOMENT_PARAMETERS = [
    OpenApiParameter(
        "as_of",
        OpenApiTypes.DATE,
        description="Valid time: the state at the end of this day (default: now).",
    ),
    OpenApiParameter(
        "known_at",
        OpenApiTypes.DATETIME,
        description="Transaction time: as the log knew it at this instant (default: now). A "
        "plain date means the end of that day, UTC.",
    ),
]
