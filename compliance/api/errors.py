"""One error shape for every error the API returns, in the spirit of RFC 9457 (problem
details), served as ``application/problem+json``::

    {"status": 409, "code": "version_conflict", "title": "Conflict",
     "detail": "Stream 'investment-x' is at version 4, not at the expected 3.",
     "errors": [{"field": "expected_version", "reason": "..."}],
     "current_version": 4}

``code`` is stable and machine-readable; ``errors`` lists each field at fault and why;
extension members (``current_version``, ``retry_after``) depend on the code. No stack trace
ever reaches a client: unexpected failures are logged and answered with a bare 500, and a
lost database connection with a retryable 503.
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig
from django.db import DatabaseError, InterfaceError, OperationalError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.views import defaults
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response

from compliance.domain.errors import DomainError, ErrorCode
from events import errors as store_errors

log = logging.getLogger(__name__)

CONTENT_TYPE = "application/problem+json"


class ApiError(exceptions.APIException):
    """An error with a stable code, a message and, optionally, the field at fault."""

    def __init__(
        self,
        code: str,
        message: str,
        *,
        status_code: int = status.HTTP_400_BAD_REQUEST,
        field: str | None = None,
        **extra: Any,
    ) -> None:
        super().__init__(message, code)
        self.status_code = status_code
        self.code = code
        self.message = message
        self.field = field
        self.extra = extra


def problem(
    status_code: int,
    code: str,
    detail: str,
    *,
    errors: list[dict[str, str]] | None = None,
    **extra: Any,
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "status": status_code,
        "code": code,
        "title": _title(status_code),
        "detail": detail,
        "errors": errors or [],
    }
    body.update(extra)
    return body


def _title(status_code: int) -> str:
    from http import HTTPStatus

    try:
        return HTTPStatus(status_code).phrase
    except ValueError:
        return "Error"


def _flatten(detail: Any, prefix: str = "") -> list[dict[str, str]]:
    """DRF's nested validation details as ``[{"field": "a.b", "reason": ...}]``."""
    if isinstance(detail, dict):
        found = []
        for key, value in detail.items():
            name = "" if key == "non_field_errors" else str(key)
            found += _flatten(value, f"{prefix}.{name}".strip(".") if name else prefix)
        return found
    if isinstance(detail, list):
        if all(not isinstance(item, dict | list) for item in detail):
            return [{"field": prefix or "body", "reason": str(item)} for item in detail]
        found = []
        for index, item in enumerate(detail):
            found += _flatten(item, f"{prefix}.{index}".strip("."))
        return found
    return [{"field": prefix or "body", "reason": str(detail)}]


DOMAIN_STATUS = {
    ErrorCode.NOT_FOUND: status.HTTP_404_NOT_FOUND,
    ErrorCode.ALREADY_EXISTS: status.HTTP_409_CONFLICT,
}
STORE_STATUS: dict[type[store_errors.EventStoreError], int] = {
    store_errors.WrongExpectedVersionError: status.HTTP_409_CONFLICT,
    store_errors.IdempotencyKeyReusedError: status.HTTP_422_UNPROCESSABLE_ENTITY,
    store_errors.PayloadTooLargeError: status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
}


def _from_domain(exc: DomainError) -> tuple[int, dict[str, Any]]:
    code = DOMAIN_STATUS.get(exc.code, status.HTTP_422_UNPROCESSABLE_ENTITY)
    errors = [{"field": exc.field, "reason": exc.message}] if exc.field else []
    return code, problem(code, str(exc.code), exc.message, errors=errors)


def _from_store(exc: store_errors.EventStoreError) -> tuple[int, dict[str, Any]]:
    code = STORE_STATUS.get(type(exc), status.HTTP_400_BAD_REQUEST)
    extra = {key: value for key, value in exc.extra.items() if key != "errors"}
    if isinstance(exc, store_errors.InvalidPayloadError):  # fields of the event's data
        errors = [
            {
                "field": "data" if e["field"] == "data" else f"data.{e['field']}",
                "reason": e["reason"],
            }
            for e in exc.errors
        ]
    else:
        errors = [{"field": exc.field, "reason": exc.message}] if exc.field else []
    return code, problem(code, exc.code, exc.message, errors=errors, **extra)


