"""The pure matching core, over plain data."""

from hypothesis import given
from hypothesis import strategies as st

from matching.core_legacy import Candidate, allocate_greedy, attributes_fit


def test_attributes_the_need_names_must_fit():
    assert attributes_fit({"size": "M"}, {"size": "m"})
    assert not attributes_fit({"size": "M"}, {"size": "L"})
    assert not attributes_fit({"size": "M"}, {})
    assert attributes_fit({}, {"size": "L"})  # a need without a size takes any size


def test_one_offer_serves_the_nearest_need_first():
    near = Candidate(need_id=1, offer_id=9, distance_m=1_000, need_open=5, offer_open=7)
    far = Candidate(need_id=2, offer_id=9, distance_m=9_000, need_open=5, offer_open=7)
    allocations = allocate_greedy([far, near])
    assert [(a.need_id, a.quantity) for a in allocations] == [(1, 5), (2, 2)]


def test_nothing_beyond_the_distance_limit():
    c = Candidate(
        need_id=1, offer_id=2, distance_m=30_000, need_open=5, offer_open=5, max_distance_m=15_000
    )
    assert allocate_greedy([c]) == []


candidates = st.lists(
    st.builds(
        Candidate,
        need_id=st.integers(1, 6),
        offer_id=st.integers(1, 6),
        distance_m=st.floats(0, 40_000),
        need_open=st.integers(0, 30),
        offer_open=st.integers(0, 30),
        max_distance_m=st.sampled_from([10_000.0, 20_000.0, float("inf")]),
    ),
    max_size=30,
)


@given(candidates)
def test_allocation_never_exceeds_any_capacity(cands):
    # One candidate per pair, and the open quantity of a need or offer is the same in every
    # candidate that names it: that is what the adapter hands over.
    cands = list({(c.need_id, c.offer_id): c for c in reversed(cands)}.values())
    need_open = {c.need_id: c.need_open for c in cands}
    offer_open = {c.offer_id: c.offer_open for c in cands}
    cands = [
        Candidate(
            c.need_id,
            c.offer_id,
            c.distance_m,
            need_open[c.need_id],
            offer_open[c.offer_id],
            max_distance_m=c.max_distance_m,
        )
        for c in cands
    ]
    allocations = allocate_greedy(cands)
    for need_id, cap in need_open.items():
        assert sum(a.quantity for a in allocations if a.need_id == need_id) <= cap
    for offer_id, cap in offer_open.items():
        assert sum(a.quantity for a in allocations if a.offer_id == offer_id) <= cap
    by_pair = {(c.need_id, c.offer_id): c for c in cands}
    for a in allocations:
        assert a.quantity > 0
        assert a.distance_m <= by_pair[(a.need_id, a.offer_id)].max_distance_m
