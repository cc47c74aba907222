"""Data for the fault tests: a synthetic portfolio in the log, users with tokens, and the
read models as comparable rows."""

from __future__ import annotations

import random
import uuid
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.apps import apps
from rest_framework.authtoken.models import Token

from compliance.access import access_grant
from compliance.domain import events as e
from compliance.domain.values import (
    AgreementKind,
    GovernanceRight,
    Instrument,
    Money,
    PartyKind,
    ProceedingKind,
)
from compliance.models import Matter, MatterInvestment
from events import projections, store
from events.models import ProjectionCheckpoint

T0 = datetime(2024, 1, 1, tzinfo=UTC)

# Every table a compliance projection writes. Any other model of the app must be named in
# NOT_READ_MODELS, so a read model added later cannot be left out of the comparison.
READ_MODELS = (
    "Party",
    "InvestmentPosition",
    "Proceeding",
    "Deadline",
    "TimelineEntry",
    "RiskFinding",
    "RiskDeal",
    "RiskLink",
)
NOT_READ_MODELS = (
    "Matter",
    "MatterInvestment",
    "Report",
    "ReportFile",
    "ReportSchedule",
    "ReportSubscriber",
    "DeadlineReminder",
)
PROJECTIONS = (
    "compliance.projections.parties.PartiesProjection",
    "compliance.projections.positions.InvestmentPositionsProjection",
    "compliance.projections.proceedings.ProceedingsProjection",
    "compliance.projections.deadlines.DeadlinesProjection",
    "compliance.projections.timeline.TimelineProjection",
    "compliance.projections.risk.RiskProjection",
)


def eur(millions: int) -> Money:
    return Money(amount=Decimal(millions) * 1_000_000, currency="EUR")


def record_portfolio(investments: int, *, parties: int = 8, seed: int = 7) -> list[str]:
    """Parties, ``investments`` investments of six events each between them, and a
    proceeding with deadlines for every tenth one, appended straight to the store. Returns
    the investment stream ids."""
    rng = random.Random(seed)
    tag = uuid.uuid4().hex[:8]
    party_ids = []
    for i in range(parties):
        stream_id = f"party-faults-{tag}-{i}"
        store.append(
            stream_id,
            [e.PartyRegistered(occurred_at=T0, name=f"Party {tag} {i}", kind=PartyKind.COMPANY,
                               country=rng.choice(["US", "FR", "DE", "GB"]))],
            expected_version=0,
        )  # fmt: skip
        party_ids.append(stream_id)
    investment_ids = []
    for i in range(investments):
        stream_id = f"investment-faults-{tag}-{i}"
        investor, target = rng.sample(party_ids, 2)
        at = [T0 + timedelta(days=d) for d in sorted(rng.sample(range(1, 600), 5))]
        store.append(
            stream_id,
            [
                e.InvestmentAnnounced(occurred_at=T0, investor_id=investor, target_id=target,
                                      title=f"Deal {tag} {i}"),
                e.StakeAcquired(
                    occurred_at=at[0], instrument=Instrument.ORDINARY_SHARES,
                    amount=eur(rng.randint(1, 4000)), equity_pct=Decimal(rng.randint(1, 30)),
                    voting_pct=Decimal(rng.randint(0, 30)),
                ),
                e.GovernanceRightGranted(occurred_at=at[1],
                                         right=rng.choice(list(GovernanceRight))),
                e.CommercialAgreementSigned(
                    occurred_at=at[2], agreement_id="a1", kind=rng.choice(list(AgreementKind)),
                    exclusive=rng.random() < 0.3, value=eur(rng.randint(1, 2000)),
                ),
                e.KeyPersonnelHired(occurred_at=at[3], count=rng.randint(1, 80)),
                e.StakeAcquired(
                    occurred_at=at[4], instrument=Instrument.CONVERTIBLE_NOTE,
                    amount=eur(rng.randint(1, 500)),
                ),
            ],
            expected_version=0,
        )  # fmt: skip
        investment_ids.append(stream_id)
        if i % 10 == 0:
            due = date(2024, 3, 1) + timedelta(days=rng.randint(0, 300))
            store.append(
                f"proceeding-faults-{tag}-{i}",
                [
                    e.ProceedingOpened(occurred_at=T0, authority="UK CMA",
                                       legal_basis="Enterprise Act 2002",
                                       kind=ProceedingKind.MERGER_INQUIRY,
                                       investment_ids=[stream_id]),
                    e.DeadlineSet(occurred_at=T0, deadline_id="d1", due_on=due,
                                  description="Comments"),
                    e.InformationRequestReceived(occurred_at=T0, request_id="rfi-1",
                                                 received_on=due - timedelta(days=20),
                                                 due_on=due - timedelta(days=5)),
                ],
                expected_version=0,
            )  # fmt: skip
    return investment_ids


