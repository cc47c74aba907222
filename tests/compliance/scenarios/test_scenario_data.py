"""The built-in scenario as data files: what they record, that it is what the Python scenario
recorded before except the facts revised to agree with shared/domain/regulatory-facts.md, that
every authority outcome of the fact sheet is recorded with its date and source, and how a
database loaded with earlier data is brought up to the files."""

from __future__ import annotations

import hashlib
import json
import shutil
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from compliance.domain.values import ValueBound
from compliance.scenarios import loader, scenario_load
from compliance.scenarios import public_ai_investments as scn
from compliance.scenarios.files import ScenarioFileError, scenario_read
from compliance.scenarios.loader import SCENARIOS, Correction, Fact, ScenarioMismatchError, Step
from compliance.services import stream_state
from events import store
from events.types import RecordedEvent, registry

DATA = SCENARIOS[scn.NAME]
DAY = timedelta(days=1)
BEFORE = json.loads(Path(__file__).with_name("scenario_before_files.json").read_text())

# The kinds of event each stream records, in order ("+" marks the facts appended when the
# scenario became data files, to agree with the fact sheet).
STREAMS = {
    scn.MICROSOFT: "PartyRegistered GatekeeperDesignated GatekeeperDesignated",
    scn.OPENAI: "PartyRegistered PartyRenamed",
    scn.AMAZON: "PartyRegistered +GatekeeperDesignated",
    scn.ANTHROPIC: "PartyRegistered",
    scn.ALPHABET: "PartyRegistered",
    scn.GOOGLE: "PartyRegistered",
    scn.MISTRAL_AI: "PartyRegistered",
    scn.INFLECTION_AI: "PartyRegistered",
    scn.NVIDIA: "PartyRegistered",
    scn.RUN_AI: "PartyRegistered",
    scn.MICROSOFT_MISTRAL: "InvestmentAnnounced CommercialAgreementSigned "
    "CommercialAgreementSigned StakeAcquired EventCorrected +JurisdictionAssessed",
    scn.MICROSOFT_OPENAI: "InvestmentAnnounced StakeAcquired CommercialAgreementSigned "
    "StakeAcquired CommercialAgreementAmended GovernanceRightGranted "
    "GovernanceRightRelinquished CommercialAgreementAmended GovernanceRightGranted "
    "ConversionHappened GovernanceRightRelinquished CommercialAgreementSigned "
    "CommercialAgreementAmended +JurisdictionAssessed +JurisdictionAssessed",
    scn.MICROSOFT_INFLECTION: "InvestmentAnnounced KeyPersonnelHired CommercialAgreementSigned "
    "LicenceFeePaid LicenceFeePaid +JurisdictionAssessed +JurisdictionAssessed",
    scn.AMAZON_ANTHROPIC: "InvestmentAnnounced StakeAcquired StakeAcquired "
    "GovernanceRightGranted GovernanceRightGranted CommercialAgreementSigned "
    "CommercialAgreementSigned StakeAcquired CommercialAgreementAmended "
    "+JurisdictionAssessed +JurisdictionAssessed",
    scn.GOOGLE_ANTHROPIC: "InvestmentAnnounced StakeAcquired CommercialAgreementSigned "
    "CommercialAgreementSigned StakeAcquired +JurisdictionAssessed +JurisdictionAssessed",
    scn.NVIDIA_RUN_AI: "InvestmentAnnounced StakeAcquired InvestmentCompleted "
    "+JurisdictionAssessed +JurisdictionAssessed",
    scn.EC_MICROSOFT_MISTRAL: "ProceedingOpened",
    scn.CMA_MICROSOFT_MISTRAL: "ProceedingOpened DeadlineSet PhaseChanged DecisionIssued "
    "ProceedingClosed",
    scn.BKARTA_MICROSOFT_OPENAI: "ProceedingOpened DecisionIssued ProceedingClosed",
    scn.CMA_MICROSOFT_OPENAI: "ProceedingOpened DeadlineSet PhaseChanged DecisionIssued "
    "ProceedingClosed",
    scn.EC_MICROSOFT_OPENAI: "ProceedingOpened DeadlineSet DecisionIssued",
    scn.DOJ_FTC_MICROSOFT_OPENAI: "ProceedingOpened",
    scn.FTC_AI_PARTNERSHIPS: "ProceedingOpened DecisionIssued ProceedingClosed",
    scn.CMA_MICROSOFT_INFLECTION: "ProceedingOpened DeadlineSet PhaseChanged DeadlineSet "
    "DecisionIssued ProceedingClosed",
    scn.EC_MICROSOFT_INFLECTION: "ProceedingOpened ReferralRequested DeadlineSet "
    "ReferralWithdrawn ProceedingClosed",
    scn.BKARTA_MICROSOFT_INFLECTION: "ProceedingOpened DecisionIssued ProceedingClosed",
    scn.CMA_AMAZON_ANTHROPIC: "ProceedingOpened DeadlineSet PhaseChanged DecisionIssued "
    "ProceedingClosed",
    scn.CMA_GOOGLE_ANTHROPIC: "ProceedingOpened DeadlineSet PhaseChanged DeadlineSet "
    "DecisionIssued ProceedingClosed",
    scn.DOJ_GOOGLE_ANTHROPIC: "ProceedingOpened",
    scn.EC_NVIDIA_RUN_AI: "ProceedingOpened ReferralRequested ReferralAccepted PhaseChanged "
    "DecisionIssued ProceedingClosed",
}

