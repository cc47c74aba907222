"""Value types shared by the compliance events: money, percentages, codes and vocabularies.

Amounts are decimals (serialized as strings, never floats) with a currency. A figure in
another currency is converted to EUR only with a rate stated beside it (``eur_rate``, with
the date and source of the rate), never silently.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, ClassVar, Literal

from pydantic import ConfigDict, Field

CountryCode = Annotated[str, Field(pattern=r"^[A-Z]{2}$", description="ISO 3166-1 alpha-2")]
CurrencyCode = Annotated[str, Field(pattern=r"^[A-Z]{3}$", description="ISO 4217")]
Percent = Annotated[Decimal, Field(ge=0, le=100, description="percent, 0 to 100")]
Text = Annotated[str, Field(min_length=1, max_length=2000)]
Name = Annotated[str, Field(min_length=1, max_length=300)]
Reference = Annotated[str, Field(min_length=1, max_length=200)]
StreamRef = Annotated[
    str, Field(pattern=r"^[a-z][a-z0-9_]{0,49}-[A-Za-z0-9][A-Za-z0-9._:-]*$", max_length=200)
]


@dataclass(frozen=True, kw_only=True)
class Money:
    """An amount in a currency, and optionally the stated rate to convert it to EUR."""

    __pydantic_config__: ClassVar[ConfigDict] = ConfigDict(extra="forbid")

    amount: Annotated[Decimal, Field(ge=0, max_digits=20, decimal_places=2)]
    currency: CurrencyCode
    eur_rate: Annotated[Decimal, Field(gt=0, max_digits=20, decimal_places=10)] | None = None
    eur_rate_date: date | None = None
    eur_rate_source: Annotated[str, Field(max_length=300)] | None = None

    def in_eur(self) -> Decimal | None:
        """The amount in EUR: itself if in EUR, else with the stated rate, else unknown."""
        if self.currency == "EUR":
            return self.amount
        if self.eur_rate is None:
            return None
        return (self.amount * self.eur_rate).quantize(Decimal("0.01"))


class PartyKind(StrEnum):
    COMPANY = "company"
    FUND = "fund"
    STATE_BODY = "state_body"


class Instrument(StrEnum):
    """The form of the money (what lawyers track first: it decides voting and conversion)."""

    ORDINARY_SHARES = "ordinary_shares"
    NON_VOTING_SHARES = "non_voting_shares"
    CONVERTIBLE_NOTE = "convertible_note"
    SAFE = "safe"
    PROFIT_PARTICIPATION = "profit_participation"
    OTHER = "other"


class GovernanceRight(StrEnum):
    BOARD_SEAT = "board_seat"
    OBSERVER_SEAT = "observer_seat"
    VETO = "veto"
    CONSULTATION_RIGHT = "consultation_right"
    INFORMATION_RIGHT = "information_right"
    RIGHT_OF_FIRST_REFUSAL = "right_of_first_refusal"
    RIGHT_OF_FIRST_NOTIFICATION = "right_of_first_notification"


class AgreementKind(StrEnum):
    CLOUD_COMPUTE = "cloud_compute"
    DISTRIBUTION = "distribution"
    LICENSING = "licensing"
    EXCLUSIVITY = "exclusivity"
    REVENUE_SHARE = "revenue_share"


class ProceedingKind(StrEnum):
    STATEMENT = "statement"
    CALL_FOR_CONTRIBUTIONS = "call_for_contributions"
    INVITATION_TO_COMMENT = "invitation_to_comment"
    MERGER_INQUIRY = "merger_inquiry"
    PHASE_1 = "phase_1"
    PHASE_2 = "phase_2"
    REFERRAL_REQUEST = "referral_request"
    MARKET_STUDY = "market_study"
    CALL_IN = "call_in"  # an authority requires a deal below the thresholds to be notified


class Outcome(StrEnum):
    CLEARED = "cleared"
    CLEARED_WITH_CONDITIONS = "cleared_with_conditions"
    PROHIBITED = "prohibited"
    NOT_A_CONCENTRATION = "not_a_concentration"  # or "no relevant merger situation" (UK)
    NO_JURISDICTION = "no_jurisdiction"
    NOT_NOTIFIABLE = "not_notifiable"  # e.g. no significant domestic activity (GWB §35(1a))
    CLOSED_WITHOUT_DECISION = "closed_without_decision"


class Regime(StrEnum):
    """The legal regimes the rules evaluate (compliance/rules/engine.py, one module each)."""

    EUMR = "eumr"
    EUMR_ART22 = "eumr_art22"
    DMA_ART14 = "dma_art14"
    FSR_ART20 = "fsr_art20"
    FDI_SCREENING = "fdi_screening"
    DE_GWB_35_1A = "de_gwb_35_1a"
    AT_KARTG_9_4 = "at_kartg_9_4"
    IT_CALL_IN = "it_call_in"
    UK_CMA = "uk_cma"
    US_HSR = "us_hsr"


class Effect(StrEnum):
    """What a court's judgment does to the decision under review."""

    ANNULLED = "annulled"  # the decision is void from the judgment
    UPHELD = "upheld"


