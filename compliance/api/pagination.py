"""Pagination: limit and offset over lists of state, and a position cursor over the log."""

from __future__ import annotations

from typing import Any

from rest_framework.exceptions import ValidationError
from rest_framework.pagination import LimitOffsetPagination


class Page(LimitOffsetPagination):
    """Limit and offset, refused (400) rather than ignored when they are not numbers."""

    default_limit = 100
    max_limit = 1000

    def get_limit(self, request: Any) -> int:
        return min(_count(request, self.limit_query_param, self.default_limit, 1), self.max_limit)

    def get_offset(self, request: Any) -> int:
        return _count(request, self.offset_query_param, 0, 0)

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        """DRF's, with the bounds enforced above (a larger limit gives ``max_limit``)."""
        bounds = {self.limit_query_param: {"minimum": 1}, self.offset_query_param: {"minimum": 0}}
        found: list[dict[str, Any]] = super().get_schema_operation_parameters(view)
        for parameter in found:
            parameter["schema"].update(bounds.get(parameter["name"], {}))
        return found


def paginated(request: Any, view: Any, rows: Any, out: Any) -> Any:
    """One page of ``rows`` (a list or a queryset) as ``{count, next, previous, results}``,
    each row written by ``out(rows_of_the_page)``."""
    page = Page()
    found: list[Any] = page.paginate_queryset(rows, request, view=view) or []
    return page.get_paginated_response(out(found))


def _count(request: Any, name: str, default: int, least: int) -> int:
    raw = request.query_params.get(name)
    if raw is None:
        return default
    if not raw.isdigit() or int(raw) < least or len(raw) > 12:
        raise ValidationError({name: [f"Must be a whole number, at least {least}."]})
    return int(raw)


def log_page(request: Any, results: list[Any], *, limit: int) -> dict[str, Any]:
    """The log's page: the next page starts after the last position returned. Positions
    are gap-free and never reused, so a cursor stays valid while the log grows."""
    last = results[-1]["position"] if results else None
    following = None
    if last is not None and len(results) == limit:
        query = request.query_params.copy()
        query["after"] = str(last)
        following = request.build_absolute_uri(f"{request.path}?{query.urlencode()}")
    return {"next": following, "last_position": last, "results": results}
