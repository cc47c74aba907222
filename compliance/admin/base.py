"""What every compliance admin page shares: roles decide who may look, nobody may add,
change or delete a row (the log is append-only and the read models are derived from it),
and the ethical walls filter every list and page."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from compliance.access import Role, Scope, role_of, scope_for


def scope(request: HttpRequest) -> Scope:
    cached = getattr(request, "_compliance_scope", None)
    if cached is None:
        cached = scope_for(request.user)
        request._compliance_scope = cached  # type: ignore[attr-defined]
    return cached


def may(request: HttpRequest, role: Role) -> bool:
    found = role_of(request.user)
    return found is not None and found >= role


class ReadOnlyAdmin(admin.ModelAdmin):
    """Visible to every role, writable by nobody (superusers included): no add, change or
    delete permission, and no bulk actions. Facts are added by recording events."""

    actions = None
    list_per_page = 50

    def has_module_permission(self, request: HttpRequest) -> bool:
        return may(request, Role.VIEWER)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return may(request, Role.VIEWER)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class WalledAdmin(ReadOnlyAdmin):
    """A read model whose rows belong to investments: only those the user's matters cover
    are listed or shown (a row behind a wall is reported exactly like a missing one)."""

    def walled(self, rows: QuerySet[Any], seen: Scope) -> QuerySet[Any]:
        raise NotImplementedError("subclasses of WalledAdmin must provide walled()")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        rows = super().get_queryset(request)
        seen = scope(request)
        return rows if seen.everything else self.walled(rows, seen)
