"""Allocators: capacities, edges, optimality against baselines and exact solvers."""

import itertools
from collections import Counter, defaultdict
from datetime import datetime, timedelta

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import linear_sum_assignment, linprog

from matching.core.allocation import (
    allocate_assignment,
    allocate_first_come,
    allocate_flow,
    allocate_greedy_arrival,
    allocate_greedy_by_score,
    allocate_shifts,
    allocate_shifts_greedy,
)
from matching.core.constraints import volunteer_reason
from matching.core.types import Allocation, Edge, Problem, Shift, Volunteer, total_score

from .records import BERLIN, NOW, berlin, every_day, shift, volunteer

ALLOCATORS = (
    allocate_flow,
    allocate_assignment,
    allocate_greedy_by_score,
    allocate_greedy_arrival,
    allocate_first_come,
)


def edge(need: int, offer: int, score: float, distance: float = 0.0) -> Edge:
    return Edge(need_id=need, offer_id=offer, score=score, distance_m=distance)


# Scores on the 1/10,000 grid the flow solver uses, so its integer optimum is the true one.
grid_scores = st.integers(min_value=1, max_value=10_000).map(lambda n: n / 10_000)


@st.composite
def problems(draw: st.DrawFn, max_side: int = 6, max_capacity: int = 4) -> Problem:
    n_needs = draw(st.integers(1, max_side))
    n_offers = draw(st.integers(1, max_side))
    need_capacity = {n: draw(st.integers(0, max_capacity)) for n in range(1, n_needs + 1)}
    offer_capacity = {100 + o: draw(st.integers(0, max_capacity)) for o in range(n_offers)}
    pairs = list(itertools.product(need_capacity, offer_capacity))
    chosen = draw(st.lists(st.sampled_from(pairs), unique=True, max_size=len(pairs)))
    edges = tuple(
        edge(n, o, draw(grid_scores), draw(st.integers(0, 5_000))) for n, o in sorted(chosen)
    )
    arrival = {n: draw(st.floats(0, 1_000)) for n in need_capacity if draw(st.booleans())}
    offer_arrival = {o: draw(st.floats(0, 1_000)) for o in offer_capacity if draw(st.booleans())}
    return Problem(need_capacity, offer_capacity, edges, arrival, offer_arrival)


def assert_valid(
    problem: Problem, allocations: list[Allocation], *, uncapped_offers: bool = False
) -> None:
    """Sorted, one row per pair, given edges only, within capacities.

    `uncapped_offers`: an offer missing from offer_capacity has no limit (volunteers).
    """
    given_pairs = {(e.need_id, e.offer_id): e for e in problem.edges}
    assert allocations == sorted(allocations, key=lambda a: (a.need_id, a.offer_id))
    assert len({(a.need_id, a.offer_id) for a in allocations}) == len(allocations)
    per_need: Counter[int] = Counter()
    per_offer: Counter[int] = Counter()
    for a in allocations:
        assert (a.need_id, a.offer_id) in given_pairs
        assert a.quantity > 0
        assert a.score == given_pairs[(a.need_id, a.offer_id)].score
        per_need[a.need_id] += a.quantity
        per_offer[a.offer_id] += a.quantity
    for need_id, quantity in per_need.items():
        assert quantity <= problem.need_capacity[need_id]
    for offer_id, quantity in per_offer.items():
        if uncapped_offers and offer_id not in problem.offer_capacity:
            continue
        assert quantity <= problem.offer_capacity[offer_id]


def lp_optimum(problem: Problem) -> float:
    """The transportation optimum by linear programming (integral for this problem)."""
    if not problem.edges:
        return 0.0
    edges = problem.edges
    needs, offers = sorted(problem.need_capacity), sorted(problem.offer_capacity)
    a_ub = np.zeros((len(needs) + len(offers), len(edges)))
    for j, e in enumerate(edges):
        a_ub[needs.index(e.need_id), j] = 1
        a_ub[len(needs) + offers.index(e.offer_id), j] = 1
    b_ub = [problem.need_capacity[n] for n in needs] + [problem.offer_capacity[o] for o in offers]
    result = linprog(
        c=[-e.score for e in edges], A_ub=a_ub, b_ub=b_ub, bounds=(0, None), method="highs"
    )
    assert result.success
    return -result.fun


@settings(max_examples=200, deadline=None)
@given(problems())
def test_every_allocator_respects_capacities_and_uses_only_given_edges(problem):
    for allocate in ALLOCATORS:
        assert_valid(problem, allocate(problem))


