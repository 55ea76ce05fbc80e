"""Global allocation of a batch, and the greedy baselines it is compared with.

Every allocator takes a `Problem` (capacities and feasible scored edges), respects both sides'
capacities, uses only given edges and returns allocations sorted by (need_id, offer_id). The
objective throughout is `types.total_score`: score per unit times units.
"""

from collections.abc import Mapping
from datetime import datetime, tzinfo

import numpy as np
from ortools.graph.python import min_cost_flow

from .constraints import iso_week, overlaps, shift_hours
from .types import Allocation, Edge, Problem, Shift, Volunteer, total_score

# Scores become integer costs for OR-Tools: -round(score * COST_SCALE).
COST_SCALE = 10_000
_EPS = 1e-9


def _best_edges(edges: tuple[Edge, ...] | list[Edge]) -> list[Edge]:
    """One edge per (need, offer) pair, the best-scoring if the caller passed duplicates;
    sorted by (need, offer)."""
    count = len(edges)
    needs = np.fromiter((e.need_id for e in edges), np.int64, count)
    offers = np.fromiter((e.offer_id for e in edges), np.int64, count)
    # Sorted by need, then offer (numpy: a batch has hundreds of thousands of edges). A
    # stable sort, so duplicates stay in the caller's order for the rule below.
    order = np.lexsort((offers, needs))
    needs, offers = needs[order], offers[order]
    if not ((needs[1:] == needs[:-1]) & (offers[1:] == offers[:-1])).any():
        return [edges[i] for i in order.tolist()]
    best: dict[tuple[int, int], Edge] = {}
    for edge in edges:
        key = (edge.need_id, edge.offer_id)
        kept = best.get(key)
        if kept is None or _greedy_key(edge) < _greedy_key(kept):
            best[key] = edge
    return [best[key] for key in sorted(best)]


def _greedy_key(edge: Edge) -> tuple[float, float, int, int]:
    """Greedy order: higher score first, then the shorter way, then ids for determinism."""
    return (-edge.score, edge.distance_m, edge.need_id, edge.offer_id)


def _allocation(edge: Edge, quantity: int) -> Allocation:
    return Allocation(
        need_id=edge.need_id,
        offer_id=edge.offer_id,
        quantity=quantity,
        score=edge.score,
        distance_m=edge.distance_m,
        breakdown=edge.breakdown,
    )


def _sorted(allocations: list[Allocation]) -> list[Allocation]:
    return sorted(allocations, key=lambda a: (a.need_id, a.offer_id))


