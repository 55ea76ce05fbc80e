"""One matching batch: the open needs of one cell, allocated together against every offer in
their reach. One runner for every kind of help; what differs per kind, its adapter
(`matching.kinds`) answers.

Order of work in one transaction:
0. settle the cell's owed batches (`matching.owed`): what was committed before is seen below;
1. lock the cell's open needs (SKIP LOCKED: a need another batch holds is left to it) and
   take the units a batch allocates of them (goods needs, the shifts ahead, households);
2. fetch candidates from PostGIS (the adapter's search, `matching.candidates`);
3. lock the unseen proposals of those units, and those of needs in other cells that the
   adapter lets join (`KindAdapter.joining`), with those needs;
4. lock the candidate offers (SKIP LOCKED again) and read their capacity under the lock: what
   another batch or a match in flight holds is never offered twice, and a batch never waits
   for another, so two batches cannot deadlock;
5. the adapter builds feasible, scored edges with the core and names its allocator (min-cost
   flow for goods, flow plus an exact CP-SAT model for shifts, an assignment for flats); the
   runner allocates globally under the revision rule (`matching.revision`);
6. cancel the proposals the revision drops, write the new ones, let the adapter write the
   capacity they hold and the statuses; then clear the flags of what was seen.
"""

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from matching.areas import Cell, in_cell
from matching.candidates import Candidates
from matching.core.types import Allocation
from matching.debounce import release_cell
from matching.kinds import KINDS, KindAdapter
from matching.kinds.base import Joining, LockedBatch
from matching.kinds.rows import lock
from matching.models import Match, MatchEvent, MatchState
from matching.owed import settle
from matching.revision import REVISED_REASON, plan
from matching.workflow import auto_approve

log = logging.getLogger(__name__)

# The widest any radius may be (the models' validators); the core checks the real limits.
WIDEST_REACH_M = 200_000.0


@dataclass
class BatchResult:
    kind: str
    cell: Cell
    needs: int = 0
    edges: int = 0
    created: list[Match] = field(default_factory=list)
    cancelled: int = 0
    revised: bool = False
    # Needs whose candidate offer another transaction held: this batch could not allocate them.
    waiting: int = 0

    def as_dict(self) -> dict:
        return {
            "kind": self.kind,
            "cell": self.cell,
            "needs": self.needs,
            "edges": self.edges,
            "created": len(self.created),
            "cancelled": self.cancelled,
            "revised": self.revised,
            "waiting": self.waiting,
        }


def run_batch(kind: str, cell: Cell) -> BatchResult:
    """The batch of one kind and cell, as the `match_area` task runs it."""
    # From here on a change in the cell schedules the next batch.
    release_cell(kind, cell)
    result = run(KINDS[kind], cell)
    # After the batch committed; a worker that dies here leaves proposals that the periodic
    # `advance_matches` approves instead.
    auto_approve([match.pk for match in result.created])
    log.info("matching batch %s", result.as_dict())
    return result


def run(adapter: KindAdapter, cell: Cell) -> BatchResult:
    """Allocate the open needs of `cell` for the kind of `adapter` in one transaction."""
    result = BatchResult(adapter.kind, cell)
    now, tz = timezone.now(), ZoneInfo(settings.TIME_ZONE)
    limit = settings.MATCHING_CANDIDATES_PER_NEED
    with transaction.atomic():
        # First: every change committed before this statement is seen by the ones below.
        settle(adapter.kind, cell)
        needs = {need.pk: need for need in lock(adapter.cell_needs(cell))}
        units = adapter.units_of(needs, now)
        result.needs = len(units)
        proposals = list(
            lock(Match.objects.filter(kind=adapter.kind, state=MatchState.PROPOSED)).filter(
                **{f"{adapter.unit_field}_id__in": list(units)}
            )
        )
        held = {adapter.offer_id_of(m) for m in proposals}
        found, searched = _search(adapter, list(units), limit, held)
        joining = adapter.joining(cell, found, needs, units, now)
        proposals += joining.proposals
        joined_held = {adapter.offer_id_of(m) for m in joining.proposals} - held
        held |= joined_held
        if joining.units:  # their other options, so that a revision can move them elsewhere
            _merge(found, _search(adapter, list(joining.units), limit, held)[0])
        if searched is not None and joined_held:
            # This cell's units again, counting what the joining proposals hold as free too:
            # the nearest `limit` of all are among the nearest of either search.
            _merge(found, _search(adapter, list(units), limit, joined_held)[0])
            searched = set(held)
        wanted = set(found.offers) | {adapter.offer_id_of(m) for m in proposals}
        offers = {offer.pk: offer for offer in lock(adapter.offers_to_lock(wanted))}
        batch = _locked_batch(
            adapter,
            now,
            tz,
            needs,
            units,
            joining,
            found,
            offers,
            proposals,
            limit,
            searched or set(),
        )

        problem = adapter.problem(batch)
        result.edges = len(problem.edges)
        decided = plan(
            problem.solve,
            solve_keeping=problem.solve_keeping,
            edges=problem.edges,
            need_open=problem.need_open,
            offer_open=problem.offer_open,
            arrival=_arrival(adapter, batch),
            revisable=batch.revisable,
            count_places=adapter.count_places,
        )

        _cancel(decided.cancel, REVISED_REASON)
        result.created = [_propose(adapter, batch, allocation) for allocation in decided.create]
        adapter.settle(batch, decided.cancel, result.created)
        result.cancelled = len(decided.cancel)
        result.revised = decided.revised

        # A need with a candidate offer that another transaction held (skipped as locked) keeps
        # its flag, and the task schedules the cell again (the sweep is only the fallback).
        skipped = set(found.offers) - set(offers)
        waiting = {adapter.need_id_of(batch.units[u]) for u, o, _ in found.pairs if o in skipped}
        result.waiting = len(waiting)
        _clear_flags(adapter.need_model, set(needs) - waiting)
        _clear_offer_flags_in_cell(adapter.offer_model, cell)
    return result


