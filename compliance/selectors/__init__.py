"""Reads. Interfaces (API, admin, commands, reports) call these and nothing else to read
state. Every selector takes the user's :class:`~compliance.access.Scope` where walls apply,
and a :class:`~compliance.selectors.temporal.Moment` where state can be read in the past.
"""

from compliance.selectors.events import event_get, event_list, event_log_chunks
from compliance.selectors.parties import party_get, party_list
from compliance.selectors.positions import investment_get, investment_list, timeline_list
from compliance.selectors.proceedings import deadline_list, proceeding_get, proceeding_list
from compliance.selectors.risk import finding_list, portfolio_matrix
from compliance.selectors.temporal import NOW, Moment

__all__ = [
    "NOW",
    "Moment",
    "deadline_list",
    "event_get",
    "event_list",
    "event_log_chunks",
    "finding_list",
    "investment_get",
    "investment_list",
    "party_get",
    "party_list",
    "portfolio_matrix",
    "proceeding_get",
    "proceeding_list",
    "timeline_list",
]
