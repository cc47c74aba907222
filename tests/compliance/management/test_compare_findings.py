"""manage.py compare_findings."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from compliance.domain.events import GatekeeperDesignated, StakeAcquired
from compliance.domain.values import Instrument
from compliance.services import event_record
from tests.compliance.scenario import T0, record_deal

pytestmark = pytest.mark.django_db(transaction=True)


def test_lists_what_appeared_since_an_earlier_known_at() -> None:
    deal = record_deal()
    earlier = timezone.now().isoformat()
    event_record(
        stream_id=deal.investor,
        event=GatekeeperDesignated(
            occurred_at=T0, regime="DMA", designated_on=date(2023, 9, 5),
            core_platform_services=["Windows PC OS"],
        ),
        actor="a",
    )  # fmt: skip
    event_record(
        stream_id=deal.investment,
        event=StakeAcquired(
            occurred_at=T0, instrument=Instrument.ORDINARY_SHARES, voting_pct=Decimal("60")
        ),
        actor="a",
    )
    out = StringIO()
    call_command(
        "compare_findings", deal.investment, "--as-of", "2024-06-01",
        "--before-known-at", earlier, "--json", stdout=out,
    )  # fmt: skip
    changes = {c["regime"]: c for c in json.loads(out.getvalue())}
    assert changes["dma_art14"]["change"] == "appeared"
    assert changes["dma_art14"]["after"]["status"] == "information_duty"


@pytest.mark.parametrize(
    "args",
    [
        ["--as-of", "yesterday"],
        ["--as-of", "2024-06-01", "--before-known-at", "2024-01-01T00:00:00"],
        ["--as-of", "2024-06-01", "--before-pack", "eumr"],
    ],
)
def test_bad_arguments_are_clear_errors(args: list[str]) -> None:
    deal = record_deal()
    with pytest.raises(CommandError):
        call_command("compare_findings", deal.investment, *args)


def test_an_unknown_investment_is_a_clear_error() -> None:
    with pytest.raises(CommandError, match="not_found"):
        call_command("compare_findings", "investment-nope", "--as-of", "2024-06-01")


def test_the_whole_portfolio_under_two_known_at_times() -> None:
    deal = record_deal()
    events_projection_catch_up()
    earlier = timezone.now().isoformat()
    event_record(
        stream_id=deal.investment,
        event=StakeAcquired(
            occurred_at=T0, instrument=Instrument.ORDINARY_SHARES, voting_pct=Decimal("60")
        ),
        actor="a",
    )
    out = StringIO()
    call_command(
        "compare_findings", "--all", "--as-of", "2024-06-01", "--before-known-at", earlier,
        "--json", stdout=out,
    )  # fmt: skip
    changes = json.loads(out.getvalue())
    assert deal.investment in changes
    assert {c["regime"] for c in changes[deal.investment]} >= {"eumr"}


def test_one_investment_or_all_not_both() -> None:
    with pytest.raises(CommandError, match="--all"):
        call_command("compare_findings", "--as-of", "2024-06-01")


def events_projection_catch_up() -> None:
    from events import projections

    projections.catch_up()
