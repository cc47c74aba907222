"""The real-case validation suite's data: every shipped case file loads and validates, and a
file that breaks the rules (a missing source, an unknown regime, an invalid event) is refused
with an error naming the file and the field."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any, get_args

import pytest

from compliance.rules import cases, engine

SAMPLE = "facebook-whatsapp-2014"


def test_every_shipped_case_loads_and_validates() -> None:
    assert cases.check() == []
    loaded = cases.load()
    assert len(loaded) >= 18
    assert len({case.id for case in loaded}) == len(loaded)


def test_the_regime_vocabulary_is_the_engines() -> None:
    assert set(get_args(cases.Regime)) == set(engine.REGIMES)


def test_every_regime_has_a_decided_expectation() -> None:
    decided = {
        expected.regime
        for case in cases.load()
        for expected in case.expected
        if expected.basis != "UNCONFIRMED"
    }
    assert decided == set(engine.REGIMES)


def test_every_expected_outcome_names_a_source_except_unconfirmed_ones() -> None:
    for case in cases.load():
        for expected in case.expected:
            if expected.basis == "UNCONFIRMED":
                assert expected.jurisdiction is None and expected.procedure is None
                assert not expected.decidable
            else:
                assert expected.source in case.sources, (case.id, expected)


def test_every_source_is_an_http_url_with_a_publisher_and_a_date() -> None:
    for case in cases.load():
        for key, source in case.sources.items():
            assert source.url.startswith(("http://", "https://")), (case.id, key)
            assert source.publisher and source.title and source.published_on


def write_variant(folder: Path, change: Callable[[dict[str, Any]], None]) -> Path:
    """A copy of the sample case, changed by ``change``, in ``folder``."""
    data = json.loads((cases.CASES / f"{SAMPLE}.json").read_text(encoding="utf-8"))
    changed = copy.deepcopy(data)
    change(changed)
    path = folder / f"{changed['id']}.json"
    path.write_text(json.dumps(changed), encoding="utf-8")
    return path


def refused(folder: Path) -> str:
    errors = cases.check(folder)
    assert len(errors) == 1
    with pytest.raises(cases.CaseFileError):
        cases.load.__wrapped__(folder)
    return errors[0].message


def test_the_unchanged_sample_is_accepted(tmp_path: Path) -> None:
    write_variant(tmp_path, lambda case: None)
    assert cases.check(tmp_path) == []


def test_a_fact_without_a_source_is_refused(tmp_path: Path) -> None:
    write_variant(tmp_path, lambda case: case["facts"][0].pop("source"))
    assert "facts.0.source: Field required" in refused(tmp_path)


def test_a_fact_citing_an_unknown_source_is_refused(tmp_path: Path) -> None:
    def change(case: dict[str, Any]) -> None:
        case["facts"][1]["source"] = "nowhere"

    write_variant(tmp_path, change)
    assert "fact 1 (ProceedingOpened): unknown source 'nowhere'" in refused(tmp_path)


def test_a_source_without_a_date_is_refused(tmp_path: Path) -> None:
    def change(case: dict[str, Any]) -> None:
        next(iter(case["sources"].values())).pop("published_on")

    write_variant(tmp_path, change)
    assert "published_on: Field required" in refused(tmp_path)


def test_a_source_that_is_not_a_web_address_is_refused(tmp_path: Path) -> None:
    def change(case: dict[str, Any]) -> None:
        next(iter(case["sources"].values()))["url"] = "ftp://example.org/decision.pdf"

    write_variant(tmp_path, change)
    assert ".url: String should match pattern" in refused(tmp_path)


def test_an_unknown_regime_is_refused(tmp_path: Path) -> None:
    def change(case: dict[str, Any]) -> None:
        case["expected"][0]["regime"] = "eumr_art23"

    write_variant(tmp_path, change)
    assert "expected.0.regime: Input should be 'eumr'" in refused(tmp_path)


def test_an_unknown_status_is_refused(tmp_path: Path) -> None:
    def change(case: dict[str, Any]) -> None:
        case["expected"][1]["procedure"] = "not_triggered"

    write_variant(tmp_path, change)
    assert "expected.1.procedure" in refused(tmp_path)


def test_an_invalid_date_is_refused(tmp_path: Path) -> None:
    def change(case: dict[str, Any]) -> None:
        case["moments"][0]["on"] = "2014-02-30"

    write_variant(tmp_path, change)
    assert "moments.0.on" in refused(tmp_path)


def test_an_observed_outcome_without_a_source_is_refused(tmp_path: Path) -> None:
    write_variant(tmp_path, lambda case: case["expected"][1].pop("source"))
    assert "a OBS outcome needs a source" in refused(tmp_path)


def test_a_derived_outcome_without_its_law_is_refused(tmp_path: Path) -> None:
    write_variant(tmp_path, lambda case: case["expected"][0].pop("law"))
    assert "a DER outcome cites the law it applies" in refused(tmp_path)


def test_an_unconfirmed_outcome_with_an_answer_is_refused(tmp_path: Path) -> None:
    def change(case: dict[str, Any]) -> None:
        case["expected"][0].update(basis="UNCONFIRMED", decidable=False)

    write_variant(tmp_path, change)
    assert "an UNCONFIRMED outcome leaves jurisdiction and procedure empty" in refused(tmp_path)


def test_an_outcome_at_a_date_that_is_not_a_moment_is_refused(tmp_path: Path) -> None:
    def change(case: dict[str, Any]) -> None:
        case["expected"][1]["at"] = "2014-10-04"

    write_variant(tmp_path, change)
    assert "expected eumr@2014-10-04: not one of the moments" in refused(tmp_path)


def test_an_event_payload_the_catalogue_refuses_is_refused(tmp_path: Path) -> None:
    def change(case: dict[str, Any]) -> None:
        case["facts"][3]["data"]["outcome"] = "approved"  # not an Outcome

    write_variant(tmp_path, change)
    message = refused(tmp_path)
    assert "fact 3 (DecisionIssued on proceeding-ec-m7217)" in message
    assert "outcome" in message


def test_an_unknown_event_type_is_refused(tmp_path: Path) -> None:
    def change(case: dict[str, Any]) -> None:
        case["facts"][0]["type"] = "DealSigned"

    write_variant(tmp_path, change)
    assert "fact 0 (DealSigned on investment-facebook-whatsapp)" in refused(tmp_path)


def test_a_stream_not_opened_by_its_opening_event_is_refused(tmp_path: Path) -> None:
    write_variant(tmp_path, lambda case: case["facts"].pop(1))  # ProceedingOpened
    assert "the stream's first fact must be ProceedingOpened" in refused(tmp_path)


def test_an_investment_naming_an_unknown_party_is_refused(tmp_path: Path) -> None:
    def change(case: dict[str, Any]) -> None:
        case["facts"][0]["data"]["target_id"] = "party-instagram"

    write_variant(tmp_path, change)
    assert "target_id 'party-instagram' is not one of the case's parties" in refused(tmp_path)


def assessment_fact(case: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    """The sample's first JurisdictionAssessed fact, with its number."""
    return next((n, f) for n, f in enumerate(case["facts"]) if f["type"] == "JurisdictionAssessed")


