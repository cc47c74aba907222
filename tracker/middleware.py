"""Middleware of the whole site: request ids, requests no view can serve, security headers.

Request ids: every request gets one (the caller's ``X-Request-ID`` when it is sensible,
else a new one), returned in the response, written in every log line of the request, and
kept in the metadata of every event the request records (events.context)."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers

from compliance.api.errors import problem_response
from events.context import REQUEST_ID

HEADER = "X-Request-ID"
SENSIBLE = re.compile(r"[A-Za-z0-9._:-]{1,100}")


class RequestIdMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        given = request.headers.get(HEADER, "")
        request_id = given if SENSIBLE.fullmatch(given) else uuid.uuid4().hex
        request.request_id = request_id  # type: ignore[attr-defined]
        token = REQUEST_ID.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            REQUEST_ID.reset(token)
        response[HEADER] = request_id
        return response


class UnservableRequestMiddleware:
    """Refuses, in the API's problem shape, requests no view could answer sensibly:

    - a body sent with ``Transfer-Encoding: chunked`` and no ``Content-Length`` (a WSGI
      application reads the body by its length, so Django would read it as empty): 411;
    - a NUL byte in the path or the query string (PostgreSQL cannot store or compare it,
      so a lookup would fail in the database): 400.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        meta = request.META
        if meta.get("HTTP_TRANSFER_ENCODING") and not meta.get("CONTENT_LENGTH"):
            reason = "Chunked request bodies are not read: send the body with a Content-Length."
            return problem_response(
                411,
                "length_required",
                reason,
                errors=[{"field": "Content-Length", "reason": reason}],
            )
        if "\x00" in request.path or "%00" in meta.get("QUERY_STRING", ""):
            reason = "The URL holds a NUL character."
            return problem_response(
                400, "invalid", reason, errors=[{"field": "url", "reason": reason}]
            )
        return self.get_response(request)


# Only the site's own scripts, never inline ones; styles may be inline (Swagger UI's page and
# the admin's dossier templates use a style element and attributes; a style runs no code);
# images from the site or data: (Swagger UI's icons); never framed, no plugins, forms posted
# to the site only.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; "
    "form-action 'self'"
)


class SecurityHeadersMiddleware:
    """A Content-Security-Policy on every response (the admin and the API docs are the pages
    it protects), and ``Cache-Control: no-store`` on everything the API answers (data behind
    ethical walls and exports must not stay in a shared or browser cache)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        if request.path.startswith("/api/"):
            add_never_cache_headers(response)
        return response
