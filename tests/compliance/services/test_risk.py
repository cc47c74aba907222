"""Risk views: bitemporal evaluation, comparisons, and the risk projection."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone

from compliance import selectors
from compliance.domain.events import GatekeeperDesignated, StakeAcquired
from compliance.domain.values import Instrument
from compliance.models import RiskFinding
from compliance.rules.base import Finding
from compliance.services import event_record, findings_compare, findings_evaluate
from events import projections, store
from events.types import EventCorrected
from tests.compliance.scenario import T0, record_deal

pytestmark = pytest.mark.django_db(transaction=True)
AS_OF = date(2024, 6, 1)


def designate(party_id: str) -> None:
    event_record(
        stream_id=party_id,
        event=GatekeeperDesignated(
            occurred_at=T0, regime="DMA", designated_on=date(2023, 9, 5),
            core_platform_services=["Windows PC OS"],
        ),
        actor="a",
    )  # fmt: skip


def control(deal_id: str, pct: str = "60") -> store.AppendResult:
    return event_record(
        stream_id=deal_id,
        event=StakeAcquired(
            occurred_at=T0, instrument=Instrument.ORDINARY_SHARES, voting_pct=Decimal(pct)
        ),
        actor="a",
    )


def by_regime(findings: list[Finding]) -> dict[str, Finding]:
    return {f.regime: f for f in findings}


def test_a_gatekeeper_taking_control_has_an_information_duty() -> None:
    deal = record_deal()
    designate(deal.investor)
    control(deal.investment)
    findings = by_regime(findings_evaluate(investment_id=deal.investment, as_of=AS_OF))
    assert findings["dma_art14"].status == "information_duty"
    assert findings["eumr"].status == "insufficient_data"  # no turnover recorded
    assert set(findings["eumr"].event_ids) >= {
        str(e.event_id) for e in store.read_stream(deal.investment)
    }


def test_a_correction_between_two_known_at_times_changes_the_findings() -> None:
    deal = record_deal()
    designate(deal.investor)
    bought = control(deal.investment)
    before = timezone.now()
    event_record(
        stream_id=deal.investment,
        event=EventCorrected(
            occurred_at=T0, target_event_id=bought.event_ids[0], reason="only 5 % of the votes",
            data={"occurred_at": T0.isoformat(), "instrument": "ordinary_shares",
                  "voting_pct": "5"},
        ),
        actor="a",
    )  # fmt: skip
    changes = {
        c.regime: c
        for c in findings_compare(
            investment_id=deal.investment, as_of=AS_OF, before_known_at=before
        )
    }
    assert changes["dma_art14"].change == "disappeared"
    assert changes["dma_art14"].before.status == "information_duty"


def test_the_risk_projection_follows_party_events_and_rebuilds_the_same() -> None:
    deal = record_deal()
    control(deal.investment)
    projections.catch_up()
    # Evaluated as of today: after the period for which the pack's list of designations is
    # complete, an investor not listed is not concluded to be no gatekeeper.
    assert RiskFinding.objects.get(investment_id=deal.investment, regime="dma_art14").status == (
        "insufficient_data"
    )
    designate(deal.investor)  # an event on the party stream, not the investment's
    projections.catch_up()
    cell = RiskFinding.objects.get(investment_id=deal.investment, regime="dma_art14")
    assert cell.status == "information_duty"
    incremental = sorted(RiskFinding.objects.values_list("investment_id", "regime", "status"))
    projections.rebuild(projections.get_projection("risk"))
    assert sorted(RiskFinding.objects.values_list("investment_id", "regime", "status")) == (
        incremental
    )
    matrix = selectors.portfolio_matrix()
    row = next(r for r in matrix.rows if r.investment_id == deal.investment)
    assert row.cells["dma_art14"].status == "information_duty"
    assert "dma_art14" in matrix.regimes
