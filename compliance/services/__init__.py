"""Business operations: load a stream, check the fact against its history, append it.

Interfaces (API, admin, commands, tasks) only parse input and call these.
"""

from compliance.services.recording import (
    event_record,
    investment_announce,
    party_register,
    proceeding_open,
    stream_new_id,
    stream_state,
)
from compliance.services.risk import (
    deal_facts,
    findings_compare,
    findings_evaluate,
    portfolio_compare,
)

__all__ = [
    "deal_facts",
    "event_record",
    "findings_compare",
    "findings_evaluate",
    "investment_announce",
    "party_register",
    "portfolio_compare",
    "proceeding_open",
    "stream_new_id",
    "stream_state",
]
