"""The risk projection: a rebuild writes exactly the rows that incremental runs wrote, event
by event or batch by batch, whatever the rebuild's batch size, with corrections, retractions,
events dated after the evaluation date and proceedings that change the investments they
concern."""

from __future__ import annotations

import os
import uuid
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from functools import partial
from typing import Any

import pytest
from django.utils import timezone

from compliance.domain.events import (
    GatekeeperDesignated,
    GovernanceRightGranted,
    InvestmentAnnounced,
    KeyPersonnelHired,
    PartyRegistered,
    ProceedingOpened,
    StakeAcquired,
    TurnoverReported,
)
from compliance.domain.values import GovernanceRight, Instrument, Money, PartyKind, ProceedingKind
from compliance.models import RiskDeal, RiskFinding, RiskLink
from compliance.projections import forked
from compliance.projections.risk import COLUMNS
from events import projections, store
from events.models import ProjectionCheckpoint
from events.types import Event, EventCorrected, EventRetracted

pytestmark = pytest.mark.django_db(transaction=True)
T0 = datetime(2024, 3, 1, tzinfo=UTC)


def eur(millions: int) -> Money:
    return Money(amount=Decimal(millions) * 1_000_000, currency="EUR")


def risk_rows() -> dict[str, list[Any]]:
    return {
        "findings": sorted(RiskFinding.objects.values_list(*COLUMNS), key=repr),
        "deals": sorted(RiskDeal.objects.values_list("investment_id", "event_ids")),
        "links": sorted(RiskLink.objects.values_list("stream_id", "investment_id")),
    }


class Log:
    """Appends events one at a time and applies each to the risk projection at once. Stream
    ids get a tag of their own (the log is never flushed between tests)."""

    def __init__(self) -> None:
        self.risk = projections.get_projection("risk")
        self.tag = uuid.uuid4().hex[:8]
        assert projections.run_projection(self.risk).status == "ok"  # other tests' events

    def id(self, name: str) -> str:
        kind, _, rest = name.partition("-")
        return f"{kind}-{self.tag}{rest}"

    def add(self, name: str, event: Event) -> store.AppendResult:
        stream_id = self.id(name)
        result = store.append(stream_id, [event], expected_version=store.current_version(stream_id))
        assert projections.run_projection(self.risk, batch_size=1).status == "ok"
        return result


def party(log: Log, stream_id: str, *, gatekeeper: bool = False) -> None:
    log.add(stream_id, PartyRegistered(occurred_at=T0, name=stream_id, kind=PartyKind.COMPANY,
                                       country="DE"))  # fmt: skip
    log.add(stream_id, TurnoverReported(occurred_at=T0, fiscal_year=2023, worldwide=eur(9_000),
                                        eu=eur(900), member_states={"DE": eur(400)}))  # fmt: skip
    if gatekeeper:
        designate(log, stream_id)


def designate(log: Log, stream_id: str) -> None:
    log.add(stream_id, GatekeeperDesignated(occurred_at=T0, regime="DMA",
                                            designated_on=date(2023, 9, 5),
                                            core_platform_services=["search"]))  # fmt: skip


def stake(log: Log, stream_id: str, voting: int, at: datetime = T0) -> store.AppendResult:
    shares = Instrument.ORDINARY_SHARES
    bought = StakeAcquired(
        occurred_at=at, instrument=shares, amount=eur(50), voting_pct=Decimal(voting)
    )
    return log.add(stream_id, bought)


def announce(log: Log, stream_id: str, investor: str, target: str) -> store.AppendResult:
    investor_id, target_id = log.id(investor), log.id(target)
    announced = InvestmentAnnounced(
        occurred_at=T0, investor_id=investor_id, target_id=target_id, title=stream_id
    )
    return log.add(stream_id, announced)


def record_portfolio(log: Log) -> None:
    party(log, "party-a", gatekeeper=True)
    party(log, "party-b")
    party(log, "party-c")
    announce(log, "investment-x", "party-a", "party-b")
    stake(log, "investment-x", 30)
    log.add("proceeding-p", ProceedingOpened(
        occurred_at=T0, authority="UK CMA", legal_basis="Enterprise Act 2002",
        kind=ProceedingKind.PHASE_1,
        investment_ids=[log.id("investment-x"), log.id("investment-y")],
    ))  # fmt: skip
    announce(log, "investment-y", "party-c", "party-b")
    stake(log, "investment-y", 10)
    announce(log, "investment-v", "party-a", "party-c")
    stake(log, "investment-v", 10)
    stake(log, "investment-v", 45, at=timezone.now() + timedelta(days=30))  # after the as-of
    announce(log, "investment-z", "party-b", "party-c")
    bought = stake(log, "investment-z", 20)
    log.add("investment-z", EventCorrected(
        occurred_at=T0, target_event_id=bought.event_ids[0], reason="the votes were 55 %",
        data={"occurred_at": T0.isoformat(), "instrument": "ordinary_shares",
              "voting_pct": "55"},
    ))  # fmt: skip
    hired = log.add("investment-z", KeyPersonnelHired(occurred_at=T0, count=40))
    log.add("investment-z", EventRetracted(occurred_at=T0, target_event_id=hired.event_ids[0],
                                           reason="wrong deal"))  # fmt: skip
    gone = announce(log, "investment-w", "party-a", "party-c")
    log.add("investment-w", EventRetracted(occurred_at=T0, target_event_id=gone.event_ids[0],
                                           reason="never announced"))  # fmt: skip
    opened = log.add("proceeding-q", ProceedingOpened(
        occurred_at=T0, authority="Bundeskartellamt", legal_basis="GWB 35(1a)",
        kind=ProceedingKind.PHASE_1,
        investment_ids=[log.id("investment-x"), log.id("investment-ghost")],
    ))  # fmt: skip
    designate(log, "party-c")  # concerns y and z, through their parties
    log.add("investment-x", GovernanceRightGranted(occurred_at=T0,
                                                   right=GovernanceRight.BOARD_SEAT))  # fmt: skip
    log.add("proceeding-q", EventCorrected(
        occurred_at=T0, target_event_id=opened.event_ids[0], reason="about y, not x",
        data={"occurred_at": T0.isoformat(), "authority": "Bundeskartellamt",
              "legal_basis": "GWB 35(1a)", "kind": "phase_1",
              "investment_ids": [log.id("investment-y")]},
    ))  # fmt: skip


