"""Personal data: encrypted per data subject before it is hashed, readable until the subject
is erased, then erased everywhere while the chain and every other fact stay intact."""

from __future__ import annotations

import base64
import json
import logging
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from events import ledger, personal, proofs, store
from events.errors import EventStoreError, InvalidPayloadError
from events.models import SubjectKey
from events.types import PersonalData, registry
from tests.events.checkpointing import configure, new_key
from tests.events.event_types import ContactNamed
from tests.events.helpers import T0

pytestmark = pytest.mark.django_db(transaction=True)


NAME = "Jane Q. Example"


def key_of(subject: str) -> bytes:
    key = SubjectKey.objects.get(subject=subject).key
    assert key is not None
    return bytes(key)


@pytest.fixture
def subject() -> str:
    return personal.random_subject()


def record(stream: str, subject: str, **extra: Any) -> store.AppendResult:
    return store.append(
        stream,
        [
            ContactNamed(
                occurred_at=T0, topic="board", contact=PersonalData(subject=subject, value=NAME)
            )
        ],
        expected_version=store.ANY,
        **extra,
    )


def stored_data(stream: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT CAST(data AS text) FROM events_event WHERE stream_id = %s ORDER BY version",
            [stream],
        )
        return "\n".join(row[0] for row in cursor.fetchall())


def test_personal_data_is_stored_encrypted_and_read_in_clear(stream: str, subject: str):
    record(stream, subject)
    raw = stored_data(stream)
    assert NAME not in raw and "Jane" not in raw
    assert json.loads(raw)["contact"]["ciphertext"]
    event = store.read_stream(stream)[0].event
    assert event.contact.value is None  # the typed event holds the ciphertext
    assert personal.reveal(event.contact) == NAME
    assert personal.display(event.contact) == NAME
    revealed = personal.reveal_json(json.loads(raw))
    assert revealed["contact"] == {"subject": subject, "value": NAME, "erased": False}
    ledger.seal()
    assert ledger.verify().ok  # the hash and the chain cover the ciphertext


def test_the_schema_declares_the_field_as_personal_data() -> None:
    schema = registry.get("ContactNamed").adapter.json_schema()
    assert '"x-personal-data": true' in json.dumps(schema)


def test_a_payload_must_be_clear_or_sealed_not_both(subject: str) -> None:
    with pytest.raises(InvalidPayloadError):
        registry.build(
            "ContactNamed",
            {"occurred_at": T0.isoformat(), "topic": "x",
             "contact": {"subject": subject, "value": NAME, "nonce": "AA==", "ciphertext": "AA=="}},
        )  # fmt: skip
    with pytest.raises(InvalidPayloadError):
        registry.build(
            "ContactNamed",
            {"occurred_at": T0.isoformat(), "topic": "x",
             "contact": {"subject": "bad id!", "value": NAME}},
        )  # fmt: skip


def test_a_retry_with_an_idempotency_key_encrypts_identically(stream: str, subject: str):
    first = record(stream, subject, idempotency_key=f"k-{stream}")
    again = record(stream, subject, idempotency_key=f"k-{stream}")
    assert again.replayed and again.event_ids == first.event_ids


def test_corrections_are_encrypted_too(stream: str, subject: str) -> None:
    from events.types import EventCorrected

    result = record(stream, subject)
    store.append(
        stream,
        [EventCorrected(occurred_at=T0, target_event_id=result.event_ids[0], reason="typo",
                        data={"occurred_at": T0.isoformat(), "topic": "board",
                              "contact": {"subject": subject, "value": "Jane Corrected"}})],
        expected_version=1,
    )  # fmt: skip
    assert "Jane" not in stored_data(stream)
    assert personal.reveal(store.read_stream(stream)[0].event.contact) == "Jane Corrected"


def test_erasure(stream: str, subject: str, caplog: Any) -> None:
    caplog.set_level(logging.DEBUG)
    other = personal.random_subject()
    store.append(
        stream,
        [ContactNamed(occurred_at=T0, topic="hires",
                      others=[PersonalData(subject=subject, value=NAME),
                              PersonalData(subject=other, value="John Other")])],
        expected_version=0,
    )  # fmt: skip
    key = key_of(subject)
    before = stored_data(stream)
    out = StringIO()
    call_command(
        "erase_subject", subject, "--reason", "request DSR-17", "--actor", "dpo", stdout=out
    )
    assert f"Erased {subject}" in out.getvalue()
    assert stored_data(stream) == before  # the log is untouched
    row = SubjectKey.objects.get(subject=subject)
    assert row.key is None and row.erased_at is not None
    others = store.read_stream(stream)[0].event.others
    assert personal.reveal(others[0]) is None
    assert personal.display(others[0]) == personal.ERASED
    assert personal.reveal(others[1]) == "John Other"  # another subject still reads
    assert store.read_stream(stream)[0].event.topic == "hires"  # every other fact still reads
    revealed = personal.reveal_json(json.loads(before))
    assert revealed["others"][0] == {"subject": subject, "value": None, "erased": True}
    erasure = store.read_stream(f"subject-{subject}")[-1]
    assert erasure.type == "PersonalDataErased"
    assert erasure.event.reason == "request DSR-17"
    assert erasure.metadata["actor"] == "dpo"
    ledger.seal()
    assert ledger.verify().ok
    encoded = base64.b64encode(key).decode()
    assert key.hex() not in caplog.text and encoded not in caplog.text
    with pytest.raises(CommandError, match="already erased"):
        call_command("erase_subject", subject, "--reason", "x", "--actor", "dpo")
    with pytest.raises(personal.PersonalDataErasedError):
        record(stream, subject)  # no new personal data about an erased subject


def test_erasing_needs_a_known_subject_a_reason_and_an_actor(subject: str) -> None:
    with pytest.raises(EventStoreError, match="No personal data"):
        personal.subject_erase(subject=subject, reason="r", actor="a")
    with pytest.raises(EventStoreError, match="reason"):
        personal.subject_erase(subject=subject, reason=" ", actor="a")
    with pytest.raises(CommandError):
        call_command("erase_subject", subject, "--actor", "a")  # --reason is required


def test_keys_never_travel_in_a_proof_bundle(
    stream: str, subject: str, settings: Any, tmp_path: Path
) -> None:
    configure(settings, new_key(), tmp_path / "checkpoints")
    record(stream, subject)
    key = key_of(subject)
    text = json.dumps(proofs.bundle_build(proofs.subject_for("stream", stream)))
    assert NAME not in text
    assert key.hex() not in text and base64.b64encode(key).decode() not in text