def personnel_hired(expected_version: int) -> dict[str, object]:
    """The body of a POST /api/v1/streams/<id>/events/: a small fact at that version."""
    return {
        "type": "KeyPersonnelHired",
        "data": {
            "occurred_at": datetime.now(UTC).isoformat().replace("+00:00", "Z"),
            "count": 1,
        },
        "expected_version": expected_version,
    }


def analyst_token(investments: list[str]) -> str:
    """A new analyst staffed on a new matter holding ``investments``; their API token."""
    tag = uuid.uuid4().hex[:8]
    user = access_grant(
        username=f"faults-{tag}",
        role="analyst",
        matter_code=f"FAULTS-{tag}",
        matter_name="Fault tests",
        create=True,
    )
    matter = Matter.objects.get(code=f"FAULTS-{tag}")
    MatterInvestment.objects.bulk_create(
        MatterInvestment(matter=matter, investment_id=i) for i in investments
    )
    return str(Token.objects.create(user=user).key)


def compliance_projections() -> list[projections.Projection]:
    loaded = [projections.get_projection(p.name) for p in projections.get_projections()]
    return [p for p in loaded if type(p).__module__.startswith("compliance.")]


def read_models() -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every compliance read model (ids left out: they are storage details),
    sorted, and the projections' checkpoints."""
    models = {m.__name__: m for m in apps.get_app_config("compliance").get_models()}
    unknown = set(models) - set(READ_MODELS) - set(NOT_READ_MODELS)
    assert not unknown, f"New compliance models {unknown}: add them to READ_MODELS or not"
    rows: dict[str, list[tuple[Any, ...]]] = {}
    for name in READ_MODELS:
        model = models[name]
        fields = [f.attname for f in model._meta.concrete_fields if f.attname != "id"]
        rows[name] = sorted(
            (tuple(repr(v) for v in row) for row in model.objects.values_list(*fields)),
        )
    names = [p.name for p in compliance_projections()]
    rows["checkpoints"] = sorted(
        ProjectionCheckpoint.objects.filter(name__in=names).values_list(
            "name", "position", "failed_position", "error"
        )
    )
    return rows


def rebuilt_read_models() -> dict[str, list[tuple[Any, ...]]]:
    """Rebuild every compliance projection from position 0 and return the read models."""
    for projection in compliance_projections():
        result = projections.rebuild(projection)
        assert result.status == "ok", result
    return read_models()


def differences(
    before: dict[str, list[tuple[Any, ...]]], after: dict[str, list[tuple[Any, ...]]]
) -> dict[str, dict[str, Any]]:
    """Per table: how many rows each side has and a few rows only one side has."""
    found = {}
    for table in before:
        old, new = set(before[table]), set(after[table])
        if old != new or len(before[table]) != len(after[table]):
            found[table] = {
                "rows": (len(before[table]), len(after[table])),
                "only_before": sorted(old - new)[:3],
                "only_after": sorted(new - old)[:3],
            }
    return found
