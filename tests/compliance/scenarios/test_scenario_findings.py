"""Findings of the public scenario at the key dates of its proceedings."""

from __future__ import annotations

from datetime import date

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


@pytest.mark.usefixtures("scenario")
def test_microsoft_inflection_before_and_after_the_referral_requests_were_withdrawn() -> None:
    before = finding(MICROSOFT_INFLECTION, "eumr_art22", date(2024, 9, 17))
    after = finding(MICROSOFT_INFLECTION, "eumr_art22", date(2024, 9, 18))
    assert before.status == "referral_risk"  # after Illumina/Grail: call-in States only
    assert "Illumina/Grail" in before.rationale
    assert (after.status, after.procedure) == ("monitor", "withdrawn")
    assert "withdrawn" in after.rationale
    assert after.score < before.score


@pytest.mark.usefixtures("scenario")
def test_nvidia_run_ai_before_and_after_the_referral_was_accepted() -> None:
    before = finding(NVIDIA_RUN_AI, "eumr_art22", date(2024, 10, 30))
    after = finding(NVIDIA_RUN_AI, "eumr_art22", date(2024, 10, 31))
    assert before.procedure == ""
    # Jurisdiction: eligible for referral; procedure: the referral was accepted (standstill).
    assert (after.status, after.procedure) == ("referral_risk", "referral_accepted")
    assert "M.11766" in after.rationale and after.decision_event_id
    cleared = finding(NVIDIA_RUN_AI, "eumr_art22", date(2024, 12, 20))
    assert (cleared.status, cleared.procedure) == ("referral_risk", "cleared")
    assert "may not be implemented" not in cleared.rationale


@pytest.mark.usefixtures("scenario")
def test_microsoft_is_a_gatekeeper_only_from_its_designation() -> None:
    before = finding(MICROSOFT_OPENAI, "dma_art14", date(2023, 9, 4))
    on = finding(MICROSOFT_OPENAI, "dma_art14", date(2023, 9, 5))
    assert before.status == "not_notifiable"
    # Not yet designated: neither the log's designation nor the pack's list (2023-09-06).
    assert "was not a gatekeeper on 2023-09-04" in before.rationale
    assert "is a designated gatekeeper" in on.rationale  # recorded in the log: 2023-09-05
    assert "Art 14 presupposes" in on.rationale  # a non-voting economic interest: no control
    inflection = finding(MICROSOFT_INFLECTION, "dma_art14", date(2024, 3, 20))
    assert inflection.status == "information_duty"  # licence-and-hire after the designation


@pytest.mark.usefixtures("scenario")
def test_mistral_a_convertible_note_is_no_control() -> None:
    eumr = finding(MICROSOFT_MISTRAL, "eumr", date(2024, 6, 1))
    assert eumr.status == "not_notifiable"
    fdi = finding(MICROSOFT_MISTRAL, "fdi_screening", date(2024, 6, 1))
    assert fdi.status == "monitor"  # a US investor in a French AI company


@pytest.mark.usefixtures("scenario")
def test_amazon_and_googles_group_are_gatekeepers() -> None:
    """Amazon's designation is recorded on its party stream; Alphabet's is not: the pack's
    list of the Commission's designations has it, matched on the group parent's name."""
    before = finding(AMAZON_ANTHROPIC, "dma_art14", date(2023, 9, 5))
    assert "Amazon was not a gatekeeper on 2023-09-05" in before.rationale
    amazon = finding(AMAZON_ANTHROPIC, "dma_art14", date(2024, 6, 1))
    assert "Amazon is a designated gatekeeper (designation recorded in the log)" in amazon.rationale
    assert "not a designated gatekeeper" not in amazon.rationale
    google = finding(GOOGLE_ANTHROPIC, "dma_art14", date(2024, 6, 1))
    assert "Google LLC (group of Alphabet Inc.) is a gatekeeper" in google.rationale
