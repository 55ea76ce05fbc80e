"""What the batches of all three kinds share: locking, planning with revision, writing."""

import logging
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.gis.measure import D
from django.db import connection
from django.db.models import QuerySet
from django.utils import timezone

from lifecycle.states import MATCHABLE_STATUSES, Status
from matching.areas import Cell, cell_polygon, in_cell
from matching.core.types import Allocation, Edge, Problem
from matching.kinds import matchable
from matching.models import Match, MatchEvent, MatchState

log = logging.getLogger(__name__)

REVISED_REASON = "revised: a later batch serves more needs"


@dataclass
class BatchResult:
    kind: str
    cell: Cell
    needs: int = 0
    edges: int = 0
    created: list[Match] = field(default_factory=list)
    cancelled: int = 0
    revised: bool = False

    def as_dict(self) -> dict:
        return {
            "kind": self.kind,
            "cell": self.cell,
            "needs": self.needs,
            "edges": self.edges,
            "created": len(self.created),
            "cancelled": self.cancelled,
            "revised": self.revised,
        }


def now_and_zone() -> tuple[datetime, ZoneInfo]:
    return timezone.now(), ZoneInfo(settings.TIME_ZONE)


def lock(queryset: QuerySet) -> QuerySet:
    """Rows no other transaction holds, locked for this one; shared rows joined for reading
    (categories, users, organisations) are not locked."""
    return queryset.select_for_update(skip_locked=True, of=("self",))


def served(allocations: Iterable[Allocation], *, places: bool = False) -> int:
    """How many needs an allocation serves; for shifts, how many places it fills."""
    allocations = list(allocations)
    if places:
        return sum(a.quantity for a in allocations)
    return len({a.need_id for a in allocations})


def as_allocation(match: Match, need_id: int, offer_id: int) -> Allocation:
    return Allocation(
        need_id, offer_id, match.quantity, match.score, match.distance_m, match.score_breakdown
    )


@dataclass
class Plan:
    """What the batch decided: proposals to cancel and allocations to write."""

    cancel: list[Match]
    create: list[Allocation]
    revised: bool


def plan(
    solve: Callable[[Problem], list[Allocation]],
    *,
    edges: list[Edge],
    need_open: Mapping[int, int],
    offer_open: Mapping[int, int],
    arrival: Mapping[int, float],
    revisable: list[tuple[Match, int, int]],
    solve_keeping: Callable[[Problem], list[Allocation]] | None = None,
    count_places: bool = False,
) -> Plan:
    """Allocate the free capacity, and if there are revisable proposals, also as if they were
    free; take the revision only if it serves more needs than keeping them."""
    keep_pairs = {(n, o) for _, n, o in revisable}
    keeping = Problem(
        need_capacity=need_open,
        offer_capacity=offer_open,
        edges=tuple(e for e in edges if (e.need_id, e.offer_id) not in keep_pairs),
        need_arrival=arrival,
    )
    added = (solve_keeping or solve)(keeping)
    if not revisable:
        return Plan([], added, False)
    need_full, offer_full = Counter(need_open), Counter(offer_open)
    for match, need_id, offer_id in revisable:
        need_full[need_id] += match.quantity
        offer_full[offer_id] += match.quantity
    full = solve(
        Problem(
            need_capacity=dict(need_full),
            offer_capacity=dict(offer_full),
            edges=tuple(edges),
            need_arrival=arrival,
        )
    )
    kept = [as_allocation(m, n, o) for m, n, o in revisable]
    if served(full, places=count_places) <= served(kept + added, places=count_places):
        return Plan([], added, False)
    chosen = {(a.need_id, a.offer_id, a.quantity) for a in full}
    cancel = [m for m, n, o in revisable if (n, o, m.quantity) not in chosen]
    still = {(n, o, m.quantity) for m, n, o in revisable if (n, o, m.quantity) in chosen}
    create = [a for a in full if (a.need_id, a.offer_id, a.quantity) not in still]
    return Plan(cancel, create, True)


def cancel(matches: Iterable[Match], reason: str) -> None:
    for match in matches:
        previous = match.state
        match.state = MatchState.CANCELLED
        match.save(update_fields=["state", "updated_at"])
        MatchEvent.objects.create(
            match=match, from_state=previous, to_state=MatchState.CANCELLED, reason=reason
        )


def propose(**fields) -> Match:
    match = Match.objects.create(**fields)
    MatchEvent.objects.create(match=match, to_state=MatchState.PROPOSED, reason="engine")
    return match


def status_after(record, *, holds: bool) -> None:
    if record.status in MATCHABLE_STATUSES:
        record.status = Status.PARTLY_MATCHED if holds else Status.OPEN


def clear_flags(model, ids: Iterable[int]) -> None:
    model.objects.filter(pk__in=list(ids), needs_matching=True).update(needs_matching=False)


def clear_offer_flags_in_cell(model, cell: Cell) -> None:
    """Offers placed in the cell have been seen by this batch (or have no need in reach)."""
    ids = list(
        lock(in_cell(model.objects.filter(needs_matching=True), cell)).values_list("pk", flat=True)
    )
    clear_flags(model, ids)


# The widest any radius may be (the models' validators); the core checks the real limits.
WIDEST_REACH_M = 200_000.0


def pairs_with(needs_sql: str, need_ids, offer_model, offer_ids) -> list[tuple[int, int, float]]:
    """(need, offer, metres) for offers that the candidate search skipped because all their
    capacity is held, by proposals this batch may revise. `needs_sql` selects (id, point)."""
    if not need_ids or not offer_ids:
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT n.id, o.id, ST_Distance(n.point, o.point)
            FROM ({needs_sql}) n
            JOIN {offer_model._meta.db_table} o
              ON ST_DWithin(n.point, o.point, %(reach)s)
            WHERE n.id = ANY(%(needs)s) AND o.id = ANY(%(offers)s)
            """,
            {"reach": WIDEST_REACH_M, "needs": list(need_ids), "offers": list(offer_ids)},
        )
        return [(n, o, float(d)) for n, o, d in cursor.fetchall()]


def foreign_proposals(
    kind: str, need_field: str, offer_field: str, need_model, cell: Cell, reach_m: float, own
) -> tuple[dict, list[Match]]:
    """Unseen proposals of needs outside this cell on offers within `reach_m` of it, and
    those needs, both locked (SKIP LOCKED): a batch may revise them too, so that an offer near
    a cell border does not simply go to whichever cell's batch ran first."""
    if reach_m <= 0:
        return {}, []
    nearby = Match.objects.filter(
        kind=kind,
        state=MatchState.PROPOSED,
        **{f"{offer_field}__point__dwithin": (cell_polygon(cell), D(m=reach_m))},
    ).exclude(**{f"{need_field}_id__in": list(own)})
    found = list(lock(nearby))
    needs = {
        n.pk: n
        for n in lock(
            matchable(need_model.objects).filter(
                pk__in={getattr(m, f"{need_field}_id") for m in found}
            )
        )
    }
    return needs, [m for m in found if getattr(m, f"{need_field}_id") in needs]


def weights() -> Mapping[str, float]:
    return settings.MATCHING_WEIGHTS


def candidate_limit() -> int:
    return settings.MATCHING_CANDIDATES_PER_NEED
