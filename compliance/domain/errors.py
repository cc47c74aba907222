"""Domain errors: one class, stable codes, and the field at fault.

Pure Python. Every rule the domain enforces raises :class:`DomainError` with a code from
:class:`ErrorCode`, so clients can rely on the code and people can read the message.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any


class ErrorCode(StrEnum):
    NOT_FOUND = "not_found"  # the stream does not exist
    ALREADY_EXISTS = "already_exists"  # the stream was opened before
    UNKNOWN_REFERENCE = "unknown_reference"  # a referenced party or investment does not exist
    SELF_INVESTMENT = "self_investment"  # investor and target are the same party
    PERCENTAGE_OUT_OF_RANGE = "percentage_out_of_range"  # a total would leave 0..100
    DISPOSAL_EXCEEDS_HOLDING = "disposal_exceeds_holding"
    INSTRUMENT_NOT_HELD = "instrument_not_held"
    RIGHT_NOT_HELD = "right_not_held"
    AGREEMENT_EXISTS = "agreement_exists"
    AGREEMENT_UNKNOWN = "agreement_unknown"
    AGREEMENT_ENDED = "agreement_ended"
    INVESTMENT_ENDED = "investment_ended"  # completed or abandoned investments take no deals
    PROCEEDING_CLOSED = "proceeding_closed"
    ALREADY_DECIDED = "already_decided"
    DUE_BEFORE_RECEIVED = "due_before_received"
    REQUEST_EXISTS = "request_exists"
    REQUEST_UNKNOWN = "request_unknown"
    DEADLINE_EXISTS = "deadline_exists"
    DEADLINE_UNKNOWN = "deadline_unknown"
    DEADLINE_NOT_LATER = "deadline_not_later"
    REFERRAL_NOT_REQUESTED = "referral_not_requested"
    WRONG_STREAM = "wrong_stream"  # an event type recorded on another kind of stream
    NOT_REGISTERED = "not_registered"  # a party event before the party was registered
    UNKNOWN_AUTHORITY = "unknown_authority"  # not an authority that applies the regime
    UNKNOWN_LEGAL_BASIS = "unknown_legal_basis"  # a legal basis of another regime
    UNKNOWN_MEMBER_STATE = "unknown_member_state"  # not one of the 27, or not the regime's
    BEFORE_OPENED = "before_opened"  # an outcome dated before its proceeding opened
    NOTHING_TO_REVIEW = "nothing_to_review"  # a judgment with no decision to rule on
    ELEMENT_NOT_IN_REGIME = "element_not_in_regime"  # an assessment the regime does not read
    MISSING_VALUE = "missing_value"  # an assessment without the value its element needs
    NOT_A_CURRENCY = "not_a_currency"


class DomainError(Exception):
    """A rule of the domain refused a fact. ``field`` names the input at fault."""

    def __init__(self, code: ErrorCode, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field

    def as_dict(self) -> dict[str, Any]:
        extra = {"field": self.field} if self.field else {}
        return {"code": str(self.code), "message": self.message, "extra": extra}


def refuse(code: ErrorCode, message: str, *, field: str | None = None) -> DomainError:
    return DomainError(code, message, field=field)
