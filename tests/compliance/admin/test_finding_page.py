"""A finding's page shows the events it used: its deal's, kept once per deal."""

from __future__ import annotations

from datetime import date

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from compliance.models import RiskDeal, RiskFinding

pytestmark = pytest.mark.django_db


def test_a_findings_page_and_rows_carry_the_events_of_its_deal(client: Client) -> None:
    RiskDeal.objects.create(investment_id="investment-x", event_ids=["e-one", "e-two"])
    finding = RiskFinding.objects.create(
        investment_id="investment-x", regime="eumr", status="monitor", score=10,
        rationale="r", citation="c", pack_id="p", pack_version="1", as_of=date(2025, 1, 1),
    )  # fmt: skip
    uncited = RiskFinding.objects.create(
        investment_id="investment-x", regime="fsr_art20", status="not_notifiable", score=0,
        rationale="No rule pack in force.", citation="", pack_id="", pack_version="",
        as_of=date(2025, 1, 1), cites_deal=False,
    )  # fmt: skip
    client.force_login(User.objects.create_superuser("root", "root@example.com", "pw"))

    page = client.get(
        reverse("admin:compliance_riskfinding_change", args=[finding.pk]), secure=True
    )

    assert page.status_code == 200
    assert b"e-one" in page.content and b"e-two" in page.content
    assert RiskFinding.objects.get(pk=finding.pk).event_ids == ["e-one", "e-two"]
    assert RiskFinding.objects.get(pk=uncited.pk).event_ids == []
