"""The built-in scenario's findings agree with every authority outcome of
../shared/domain/regulatory-facts.md, on the outcome's date and after it (issue 16 point 9):
the engine reads the authorities' decisions and statements the scenario records; the day
before, the finding does not yet rest on them."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from compliance.scenarios.public_ai_investments import (
    AMAZON_ANTHROPIC,
    GOOGLE_ANTHROPIC,
    MICROSOFT_INFLECTION,
    MICROSOFT_MISTRAL,
    MICROSOFT_OPENAI,
    NVIDIA_RUN_AI,
)
from tests.compliance.scenarios.conftest import finding

pytestmark = pytest.mark.django_db(transaction=True)

TODAY = date(2026, 12, 7)

# (regulatory-facts.md row, investment, regime, date, status, procedure)
OUTCOMES = [
    ("1.1 CMA 2024-05-17: Microsoft/Mistral does not qualify (no material influence)",
     MICROSOFT_MISTRAL, "uk_cma", date(2024, 5, 17), "not_reviewable", "closed"),
    ("1.2 Bundeskartellamt 2023-11-15: Microsoft/OpenAI not notifiable (no substantial "
     "domestic activity)", MICROSOFT_OPENAI, "de_gwb_35_1a", date(2023, 11, 15),
     "not_notifiable", "closed"),
    ("1.2 CMA 2025-03-05: Microsoft/OpenAI does not qualify (no change of control)",
     MICROSOFT_OPENAI, "uk_cma", date(2025, 3, 5), "not_reviewable", "closed"),
    ("1.3 CMA 2024-09-04: Microsoft/Inflection a relevant merger situation, cleared",
     MICROSOFT_INFLECTION, "uk_cma", date(2024, 9, 4), "call_in_risk", "cleared"),
    ("1.3 Commission 2024-09-18: the Art 22 requests withdrawn, no EU review",
     MICROSOFT_INFLECTION, "eumr_art22", date(2024, 9, 18), None, "withdrawn"),
    ("1.3 Bundeskartellamt 2024-11-29: Microsoft/Inflection a concentration, not notifiable",
     MICROSOFT_INFLECTION, "de_gwb_35_1a", date(2024, 11, 29), "not_notifiable", "closed"),
    ("1.4 CMA 2024-09-27: Amazon/Anthropic does not qualify (turnover and share of supply)",
     AMAZON_ANTHROPIC, "uk_cma", date(2024, 9, 27), "not_reviewable", "closed"),
    ("1.5 CMA 2024-11-19: Alphabet/Anthropic does not qualify",
     GOOGLE_ANTHROPIC, "uk_cma", date(2024, 11, 19), "not_reviewable", "closed"),
    ("1.6 Commission 2024-10-31: Nvidia/Run:ai referral accepted (M.11766)",
     NVIDIA_RUN_AI, "eumr_art22", date(2024, 10, 31), "referral_risk", "referral_accepted"),
    ("1.6 Commission 2024-12-20: Nvidia/Run:ai cleared unconditionally",
     NVIDIA_RUN_AI, "eumr_art22", date(2024, 12, 20), "referral_risk", "cleared"),
]  # fmt: skip


@pytest.mark.usefixtures("scenario")
@pytest.mark.parametrize(
    ("row", "investment", "regime", "on", "status", "procedure"),
    OUTCOMES,
    ids=[o[0][:60] for o in OUTCOMES],
)
def test_the_finding_follows_the_authority_from_its_date(
    row: str, investment: str, regime: str, on: date, status: str | None, procedure: str
) -> None:
    for when in (on, on + timedelta(days=30), TODAY):
        after = finding(investment, regime, when)
        if after.procedure != procedure and when != on:
            break  # a later stage of the same case (e.g. a clearance after the referral)
        assert after.procedure == procedure, (row, when, after.rationale)
        if status is not None:
            assert after.status == status, (row, when, after.rationale)
        if procedure in {"closed", "cleared", "referral_accepted"}:
            assert after.decision_event_id, row  # the decision is cited
    before = finding(investment, regime, on - timedelta(days=1))
    assert before.procedure != procedure or before.decision_event_id != (
        finding(investment, regime, on).decision_event_id
    ), row


@pytest.mark.usefixtures("scenario")
def test_nvidia_run_ai_is_recorded_as_the_acquisition_of_the_whole_company() -> None:
    eumr = finding(NVIDIA_RUN_AI, "eumr", date(2024, 12, 31))
    assert "100" in eumr.rationale or "sole" in eumr.rationale
    assert eumr.status == "not_notifiable"  # no EU dimension, as the Commission stated
    it = finding(NVIDIA_RUN_AI, "it_call_in", date(2024, 12, 31))
    # The Commission: notified in Italy at the AGCM's request under its call-in power.
    assert it.status == "call_in_risk" and "Italy is competent" in it.rationale
