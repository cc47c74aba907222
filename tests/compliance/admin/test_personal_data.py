"""Personal data in the admin: a named hire reads in clear on the event's page and in the
CSV download until the person is erased, then reads as erased; the ciphertext never shows."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest

from compliance.domain.events import KeyPersonnelHired
from compliance.services import event_record
from events import personal
from events.models import StoredEvent
from events.types import PersonalData
from tests.compliance.api.conftest import World
from tests.compliance.scenario import T0

pytestmark = pytest.mark.django_db


def test_a_named_hire_reads_in_clear_then_as_erased(world: World, browse: Any) -> None:
    person = personal.random_subject()
    event_record(
        stream_id=world.a.investment,
        event=KeyPersonnelHired(
            occurred_at=T0, count=1, named_hires=[PersonalData(subject=person, value="Ada L.")]
        ),
        actor="tester",
    )
    row = StoredEvent.objects.get(stream_id=world.a.investment, type="KeyPersonnelHired")
    assert "Ada L." not in json.dumps(row.data)  # stored encrypted
    client = browse("analyst")
    page = f"/admin/events/storedevent/{row.seq}/change/"
    export = "/admin/events/storedevent/export.csv"

    def exported() -> str:
        response = client.get(export, {"type": "KeyPersonnelHired", "q": world.a.investment})
        text = b"".join(response.streaming_content).decode()
        (line,) = list(csv.DictReader(io.StringIO(text)))
        return line["data"]

    assert "Ada L." in client.get(page).content.decode()
    assert "Ada L." in exported()
    personal.subject_erase(subject=person, reason="Request of the data subject", actor="dpo")
    shown = client.get(page).content.decode()
    assert "Ada L." not in shown and "&quot;erased&quot;: true" in shown
    data = json.loads(exported())
    assert data["named_hires"][0] == {"subject": person, "value": None, "erased": True}
    assert "ciphertext" not in shown and "ciphertext" not in exported()


def test_timelines_show_neither_the_name_nor_the_ciphertext(world: World, browse: Any) -> None:
    from django.contrib.admin.utils import quote

    person = personal.random_subject()
    event_record(
        stream_id=world.a.investment,
        event=KeyPersonnelHired(
            occurred_at=T0, count=1, named_hires=[PersonalData(subject=person, value="Ada L.")]
        ),
        actor="tester",
    )
    page = browse("analyst").get(
        f"/admin/compliance/investmentposition/{quote(world.a.investment)}/change/"
    )
    text = page.content.decode()
    assert "Key personnel hired: count 1, named hires [personal data]" in text
    assert "Ada L." not in text and "ciphertext" not in text