def _solve_flow(
    edges: list[Edge],
    need_capacity: Mapping[int, int],
    offer_capacity: Mapping[int, int],
    edge_capacity: Mapping[tuple[int, int], int] | None = None,
) -> list[Allocation]:
    """Max Σ score·quantity as a min-cost flow: source → needs → offers → sink, plus a bypass.

    The bypass arc source → sink (cost 0) lets supply flow past the bipartite graph, so the
    solver only routes units through an edge when that edge gains. For a transportation
    problem the flow solution is integral and optimal on the scaled integer scores.
    """
    # Arrays over the edges, not Python per edge (bench: 653,000 edges, ~3 s of the solver's
    # time went to building its input). The arcs and their order are those of the edges
    # given, so the solver sees the same network as ever.
    count = len(edges)
    all_needs = np.fromiter((e.need_id for e in edges), np.int64, count)
    all_offers = np.fromiter((e.offer_id for e in edges), np.int64, count)
    # -round(score * COST_SCALE): numpy's rint rounds half to even, as round() does.
    all_costs = -np.rint(
        np.fromiter((e.score for e in edges), np.float64, count) * COST_SCALE
    ).astype(np.int64)
    all_need_caps = _capacities(all_needs, need_capacity)
    all_offer_caps = _capacities(all_offers, offer_capacity)
    usable_index = np.flatnonzero((all_need_caps > 0) & (all_offer_caps > 0) & (all_costs < 0))
    if not len(usable_index):
        return []
    need_ids = np.unique(all_needs[usable_index])
    offer_ids = np.unique(all_offers[usable_index])
    source, sink = 0, 1

    need_caps = _capacities(need_ids, need_capacity)
    offer_caps = _capacities(offer_ids, offer_capacity)
    supply = int(need_caps.sum())

    edge_tails = (2 + np.searchsorted(need_ids, all_needs[usable_index])).astype(np.int32)
    edge_heads = (2 + len(need_ids) + np.searchsorted(offer_ids, all_offers[usable_index])).astype(
        np.int32
    )
    if edge_capacity is None:
        pair_caps = np.minimum(all_need_caps, all_offer_caps)[usable_index]
    else:
        pair_caps = np.fromiter(
            (
                min(edge_capacity.get((e.need_id, e.offer_id), 1), need_capacity[e.need_id])
                for e in (edges[i] for i in usable_index.tolist())
            ),
            np.int64,
            len(usable_index),
        )
    edge_costs = all_costs[usable_index]

    n_needs, n_offers = len(need_ids), len(offer_ids)
    tails = np.concatenate(
        [
            np.full(n_needs, source, np.int32),
            edge_tails,
            np.arange(2 + n_needs, 2 + n_needs + n_offers, dtype=np.int32),
            np.array([source], np.int32),
        ]
    )
    heads = np.concatenate(
        [
            np.arange(2, 2 + n_needs, dtype=np.int32),
            edge_heads,
            np.full(n_offers, sink, np.int32),
            np.array([sink], np.int32),
        ]
    )
    capacities = np.concatenate([need_caps, pair_caps, offer_caps, np.array([supply], np.int64)])
    costs = np.concatenate(
        [
            np.zeros(n_needs, np.int64),
            edge_costs,
            np.zeros(n_offers, np.int64),
            np.zeros(1, np.int64),
        ]
    )

    solver = min_cost_flow.SimpleMinCostFlow()
    arcs = solver.add_arcs_with_capacity_and_unit_cost(tails, heads, capacities, costs)
    solver.set_nodes_supplies(np.array([source, sink], np.int32), np.array([supply, -supply]))
    status = solver.solve()
    if status != solver.OPTIMAL:
        raise RuntimeError(f"min-cost flow failed: {status}")
    flows = np.asarray(solver.flows(arcs[n_needs : n_needs + len(usable_index)]))
    used = np.flatnonzero(flows > 0)
    return [
        _allocation(edges[i], int(f))
        for i, f in zip(usable_index[used].tolist(), flows[used].tolist(), strict=True)
    ]


def _capacities(ids: np.ndarray, capacity: Mapping[int, int]) -> np.ndarray:
    """capacity[id] (0 if missing) for each of `ids`, looked up once per distinct id."""
    distinct, inverse = np.unique(ids, return_inverse=True)
    values = np.fromiter((capacity.get(pk, 0) for pk in distinct.tolist()), np.int64, len(distinct))
    return values[inverse]


def allocate_flow(problem: Problem) -> list[Allocation]:
    """Optimal allocation of a batch (transportation problem) by min-cost flow.

    Maximises Σ score·quantity on scores scaled to 1/10,000, so it is never below either
    greedy baseline on those scaled scores.
    """
    edges = _best_edges(problem.edges)
    return _sorted(_solve_flow(edges, problem.need_capacity, problem.offer_capacity))


def allocate_assignment(problem: Problem) -> list[Allocation]:
    """Optimal one-to-one allocation (max-weight bipartite matching, not necessarily perfect).

    Every positive capacity counts as 1: a household takes one flat, a flat one household.
    Solved as min-cost flow with unit capacities, which is exact for bipartite matching and
    handles sparse graphs of thousands of nodes without a dense matrix.
    """
    edges = _best_edges(problem.edges)
    need_caps = {n: min(1, c) for n, c in problem.need_capacity.items()}
    offer_caps = {o: min(1, c) for o, c in problem.offer_capacity.items()}
    return _sorted(_solve_flow(edges, need_caps, offer_caps))


def allocate_greedy_by_score(problem: Problem) -> list[Allocation]:
    """Baseline: take edges best score first, each as many units as both sides still have."""
    need_left = dict(problem.need_capacity)
    offer_left = dict(problem.offer_capacity)
    result = []
    for edge in sorted(_best_edges(problem.edges), key=_greedy_key):
        quantity = min(need_left.get(edge.need_id, 0), offer_left.get(edge.offer_id, 0))
        if quantity > 0:
            need_left[edge.need_id] -= quantity
            offer_left[edge.offer_id] -= quantity
            result.append(_allocation(edge, quantity))
    return _sorted(result)


