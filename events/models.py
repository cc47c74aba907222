"""Tables of the event store. Rows of ``StoredEvent`` and ``LedgerEntry`` are never updated
or deleted: triggers created by the migrations refuse it, whatever the client.

Writes go through :mod:`events.store` and :mod:`events.ledger` only; the ORM models exist
for migrations, the read-only admin and ad-hoc queries.
"""

from __future__ import annotations

import json
from typing import Any

from django.db import models
from django.utils import timezone


class VerbatimJSONField(models.JSONField):
    """JSON kept as the exact text that was hashed: ``json`` on PostgreSQL (not ``jsonb``,
    which reorders keys and rewrites numbers), ``text`` elsewhere."""

    def db_type(self, connection: Any) -> str:
        return "json" if connection.vendor == "postgresql" else "text"

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if value is None or not isinstance(value, str):
            return value
        return json.loads(value)


class StoredEvent(models.Model):
    """One event as recorded. ``seq`` is a storage id; the global order is the ledger's
    ``position``. On PostgreSQL a ``txid`` column (xid8, added by migration 0002) records
    the writing transaction, which the sealer uses to read gap-free."""

    seq = models.BigAutoField(primary_key=True)
    event_id = models.UUIDField(unique=True)
    stream_id = models.CharField(max_length=200)
    stream_type = models.CharField(max_length=50)
    version = models.PositiveIntegerField()
    type = models.CharField(max_length=100)
    schema_version = models.PositiveSmallIntegerField()
    data = VerbatimJSONField()
    metadata = VerbatimJSONField()
    occurred_at = models.DateTimeField(help_text="Valid time: when it happened in the world.")
    recorded_at = models.DateTimeField(help_text="Transaction time: when the store recorded it.")
    hash = models.CharField(max_length=64, help_text="SHA-256 of the canonical content.")

    class Meta:
        db_table = "events_event"
        managed = False  # created by hand-written SQL in migration 0001; never flushed

    def __str__(self) -> str:
        return f"{self.stream_id}@{self.version} {self.type}"


class LedgerEntry(models.Model):
    """The global, gap-free order of committed events and the hash chain over it.

    ``chain_hash`` = SHA-256(previous chain_hash + event hash). Written only by the sealer,
    one at a time, so ``position`` is dense: 1, 2, 3, ...
    """

    position = models.BigIntegerField(primary_key=True)
    event = models.OneToOneField(
        StoredEvent, on_delete=models.PROTECT, db_column="event_seq", related_name="ledger"
    )
    chain_hash = models.CharField(max_length=64)
    sealed_at = models.DateTimeField()

    class Meta:
        db_table = "events_ledger"
        managed = False
        verbose_name_plural = "ledger entries"

    def __str__(self) -> str:
        return f"#{self.position}"


class SealState(models.Model):
    """The sealer's single row: how far it has sealed, in the writers' commit order."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    frontier_txid = models.CharField(max_length=20, default="0")
    frontier_seq = models.BigIntegerField(default=0)

    class Meta:
        db_table = "events_sealstate"
        managed = False

    def __str__(self) -> str:
        return f"sealed up to ({self.frontier_txid}, {self.frontier_seq})"


class IdempotencyRecord(models.Model):
    """The result of an append made with an idempotency key, to answer a retry with."""

    key = models.CharField(max_length=200, primary_key=True)
    stream_id = models.CharField(max_length=200)
    fingerprint = models.CharField(max_length=64)
    first_version = models.PositiveIntegerField()
    last_version = models.PositiveIntegerField()
    event_ids = models.JSONField()
    recorded_at = models.DateTimeField()

    class Meta:
        db_table = "events_idempotency"

    def __str__(self) -> str:
        return self.key


class ProjectionCheckpoint(models.Model):
    """How far a projection has applied the log, and the error that halted it, if any."""

    name = models.CharField(max_length=100, primary_key=True)
    position = models.BigIntegerField(default=0)
    failed_position = models.BigIntegerField(null=True, blank=True)
    failed_event_id = models.UUIDField(null=True, blank=True)
    error = models.TextField(blank=True, default="")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "events_projection_checkpoint"

    def __str__(self) -> str:
        return f"{self.name} @ {self.position}"


class Checkpoint(models.Model):
    """A signed statement of the ledger's head: position, chain hash and the Merkle root over
    the chain links (events/merkle.py), with the time and the signer's public key. A copy of
    each is written out of the database (``EVENTS_CHECKPOINT_DIR``); ``verify_ledger``
    checks the log against both. ``frontier`` is the Merkle tree's compact range at
    ``position``, from which the next checkpoint continues (checked against the signed root).
    ``leaves`` are the chain links at positions ``start + 1`` to ``position`` (32 bytes each),
    and ``start_frontier`` the compact range at ``start``: with them the signed root is
    recomputed, which authenticates these links, and a fork is located to the first position
    whose link differs. Written only by :func:`events.checkpoints.checkpoint_create`; rows are
    never updated or deleted (triggers of migration 0005), and Django never flushes them."""

    position = models.BigIntegerField()
    chain_hash = models.CharField(max_length=64)
    merkle_root = models.CharField(max_length=64)
    created_at = models.DateTimeField()
    key_id = models.CharField(max_length=16)
    public_key = models.CharField(max_length=64, help_text="Ed25519, base64 of the raw key.")
    signature = models.CharField(max_length=100, help_text="Ed25519, base64.")
    frontier = models.JSONField(default=list)
    file_name = models.CharField(max_length=200, blank=True, default="")
    start = models.BigIntegerField(default=0)
    start_frontier = models.JSONField(default=list)
    leaves = models.BinaryField(default=b"")

    class Meta:
        db_table = "events_checkpoint"
        managed = False  # append-only (migration 0005): never flushed
        ordering = ("position", "id")
        indexes = [models.Index(fields=["position"], name="events_checkpoint_position")]

    def __str__(self) -> str:
        return f"checkpoint #{self.pk} at {self.position}"


class SubjectKey(models.Model):
    """One data subject's AES-256 key; ``key`` is None once erased (the row stays, so new
    personal data about an erased subject is refused rather than given a new key)."""

    subject = models.CharField(max_length=100, primary_key=True)
    key = models.BinaryField(null=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    erased_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "events_personal_key"

    def __str__(self) -> str:  # never the key
        return f"data subject {self.subject}" + (" (erased)" if self.erased_at else "")

    def __repr__(self) -> str:
        return f"<SubjectKey {self.subject}>"