def _from_drf(exc: exceptions.APIException) -> tuple[int, dict[str, Any]]:
    code = exc.status_code
    if isinstance(exc, ApiError):
        errors = [{"field": exc.field, "reason": exc.message}] if exc.field else []
        return code, problem(code, exc.code, exc.message, errors=errors, **exc.extra)
    if isinstance(exc, exceptions.ValidationError):
        errors = _flatten(exc.detail)
        first = errors[0] if errors else {"field": "body", "reason": "invalid"}
        return code, problem(
            code, "invalid", f"Invalid input: {first['field']}: {first['reason']}", errors=errors
        )
    if isinstance(exc, exceptions.Throttled):
        wait = int(getattr(exc, "wait", None) or 1)
        return code, problem(
            code, "throttled", f"Too many requests: try again in {wait} s.", retry_after=wait
        )
    default = exc.default_code if isinstance(exc.default_code, str) else "error"
    detail = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
    return code, problem(code, default, str(detail))


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's EXCEPTION_HANDLER: every exception of a view becomes one problem body."""
    from rest_framework.views import set_rollback  # DRF's views load parsers.py, which needs us

    headers: dict[str, str] = {}
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    elif isinstance(exc, RequestDataTooBig):  # Django's check, as DRF reads the body
        exc = too_large()
    if isinstance(exc, DomainError):
        code, body = _from_domain(exc)
    elif isinstance(exc, store_errors.EventStoreError):
        code, body = _from_store(exc)
    elif isinstance(exc, exceptions.APIException):
        code, body = _from_drf(exc)
        if isinstance(exc, exceptions.Throttled):
            headers["Retry-After"] = str(body["retry_after"])
        auth = getattr(exc, "auth_header", None)
        if isinstance(exc, exceptions.NotAuthenticated | exceptions.AuthenticationFailed):
            headers["WWW-Authenticate"] = auth or 'Token realm="api"'
    elif isinstance(exc, OperationalError | InterfaceError):
        log.warning("API: database unavailable: %s", exc)
        code = status.HTTP_503_SERVICE_UNAVAILABLE
        body = problem(
            code, "unavailable", "The database is unavailable; retry shortly.", retry_after=1
        )
        headers["Retry-After"] = "1"
    elif isinstance(exc, DatabaseError):
        log.exception("API: database error")
        code = status.HTTP_500_INTERNAL_SERVER_ERROR
        body = problem(code, "server_error", "The server failed; nothing was recorded.")
    else:
        log.exception("API: unexpected error")
        code = status.HTTP_500_INTERNAL_SERVER_ERROR
        body = problem(code, "server_error", "The server failed; nothing was recorded.")
    set_rollback()
    return Response(_encodable(body), status=code, headers=headers, content_type=CONTENT_TYPE)


def _encodable(value: Any) -> Any:
    """The body with any lone surrogate of the input it quotes escaped (``\\ud800``): UTF-8
    cannot encode one, and the response must still be written."""
    if isinstance(value, str):
        return value.encode("utf-8", "backslashreplace").decode("utf-8")
    if isinstance(value, dict):
        return {_encodable(k): _encodable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_encodable(item) for item in value]
    return value


def too_large() -> ApiError:
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    return ApiError(
        "payload_too_large",
        f"The request body is larger than {limit} bytes.",
        status_code=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
        field="body",
        limit=limit,
    )


def problem_response(status_code: int, code: str, detail: str, **extra: Any) -> JsonResponse:
    """A problem body outside DRF's views (unknown paths, middleware)."""
    body = problem(status_code, code, detail, **extra)
    return JsonResponse(body, status=status_code, content_type=CONTENT_TYPE)


def not_found(request: HttpRequest, *args: Any, **kwargs: Any) -> JsonResponse:
    """Unknown paths under /api/: the same problem body as every other error."""
    return problem_response(404, "not_found", "No such endpoint.")


def bad_request(request: HttpRequest, exception: Exception | None = None) -> JsonResponse:
    """Django's own 400s (a Host not in DJANGO_ALLOWED_HOSTS, a suspicious request), raised
    before any view: the problem body, on every path (``handler400``)."""
    return problem_response(400, "bad_request", "The request was refused as malformed.")


def server_error(request: HttpRequest) -> HttpResponse:
    """A failure outside DRF's views (in a middleware, say): the bare problem body under
    /api/, Django's page elsewhere (``handler500``)."""
    if request.path.startswith("/api/"):
        return problem_response(500, "server_error", "The server failed.")
    return defaults.server_error(request)


def problem_media_type(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """A schema postprocessing hook (SPECTACULAR_SETTINGS): every error response is
    documented as application/problem+json, as it is sent."""
    for item in result.get("paths", {}).values():
        for operation in item.values():
            for code, response in operation.get("responses", {}).items():
                content = response.get("content", {})
                if code[0] in "45" and "application/json" in content:
                    content[CONTENT_TYPE] = content.pop("application/json")
    return result


class ProblemField(serializers.Serializer):
    field = serializers.CharField(help_text="The input at fault, as a dotted path.")
    reason = serializers.CharField()


class ProblemSerializer(serializers.Serializer):
    """The error body (for the schema)."""

    status = serializers.IntegerField()
    code = serializers.CharField(help_text="Stable and machine-readable.")
    title = serializers.CharField()
    detail = serializers.CharField(help_text="For people.")
    errors = ProblemField(many=True)  # type: ignore[assignment]


class ConflictSerializer(ProblemSerializer):
    """A 409: a version conflict (``version_conflict``, with the three members below:
    ``current_version`` is where the stream is now), or a stream that exists already
    (``already_exists``, without them)."""

    stream_id = serializers.CharField(required=False)
    expected_version = serializers.JSONField(required=False)
    current_version = serializers.IntegerField(required=False)


class ThrottledSerializer(ProblemSerializer):
    retry_after = serializers.IntegerField(help_text="Seconds to wait.")
