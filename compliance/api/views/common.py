"""What every view needs: the user's scope, the acting user, idempotency keys, and the
error responses to document."""

from __future__ import annotations

import uuid
from typing import Any

from django.utils.crypto import salted_hmac
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse

from compliance.access import Scope, scope_for
from compliance.api.errors import (
    ApiError,
    ConflictSerializer,
    ProblemSerializer,
    ThrottledSerializer,
)

IDEMPOTENCY_HEADER = "Idempotency-Key"
MAX_KEY = 100

IDEMPOTENCY_PARAMETER = OpenApiParameter(
    IDEMPOTENCY_HEADER,
    OpenApiTypes.STR,
    location=OpenApiParameter.HEADER,
    pattern=r"^[!-~]{1,100}$",
    description="Optional, at most 100 printable ASCII characters. A retry with the same key "
    "and body returns the original response and writes nothing; the same key with another "
    "body is a 422. Keys are private to each user.",
)

DESCRIPTIONS = {
    400: "Invalid input: `errors` names each field and why.",
    401: "Not signed in: send `Authorization: Token <key>` or a session cookie.",
    403: "Signed in, but the account's role does not allow this.",
    404: "No such object, or it is behind an ethical wall.",
    409: "Conflict: `version_conflict` (the stream is not at `expected_version`; "
    "`current_version` is its version now), or `already_exists` (the stream exists already).",
    411: "A body sent chunked without Content-Length: send its length.",
    413: "The request body is too large.",
    422: "Refused by the rules of the domain, or an idempotency key reused for another body.",
    429: "Too many requests: retry after `Retry-After` seconds.",
}


def errors(*codes: int) -> dict[int, OpenApiResponse]:
    """Schema entries for the error responses an endpoint can give (401, 403, 429 always;
    411 with 413: a body), as application/problem+json (errors.problem_media_type)."""
    found = {}
    for code in sorted({*codes, 401, 403, 429, *({411} if 413 in codes else set())}):
        serializer = {409: ConflictSerializer, 429: ThrottledSerializer}.get(
            code, ProblemSerializer
        )
        found[code] = OpenApiResponse(serializer, description=DESCRIPTIONS[code])
    return found


def scope(request: Any) -> Scope:
    cached = getattr(request, "_compliance_scope", None)
    if cached is None:
        cached = scope_for(request.user)
        request._compliance_scope = cached
    return cached


def actor(request: Any) -> str:
    """Who records: always the authenticated user, never anything in the body."""
    return f"user:{request.user.get_username()}"


def idempotency_key(request: Any) -> str | None:
    """The request's key, made private to its user (a key cannot reveal another user's
    request)."""
    raw = request.headers.get(IDEMPOTENCY_HEADER)
    if raw is None:
        return None
    if not 1 <= len(raw) <= MAX_KEY or not all(0x21 <= ord(c) <= 0x7E for c in raw):
        raise ApiError(
            "invalid_idempotency_key",
            f"{IDEMPOTENCY_HEADER} must be 1 to {MAX_KEY} printable ASCII characters.",
            field=IDEMPOTENCY_HEADER,
        )
    return f"api:{request.user.pk}:{raw}"


def new_stream_id(kind: str, key: str | None) -> str:
    """A new stream's id; derived from the idempotency key when there is one, so that a
    retry of a creation addresses the same stream, by a keyed hash with the server's secret,
    so that nobody can compute (and take) the id another user's key will give."""
    if key is None:
        return f"{kind}-{uuid.uuid4().hex}"
    digest = salted_hmac("compliance.api.new_stream_id", f"{kind}:{key}", algorithm="sha256")
    return f"{kind}-{digest.hexdigest()[:32]}"


def not_found(what: str, ident: Any) -> ApiError:
    return ApiError("not_found", f"No {what} {ident!s:.200}.", status_code=404)
