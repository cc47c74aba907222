"""The party's fold and rules, in memory."""

from __future__ import annotations

from decimal import Decimal

import pytest

from compliance.domain import parties
from compliance.domain.errors import DomainError, ErrorCode
from compliance.domain.events import (
    GatekeeperDesignated,
    GatekeeperDesignationRevoked,
    PartyRegistered,
    PartyRenamed,
    TurnoverReported,
)
from compliance.domain.values import Money, PartyKind
from tests.compliance.domain.helpers import T0, day, history

STREAM = "party-ms"
REGISTERED = PartyRegistered(
    occurred_at=T0, name="Microsoft Corporation", kind=PartyKind.COMPANY, country="US"
)
DESIGNATED = GatekeeperDesignated(
    occurred_at=T0, regime="DMA", designated_on=day("2023-09-05"),
    core_platform_services=["Windows PC OS", "LinkedIn"],
)  # fmt: skip


def test_turnover_designation_and_rename() -> None:
    state = parties.fold(
        STREAM,
        history(
            STREAM,
            REGISTERED,
            TurnoverReported(
                occurred_at=T0, fiscal_year=2023,
                worldwide=Money(amount=Decimal("100"), currency="EUR"),
            ),
            TurnoverReported(occurred_at=T0, fiscal_year=2022),
            DESIGNATED,
            PartyRenamed(occurred_at=T0, name="Microsoft"),
        ),
    )  # fmt: skip
    assert state.name == "Microsoft"
    latest = state.latest_turnover()
    assert latest is not None and latest.fiscal_year == 2023
    assert state.is_gatekeeper("DMA", on=day("2024-01-01"))
    assert not state.is_gatekeeper("DMA", on=day("2023-09-04"))


def test_revoking_part_of_a_designation_keeps_the_rest() -> None:
    state = parties.fold(
        STREAM,
        history(
            STREAM, REGISTERED, DESIGNATED,
            GatekeeperDesignationRevoked(
                occurred_at=T0, regime="DMA", revoked_on=day("2025-01-01"),
                core_platform_services=["LinkedIn"],
            ),
        ),
    )  # fmt: skip
    assert state.designations["DMA"].core_platform_services == ("Windows PC OS",)
    assert state.is_gatekeeper("DMA")


def test_revoking_a_designation_never_made_is_refused() -> None:
    state = parties.fold(STREAM, history(STREAM, REGISTERED))
    with pytest.raises(DomainError) as caught:
        parties.check(
            state,
            GatekeeperDesignationRevoked(
                occurred_at=T0, regime="DMA", revoked_on=day("2025-01-01")
            ),
        )
    assert caught.value.code == ErrorCode.RIGHT_NOT_HELD


def test_events_before_registration_or_of_another_stream_kind_are_refused() -> None:
    empty = parties.Party(stream_id=STREAM)
    with pytest.raises(DomainError) as caught:
        parties.check(empty, PartyRenamed(occurred_at=T0, name="x"))
    assert caught.value.code == ErrorCode.NOT_FOUND
    from compliance.domain.events import KeyPersonnelHired

    with pytest.raises(DomainError) as caught:
        parties.check(empty, KeyPersonnelHired(occurred_at=T0, count=1))
    assert caught.value.code == ErrorCode.WRONG_STREAM
