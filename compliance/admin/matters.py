"""Matters (the ethical walls): admins open them, staff them and list their investments;
everyone else sees nothing here. These are settings, not facts, so they can be edited."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from compliance.access import Role
from compliance.admin.base import may
from compliance.models import Matter, MatterInvestment


class MatterInvestmentInline(admin.TabularInline):
    model = MatterInvestment
    extra = 1


@admin.register(Matter)
class MatterAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "created_at")
    search_fields = ("code", "name")
    filter_horizontal = ("members",)
    inlines = [MatterInvestmentInline]

    def has_module_permission(self, request: HttpRequest) -> bool:
        return may(request, Role.ADMIN)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return may(request, Role.ADMIN)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return may(request, Role.ADMIN)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return may(request, Role.ADMIN)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return may(request, Role.ADMIN)