class Element(StrEnum):
    """A jurisdictional element a lawyer's assessment can state where the figures cannot."""

    CONTROL = "control"  # with ``control``
    EU_DIMENSION = "eu_dimension"  # EUMR Art 1(2) or 1(3) met
    NATIONAL_THRESHOLD = "national_threshold"  # a member state's notification threshold met
    SIGNIFICANT_DOMESTIC_ACTIVITY = "significant_domestic_activity"  # in ``member_state``
    UK_SHARE_OF_SUPPLY = "uk_share_of_supply"  # a share of supply of 25 % or more
    ESTABLISHED_IN_EU = "established_in_eu"  # the target, through subsidiaries (FSR Art 20)
    NATIONAL_COMPETENCE = "national_competence"  # ``member_state`` may review it (Art 22)
    CONSIDERATION = "consideration"  # with ``bound``: the value of the consideration
    UK_TURNOVER = "uk_turnover"  # with ``bound``: the target's UK turnover


MEMBER_STATE_ELEMENTS = frozenset(
    {Element.NATIONAL_THRESHOLD, Element.SIGNIFICANT_DOMESTIC_ACTIVITY, Element.NATIONAL_COMPETENCE}
)
BOUND_ELEMENTS = frozenset({Element.CONSIDERATION, Element.UK_TURNOVER})


class ControlLevel(StrEnum):
    SOLE = "sole"
    JOINT = "joint"
    MATERIAL_INFLUENCE = "material_influence"  # UK: the lowest level of control
    NONE = "none"


class AssessmentBasis(StrEnum):
    AUTHORITY_STATEMENT = "authority_statement"
    COUNSEL_OPINION = "counsel_opinion"
    PUBLIC_REPORT = "public_report"


# The 27 member states (ISO 3166-1 alpha-2; Greece is GR).
EU_MEMBER_STATES = frozenset(
    "AT BE BG CY CZ DE DK EE ES FI FR GR HR HU IE IT LT LU LV MT NL PL PT RO SE SI SK".split()  # noqa: SIM905
)


# Currencies a bound may be stated in (ISO 4217): the EU's, the EEA's and the main others.
_ISO_4217 = "EUR USD GBP CHF JPY CNY SEK DKK NOK ISK PLN CZK HUF RON BGN CAD AUD NZD ILS KRW INR"
CURRENCIES = frozenset(f"{_ISO_4217} AED SAR QAR HKD SGD TWD BRL MXN ZAR TRY".split())


@dataclass(frozen=True, kw_only=True)
class ValueBound:
    """A bound on an amount a lawyer can state without the figure: "above EUR 400m"."""

    __pydantic_config__: ClassVar[ConfigDict] = ConfigDict(extra="forbid")

    operator: Literal[">", ">=", "<", "<="]
    amount: Annotated[Decimal, Field(ge=0, max_digits=20, decimal_places=2)]
    currency: CurrencyCode