@settings(max_examples=200, deadline=None)
@given(problems())
def test_flow_is_optimal_and_never_below_either_greedy(problem):
    tolerance = 1e-6 * max(1, len(problem.edges))
    flow = total_score(allocate_flow(problem))
    by_score = total_score(allocate_greedy_by_score(problem))
    arrival = total_score(allocate_greedy_arrival(problem))
    first_come = total_score(allocate_first_come(problem))
    assert flow >= by_score - tolerance
    assert by_score >= 0
    assert flow >= arrival - tolerance
    assert flow >= first_come - tolerance
    assert abs(flow - lp_optimum(problem)) <= tolerance


@settings(max_examples=200, deadline=None)
@given(problems(max_side=6, max_capacity=3))
def test_assignment_is_one_to_one_and_a_maximum_weight_matching(problem):
    allocations = allocate_assignment(problem)
    assert all(a.quantity == 1 for a in allocations)
    assert len({a.need_id for a in allocations}) == len(allocations)
    assert len({a.offer_id for a in allocations}) == len(allocations)
    # Exact optimum: missing pairs (or closed sides) are worth 0 in a dense matrix.
    needs, offers = sorted(problem.need_capacity), sorted(problem.offer_capacity)
    weights = np.zeros((len(needs), len(offers)))
    for e in problem.edges:
        if problem.need_capacity[e.need_id] > 0 and problem.offer_capacity[e.offer_id] > 0:
            weights[needs.index(e.need_id), offers.index(e.offer_id)] = e.score
    rows, cols = linear_sum_assignment(weights, maximize=True)
    assert abs(total_score(allocations) - weights[rows, cols].sum()) <= 1e-6 * len(needs)


@settings(max_examples=100, deadline=None)
@given(st.integers(1, 5), st.integers(1, 5), st.data())
def test_assignment_matches_brute_force_on_dense_instances(n_needs, n_offers, data):
    scores = {(n, 100 + o): data.draw(grid_scores) for n in range(n_needs) for o in range(n_offers)}
    problem = Problem(
        {n: 1 for n in range(n_needs)},
        {100 + o: 1 for o in range(n_offers)},
        tuple(edge(n, o, s) for (n, o), s in scores.items()),
    )
    best = 0.0
    offers = [100 + o for o in range(n_offers)]
    for perm in itertools.permutations(offers, min(n_needs, n_offers)):
        for needs in itertools.combinations(range(n_needs), len(perm)):
            best = max(best, sum(scores[(n, o)] for n, o in zip(needs, perm, strict=True)))
    assert abs(total_score(allocate_assignment(problem)) - best) <= 1e-9 * n_needs * n_offers


def test_flow_beats_greedy_where_the_best_edge_blocks_two_good_ones():
    # Greedy takes A-x (0.9) and leaves B without an offer; flow takes A-y and B-x.
    problem = Problem(
        {1: 1, 2: 1},
        {10: 1, 11: 1},
        (edge(1, 10, 0.9), edge(1, 11, 0.8), edge(2, 10, 0.8)),
    )
    flow = allocate_flow(problem)
    assert [(a.need_id, a.offer_id) for a in flow] == [(1, 11), (2, 10)]
    assert total_score(flow) == 1.6
    assert total_score(allocate_greedy_by_score(problem)) == 0.9


def test_flow_splits_quantities_across_offers():
    problem = Problem(
        {1: 5, 2: 2}, {10: 3, 11: 3}, (edge(1, 10, 0.5), edge(1, 11, 0.4), edge(2, 10, 0.9))
    )
    flow = allocate_flow(problem)
    assert [(a.need_id, a.offer_id, a.quantity) for a in flow] == [
        (1, 10, 1),
        (1, 11, 3),
        (2, 10, 2),
    ]


def test_duplicate_edges_count_once_with_the_best_score():
    problem = Problem({1: 2}, {10: 2}, (edge(1, 10, 0.3), edge(1, 10, 0.7)))
    for allocate in ALLOCATORS:
        allocations = allocate(problem)
        assert len(allocations) == 1
        assert allocations[0].score == 0.7


def test_greedy_arrival_serves_the_first_comer_first():
    problem = Problem(
        {1: 1, 2: 1},
        {10: 1},
        (edge(1, 10, 0.9), edge(2, 10, 0.2)),
        need_arrival={1: 50.0, 2: 10.0},
    )
    assert [a.need_id for a in allocate_greedy_arrival(problem)] == [2]
    assert [a.need_id for a in allocate_greedy_by_score(problem)] == [1]


def test_first_come_gives_an_early_offer_to_the_need_already_waiting():
    # The first need takes the only offer there when it arrives, though the later need would
    # have scored higher; a batch sees both and serves both when a second offer comes.
    problem = Problem(
        {1: 1, 2: 1},
        {10: 1, 11: 1},
        (edge(1, 10, 0.5), edge(2, 10, 0.9), edge(1, 11, 0.4)),
        need_arrival={1: 1.0, 2: 3.0},
        offer_arrival={10: 2.0, 11: 4.0},
    )
    assert [(a.need_id, a.offer_id) for a in allocate_first_come(problem)] == [(1, 10)]
    assert [(a.need_id, a.offer_id) for a in allocate_flow(problem)] == [(1, 11), (2, 10)]


