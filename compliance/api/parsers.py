"""Request bodies: JSON only, and never larger than ``API_MAX_BODY_BYTES``."""

from __future__ import annotations

import io
from typing import Any

from django.conf import settings
from rest_framework import status
from rest_framework.parsers import JSONParser

from compliance.api.errors import ApiError


class LimitedJSONParser(JSONParser):
    """DRF's JSON parser reads the request stream itself, past Django's body size check:
    this one refuses a body over the limit before parsing it (413)."""

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        limit = settings.API_MAX_BODY_BYTES
        request = (parser_context or {}).get("request")
        declared = request.META.get("CONTENT_LENGTH") if request is not None else None
        if declared and str(declared).isdigit() and int(declared) > limit:
            raise _too_large(limit)
        if stream is None:  # an empty body
            return super().parse(io.BytesIO(b""), media_type, parser_context)
        body = stream.read(limit + 1)
        if len(body) > limit:
            raise _too_large(limit)
        return super().parse(io.BytesIO(body), media_type, parser_context)


def _too_large(limit: int) -> ApiError:
    return ApiError(
        "payload_too_large",
        f"The request body is larger than {limit} bytes.",
        status_code=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
        field="body",
        limit=limit,
    )