def test_an_assessment_with_an_unknown_element_is_refused(tmp_path: Path) -> None:
    def change(case: dict[str, Any]) -> None:
        assessment_fact(case)[1]["data"]["element"] = "vibes"

    write_variant(tmp_path, change)
    number = assessment_fact(json.loads((cases.CASES / f"{SAMPLE}.json").read_text()))[0]
    assert f"fact {number} (JurisdictionAssessed on investment-" in refused(tmp_path)


def test_a_bound_must_be_an_amount_in_a_currency(tmp_path: Path) -> None:
    def change(case: dict[str, Any]) -> None:
        data = assessment_fact(case)[1]["data"]
        data.pop("met")
        data.update(
            regime="de_gwb_35_1a",
            element="consideration",
            bound={"operator": ">", "amount": "400", "currency": "%"},
        )

    write_variant(tmp_path, change)
    assert "bound.currency" in refused(tmp_path)


def test_a_statement_the_catalogue_cannot_hold_is_checked_too(tmp_path: Path) -> None:
    def change(case: dict[str, Any]) -> None:
        case["assessments"] = [
            {
                "investment": "investment-facebook-whatsapp",
                "regime": "de_gwb_35_1a",
                "element": "bound",
                "value": {
                    "what": "consideration",
                    "operator": ">",
                    "amount": "400",
                    "currency": "%",
                },
                "author": "Bundeskartellamt",
                "basis": "authority_statement",
                "occurred_at": "2014-10-03",
                "statement": "A bound in no currency.",
                "source": "ec-m7217-decision",
            }
        ]

    write_variant(tmp_path, change)
    assert "a bound's amount is whole units of an ISO 4217 currency" in refused(tmp_path)


def test_a_source_never_cited_is_refused(tmp_path: Path) -> None:
    def change(case: dict[str, Any]) -> None:
        case["sources"]["spare"] = next(iter(case["sources"].values()))

    write_variant(tmp_path, change)
    assert "sources never cited: spare" in refused(tmp_path)


def test_a_file_named_otherwise_than_its_id_is_refused(tmp_path: Path) -> None:
    path = write_variant(tmp_path, lambda case: None)
    path.rename(tmp_path / "facebook-whatsapp.json")
    assert "is not the file's name" in refused(tmp_path)


def test_docs_name_every_case() -> None:
    docs = (Path(__file__).parents[3] / "docs" / "rules.md").read_text(encoding="utf-8")
    section = docs.split("## Real-case validation suite", 1)[1]
    loaded = cases.load()
    assert f"{len(loaded)} cases, {sum(len(case.facts) for case in loaded)} facts" in section
    for case in loaded:
        assert f"| `{case.id}` |" in section, case.id