# The facts whose data changed when the scenario became data files (stream, step number).
REVISED = {
    (scn.NVIDIA_RUN_AI, 2),  # a 100 % acquisition of shares with votes, not an "other" stake
    (scn.BKARTA_MICROSOFT_OPENAI, 2),  # not_notifiable, not no_jurisdiction
    (scn.BKARTA_MICROSOFT_INFLECTION, 2),  # not_notifiable, not no_jurisdiction
    (scn.CMA_MICROSOFT_OPENAI, 1),  # regime uk_cma ("EA 2002" does not name it)
    (scn.CMA_MICROSOFT_INFLECTION, 1),
    (scn.CMA_AMAZON_ANTHROPIC, 1),
    (scn.CMA_GOOGLE_ANTHROPIC, 1),
}


def digest(step: Step) -> str:
    """A step as the Python scenario wrote it, hashed (``scenario_before_files.json``)."""
    body: dict[str, Any]
    if isinstance(step, Correction):
        type_, data = registry.encode(step.corrected)
        body = {"type": type_.name, "data": data, "corrects": step.corrects,
                "reason": step.reason, "occurred_at": step.occurred_at.isoformat()}  # fmt: skip
    else:
        type_, data = registry.encode(step.event)
        body = {"type": type_.name, "data": data}
    body |= {"source": dict(step.source), "label": step.label}
    hashed = hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()[:16]
    return f"{body['type']} {hashed}"


# ---------------------------------------------------------------- the files (no database)


def test_the_files_hold_the_python_scenario_but_the_revised_facts() -> None:
    scenario = scenario_read(DATA)
    assert scenario.stream_ids == tuple(BEFORE)  # same streams, same order
    assert scenario.size == 118
    changed = set()
    for stream in scenario.streams:
        before = BEFORE[stream.stream_id]
        now = [digest(step) for step in stream.steps]
        assert [s.split()[0] for s in now[: len(before)]] == [s.split()[0] for s in before]
        changed |= {
            (stream.stream_id, n)
            for n, (a, b) in enumerate(zip(before, now, strict=False), 1)
            if a != b
        }
        appended = stream.steps[len(before) :]
        assert all(isinstance(s, Fact) and s.revised is None for s in appended)
    assert changed == REVISED
    streams = {stream.stream_id: stream for stream in scenario.streams}
    for stream_id, number in REVISED:  # each revision says why
        revised = streams[stream_id].steps[number - 1]
        assert isinstance(revised, Fact) and revised.revised


def test_the_python_module_names_the_streams_of_the_files() -> None:
    named = {v for k, v in vars(scn).items() if k.isupper() and isinstance(v, str) and "-" in v}
    assert set(scn.SCENARIO.stream_ids) <= named
    assert set(STREAMS) == set(scn.SCENARIO.stream_ids)


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    target = tmp_path / scn.NAME
    shutil.copytree(DATA, target)
    return target


def edit(path: Path, change: Any) -> None:
    doc = json.loads(path.read_text())
    change(doc)
    path.write_text(json.dumps(doc))


