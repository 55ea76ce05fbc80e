"""The revision rule of a batch: allocate what is free, and also as if the unseen proposals
it may revise were free; take the revision only if it serves more needs (fills more places,
for shifts) than keeping them.

Proposals nobody has seen yet (`proposed`: not approved, not offered) may be revised: those of
the batch's own needs, and those that joined it from other cells (`KindAdapter.joining`).
"""

from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from matching.core.types import Allocation, Edge, Problem
from matching.models import Match

REVISED_REASON = "revised: a later batch serves more needs"


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