def test_first_come_matches_only_records_that_have_both_arrived():
    problem = Problem(
        {1: 2}, {10: 2}, (edge(1, 10, 0.5),), need_arrival={1: 5.0}, offer_arrival={10: 1.0}
    )
    assert [(a.need_id, a.quantity) for a in allocate_first_come(problem)] == [(1, 2)]


def test_greedy_arrival_puts_needs_without_arrival_last_by_id():
    problem = Problem(
        {1: 1, 2: 1, 3: 1},
        {10: 1},
        (edge(1, 10, 0.5), edge(2, 10, 0.5), edge(3, 10, 0.5)),
        need_arrival={3: 99.0},
    )
    assert [a.need_id for a in allocate_greedy_arrival(problem)] == [3]
    problem = Problem(problem.need_capacity, problem.offer_capacity, problem.edges)
    assert [a.need_id for a in allocate_greedy_arrival(problem)] == [1]


def test_greedy_ties_break_by_distance_then_ids():
    problem = Problem({1: 1, 2: 1}, {10: 1}, (edge(1, 10, 0.5, 900), edge(2, 10, 0.5, 100)))
    assert [a.need_id for a in allocate_greedy_by_score(problem)] == [2]


def test_allocators_are_deterministic():
    problem = Problem(
        {n: 2 for n in range(6)},
        {o: 1 for o in range(10, 16)},
        tuple(edge(n, o, 0.5) for n in range(6) for o in range(10, 16)),
    )
    for allocate in ALLOCATORS:
        assert allocate(problem) == allocate(problem)


# --- volunteer shifts ---------------------------------------------------------------------


def shift_problem(
    shifts: dict[int, Shift], volunteers: dict[int, Volunteer], scores: dict[tuple[int, int], float]
) -> Problem:
    return Problem(
        {sid: s.people_open for sid, s in shifts.items()},
        {},
        tuple(edge(sid, vid, score) for (sid, vid), score in sorted(scores.items())),
    )


def test_shifts_never_give_one_volunteer_two_overlapping_shifts():
    a = shift(id=1, people_open=1, start=berlin(2026, 1, 7, 10), end=berlin(2026, 1, 7, 14))
    b = shift(id=2, people_open=1, start=berlin(2026, 1, 7, 12), end=berlin(2026, 1, 7, 16))
    anna, ben = volunteer(id=50), volunteer(id=51)
    shifts, volunteers = {1: a, 2: b}, {50: anna, 51: ben}
    # The relaxed flow would give Anna both shifts; Ben is a weaker fit for shift 2.
    problem = shift_problem(shifts, volunteers, {(1, 50): 0.9, (2, 50): 0.8, (2, 51): 0.3})
    allocations = allocate_shifts(problem, shifts, volunteers, tz=BERLIN, now=NOW)
    assert [(x.need_id, x.offer_id) for x in allocations] == [(1, 50), (2, 51)]


def test_shifts_move_a_volunteer_to_the_shift_only_they_can_do():
    # Anna scores best on shift 1, but only she can do shift 2 at the same time; Ben can do
    # shift 1. The repair and greedy both give Anna shift 1 and leave shift 2 empty; the exact
    # model serves both.
    a = shift(id=1, people_open=1, start=berlin(2026, 1, 7, 10), end=berlin(2026, 1, 7, 14))
    b = shift(id=2, people_open=1, start=berlin(2026, 1, 7, 10), end=berlin(2026, 1, 7, 14))
    anna, ben = volunteer(id=50), volunteer(id=51)
    shifts, volunteers = {1: a, 2: b}, {50: anna, 51: ben}
    problem = shift_problem(shifts, volunteers, {(1, 50): 0.9, (2, 50): 0.6, (1, 51): 0.5})
    greedy = allocate_shifts_greedy(problem, shifts, volunteers, tz=BERLIN, now=NOW)
    assert [(x.need_id, x.offer_id) for x in greedy] == [(1, 50)]
    allocations = allocate_shifts(problem, shifts, volunteers, tz=BERLIN, now=NOW)
    assert [(x.need_id, x.offer_id) for x in allocations] == [(1, 51), (2, 50)]
    # Without time for the exact model, the heuristic's answer stands.
    heuristic = allocate_shifts(
        problem, shifts, volunteers, tz=BERLIN, now=NOW, time_limit_seconds=0
    )
    assert [(x.need_id, x.offer_id) for x in heuristic] == [(1, 50)]


