"""The log, the ledger and the checkpoints in the admin: read-only for every user,
superusers included."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from events.models import Checkpoint, LedgerEntry, ProjectionCheckpoint, StoredEvent


class ReadOnlyAdmin(admin.ModelAdmin):
    """No add, change or delete for anyone, and no bulk actions."""

    actions = None

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(StoredEvent)
class StoredEventAdmin(ReadOnlyAdmin):
    list_display = ("seq", "stream_id", "version", "type", "occurred_at", "recorded_at")
    list_filter = ("stream_type", "type")
    search_fields = ("stream_id", "=event_id")
    ordering = ("-seq",)


@admin.register(LedgerEntry)
class LedgerEntryAdmin(ReadOnlyAdmin):
    list_display = ("position", "event", "chain_hash", "sealed_at")
    ordering = ("-position",)


@admin.register(ProjectionCheckpoint)
class ProjectionCheckpointAdmin(ReadOnlyAdmin):
    list_display = ("name", "position", "failed_position", "error", "updated_at")


@admin.register(Checkpoint)
class CheckpointAdmin(ReadOnlyAdmin):
    list_display = ("id", "position", "chain_hash", "merkle_root", "key_id", "created_at")
    exclude = ("frontier",)
    ordering = ("-position", "-id")
