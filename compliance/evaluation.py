"""The one place that evaluates a deal from the log: its facts as of a date (valid time), as
known at a time (transaction time), and the rule engine's findings on them.

Layers: this module sits on the event store (``events.store``), the pure domain folds
(``compliance.domain``) and the rule engine (``compliance.rules.engine``, which applies the rule
packs, the authorities' decisions and the lawyers' assessments). Services
(``compliance.services``: ``findings_compare``, ``portfolio_compare``, and the re-exported
``deal_facts`` and ``findings_evaluate``), the risk projection, the selectors, the reports and
the real-case suite (``compliance.services.cases``) call it; it imports none of them.

- :func:`facts_from` folds a deal from streams already read: the investment, its investor and
  target, their group parents (:func:`group_parents`) and the given proceedings that concern
  it. The risk projection and the reports read the streams themselves (in batches, or from a
  pinned prefix of the log) and fold through it.
- :func:`deal_facts` reads what one deal needs and folds it: one query for the investment
  stream, one for the proceedings that concern it (below), one for its parties and those
  proceedings, and one per level of the parties' group chains (:func:`group_parents_read`,
  usually one, none without parents): four round trips for a deal in a group.
- :func:`findings_evaluate` is :func:`deal_facts` plus ``engine.evaluate``.

Which proceedings concern an investment (:func:`proceedings_about`): a query on the proceedings
read model (``compliance.models.Proceeding``, the ``proceedings`` projection's), which lists the
proceedings whose opening, corrections applied, names the investment. It is only a list of
candidates, never a fact a finding rests on, which is why reading a read model here is safe:

- the risk projection never asks it: it keeps its own links (``RiskLink``, written in the same
  transaction as its findings, from the log it has handled) and passes ``proceeding_ids`` to
  :func:`facts_from`, so its rows do not depend on how far the proceedings projection has got,
  and a rebuild gives the same rows; the reports take the proceedings from their pinned
  snapshot of the log, and the real-case suite names a case's proceedings itself;
- on the fly (``findings_evaluate``, the selectors at an earlier moment, the comparisons) every
  candidate is read from the log and folded as of the date and as known at the time, and is
  kept only if, so folded, it names the investment: a link recorded after ``known_at`` or
  occurring after ``as_of`` never reaches an earlier evaluation.

What the candidates can lack, so what an on-the-fly evaluation can miss (not the risk
projection): a proceeding recorded but not yet handled by the proceedings projection (it is
as current as that projection's checkpoint), and, evaluated as known at a time before a
correction or retraction of a proceeding's opening that dropped the investment, that
proceeding (the read model holds the corrected opening only).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import UTC, date, datetime, time

from django.db import connection

from compliance.domain import investments, parties, proceedings
from compliance.domain.errors import ErrorCode, refuse
from compliance.domain.events import PartyRegistered
from compliance.models import Proceeding as ProceedingRow
from compliance.rules import engine
from compliance.rules.base import DealFacts, Finding
from events import store
from events.types import CORRECTION_TYPES, RecordedEvent

__all__ = [
    "deal_facts",
    "facts_from",
    "findings_evaluate",
    "group_parents",
    "group_parents_read",
    "proceedings_about",
]


def _end_of(day: date) -> datetime:
    return datetime.combine(day, time.max, tzinfo=UTC)


def _known(
    raw: list[RecordedEvent], cutoff: datetime, known_at: datetime | None
) -> list[RecordedEvent]:
    """A stream's history as known at ``known_at``, corrections applied, up to ``cutoff``."""
    seen = [e for e in raw if known_at is None or e.recorded_at <= known_at]
    return store.apply_corrections(seen, as_of=cutoff)


def facts_from(
    *,
    investment_id: str,
    as_of: date,
    histories: Mapping[str, list[RecordedEvent]],
    proceeding_ids: Iterable[str] = (),
    known_at: datetime | None = None,
) -> DealFacts | None:
    """Fold a deal from streams already read (every recorded event of each): the investment,
    its parties and the given proceedings that concern it. None if there is no investment
    as of that date."""
    cutoff = _end_of(as_of)
    history = _known(histories.get(investment_id, []), cutoff, known_at)
    investment = investments.fold(investment_id, history)
    if not investment.investor_id:
        return None
    used = [str(e.event_id) for e in history]
    folded = []
    for party_id in (investment.investor_id, investment.target_id):
        party_history = _known(histories.get(party_id, []), cutoff, known_at)
        used += [str(e.event_id) for e in party_history]
        folded.append(parties.fold(party_id, party_history))

    def parent(stream_id: str) -> parties.Party | None:
        if not histories.get(stream_id):
            return None
        parent_history = _known(histories[stream_id], cutoff, known_at)
        used.extend(str(e.event_id) for e in parent_history)
        return parties.fold(stream_id, parent_history)

    groups = group_parents(folded, parent)
    concerned = []
    for proceeding_id in proceeding_ids:
        proceeding_history = _known(histories.get(proceeding_id, []), cutoff, known_at)
        proceeding = proceedings.fold(proceeding_id, proceeding_history)
        if investment_id in proceeding.investment_ids:
            concerned.append(proceeding)
            used += [str(e.event_id) for e in proceeding_history]
    return DealFacts(
        as_of=as_of,
        investment=investment,
        investor=folded[0],
        target=folded[1],
        proceedings=tuple(concerned),
        event_ids=tuple(used),
        groups=groups,
    )