def test_shifts_respect_weekly_hours_including_booked_ones():
    a = shift(id=1, people_open=1, start=berlin(2026, 1, 7, 8), end=berlin(2026, 1, 7, 12))
    b = shift(id=2, people_open=1, start=berlin(2026, 1, 8, 8), end=berlin(2026, 1, 8, 12))
    booked = ((berlin(2026, 1, 5, 8), berlin(2026, 1, 5, 11)),)  # 3 h; max 10 h
    anna = volunteer(id=50, booked=booked)
    shifts, volunteers = {1: a, 2: b}, {50: anna}
    problem = shift_problem(shifts, volunteers, {(1, 50): 0.6, (2, 50): 0.7})
    allocations = allocate_shifts(problem, shifts, volunteers, tz=BERLIN, now=NOW)
    assert [(x.need_id, x.offer_id) for x in allocations] == [(2, 50)]


def test_shifts_fill_every_open_place_with_distinct_people():
    a = shift(id=1, people_open=2)
    volunteers = {vid: volunteer(id=vid) for vid in (50, 51, 52)}
    problem = shift_problem({1: a}, volunteers, {(1, 50): 0.5, (1, 51): 0.9, (1, 52): 0.7})
    allocations = allocate_shifts(problem, {1: a}, volunteers, tz=BERLIN, now=NOW)
    assert [(x.offer_id, x.quantity) for x in allocations] == [(51, 1), (52, 1)]


def test_started_shifts_are_not_allocated():
    a = shift(id=1, start=berlin(2026, 1, 5, 9), end=berlin(2026, 1, 5, 13))
    volunteers = {50: volunteer(id=50)}
    problem = shift_problem({1: a}, volunteers, {(1, 50): 0.5})
    assert allocate_shifts(problem, {1: a}, volunteers, tz=BERLIN, now=NOW) == []


@st.composite
def shift_worlds(draw: st.DrawFn):
    n_shifts = draw(st.integers(1, 6))
    n_volunteers = draw(st.integers(1, 5))
    base = berlin(2026, 1, 12)  # a Monday, a week after NOW
    shifts = {}
    for sid in range(1, n_shifts + 1):
        start = base + timedelta(hours=draw(st.integers(0, 9 * 24)))
        shifts[sid] = shift(
            id=sid,
            start=start,
            end=start + timedelta(hours=draw(st.integers(1, 6))),
            people_open=draw(st.integers(0, 3)),
            required_skills=frozenset(),
            languages=frozenset(),
        )
    volunteers = {}
    for vid in range(50, 50 + n_volunteers):
        booked_start = base + timedelta(hours=draw(st.integers(0, 9 * 24)))
        booked = ((booked_start, booked_start + timedelta(hours=draw(st.integers(1, 5)))),)
        volunteers[vid] = volunteer(
            id=vid,
            slots=every_day(datetime.min.time(), datetime.min.time()),
            max_hours_per_week=draw(st.integers(0, 14)),
            booked=booked if draw(st.booleans()) else (),
        )
    scores = {}
    for sid, s in shifts.items():
        for vid, v in volunteers.items():
            if volunteer_reason(s, v, 0, now=NOW, tz=BERLIN) is None and draw(st.booleans()):
                scores[(sid, vid)] = draw(grid_scores)
    offer_capacity = {vid: draw(st.integers(1, 4)) for vid in volunteers if draw(st.booleans())}
    problem = Problem(
        {sid: s.people_open for sid, s in shifts.items()},
        offer_capacity,
        tuple(edge(sid, vid, score) for (sid, vid), score in sorted(scores.items())),
    )
    return problem, shifts, volunteers


@settings(max_examples=200, deadline=None)
@given(shift_worlds())
def test_shift_allocations_are_feasible_together_and_beat_greedy(world):
    problem, shifts, volunteers = world
    allocations = allocate_shifts(problem, shifts, volunteers, tz=BERLIN, now=NOW)
    greedy = allocate_shifts_greedy(problem, shifts, volunteers, tz=BERLIN, now=NOW)
    for result in (allocations, greedy):
        assert_valid(problem, result, uncapped_offers=True)
        assert all(a.quantity == 1 for a in result)
        held: defaultdict[int, list[Allocation]] = defaultdict(list)
        for a in result:
            held[a.offer_id].append(a)
        for a in result:
            others = [
                (shifts[o.need_id].start, shifts[o.need_id].end)
                for o in held[a.offer_id]
                if o.need_id != a.need_id
            ]
            reason = volunteer_reason(
                shifts[a.need_id],
                volunteers[a.offer_id],
                a.distance_m,
                now=NOW,
                tz=BERLIN,
                booked_extra=others,
            )
            assert reason is None
        for sid, count in Counter(a.need_id for a in result).items():
            assert count <= shifts[sid].people_open
    assert total_score(allocations) >= total_score(greedy) - 1e-9