def allocate_greedy_arrival(problem: Problem) -> list[Allocation]:
    """Baseline first come, first served: needs in arrival order take their best edges.

    Needs without an arrival time come after those with one, by id.
    """
    by_need: dict[int, list[Edge]] = {}
    for edge in _best_edges(problem.edges):
        by_need.setdefault(edge.need_id, []).append(edge)

    def arrival_key(need_id: int) -> tuple[int, float, int]:
        arrival = problem.need_arrival.get(need_id)
        return (0, arrival, need_id) if arrival is not None else (1, 0.0, need_id)

    offer_left = dict(problem.offer_capacity)
    result = []
    for need_id in sorted(by_need, key=arrival_key):
        need_left = problem.need_capacity.get(need_id, 0)
        for edge in sorted(by_need[need_id], key=_greedy_key):
            if need_left <= 0:
                break
            quantity = min(need_left, offer_left.get(edge.offer_id, 0))
            if quantity > 0:
                need_left -= quantity
                offer_left[edge.offer_id] -= quantity
                result.append(_allocation(edge, quantity))
    return _sorted(result)


def allocate_first_come(problem: Problem) -> list[Allocation]:
    """Baseline first come, first served as an engine without batches would do it: needs and
    offers arrive one at a time (by `need_arrival` / `offer_arrival`), and each takes, best
    score first, what the records that came before it still have. A record without an
    arrival time counts as there from the start.
    """
    edges = _best_edges(problem.edges)
    by_need: dict[int, list[Edge]] = {}
    by_offer: dict[int, list[Edge]] = {}
    for edge in edges:
        by_need.setdefault(edge.need_id, []).append(edge)
        by_offer.setdefault(edge.offer_id, []).append(edge)
    # (time, 0 for a need / 1 for an offer, id): a need and an offer at the same moment meet.
    events = [(problem.need_arrival.get(n, float("-inf")), 0, n) for n in by_need]
    events += [(problem.offer_arrival.get(o, float("-inf")), 1, o) for o in by_offer]
    events.sort()
    need_left = {n: problem.need_capacity.get(n, 0) for n in by_need}
    offer_left = {o: problem.offer_capacity.get(o, 0) for o in by_offer}
    arrived_needs: set[int] = set()
    arrived_offers: set[int] = set()
    result = []
    for _, is_offer, record in events:
        if is_offer:
            arrived_offers.add(record)
            options = [e for e in by_offer[record] if e.need_id in arrived_needs]
        else:
            arrived_needs.add(record)
            options = [e for e in by_need[record] if e.offer_id in arrived_offers]
        for edge in sorted(options, key=_greedy_key):
            quantity = min(need_left[edge.need_id], offer_left[edge.offer_id])
            if quantity > 0:
                need_left[edge.need_id] -= quantity
                offer_left[edge.offer_id] -= quantity
                result.append(_allocation(edge, quantity))
    return _sorted(result)


# --- volunteer shifts ---------------------------------------------------------------------


