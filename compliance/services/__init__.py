"""Business operations: load a stream, check the fact against its history, append it.

Interfaces (API, admin, commands, tasks) only parse input and call these. ``deal_facts`` and
``findings_evaluate`` are ``compliance.evaluation``'s (a deal evaluated from the log, below
the services and the projections), re-exported for the API and the commands.
"""

from compliance.evaluation import deal_facts, findings_evaluate
from compliance.services.recording import (
    event_record,
    investment_announce,
    party_register,
    proceeding_open,
    stream_new_id,
    stream_state,
)
from compliance.services.risk import findings_compare, portfolio_compare

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