@pytest.mark.parametrize(
    ("file", "change", "message"),
    [
        ("nvidia-run-ai.json", lambda d: d["streams"][0]["steps"][1].update(source="nowhere"),
         "unknown source 'nowhere'"),
        ("nvidia-run-ai.json", lambda d: d["streams"][0]["steps"][1]["data"].update(
            equity_pct="101"), "StakeAcquired"),
        ("nvidia-run-ai.json", lambda d: d["streams"][0]["steps"].pop(0),
         "its first step must be InvestmentAnnounced"),
        ("parties.json", lambda d: d["streams"].append(d["streams"].pop(4)),
         "'party-alphabet' is not a stream recorded before it"),  # Google's group parent
        ("nvidia-run-ai.json", lambda d: d["streams"][1]["steps"][0]["data"].update(
            investment_ids=["investment-nowhere"]),
         "'investment-nowhere' is not a stream recorded before it"),
        ("microsoft-mistral-ai.json", lambda d: d["streams"][0]["steps"][4].update(
            corrects="no-such-label"), "not a label of an earlier fact here"),
        ("microsoft-mistral-ai.json", lambda d: d["streams"][0]["steps"][3].update(
            revised="A revised report."), "a revised fact: revise one only"),
        ("microsoft-mistral-ai.json", lambda d: d["streams"][0]["steps"][4].pop("reason"),
         "a correction states reason"),
        ("parties.json", lambda d: d["streams"].append(d["streams"][0]),
         "the stream is defined twice"),
        ("sources.json", lambda d: d.update({"unused": d["politico"]}), "never cited: unused"),
        ("scenario.json", lambda d: d["files"].remove("google-anthropic.json"),
         "not listed in scenario.json's files"),
        ("scenario.json", lambda d: d.update(name="other"), "is not the folder's"),
    ],
)  # fmt: skip
def test_a_file_that_does_not_hold_together_is_refused_naming_where(
    copy: Path, file: str, change: Any, message: str
) -> None:
    edit(copy / file, change)
    with pytest.raises(ScenarioFileError) as refused:
        scenario_read(copy)
    assert message in str(refused.value)
    assert str(copy) in str(refused.value)


# ---------------------------------------------------------------- recorded (database)


@pytest.fixture
def loaded() -> None:
    result = scenario_load(name=scn.NAME, actor="tester")
    assert result.new_events in (0, scn.SCENARIO.size)


def effective(stream_id: str, type_name: str) -> list[RecordedEvent]:
    return [e for e in store.read_stream(stream_id) if e.type == type_name]


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("loaded")
def test_each_stream_records_its_kinds_of_event_in_order() -> None:
    total = 0
    for stream_id, kinds in STREAMS.items():
        recorded = [e.type for e in store.read_stream(stream_id, effective=False)]
        assert recorded == kinds.replace("+", "").split(), stream_id
        total += len(recorded)
    assert total == scn.SCENARIO.size == 118