def test_a_rebuild_writes_the_rows_of_incremental_runs() -> None:
    log = Log()
    record_portfolio(log)
    one_by_one = risk_rows()
    assessed = {i for i, *_ in one_by_one["findings"] if i.startswith(log.id("investment-"))}
    assert assessed == {log.id(f"investment-{n}") for n in "vxyz"}  # w retracted, no ghost
    assert (log.id("proceeding-q"), log.id("investment-y")) in one_by_one["links"]
    assert (log.id("proceeding-q"), log.id("investment-x")) not in one_by_one["links"]

    risk = projections.get_projection("risk")
    risk.reset()
    ProjectionCheckpoint.objects.filter(name="risk").update(position=0)
    assert projections.run_projection(risk, batch_size=7).status == "ok"
    assert risk_rows() == one_by_one

    for batch_size in (1, 5, projections.REBUILD_BATCH_SIZE):
        assert projections.rebuild(risk, batch_size=batch_size).status == "ok"
        assert risk_rows() == one_by_one


def test_a_rebuild_spread_over_processes_writes_the_same_rows(
    monkeypatch: pytest.MonkeyPatch, settings: Any
) -> None:
    log = Log()
    record_portfolio(log)
    risk = projections.get_projection("risk")
    assert projections.rebuild(risk).status == "ok"
    alone = risk_rows()
    forks: list[int] = []
    fork = os.fork

    def counted_fork() -> int:
        pid = fork()
        if pid:
            forks.append(pid)
        return pid

    settings.RISK_REBUILD_PROCESSES = 3
    monkeypatch.setattr(os, "fork", counted_fork)
    # A whole test session has another thread (the browser tests' live server, idle), and
    # in_order does not fork then; the children here only evaluate, so let them.
    monkeypatch.setattr(forked, "can_fork", lambda: True)
    monkeypatch.setattr(forked, "in_order", partial(forked.in_order, block=1, minimum=0))
    assert projections.rebuild(risk).status == "ok"

    assert len(forks) == 2  # two children evaluated every third investment each
    assert risk_rows() == alone


def test_a_rebuild_that_fails_keeps_the_previous_rows(monkeypatch: pytest.MonkeyPatch) -> None:
    log = Log()
    party(log, "party-a")
    party(log, "party-b")
    announce(log, "investment-x", "party-a", "party-b")
    before = risk_rows()
    assert any(i == log.id("investment-x") for i, *_ in before["findings"])

    def broken(self: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr("compliance.projections.risk._Rebuild.flush", broken)
    with pytest.raises(RuntimeError, match="disk full"):
        projections.rebuild(projections.get_projection("risk"))
    assert risk_rows() == before
    monkeypatch.undo()
    stake(log, "investment-x", 30)  # incremental again after the failed rebuild
    incremental = risk_rows()
    assert projections.rebuild(projections.get_projection("risk")).status == "ok"
    assert risk_rows() == incremental


def test_a_group_parents_events_reach_its_subsidiarys_deals_and_rebuild_the_same() -> None:
    """The turnover counted for a party is its group's (EUMR Art 5(4)): the parent is read
    with the deal, linked to it, and a later event of the parent re-evaluates the deal."""
    log = Log()
    log.add("party-parent", PartyRegistered(occurred_at=T0, name="Parent Inc.",
                                            kind=PartyKind.COMPANY, country="US"))  # fmt: skip
    parent_id = log.id("party-parent")
    log.add("party-sub", PartyRegistered(occurred_at=T0, name="Subsidiary",
                                         kind=PartyKind.COMPANY, country="IE",
                                         group_parent_id=parent_id))  # fmt: skip
    log.add("party-sub", TurnoverReported(occurred_at=T0, fiscal_year=2023, worldwide=eur(10),
                                          eu=eur(5)))  # fmt: skip
    party(log, "party-target")
    announce(log, "investment-g", "party-sub", "party-target")
    stake(log, "investment-g", 60)
    deal_id = log.id("investment-g")
    links = set(RiskLink.objects.filter(investment_id=deal_id).values_list("stream_id", flat=True))
    assert log.id("party-parent") in links
    eumr = RiskFinding.objects.get(investment_id=deal_id, regime="eumr")
    assert eumr.status == "insufficient_data"  # the parent reported no turnover
    assert any("the group's turnover" in m for m in eumr.missing)

    log.add("party-parent", TurnoverReported(occurred_at=T0, fiscal_year=2023,
                                             worldwide=eur(9_000), eu=eur(900)))  # fmt: skip
    eumr = RiskFinding.objects.get(investment_id=deal_id, regime="eumr")
    assert eumr.status == "notifiable"
    assert any("group turnover of Parent Inc." in c["what"] for c in eumr.comparisons)
    parent_events = {str(e.event_id) for e in store.read_stream(log.id("party-parent"))}
    assert parent_events <= set(RiskDeal.objects.get(investment_id=deal_id).event_ids)

    one_by_one = risk_rows()
    risk = projections.get_projection("risk")
    assert projections.rebuild(risk).status == "ok"
    assert risk_rows() == one_by_one