class _Roster:
    """What each volunteer holds while shifts are handed out: places, overlaps, weekly hours."""

    def __init__(
        self,
        problem: Problem,
        shifts: Mapping[int, Shift],
        volunteers: Mapping[int, Volunteer],
        tz: tzinfo,
    ) -> None:
        self.shifts = shifts
        self.volunteers = volunteers
        self.tz = tz
        self.shift_left = {
            sid: min(problem.need_capacity.get(sid, shift.people_open), shift.people_open)
            for sid, shift in shifts.items()
        }
        # A volunteer without an offer capacity is limited only by time and hours.
        self.volunteer_left = {
            vid: problem.offer_capacity.get(vid, len(problem.edges) + 1) for vid in volunteers
        }
        self.held: dict[int, list[tuple[datetime, datetime]]] = {
            vid: list(v.booked) for vid, v in volunteers.items()
        }
        self.week_hours: dict[int, dict[tuple[int, int], float]] = {}
        for vid, v in volunteers.items():
            hours: dict[tuple[int, int], float] = {}
            for start, end in v.booked:
                week = iso_week(start, tz)
                hours[week] = hours.get(week, 0.0) + shift_hours(start, end)
            self.week_hours[vid] = hours
        self.taken: set[tuple[int, int]] = set()

    def fits(self, edge: Edge) -> bool:
        """Whether the volunteer can take this shift on top of what they already hold."""
        shift = self.shifts.get(edge.need_id)
        volunteer = self.volunteers.get(edge.offer_id)
        if shift is None or volunteer is None or (edge.need_id, edge.offer_id) in self.taken:
            return False
        if self.shift_left.get(edge.need_id, 0) <= 0:
            return False
        if self.volunteer_left.get(edge.offer_id, 0) <= 0:
            return False
        if overlaps(shift.start, shift.end, self.held[edge.offer_id]):
            return False
        week = iso_week(shift.start, self.tz)
        hours = self.week_hours[edge.offer_id].get(week, 0.0)
        return hours + shift_hours(shift.start, shift.end) <= volunteer.max_hours_per_week + _EPS

    def take(self, edge: Edge) -> None:
        shift = self.shifts[edge.need_id]
        self.taken.add((edge.need_id, edge.offer_id))
        self.shift_left[edge.need_id] -= 1
        self.volunteer_left[edge.offer_id] -= 1
        self.held[edge.offer_id].append((shift.start, shift.end))
        week = iso_week(shift.start, self.tz)
        hours = self.week_hours[edge.offer_id]
        hours[week] = hours.get(week, 0.0) + shift_hours(shift.start, shift.end)


def _shift_edges(
    problem: Problem,
    shifts: Mapping[int, Shift],
    volunteers: Mapping[int, Volunteer],
    now: datetime,
) -> list[Edge]:
    """Edges between known shifts and volunteers, for shifts that have not started yet."""
    return [
        e
        for e in _best_edges(problem.edges)
        if e.need_id in shifts and e.offer_id in volunteers and shifts[e.need_id].start > now
    ]


def allocate_shifts_greedy(
    problem: Problem,
    shifts: Mapping[int, Shift],
    volunteers: Mapping[int, Volunteer],
    *,
    tz: tzinfo,
    now: datetime,
) -> list[Allocation]:
    """Baseline for shifts: edges best score first, each taken if the volunteer still can."""
    roster = _Roster(problem, shifts, volunteers, tz)
    result = []
    for edge in sorted(_shift_edges(problem, shifts, volunteers, now), key=_greedy_key):
        if roster.fits(edge):
            roster.take(edge)
            result.append(_allocation(edge, 1))
    return _sorted(result)


def allocate_shifts(
    problem: Problem,
    shifts: Mapping[int, Shift],
    volunteers: Mapping[int, Volunteer],
    *,
    tz: tzinfo,
    now: datetime,
    time_limit_seconds: float = 5.0,
) -> list[Allocation]:
    """Allocate volunteers to shifts: one person once per shift, no overlaps, weekly hours kept.

    Overlaps and weekly hours couple a volunteer's shifts, which a flow cannot express. So:
    solve the flow without them, repair each volunteer (keep their best-scoring shifts that
    fit together), refill freed places greedily, and take this or the plain greedy result,
    whichever scores higher — never worse than the baseline. Then the exact model (CP-SAT),
    seeded with that answer and given `time_limit_seconds`, may improve on it: the heuristic
    misses, for one, moving a volunteer to the only shift they can do when someone else can
    take theirs.
    """
    edges = _shift_edges(problem, shifts, volunteers, now)
    shift_caps = {
        sid: min(problem.need_capacity.get(sid, s.people_open), s.people_open)
        for sid, s in shifts.items()
    }
    volunteer_caps = {
        vid: problem.offer_capacity.get(vid, len(problem.edges) + 1) for vid in volunteers
    }
    relaxed = _solve_flow(
        edges, shift_caps, volunteer_caps, edge_capacity={(e.need_id, e.offer_id): 1 for e in edges}
    )
    by_pair = {(e.need_id, e.offer_id): e for e in edges}

    roster = _Roster(problem, shifts, volunteers, tz)
    result = []
    # Repair: per volunteer, best-scoring first (then earlier shift), keep what fits.
    chosen = sorted(
        (by_pair[(a.need_id, a.offer_id)] for a in relaxed),
        key=lambda e: (e.offer_id, -e.score, shifts[e.need_id].start, e.need_id),
    )
    for edge in chosen:
        if roster.fits(edge):
            roster.take(edge)
            result.append(_allocation(edge, 1))
    # Refill: places freed by the repair go to the remaining edges, best first.
    for edge in sorted(edges, key=_greedy_key):
        if roster.fits(edge):
            roster.take(edge)
            result.append(_allocation(edge, 1))

    greedy = allocate_shifts_greedy(problem, shifts, volunteers, tz=tz, now=now)
    best = greedy if total_score(greedy) > total_score(result) + _EPS else _sorted(result)
    exact = _solve_shifts_exactly(
        problem, edges, shifts, volunteers, tz=tz, hint=best, seconds=time_limit_seconds
    )
    if exact is not None and total_score(exact) > total_score(best) + _EPS:
        return exact
    return best


