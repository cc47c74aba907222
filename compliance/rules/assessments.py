"""Reading the sourced assessments of a deal (``JurisdictionAssessed``): an authority's
statement, counsel's opinion or a public report of a jurisdictional element the figures cannot
give. Rules use an assessment where the figures are missing and say so, citing its event; a
missing assessment is never read as a "no"."""

from __future__ import annotations

from decimal import Decimal

from compliance.domain.investments import Assessment
from compliance.rules.base import Comparison, DealFacts
from compliance.rules.packs import Threshold

BASIS = {
    "authority_statement": "the authority's statement",
    "counsel_opinion": "counsel's opinion",
    "public_report": "a public report",
}


def assessed(
    facts: DealFacts, regime: str, element: str, member_state: str | None = None
) -> Assessment | None:
    """The latest assessment of ``element`` for ``regime`` (and ``member_state``) as of the
    facts' date (the investment is folded as of it)."""
    return facts.investment.assessed(regime, element, member_state)


def said(a: Assessment) -> str:
    """``per the Bundeskartellamt (the authority's statement, <source>; event <id>)``."""
    return f"per {a.author} ({BASIS[a.basis]}, {a.source}; event {a.event_id})"


def control(facts: DealFacts, regime: str) -> Assessment | None:
    """The control assessed for ``regime``, else for the EUMR (the EU concept of control
    that the EU and national regimes share)."""
    return assessed(facts, regime, "control") or assessed(facts, "eumr", "control")


def bound_comparison(
    a: Assessment, what: str, threshold: Threshold
) -> tuple[Comparison, bool | None]:
    """A stated bound ("above EUR 400m") set against a threshold in the same currency: met
    when the bound lies wholly above (or below) it, else unknown."""
    b = a.bound
    assert b is not None
    if b.currency != threshold.unit:
        return Comparison(what, None, threshold.operator, threshold.value, threshold.unit,
                          threshold.citation), None  # fmt: skip
    met = _within(b.operator, Decimal(b.amount), threshold.operator, threshold.value)
    value = Decimal(b.amount)
    text = f"{what} ({b.operator} {b.currency} {value:,.0f}, {said(a)})"
    compared = Comparison(text, None, threshold.operator, threshold.value, threshold.unit,
                          threshold.citation)  # fmt: skip
    return compared, met


def _within(bound: str, a: Decimal, operator: str, t: Decimal) -> bool | None:
    """Whether every amount ``bound`` ``a`` allows meets ``operator`` ``t`` (True), none does
    (False), or some do (None)."""
    open_end = bound in {">", "<"}
    if bound in {">", ">="}:  # from a upwards
        if operator == ">":
            return True if a > t or (a == t and open_end) else None
        if operator == ">=":
            return True if a >= t else None
        if operator == "<":
            return False if a >= t else None
        return False if a > t or (a == t and open_end) else None  # "<="
    # from 0 up to a
    if operator == "<":
        return True if a < t or (a == t and open_end) else None
    if operator == "<=":
        return True if a <= t else None
    if operator == ">":
        return False if a <= t else None
    return False if a < t or (a == t and open_end) else None  # ">="