def group_parents(
    sides: Sequence[parties.Party], fold: Callable[[str], parties.Party | None]
) -> dict[str, parties.Party]:
    """The group parents of the deal's parties (``group_parent_id``, up each chain), by
    stream id, each folded once by ``fold`` (None: its stream was not read, which ends the
    chain). A party of the deal met as a parent is not repeated, its chain goes on; a parent
    met twice in one chain (a cycle) ends it."""
    own = {side.stream_id: side for side in sides}
    groups: dict[str, parties.Party] = {}
    for side in sides:
        seen = {side.stream_id}
        parent_id = side.group_parent_id
        while parent_id and parent_id not in seen:
            seen.add(parent_id)
            parent = own.get(parent_id) or groups.get(parent_id)
            if parent is None:
                parent = fold(parent_id)
                if parent is None:
                    break
                groups[parent_id] = parent
            parent_id = parent.group_parent_id
    return groups


def group_parents_read(raw: dict[str, list[RecordedEvent]], party_ids: Iterable[str]) -> None:
    """Read the group parents of ``party_ids`` into ``raw``: one query per level of the
    chains (a parent's parent is known once the parent is read), usually one."""
    wanted = list(party_ids)
    while wanted:
        found = []
        for party_id in wanted:
            parent_id = _parent_id(party_id, raw.get(party_id) or [])
            if parent_id and parent_id not in raw:
                found.append(parent_id)
        if not found:
            return
        read = store.read_streams(sorted(set(found)))
        for stream_id in found:
            raw.setdefault(stream_id, read.get(stream_id, []))
        wanted = found


def _parent_id(party_id: str, history: list[RecordedEvent]) -> str | None:
    """The group parent a party's stream names (its registration; folded where corrected)."""
    if any(e.type in CORRECTION_TYPES for e in history):
        return parties.fold(party_id, store.apply_corrections(history)).group_parent_id
    for e in history:
        if isinstance(e.event, PartyRegistered):
            return e.event.group_parent_id
    return None


def proceedings_about(investment_id: str) -> list[str]:
    """The proceedings the proceedings read model links to an investment: candidates, each
    folded from the log before it is used (see the module's docstring)."""
    rows = ProceedingRow.objects.all()
    if connection.vendor == "postgresql":  # jsonb containment, evaluated in the database
        found = rows.filter(investment_ids__contains=[investment_id])
        return list(found.values_list("stream_id", flat=True))
    linked = rows.values_list("stream_id", "investment_ids")
    return [stream_id for stream_id, ids in linked if investment_id in ids]


def deal_facts(
    *,
    investment_id: str,
    as_of: date,
    known_at: datetime | None = None,
    proceeding_ids: list[str] | None = None,
) -> DealFacts:
    """The investment, its parties and its proceedings, folded as of the end of ``as_of``
    (valid time), as known at ``known_at`` (transaction time; now if None). The proceedings
    looked at are ``proceeding_ids``, or those the proceedings read model links to it."""
    raw = store.read_streams([investment_id])
    investment = investments.fold(investment_id, store.apply_corrections(raw[investment_id]))
    if proceeding_ids is None:
        proceeding_ids = proceedings_about(investment_id)
    others = [s for s in (investment.investor_id, investment.target_id) if s]
    raw.update(store.read_streams([*others, *proceeding_ids]))
    group_parents_read(raw, others)  # the parties' group parents (EUMR Art 5(4), DMA)
    facts = facts_from(
        investment_id=investment_id,
        as_of=as_of,
        histories=raw,
        proceeding_ids=proceeding_ids,
        known_at=known_at,
    )
    if facts is None:
        raise refuse(
            ErrorCode.NOT_FOUND, f"No investment {investment_id} as of {as_of}.", field="as_of"
        )
    return facts


def findings_evaluate(
    *,
    investment_id: str,
    as_of: date,
    known_at: datetime | None = None,
    versions: dict[str, str] | None = None,
) -> list[Finding]:
    """Every regime's finding for one investment (under the packs in force on ``as_of``, or
    the pack ``versions`` named)."""
    facts = deal_facts(investment_id=investment_id, as_of=as_of, known_at=known_at)
    return engine.evaluate(facts, versions=versions)