def _search(
    adapter: KindAdapter, unit_ids: list[int], limit: int, held: set[int]
) -> tuple[Candidates, set[int] | None]:
    """The units' candidates, with the offers in `held` counted as free where the kind's
    search can (`KindAdapter.candidates_counting_held`), and the held offers it so counted
    (None where it cannot).
    Then each unit sees at most `limit` offers, held or free: in a dense cell with thousands
    of unseen proposals, pairing every unit with every held offer in reach gave a million
    pairs and an eight-minute batch (bench/load, Leipzig)."""
    found = adapter.candidates_counting_held(unit_ids, limit_per_need=limit, held=held)
    if found is None:
        return adapter.candidates(unit_ids, limit_per_need=limit), None
    return found, set(held)


def _merge(found: Candidates, more: Candidates) -> None:
    found.needs.update(more.needs)
    found.offers.update(more.offers)
    found.pairs.extend(more.pairs)


def _locked_batch(
    adapter: KindAdapter,
    now: datetime,
    tz: ZoneInfo,
    needs: Mapping,
    units: Mapping,
    joining: Joining,
    found: Candidates,
    offers: Mapping,
    proposals: list[Match],
    limit: int,
    searched: set[int],
) -> LockedBatch:
    """Everything the batch holds, with the pairs within reach of a locked offer and the core
    records of every locked offer. `searched`: held offers the search already counted as free
    for every unit."""
    revisable = [
        (m, adapter.unit_id_of(m), adapter.offer_id_of(m))
        for m in proposals
        if adapter.offer_id_of(m) in offers
    ]
    all_units = {**units, **joining.units}
    pairs = {(u, o): d for u, o, d in found.pairs if o in offers}
    # Keeping each revisable proposal stays an option (the core checks it is still in reach).
    for match, u, o in revisable:
        pairs.setdefault((u, o), match.distance_m)
    # Offers whose capacity the revisable proposals hold all of, where the search did not
    # count them as free.
    reach = {o: adapter.reach_m(offers[o]) for _, _, o in revisable if o not in searched}
    for u, o, d in _pairs_with(adapter, _search_bounds(found, all_units, limit), reach):
        pairs.setdefault((u, o), d)
    offer_records = dict(found.offers)
    for pk, offer in offers.items():
        if pk not in offer_records:
            offer_records[pk] = adapter.offer_record(offer)
    return LockedBatch(
        now=now,
        tz=tz,
        needs={**needs, **joining.needs},
        units=all_units,
        offers=dict(offers),
        unit_records=found.needs,
        offer_records=offer_records,
        revisable=revisable,
        pairs=pairs,
    )