# Every authority outcome of shared/domain/regulatory-facts.md Part 1, as the scenario records
# it: (proceeding, regime, what it holds on its date, the fact sheet's source of the row).
OUTCOMES = [
    # 1.1 Microsoft - Mistral AI: the CMA, no relevant merger situation
    (scn.CMA_MICROSOFT_MISTRAL, "uk_cma", ("DecisionIssued", "not_a_concentration", "2024-05-17"),
     "nbclosangeles.com/news/business/money-report/microsofts-mistral-partnership"),
    # 1.2 Microsoft - OpenAI
    (scn.BKARTA_MICROSOFT_OPENAI, "de_gwb_35_1a", ("DecisionIssued", "not_notifiable",
     "2023-11-15"), "Pressemitteilungen/2023/15_11_2023_Microsoft_OpenAI.html"),
    (scn.EC_MICROSOFT_OPENAI, "eumr", ("DecisionIssued", "not_a_concentration", "2024-06-28"),
     "the-decoder.com/eu-regulators-eye-potential-anti-competitive-effects"),
    (scn.FTC_AI_PARTNERSHIPS, None, ("DecisionIssued", "closed_without_decision", "2025-01-17"),
     "squirepattonboggs.com/en/insights/publications/2025/01/ftc-report-on-ai-sector"),
    (scn.CMA_MICROSOFT_OPENAI, "uk_cma", ("DecisionIssued", "not_a_concentration", "2025-03-05"),
     "cityam.com/cma-clears-probe-into-microsofts-openai-investment"),
    # 1.3 Microsoft - Inflection AI
    (scn.CMA_MICROSOFT_INFLECTION, "uk_cma", ("DecisionIssued", "cleared", "2024-09-04"),
     "bnnbloomberg.ca/business/technology/2024/09/04/microsoft-cleared-by-uk-watchdog"),
    (scn.EC_MICROSOFT_INFLECTION, "eumr_art22", ("ReferralWithdrawn", None, "2024-09-18"),
     "miragenews.com/commission-notes-withdrawal-of-inflection-1319492"),
    (scn.BKARTA_MICROSOFT_INFLECTION, "de_gwb_35_1a", ("DecisionIssued", "not_notifiable",
     "2024-11-29"), "bundeskartellamt.de/SharedDocs/Meldung/EN/Pressemitteilungen/2024/29_11_2024"),
    # 1.4 and 1.5: the CMA, no relevant merger situation
    (scn.CMA_AMAZON_ANTHROPIC, "uk_cma", ("DecisionIssued", "not_a_concentration", "2024-09-27"),
     "competitionintelligence.blogspot.com/2024/10/cma-decides-that-amazon-anthropic"),
    (scn.CMA_GOOGLE_ANTHROPIC, "uk_cma", ("DecisionIssued", "not_a_concentration", "2024-11-19"),
     "gov.uk/cma-cases/alphabet-inc-google-llc-slash-anthropic-merger-inquiry"),
    # 1.6 Nvidia - Run:ai: the referral accepted, the notification, the clearance
    (scn.EC_NVIDIA_RUN_AI, "eumr_art22", ("ReferralAccepted", None, "2024-10-31"),
     "ieu-monitoring.com/editorial/eu-commission-to-assess-the-proposed-acquisition-of-runai"),
    (scn.EC_NVIDIA_RUN_AI, "eumr_art22", ("PhaseChanged", "phase_1", "2024-11-15"),
     "miragenews.com/nvidia-cleared-to-acquire-runai-by-eu-commission-1383203"),
    (scn.EC_NVIDIA_RUN_AI, "eumr_art22", ("DecisionIssued", "cleared", "2024-12-20"),
     "miragenews.com/nvidia-cleared-to-acquire-runai-by-eu-commission-1383203"),
]  # fmt: skip


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("loaded")
@pytest.mark.parametrize(("proceeding", "regime", "held", "url"), OUTCOMES)
def test_every_authority_outcome_of_the_fact_sheet_is_recorded(
    proceeding: str, regime: str | None, held: tuple[str, str | None, str], url: str
) -> None:
    type_name, value, on = held
    day = date.fromisoformat(on)
    (event,) = [e for e in effective(proceeding, type_name) if e.occurred_at.date() == day]
    assert url in event.metadata["source"]["url"]
    assert event.occurred_at == datetime.fromisoformat(on).replace(tzinfo=UTC)
    payload = registry.encode(event.event)[1]
    for dated in ("decided_on", "withdrawn_on"):
        if dated in payload:
            assert payload[dated] == on
    if value is not None:
        assert value in (payload.get("outcome"), payload.get("phase"))
    state = stream_state(proceeding)
    assert state.regime == regime
    before = stream_state(proceeding, as_of=event.occurred_at - DAY)
    if type_name == "DecisionIssued":
        assert (state.outcome, state.decided_on) == (value, date.fromisoformat(on))
        assert before.outcome is None  # bitemporal: not decided the day before


