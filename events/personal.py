"""Personal data in an append-only log, and its erasure ("crypto-shredding").

An event schema declares a field as personal data by giving it the type
:class:`PersonalData`: a value about one data subject (``subject``: a pseudonymous id, never a
name). Callers pass the value in clear (``PersonalData(subject="person-7", value="Jane
Doe")``); :func:`seal_json`, run by ``store.append`` on every payload before it is hashed,
encrypts it with the subject's own key (AES-256-GCM, the subject as associated data), so the
log, its hashes, the chain, checkpoints and proof bundles only ever hold ciphertext. The nonce
is derived from the key and the value (HMAC-SHA-256): the same value for the same subject
encrypts the same way, so idempotent retries and rebuilds are byte-identical (it reveals only
that two ciphertexts of one subject hold the same value).

Keys live in ``events_personal_key`` (never in the log, never logged, exported, shown in the
admin or put into bundles). :func:`subject_erase` appends a ``PersonalDataErased`` event (the
subject, the reason; the acting user in its metadata) and deletes the key in the same
transaction: from then on the ciphertext cannot be read, :func:`reveal` answers None and
:func:`reveal_json` shows the field as erased, while every other fact and the whole chain stay
as they were. New personal data about an erased subject is refused.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import re
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.db import IntegrityError, transaction
from django.utils import timezone

from events.errors import EventStoreError
from events.models import SubjectKey
from events.types import SUBJECT_PATTERN, PersonalData, PersonalDataErased

ERASED = "[erased]"
SEALED_KEYS = {"subject", "value", "nonce", "ciphertext"}


class PersonalDataErasedError(EventStoreError):
    code = "personal_data_erased"


def _key_for(subject: str) -> bytes:
    row = SubjectKey.objects.filter(subject=subject).first()
    if row is None:
        try:
            with transaction.atomic():
                row = SubjectKey.objects.create(subject=subject, key=AESGCM.generate_key(256))
        except IntegrityError:  # created meanwhile by another writer
            row = SubjectKey.objects.get(subject=subject)
    if row.key is None:
        raise PersonalDataErasedError(
            f"The personal data of {subject} was erased; none can be recorded for it.",
            field="subject",
        )
    return bytes(row.key)


def _seal(subject: str, value: str) -> dict[str, Any]:
    key = _key_for(subject)
    plain = value.encode("utf-8")
    nonce = hmac.new(key, subject.encode() + b"\x00" + plain, hashlib.sha256).digest()[:12]
    ciphertext = AESGCM(key).encrypt(nonce, plain, subject.encode())
    return {
        "subject": subject,
        "value": None,
        "nonce": base64.b64encode(nonce).decode("ascii"),
        "ciphertext": base64.b64encode(ciphertext).decode("ascii"),
    }


def _is_clear(item: Any) -> bool:
    return (
        isinstance(item, dict)
        and isinstance(item.get("subject"), str)
        and isinstance(item.get("value"), str)
        and set(item) <= SEALED_KEYS
    )


def seal_json(data: Any) -> Any:
    """``data`` (an event's JSON payload) with every personal value in clear encrypted, at
    any depth (also inside a correction's payload). Run by ``store.append``."""
    if _is_clear(data):
        if not re.fullmatch(SUBJECT_PATTERN, data["subject"]):
            raise EventStoreError("A data subject id is malformed.", field="subject")
        return _seal(data["subject"], data["value"])
    if isinstance(data, dict):
        return {k: seal_json(v) for k, v in data.items()}
    if isinstance(data, list):
        return [seal_json(v) for v in data]
    return data


def _is_sealed(item: Any) -> bool:
    return (
        isinstance(item, dict)
        and isinstance(item.get("subject"), str)
        and isinstance(item.get("ciphertext"), str)
        and isinstance(item.get("nonce"), str)
        and set(item) <= SEALED_KEYS
    )


def reveal(
    item: PersonalData | dict[str, Any], cache: dict[str, bytes | None] | None = None
) -> str | None:
    """The value in clear, or None when the subject's personal data was erased."""
    fields = item if isinstance(item, dict) else item.__dict__
    if fields.get("value") is not None:
        return str(fields["value"])
    subject = str(fields["subject"])
    cache = {} if cache is None else cache
    if subject not in cache:
        row = SubjectKey.objects.filter(subject=subject).first()
        cache[subject] = bytes(row.key) if row is not None and row.key is not None else None
    key = cache[subject]
    if key is None:
        return None
    try:
        plain = AESGCM(key).decrypt(
            base64.b64decode(fields["nonce"]),
            base64.b64decode(fields["ciphertext"]),
            subject.encode(),
        )
    except (InvalidTag, ValueError):
        return None
    return plain.decode("utf-8")


def reveal_json(data: Any, cache: dict[str, bytes | None] | None = None) -> Any:
    """A payload for people to read: every sealed personal value replaced by
    ``{"subject", "value", "erased"}`` (``value`` None and ``erased`` true once erased)."""
    cache = {} if cache is None else cache
    if _is_sealed(data):
        value = reveal(data, cache)
        return {"subject": data["subject"], "value": value, "erased": value is None}
    if isinstance(data, dict):
        return {k: reveal_json(v, cache) for k, v in data.items()}
    if isinstance(data, list):
        return [reveal_json(v, cache) for v in data]
    return data


def display(item: PersonalData | dict[str, Any]) -> str:
    """For a page or a report: the value, or ``[erased]``."""
    value = reveal(item)
    return ERASED if value is None else value


def subject_erase(*, subject: str, reason: str, actor: str) -> Any:
    """Erase a data subject's personal data: append ``PersonalDataErased`` to the stream
    ``subject-<subject>`` (reason in the payload, actor in the metadata) and delete the key,
    in one transaction. Returns the append's result."""
    from events import store

    if not reason.strip():
        raise EventStoreError("Give the reason for the erasure.", field="reason")
    if not actor.strip():
        raise EventStoreError("Give the acting user.", field="actor")
    with transaction.atomic():
        row = SubjectKey.objects.select_for_update().filter(subject=subject).first()
        if row is None:
            raise EventStoreError(f"No personal data is held about {subject!r}.", field="subject")
        if row.key is None:
            raise PersonalDataErasedError(f"{subject} was already erased.", field="subject")
        result = store.append(
            f"subject-{subject}",
            [PersonalDataErased(occurred_at=timezone.now(), subject=subject, reason=reason)],
            expected_version=store.ANY,
            metadata={"actor": actor},
        )
        row.key = None
        row.erased_at = timezone.now()
        row.save(update_fields=["key", "erased_at"])
    return result


def random_subject(prefix: str = "person") -> str:
    """A new pseudonymous subject id (no personal data in it)."""
    return f"{prefix}-{os.urandom(12).hex()}"