def _search_bounds(found: Candidates, unit_ids: Iterable[int], limit: int) -> dict[int, float]:
    """How far from each unit a held offer may be and still count: the distance of its
    farthest candidate when the search stopped at `limit` (the search itself would not have
    offered it a free offer farther than that), else the widest reach. So a held offer gets
    the same chance as a free one, and a dense cell with thousands of unseen proposals does not
    pair every unit with every offer they hold."""
    found_at: dict[int, list[float]] = {}
    for u, _o, d in found.pairs:
        found_at.setdefault(u, []).append(d)
    return {
        u: max(found_at[u]) if len(found_at.get(u, ())) >= limit else WIDEST_REACH_M
        for u in unit_ids
    }


def _pairs_with(
    adapter: KindAdapter, bounds: Mapping[int, float], reach: Mapping[int, float]
) -> list[tuple[int, int, float]]:
    """(unit, offer, metres) for offers that the candidate search skipped because all their
    capacity is held, by proposals this batch may revise: within the unit's search bound
    (`_search_bounds`) and the offer's reach (`KindAdapter.reach_m`), beyond which no need is
    served by it.

    The held offers are copied into a temporary table with its own spatial index, and each
    unit walks that index within its bound. Against the offers' table each walk read every
    offer in the bound and filtered by id; joined the other way round the planner walked every
    need within the widest reach of each offer (over a minute for one batch of a dense
    region)."""
    if not bounds or not reach:
        return []

    farthest = min(max(reach.values()), WIDEST_REACH_M)
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS matching_held_offers")
        cursor.execute(
            f"""
            CREATE TEMPORARY TABLE matching_held_offers ON COMMIT DROP AS
            SELECT o.id, o.approx_point, r.reach
            FROM unnest(%(offers)s::bigint[], %(reaches)s::float8[]) AS r(id, reach)
            JOIN {adapter.offer_model._meta.db_table} o ON o.id = r.id
            WHERE o.approx_point IS NOT NULL
            """,
            {"offers": list(reach), "reaches": [min(r, WIDEST_REACH_M) for r in reach.values()]},
        )
        cursor.execute("CREATE INDEX ON matching_held_offers USING gist (approx_point)")
        cursor.execute("ANALYZE matching_held_offers")
        cursor.execute(
            f"""
            WITH n AS MATERIALIZED (
                SELECT u.id, u.approx_point, LEAST(b.bound, %(farthest)s) AS bound
                FROM unnest(%(needs)s::bigint[], %(bounds)s::float8[]) AS b(id, bound)
                JOIN ({adapter.units_sql()}) u ON u.id = b.id
            )
            SELECT n.id, o.id, ST_Distance(n.approx_point, o.approx_point)
            FROM n JOIN matching_held_offers o
              ON ST_DWithin(o.approx_point, n.approx_point, n.bound)
            WHERE ST_DWithin(o.approx_point, n.approx_point, LEAST(n.bound, o.reach))
            """,
            {"farthest": farthest, "needs": list(bounds), "bounds": list(bounds.values())},
        )
        pairs = [(n, o, float(d)) for n, o, d in cursor.fetchall()]
        cursor.execute("DROP TABLE matching_held_offers")
    return pairs


def _arrival(adapter: KindAdapter, batch: LockedBatch) -> dict[int, float]:
    """When each unit's need arrived, for the allocators' tie-breaks and baselines."""
    return {
        u: batch.needs[adapter.need_id_of(unit)].created_at.timestamp()
        for u, unit in batch.units.items()
    }


def _cancel(matches: Iterable[Match], reason: str) -> None:
    for match in matches:
        previous = match.state
        match.state = MatchState.CANCELLED
        match.save(update_fields=["state", "updated_at"])
        MatchEvent.objects.create(
            match=match, from_state=previous, to_state=MatchState.CANCELLED, reason=reason
        )


def _propose(adapter: KindAdapter, batch: LockedBatch, allocation: Allocation) -> Match:
    match = Match.objects.create(
        kind=adapter.kind,
        **adapter.match_fields(
            batch.units[allocation.need_id], batch.offers[allocation.offer_id], allocation
        ),
        distance_m=allocation.distance_m,
        score=allocation.score,
        score_breakdown=dict(allocation.breakdown),
    )
    MatchEvent.objects.create(match=match, to_state=MatchState.PROPOSED, reason="engine")
    return match


def _clear_flags(model, ids: Iterable[int]) -> None:
    model.objects.filter(pk__in=list(ids), needs_matching=True).update(needs_matching=False)


def _clear_offer_flags_in_cell(model, cell: Cell) -> None:
    """Offers placed in the cell have been seen by this batch (or have no need in reach)."""
    ids = list(
        lock(in_cell(model.objects.filter(needs_matching=True), cell)).values_list("pk", flat=True)
    )
    _clear_flags(model, ids)