# The authorities' statements of jurisdictional elements the fact sheet gives, recorded as
# JurisdictionAssessed on the investment: (investment, regime, element, member state, value,
# date, the source's URL).
STATEMENTS = [
    (scn.MICROSOFT_OPENAI, "de_gwb_35_1a", "significant_domestic_activity", "DE", False,
     "2023-11-15", "Pressemitteilungen/2023/15_11_2023_Microsoft_OpenAI.html"),
    (scn.MICROSOFT_INFLECTION, "de_gwb_35_1a", "significant_domestic_activity", "DE", False,
     "2024-11-29", "Pressemitteilungen/2024/29_11_2024_Microsoft.html"),
    (scn.MICROSOFT_INFLECTION, "de_gwb_35_1a", "consideration", None,
     ValueBound(operator=">", amount=Decimal("400000000"), currency="EUR"), "2024-11-29",
     "Pressemitteilungen/2024/29_11_2024_Microsoft.html"),
    (scn.MICROSOFT_MISTRAL, "uk_cma", "control", None, "none", "2024-05-17",
     "microsofts-mistral-partnership-avoids-merger-probe"),
    (scn.MICROSOFT_OPENAI, "uk_cma", "control", None, "material_influence", "2025-03-05",
     "cityam.com/cma-clears-probe-into-microsofts-openai-investment"),
    (scn.AMAZON_ANTHROPIC, "uk_cma", "uk_turnover", None,
     ValueBound(operator="<=", amount=Decimal("70000000"), currency="GBP"), "2024-09-27",
     "cma-decides-that-amazon-anthropic"),
    (scn.AMAZON_ANTHROPIC, "uk_cma", "uk_share_of_supply", None, False, "2024-09-27",
     "cma-decides-that-amazon-anthropic"),
    (scn.GOOGLE_ANTHROPIC, "uk_cma", "control", None, "none", "2024-11-19",
     "alphabet-inc-google-llc-slash-anthropic-merger-inquiry"),
    (scn.GOOGLE_ANTHROPIC, "uk_cma", "uk_turnover", None,
     ValueBound(operator="<=", amount=Decimal("70000000"), currency="GBP"), "2024-11-19",
     "alphabet-inc-google-llc-slash-anthropic-merger-inquiry"),
    (scn.NVIDIA_RUN_AI, "eumr", "eu_dimension", None, False, "2024-10-31",
     "eu-commission-to-assess-the-proposed-acquisition-of-runai-by-nvidia"),
    (scn.NVIDIA_RUN_AI, "eumr_art22", "national_competence", "IT", True, "2024-10-31",
     "eu-commission-to-assess-the-proposed-acquisition-of-runai-by-nvidia"),
]  # fmt: skip


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("loaded")
@pytest.mark.parametrize(
    ("investment", "regime", "element", "state", "value", "on", "url"), STATEMENTS
)
def test_every_statement_of_a_jurisdictional_element_is_recorded(
    investment: str, regime: str, element: str, state: str | None, value: Any, on: str, url: str
) -> None:
    when = datetime.fromisoformat(on).replace(tzinfo=UTC)
    assessed = stream_state(investment).assessed(regime, element, state)
    assert assessed is not None
    assert assessed.on == when.date()
    assert assessed.basis == "authority_statement"
    assert url in assessed.source
    got = {"control": assessed.control, "consideration": assessed.bound,
           "uk_turnover": assessed.bound}.get(element, assessed.met)  # fmt: skip
    assert got == value
    the_day_before = stream_state(investment, as_of=when - DAY)
    assert the_day_before.assessed(regime, element, state) is None


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("loaded")
def test_nvidia_run_ai_is_the_acquisition_of_all_of_run_ai_on_its_dates() -> None:
    deal = stream_state(scn.NVIDIA_RUN_AI)
    assert deal.announced_on == date(2024, 4, 24)
    assert deal.signed_on is None  # no source read dates a signing apart from the announcement
    assert deal.completed_on == date(2024, 12, 30)
    assert deal.status == "completed"
    shares = deal.holdings["ordinary_shares"]
    assert (shares.equity_pct, shares.voting_pct) == (Decimal("100"), Decimal("100"))
    (stake,) = effective(scn.NVIDIA_RUN_AI, "StakeAcquired")
    assert stake.occurred_at.date() == date(2024, 12, 30)  # on the closing
    assert "fortune.com/2024/12/31/nvidias-new-years-surprise" in stake.metadata["source"]["url"]
    (closing,) = effective(scn.NVIDIA_RUN_AI, "InvestmentCompleted")
    assert closing.metadata["source"]["url"] == "https://english.aawsat.com/node/5096515"
    before = stream_state(scn.NVIDIA_RUN_AI, as_of=datetime(2024, 12, 29, tzinfo=UTC))
    assert before.holdings == {} and before.status == "announced"


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("loaded")
@pytest.mark.parametrize(
    ("party", "regime", "on", "url"),
    [
        (scn.MICROSOFT, "DMA", "2023-09-05", "https://eur-lex.europa.eu/eli/C/2023/551/oj/eng"),
        (scn.MICROSOFT, "GWB_19A", "2024-09-30", "2024/30_09_2024_Microsoft_19a"),
        (scn.AMAZON, "DMA", "2023-09-06", "osnews.com/story/136945/digital-markets-act-commission"),
    ],
)  # fmt: skip
def test_the_designations_are_recorded_on_the_party(
    party: str, regime: str, on: str, url: str
) -> None:
    designation = stream_state(party).designations[regime]
    assert designation.designated_on == date.fromisoformat(on)
    (event,) = [e for e in effective(party, "GatekeeperDesignated") if e.event.regime == regime]
    assert url in event.metadata["source"]["url"]


# ---------------------------------------------------------------- revised data, older databases


