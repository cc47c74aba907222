"""What one user's requests leave for others to see: new streams' ids cannot be computed
from another user's idempotency key, and events' metadata never shows other users' keys,
request ids, or the identity of someone on another matter."""

from __future__ import annotations

import json
import uuid

import pytest
from django.test import override_settings

from events import store
from tests.compliance.api.conftest import World

pytestmark = pytest.mark.django_db

PARTY = {"occurred_at": "2024-01-01T00:00:00Z", "name": "Acme AI", "kind": "company",
         "country": "FR"}  # fmt: skip


def test_a_keyed_creation_cannot_be_taken_by_a_user_who_guesses_its_id(world: World) -> None:
    """The defect: ids were uuid5(user pk, key), so matter B's analyst created the stream
    that A's keyed POST would address, and A got 409 already_exists."""
    key = "create-acme-1"
    analyst = world.users["analyst"]
    guessed = f"party-{uuid.uuid5(uuid.NAMESPACE_URL, f'api:{analyst.pk}:{key}').hex}"
    taken = world.client("other").post(
        f"/api/v1/streams/{guessed}/events/",
        {"type": "PartyRegistered", "expected_version": 0, "data": PARTY},
        format="json",
    )
    assert taken.status_code == 201
    created = world.client("analyst").post(
        "/api/v1/parties/", PARTY, format="json", HTTP_IDEMPOTENCY_KEY=key
    )
    assert created.status_code == 201, created.json()
    assert created.json()["stream_id"] != guessed
    again = world.client("analyst").post(
        "/api/v1/parties/", PARTY, format="json", HTTP_IDEMPOTENCY_KEY=key
    )
    assert again.json() == created.json()  # a retry still addresses the same stream


def test_derived_ids_depend_on_the_servers_secret() -> None:
    from compliance.api.views.common import new_stream_id

    mine = new_stream_id("party", "api:7:k")
    assert mine == new_stream_id("party", "api:7:k")
    assert mine != new_stream_id("party", "api:8:k")
    assert mine != new_stream_id("investment", "api:7:k").replace("investment", "party")
    with override_settings(SECRET_KEY="another-secret-" + "x" * 50):
        assert new_stream_id("party", "api:7:k") != mine


@pytest.fixture
def party(world: World) -> str:
    """A party registered by matter A's analyst, with a key and a request id."""
    response = world.client("analyst").post(
        "/api/v1/parties/", PARTY, format="json", HTTP_IDEMPOTENCY_KEY="acme-by-analyst",
        HTTP_X_REQUEST_ID="req-4242",
    )  # fmt: skip
    assert response.status_code == 201
    stream_id: str = response.json()["stream_id"]
    stored = store.read_stream(stream_id)[0].metadata
    assert stored["request_id"] == "req-4242" and "acme-by-analyst" in stored["idempotency_key"]
    return stream_id


def _metadata(world: World, who: str, stream_id: str) -> dict[str, object]:
    response = world.client(who).get(f"/api/v1/streams/{stream_id}/events/")
    assert response.status_code == 200
    metadata: dict[str, object] = response.json()["events"][0]["metadata"]
    return metadata


def test_another_matters_user_sees_a_shared_partys_source_but_not_who_or_how(
    world: World, party: str
) -> None:
    theirs = _metadata(world, "other", party)
    assert theirs == {"actor": "user:(withheld)"}
    for export in ["events.ndjson", "events.csv"]:
        response = world.client("other").get(f"/api/v1/exports/{export}")
        text = b"".join(response.streaming_content).decode()
        assert party in text
        pk = world.users["analyst"].pk
        for secret in ["analyst", "req-4242", "acme-by-analyst", f"api:{pk}:"]:
            assert secret not in text, (export, secret)
    page = world.client("other").get(f"/api/v1/events/?stream_id={party}").json()
    assert page["results"][0]["metadata"] == theirs


def test_the_recorder_sees_their_own_key_and_request_and_a_colleague_sees_who(
    world: World, party: str
) -> None:
    own = _metadata(world, "analyst", party)
    assert own == {
        "actor": "user:analyst", "idempotency_key": "acme-by-analyst", "request_id": "req-4242",
    }  # fmt: skip
    colleague = _metadata(world, "viewer", party)  # staffed on matter A too
    assert colleague == {"actor": "user:analyst"}
    admin = _metadata(world, "admin", party)
    assert admin == {"actor": "user:analyst", "request_id": "req-4242"}  # never others' keys


def test_the_admin_log_withholds_another_matters_recorder(world: World, party: str) -> None:
    from django.test import Client

    from compliance.admin.recording import event_page, stream_page
    from events.models import StoredEvent

    other = world.users["other"]
    other.is_staff = True  # the admin lets in staff; the role and matters decide the rest
    other.save(update_fields=["is_staff"])
    client = Client()
    client.force_login(other)
    row = StoredEvent.objects.get(stream_id=party)
    detail = client.get(event_page(row.seq))
    assert detail.status_code == 200
    assert "user:(withheld)" in detail.content.decode()
    assert "user:analyst" not in detail.content.decode()
    exported = client.get("/admin/events/storedevent/export.csv")
    text = b"".join(exported.streaming_content).decode()
    assert party in text and "user:analyst" not in text
    party_page = client.get(stream_page(party))
    assert party_page.status_code == 200
    assert "user:(withheld)" in party_page.content.decode()
    assert "user:analyst" not in party_page.content.decode()
    assert json.dumps(row.metadata).count("req-4242") == 1  # the log itself keeps it all
