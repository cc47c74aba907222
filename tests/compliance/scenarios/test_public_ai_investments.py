"""The built-in scenario of the public record: idempotent loading, sources, the Mistral AI
correction read bitemporally, the read models, the ledger and the command.

The log is never flushed between tests, so another test may have loaded the scenario first:
every test loads it (a no-op the second time) and asserts on its stable stream ids.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from decimal import Decimal
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from compliance.domain.values import Money
from compliance.models import Deadline, InvestmentPosition, Party, Proceeding, TimelineEntry
from compliance.scenarios import ScenarioLoad, UnknownScenarioError, scenario_load
from compliance.scenarios import public_ai_investments as scn
from compliance.services import stream_state
from events import ledger, projections, store
from events.types import registry

pytestmark = pytest.mark.django_db(transaction=True)

SCENARIO = scn.SCENARIO
PROCEEDING_IDS = [s for s in SCENARIO.stream_ids if s.startswith("proceeding-")]


@pytest.fixture
def loaded() -> ScenarioLoad:
    result = scenario_load(name=scn.NAME, actor="tester")
    assert result.new_events in (0, SCENARIO.size)  # first load in this database, or not
    return result


def payloads(stream_id: str) -> list[tuple[str, dict[str, Any]]]:
    return [
        (recorded.type, registry.encode(recorded.event)[1])
        for recorded in store.read_stream(stream_id, effective=False)
    ]


def money_in(value: Any) -> list[dict[str, Any]]:
    """Every Money found in a JSON payload (a bound, "at most GBP 70m", is not money)."""
    if isinstance(value, dict):
        money = "currency" in value and "amount" in value and "operator" not in value
        found = [value] if money else []
        return found + [m for v in value.values() for m in money_in(v)]
    if isinstance(value, list):
        return [m for v in value for m in money_in(v)]
    return []


def test_a_second_load_records_nothing(loaded: ScenarioLoad) -> None:
    again = scenario_load(name=scn.NAME, actor="someone-else")

    assert again.new_events == 0
    assert all(stream.new == 0 for stream in again.streams)
    assert again.events == SCENARIO.size == loaded.events
    assert again.event_ids == loaded.event_ids
    for stream in SCENARIO.streams:
        keys = [
            recorded.metadata["idempotency_key"]
            for recorded in store.read_stream(stream.stream_id, effective=False)
        ]
        assert keys == [
            f"scenario:public-ai-investments:{stream.stream_id}:{n}"
            for n in range(1, len(stream.steps) + 1)
        ]


def test_the_scenario_has_the_parties_deals_and_proceedings(loaded: ScenarioLoad) -> None:
    kinds = [stream_id.split("-", 1)[0] for stream_id in SCENARIO.stream_ids]
    assert (kinds.count("party"), kinds.count("investment"), kinds.count("proceeding")) == (
        10,
        6,
        14,
    )
    assert len(set(SCENARIO.stream_ids)) == len(SCENARIO.stream_ids)
    assert {stream.stream_id for stream in loaded.streams} == set(SCENARIO.stream_ids)


def test_every_event_has_a_source_and_no_silent_conversion(loaded: ScenarioLoad) -> None:
    for stream_id in SCENARIO.stream_ids:
        for recorded in store.read_stream(stream_id, effective=False):
            source = recorded.metadata["source"]
            assert re.match(r"^https?://\S+$", source["url"]), recorded
            assert source["publisher"]
            assert source["title"]
            assert source["reliability"] in {"official", "reliable_press", "unverified"}
        for type_name, data in payloads(stream_id):
            assert type_name != "TurnoverReported"  # the sheet gives no turnover
            for money in money_in(data):
                if money["currency"] != "EUR":
                    assert money["eur_rate"] is None, (stream_id, type_name)


def test_the_wrong_report_comes_from_a_weak_source_and_the_correction_cites_the_right_one(
    loaded: ScenarioLoad,
) -> None:
    history = {e.event_id: e for e in store.read_stream(scn.MICROSOFT_MISTRAL, effective=False)}
    wrong = history[loaded.event_ids[scn.WRONG_REPORT]]
    correction = history[loaded.event_ids[scn.CORRECTION]]

    assert wrong.occurred_at == datetime(2024, 2, 26, tzinfo=UTC)
    assert wrong.metadata["source"]["reliability"] == "unverified"
    assert "businessupturn.com" in wrong.metadata["source"]["url"]
    assert correction.type == "EventCorrected"
    assert correction.event.target_event_id == wrong.event_id
    assert correction.event.data["occurred_at"].startswith("2024-02-27")
    assert "datacenterdynamics.com" in correction.event.reason
    assert correction.version > wrong.version


def test_the_mistral_position_as_known_then_and_now(loaded: ScenarioLoad) -> None:
    known_then = loaded.known_before[scn.CORRECTION]
    assert loaded.recorded_at[scn.WRONG_REPORT] <= known_then < loaded.recorded_at[scn.CORRECTION]

    then = stream_state(scn.MICROSOFT_MISTRAL, known_at=known_then)
    assert set(then.holdings) == {"other"}
    assert then.unconverted == (Money(amount=Decimal("2100000000"), currency="USD"),)
    assert then.invested_eur == 0

    now = stream_state(scn.MICROSOFT_MISTRAL)
    assert set(now.holdings) == {"convertible_note"}
    assert "next funding round" in (now.holdings["convertible_note"].conversion_trigger or "")
    assert now.invested_eur == Decimal("15000000")
    assert now.unconverted == ()
    assert now.anomalies == ()

    # In valid time the corrected fact is of 2024-02-27: on the 26th, as known now, no stake.
    on_the_26th = stream_state(scn.MICROSOFT_MISTRAL, as_of=datetime(2024, 2, 26, 23, tzinfo=UTC))
    assert on_the_26th.holdings == {}


def test_the_read_models_show_the_deals(loaded: ScenarioLoad) -> None:
    projections.catch_up()

    microsoft = Party.objects.get(stream_id=scn.MICROSOFT)
    assert microsoft.is_gatekeeper
    assert microsoft.designations["DMA"]["core_platform_services"] == ["Windows PC OS", "LinkedIn"]
    assert microsoft.designations["GWB_19A"]["designated_on"] == "2024-09-30"
    assert microsoft.latest_fiscal_year is None
    assert Party.objects.get(stream_id=scn.OPENAI).name == "OpenAI Group PBC"
    assert Party.objects.get(stream_id=scn.GOOGLE).group_parent_id == scn.ALPHABET
    assert Party.objects.get(stream_id=scn.RUN_AI).country == "IL"

    openai = InvestmentPosition.objects.get(stream_id=scn.MICROSOFT_OPENAI)
    assert "observer_seat" not in openai.rights
    assert openai.rights == {}  # the right of first refusal went in the recapitalisation
    assert openai.fully_diluted_pct == Decimal("27")
    agreements = {a["agreement_id"]: a for a in openai.agreements_in_force}
    assert agreements["azure-cloud"]["exclusive"] is False
    assert openai.invested_eur == 0  # USD 1bn, never converted without a stated rate
    assert [m["amount"] for m in openai.unconverted] == ["1000000000"]

    mistral = InvestmentPosition.objects.get(stream_id=scn.MICROSOFT_MISTRAL)
    assert mistral.invested_eur == Decimal("15000000")
    assert list(mistral.holdings) == ["convertible_note"]

    inflection = InvestmentPosition.objects.get(stream_id=scn.MICROSOFT_INFLECTION)
    assert inflection.personnel_hired == 70
    assert sum(Decimal(m["amount"]) for m in inflection.unconverted) == Decimal("650000000")
    assert [a["exclusive"] for a in inflection.agreements_in_force] == [False]

    amazon = InvestmentPosition.objects.get(stream_id=scn.AMAZON_ANTHROPIC)
    assert sum(Decimal(m["amount"]) for m in amazon.unconverted) == Decimal("8000000000")
    assert amazon.rights == {"consultation_right": 1, "right_of_first_notification": 1}

    google = InvestmentPosition.objects.get(stream_id=scn.GOOGLE_ANTHROPIC)
    assert (google.equity_pct, google.voting_pct) == (Decimal("14"), Decimal("0"))
    assert Decimal(google.holdings["non_voting_shares"]["cap_pct"]) == Decimal("15")

    assert InvestmentPosition.objects.get(stream_id=scn.NVIDIA_RUN_AI).status == "completed"

    cma_amazon = Proceeding.objects.get(stream_id=scn.CMA_AMAZON_ANTHROPIC)
    assert (cma_amazon.outcome, cma_amazon.status) == ("not_a_concentration", "closed")
    assert cma_amazon.decided_on == date(2024, 9, 27)
    referral = Proceeding.objects.get(stream_id=scn.EC_MICROSOFT_INFLECTION)
    assert (referral.referral, referral.status, referral.outcome) == ("withdrawn", "closed", None)
    nvidia = Proceeding.objects.get(stream_id=scn.EC_NVIDIA_RUN_AI)
    assert (nvidia.referral, nvidia.reference, nvidia.outcome) == ("accepted", "M.11766", "cleared")
    assert nvidia.phase == "phase_1"
    statement = Proceeding.objects.get(stream_id=scn.EC_MICROSOFT_MISTRAL)
    assert (statement.status, statement.outcome) == ("open", None)
    ftc = Proceeding.objects.get(stream_id=scn.FTC_AI_PARTNERSHIPS)
    assert sorted(ftc.investment_ids) == sorted(
        [scn.MICROSOFT_OPENAI, scn.AMAZON_ANTHROPIC, scn.GOOGLE_ANTHROPIC]
    )
    assert set(
        Proceeding.objects.filter(stream_id__in=PROCEEDING_IDS).values_list("authority", flat=True)
    ) == {
        "European Commission",
        "UK CMA",
        "Bundeskartellamt (DE)",
        "US FTC",
        "US DOJ, FTC",
        "US DOJ + 38 state AGs",
    }

    # Every deadline of the record has passed with a decision: none is open now ...
    assert not Deadline.objects.filter(proceeding_id__in=PROCEEDING_IDS).exists()
    # ... but in the summer of 2024 the CMA's Phase 1 deadline on Inflection was.
    summer = stream_state(scn.CMA_MICROSOFT_INFLECTION, as_of=datetime(2024, 8, 1, tzinfo=UTC))
    assert date(2024, 9, 11) in [due.due_on for due in summer.open_dues()]

    timeline = TimelineEntry.objects.filter(investment_id=scn.MICROSOFT_MISTRAL)
    corrected = timeline.get(event_id=loaded.event_ids[scn.WRONG_REPORT])
    assert corrected.corrected
    assert "EUR 15,000,000" in corrected.summary
    assert {scn.CMA_MICROSOFT_MISTRAL, scn.EC_MICROSOFT_MISTRAL} <= set(
        timeline.values_list("stream_id", flat=True)
    )
    assert TimelineEntry.objects.filter(
        investment_id=scn.GOOGLE_ANTHROPIC, stream_id=scn.FTC_AI_PARTNERSHIPS
    ).exists()


def test_the_ledger_verifies(loaded: ScenarioLoad) -> None:
    assert ledger.verify().ok


def test_the_command_loads_by_name_and_lists_the_known_names(loaded: ScenarioLoad) -> None:
    out = StringIO()
    call_command("load_scenario", "public-ai-investments", "--actor", "cli-test", stdout=out)
    text = out.getvalue()
    assert f"  {scn.MICROSOFT}: 3 events, 0 new" in text
    assert "0 new events recorded" in text

    with pytest.raises(CommandError, match="Known scenarios: public-ai-investments"):
        call_command("load_scenario", "no-such-scenario", stdout=StringIO())
    with pytest.raises(UnknownScenarioError):
        scenario_load(name="no-such-scenario", actor="tester")
