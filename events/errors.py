"""The store's typed errors. Each has a stable ``code`` and names the field at fault.

Pure Python: no Django imports, so domain code may catch these too.
"""

from __future__ import annotations

from typing import Any


class EventStoreError(Exception):
    """Base class. ``code`` is stable and machine-readable; ``field`` names the bad input."""

    code = "event_store_error"

    def __init__(self, message: str, *, field: str | None = None, **extra: Any) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.extra = extra

    def as_dict(self) -> dict[str, Any]:
        extra = dict(self.extra)
        if self.field is not None:
            extra["field"] = self.field
        return {"code": self.code, "message": self.message, "extra": extra}


class WrongExpectedVersionError(EventStoreError):
    """The stream is not at the version the writer expected; nothing was written."""

    code = "version_conflict"

    def __init__(self, stream_id: str, *, expected: int | str, current: int) -> None:
        super().__init__(
            f"Stream {stream_id!r} is at version {current}, not at the expected {expected}.",
            field="expected_version",
            stream_id=stream_id,
            expected_version=expected,
            current_version=current,
        )
        self.stream_id = stream_id
        self.expected = expected
        self.current = current


class UnknownEventTypeError(EventStoreError):
    code = "unknown_event_type"


class InvalidPayloadError(EventStoreError):
    """A payload failed its schema. ``errors`` lists each field and reason."""

    code = "invalid_payload"

    def __init__(self, message: str, *, errors: list[dict[str, Any]], field: str = "data") -> None:
        super().__init__(message, field=field, errors=errors)
        self.errors = errors


class InvalidStreamIdError(EventStoreError):
    code = "invalid_stream_id"


class InvalidExpectedVersionError(EventStoreError):
    code = "invalid_expected_version"


class PayloadTooLargeError(EventStoreError):
    code = "payload_too_large"


class InvalidMetadataError(EventStoreError):
    code = "invalid_metadata"


class IdempotencyKeyReusedError(EventStoreError):
    """The idempotency key was used before for a different append."""

    code = "idempotency_key_reused"


class InvalidCorrectionError(EventStoreError):
    """A retraction or correction that does not refer to a correctable event of the stream."""

    code = "invalid_correction"