def _solve_shifts_exactly(
    problem: Problem,
    edges: list[Edge],
    shifts: Mapping[int, Shift],
    volunteers: Mapping[int, Volunteer],
    *,
    tz: tzinfo,
    hint: list[Allocation],
    seconds: float,
) -> list[Allocation] | None:
    """The whole shift problem as a constraint program (OR-Tools CP-SAT): one boolean per
    edge, places per shift, no overlap per volunteer (with what they hold already), weekly
    minutes per volunteer; maximise the score. Seeded with `hint` and bounded by `seconds`, so
    it only ever improves on the heuristic; None when it finds nothing (or no time is given).
    """
    if seconds <= 0 or not edges:
        return None
    from ortools.sat.python import cp_model

    model = cp_model.CpModel()
    origin = min(
        [shifts[e.need_id].start for e in edges]
        + [start for v in volunteers.values() for start, _ in v.booked]
    )

    def minutes(moment: datetime) -> int:
        return int((moment - origin).total_seconds() // 60)

    chosen = {(e.need_id, e.offer_id): model.new_bool_var(f"x{i}") for i, e in enumerate(edges)}
    per_shift: dict[int, list] = {}
    per_volunteer: dict[int, list] = {}
    weekly: dict[tuple[int, tuple[int, int]], list] = {}
    for e in edges:
        x, shift = chosen[(e.need_id, e.offer_id)], shifts[e.need_id]
        start, end = minutes(shift.start), minutes(shift.end)
        per_shift.setdefault(e.need_id, []).append(x)
        interval = model.new_optional_fixed_size_interval_var(start, end - start, x, "i")
        per_volunteer.setdefault(e.offer_id, []).append(interval)
        week = (e.offer_id, iso_week(shift.start, tz))
        weekly.setdefault(week, []).append((end - start, x))
    for sid, xs in per_shift.items():
        cap = min(problem.need_capacity.get(sid, shifts[sid].people_open), shifts[sid].people_open)
        model.add(sum(xs) <= max(0, cap))
    for vid, intervals in per_volunteer.items():
        volunteer = volunteers[vid]
        held = [
            model.new_fixed_size_interval_var(minutes(a), max(1, minutes(b) - minutes(a)), "b")
            for a, b in volunteer.booked
        ]
        model.add_no_overlap(intervals + held)
        cap = problem.offer_capacity.get(vid)
        if cap is not None:
            model.add(
                sum(chosen[(e.need_id, e.offer_id)] for e in edges if e.offer_id == vid) <= cap
            )
    for (vid, week), terms in weekly.items():
        volunteer = volunteers[vid]
        booked = sum(
            minutes(b) - minutes(a) for a, b in volunteer.booked if iso_week(a, tz) == week
        )
        budget = int(volunteer.max_hours_per_week * 60) - booked
        model.add(sum(length * x for length, x in terms) <= max(0, budget))
    model.maximize(
        sum(round(e.score * COST_SCALE) * chosen[(e.need_id, e.offer_id)] for e in edges)
    )
    for a in hint:
        if (a.need_id, a.offer_id) in chosen:
            model.add_hint(chosen[(a.need_id, a.offer_id)], 1)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = seconds
    solver.parameters.num_workers = 2
    solver.parameters.random_seed = 1  # the same answer for the same batch
    status = solver.solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    return _sorted(
        [_allocation(e, 1) for e in edges if solver.value(chosen[(e.need_id, e.offer_id)])]
    )