@pytest.fixture
def tiny(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[str, Path, str]]:
    """A one-party scenario of its own (the log is never flushed: fresh names each time)."""
    tag = uuid.uuid4().hex[:8]
    name, party = f"tiny-{tag}", f"party-tiny-{tag}"
    folder = tmp_path / name
    folder.mkdir()
    (folder / "scenario.json").write_text(
        json.dumps({"name": name, "title": "Tiny", "files": ["parties.json"]})
    )
    (folder / "sources.json").write_text(json.dumps({"register": {
        "url": "https://example.org/register", "publisher": "Register", "title": "Entry",
        "reliability": "official"}}))  # fmt: skip
    write_party(folder, party, [registered("FR")])
    monkeypatch.setitem(SCENARIOS, name, folder)
    loader.scenario_get.cache_clear()
    yield name, folder, party
    loader.scenario_get.cache_clear()


def registered(country: str, revised: str | None = None) -> dict[str, Any]:
    step = {"type": "PartyRegistered", "source": "register", "data": {
        "occurred_at": "2024-01-01T00:00:00Z", "name": "Tiny Ltd", "kind": "company",
        "country": country}}  # fmt: skip
    return step | ({"revised": revised} if revised else {})


def write_party(folder: Path, party: str, steps: list[dict[str, Any]]) -> None:
    doc = {"title": "Parties", "streams": [{"id": party, "steps": steps}]}
    (folder / "parties.json").write_text(json.dumps(doc))
    loader.scenario_get.cache_clear()


@pytest.mark.django_db(transaction=True)
def test_a_revised_fact_is_corrected_in_a_database_that_recorded_the_earlier_data(
    tiny: tuple[str, Path, str],
) -> None:
    name, folder, party = tiny
    assert scenario_load(name=name, actor="tester").new_events == 1
    first = datetime.now(UTC)

    write_party(folder, party, [registered("DE", revised="The register moved it to DE.")])
    again = scenario_load(name=name, actor="tester")

    assert (again.new_events, again.streams[0].revised) == (0, 1)
    original, correction = store.read_stream(party, effective=False)
    assert correction.type == "EventCorrected"
    assert correction.event.target_event_id == original.event_id
    assert correction.event.reason == "The register moved it to DE."
    key = correction.metadata["idempotency_key"]
    assert key.startswith(f"scenario:{name}:{party}:1:revised:") and len(key.split(":")[-1]) == 16
    assert correction.metadata["source"]["url"] == "https://example.org/register"
    assert stream_state(party).country == "DE"  # as a fresh load reads it
    assert stream_state(party, known_at=first).country == "FR"  # as it was known before

    for _ in range(2):  # loaded again, nothing more to do
        later = scenario_load(name=name, actor="tester")
        assert (later.new_events, later.streams[0].revised) == (0, 0)
    assert len(store.read_stream(party, effective=False)) == 2

    write_party(folder, party, [registered("DE", revised="The register moved it to DE."), {
        "type": "PartyRenamed", "source": "register",
        "data": {"occurred_at": "2024-06-01T00:00:00Z", "name": "Tiny Group Ltd"}}])  # fmt: skip
    appended = scenario_load(name=name, actor="tester")
    assert (appended.new_events, appended.streams[0].revised) == (1, 0)
    recorded = store.read_stream(party, effective=False)
    assert recorded[-1].metadata["idempotency_key"] == f"scenario:{name}:{party}:2"


@pytest.mark.django_db(transaction=True)
def test_a_step_replaced_by_another_kind_of_fact_is_refused(tiny: tuple[str, Path, str]) -> None:
    name, folder, party = tiny
    renamed = {
        "type": "PartyRenamed",
        "source": "register",
        "data": {"occurred_at": "2024-06-01T00:00:00Z", "name": "Tiny Group Ltd"},
    }
    write_party(folder, party, [registered("FR"), renamed])
    scenario_load(name=name, actor="tester")
    designated = {
        "type": "GatekeeperDesignated",
        "source": "register",
        "data": {"occurred_at": "2024-06-01T00:00:00Z", "regime": "OTHER",
                 "designated_on": "2024-06-01"},
    }  # fmt: skip
    write_party(folder, party, [registered("FR"), designated, renamed])

    with pytest.raises(ScenarioMismatchError, match="appended, never inserted or replaced"):
        scenario_load(name=name, actor="tester")
    assert len(store.read_stream(party, effective=False)) == 2
