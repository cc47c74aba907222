"""Parties: shared reference data, visible to every user with a role (compliance/access.py)."""

from __future__ import annotations

from compliance.models import Party
from compliance.projections.parties import PartiesProjection
from compliance.selectors.temporal import NOW, Moment, rows_at, stream_ids


def party_list(
    *,
    moment: Moment = NOW,
    kind: str | None = None,
    country: str | None = None,
    gatekeeper: bool | None = None,
    name: str | None = None,
) -> list[Party]:
    """Parties by name, filtered."""
    if moment.live:
        rows = list(Party.objects.all())
    else:
        rows = rows_at(PartiesProjection(), stream_ids("party", moment), moment)
        rows.sort(key=lambda p: (p.name, p.stream_id))
    return [
        p
        for p in rows
        if (kind is None or p.kind == kind)
        and (country is None or p.country == country.upper())
        and (gatekeeper is None or p.is_gatekeeper == gatekeeper)
        and (name is None or name.casefold() in p.name.casefold())
    ]


def party_get(*, party_id: str, moment: Moment = NOW) -> Party | None:
    if moment.live:
        return Party.objects.filter(stream_id=party_id).first()
    if not party_id.startswith("party-"):
        return None
    rows = rows_at(PartiesProjection(), [party_id], moment)
    return rows[0] if rows else None
