"""Scores: breakdowns add up, closer and more urgent ranks higher, weights change the order."""

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matching.core.constraints import goods_reason
from matching.core.scoring import (
    DEFAULT_WEIGHTS,
    MIN_SCORE,
    goods_edges,
    score_goods,
    score_housing,
    score_volunteer,
)
from matching.core.types import Edge

from .records import NOW, berlin, flat, goods_need, goods_offer, household, shift, volunteer

W = DEFAULT_WEIGHTS


def test_goods_breakdown_sums_to_the_score_over_the_goods_factors():
    score, breakdown = score_goods(goods_need(), goods_offer(), 1_200, now=NOW, weights=W)
    assert set(breakdown) == {"distance", "urgency", "waiting", "fit"}
    assert sum(breakdown.values()) == pytest.approx(score, abs=5e-4)
    assert 0 < score <= 1


def test_goods_factor_values_follow_the_rules():
    # 1,500 m of a 3,000 m limit; deadline 16 days ahead; waited 10 days; condition good.
    need = goods_need(deadline=NOW.date() + timedelta(days=16))
    _, breakdown = score_goods(need, goods_offer(), 1_500, now=NOW, weights=W)
    total = 0.35 + 0.25 + 0.15 + 0.15
    assert breakdown["distance"] == pytest.approx(0.35 * 0.5 / total, abs=1e-4)
    assert breakdown["urgency"] == pytest.approx(0.25 * 0.55 / total, abs=1e-4)
    waited = (NOW - need.created_at).total_seconds() / 86400 / 30
    assert breakdown["waiting"] == pytest.approx(0.15 * waited / total, abs=1e-4)
    assert breakdown["fit"] == pytest.approx(0.15 * 0.75 / total, abs=1e-4)


def test_closer_goods_offer_scores_higher():
    near, _ = score_goods(goods_need(), goods_offer(), 300, now=NOW, weights=W)
    far, _ = score_goods(goods_need(), goods_offer(), 2_700, now=NOW, weights=W)
    assert near > far


def test_goods_deadline_urgency_ramps_from_two_to_thirty_days():
    def urgency(deadline: date | None) -> float:
        _, breakdown = score_goods(
            goods_need(deadline=deadline), goods_offer(), 0, now=NOW, weights={"urgency": 1}
        )
        return breakdown["urgency"]

    today = NOW.date()
    assert urgency(today - timedelta(days=3)) == 1.0
    assert urgency(today + timedelta(days=2)) == 1.0
    assert urgency(today + timedelta(days=16)) == pytest.approx(0.55)
    assert urgency(today + timedelta(days=30)) == pytest.approx(0.1)
    assert urgency(today + timedelta(days=90)) == pytest.approx(0.1)
    assert urgency(None) == pytest.approx(0.3)


def test_better_condition_scores_higher():
    new, _ = score_goods(goods_need(), goods_offer(condition="new"), 1_000, now=NOW, weights=W)
    used, _ = score_goods(goods_need(), goods_offer(condition="used"), 1_000, now=NOW, weights=W)
    assert new > used


def test_weights_change_which_goods_offer_ranks_first():
    near_used = (goods_offer(id=1, condition="used"), 100)
    far_new = (goods_offer(id=2, condition="new"), 2_000)

    def ranking(weights: dict[str, float]) -> list[int]:
        scored = [
            (score_goods(goods_need(), o, d, now=NOW, weights=weights)[0], o.id)
            for o, d in (near_used, far_new)
        ]
        return [oid for _, oid in sorted(scored, reverse=True)]

    assert ranking(W) == [1, 2]
    assert ranking({**W, "distance": 0.05, "fit": 0.6}) == [2, 1]


def test_score_is_floored_for_the_allocators():
    need = goods_need(deadline=None, created_at=NOW)
    score, _ = score_goods(
        need, goods_offer(condition="used"), 3_000, now=NOW, weights={"distance": 1.0}
    )
    assert score == MIN_SCORE


def test_volunteer_language_counts_only_when_the_shift_names_languages():
    _, with_lang = score_volunteer(shift(), volunteer(), 1_000, now=NOW, weights=W)
    assert set(with_lang) == {"distance", "urgency", "waiting", "fit", "language"}
    s = shift(languages=frozenset())
    score, without = score_volunteer(s, volunteer(), 1_000, now=NOW, weights=W)
    assert "language" not in without
    assert sum(without.values()) == pytest.approx(score, abs=5e-4)


def test_volunteer_language_is_the_best_shared_level():
    def language(levels: dict[str, str]) -> float:
        _, breakdown = score_volunteer(
            shift(), volunteer(languages=levels), 0, now=NOW, weights={"language": 1}
        )
        return breakdown["language"]

    assert language({"uk": "basic", "ru": "fluent", "de": "native"}) == pytest.approx(0.85)
    assert language({"uk": "native"}) == 1.0
    assert language({"ru": "conversational"}) == pytest.approx(0.6)


def test_volunteer_breakdown_sums_to_the_score():
    score, breakdown = score_volunteer(
        shift(), volunteer(), 2_500, now=NOW, weights=W, booked_hours_in_week=3
    )
    assert sum(breakdown.values()) == pytest.approx(score, abs=5e-4)


def test_sooner_shift_is_more_urgent():
    soon = shift(start=berlin(2026, 1, 5, 20), end=berlin(2026, 1, 5, 22))
    later = shift(start=berlin(2026, 1, 14, 10), end=berlin(2026, 1, 14, 12))
    assert (
        score_volunteer(soon, volunteer(), 1_000, now=NOW, weights=W)[0]
        > score_volunteer(later, volunteer(), 1_000, now=NOW, weights=W)[0]
    )
    _, far = score_volunteer(
        shift(start=berlin(2026, 2, 1, 10), end=berlin(2026, 2, 1, 12)),
        volunteer(),
        0,
        now=NOW,
        weights={"urgency": 1},
    )
    assert far["urgency"] == pytest.approx(0.1)


def test_volunteer_with_more_hours_left_fits_better():
    fresh, _ = score_volunteer(shift(), volunteer(), 1_000, now=NOW, weights=W)
    busy, _ = score_volunteer(
        shift(), volunteer(), 1_000, now=NOW, weights=W, booked_hours_in_week=5
    )
    assert fresh > busy
    _, breakdown = score_volunteer(
        shift(), volunteer(), 0, now=NOW, weights={"fit": 1}, booked_hours_in_week=2
    )
    assert breakdown["fit"] == pytest.approx((10 - 2 - 4) / 10)


def test_housing_breakdown_sums_to_the_score():
    score, breakdown = score_housing(household(), flat(), 4_000, now=NOW, weights=W)
    assert set(breakdown) == {"distance", "urgency", "waiting", "fit"}
    assert sum(breakdown.values()) == pytest.approx(score, abs=5e-4)


def test_housing_fit_prefers_a_flat_the_household_fills_and_a_lower_rent():
    _, breakdown = score_housing(household(), flat(), 0, now=NOW, weights={"fit": 1})
    assert breakdown["fit"] == pytest.approx(0.7 * 3 / 4 + 0.3 * (1 - 750 / 900), abs=1e-4)
    snug, _ = score_housing(household(), flat(max_occupants=3), 1_000, now=NOW, weights=W)
    roomy, _ = score_housing(household(), flat(max_occupants=8), 1_000, now=NOW, weights=W)
    assert snug > roomy


def test_housing_urgency_ramps_over_sixty_days():
    def urgency(days: int) -> float:
        h = household(move_in_date=NOW.date() + timedelta(days=days))
        return score_housing(h, flat(), 0, now=NOW, weights={"urgency": 1})[1]["urgency"]

    assert urgency(-5) == 1.0
    assert urgency(0) == 1.0
    assert urgency(30) == pytest.approx(0.55)
    assert urgency(60) == pytest.approx(0.1)


def test_longer_waiting_household_scores_higher():
    old = household(created_at=NOW - timedelta(days=50))
    new = household(created_at=NOW - timedelta(days=1))
    assert (
        score_housing(old, flat(), 1_000, now=NOW, weights=W)[0]
        > score_housing(new, flat(), 1_000, now=NOW, weights=W)[0]
    )


def test_scores_are_deterministic_given_now():
    first = score_housing(household(), flat(), 1_234, now=NOW, weights=W)
    assert score_housing(household(), flat(), 1_234, now=NOW, weights=W) == first


# --- a batch of goods pairs at once ------------------------------------------------------

_ATTRIBUTES = st.dictionaries(
    st.sampled_from(["size", "colour", "age"]),
    st.one_of(st.none(), st.sampled_from(["", " ", "M", "m ", "L", "blue", "Blue", "3"])),
    max_size=3,
)
_WEIGHTS = st.one_of(
    st.just(W),
    st.just({}),
    st.dictionaries(
        st.sampled_from(["distance", "urgency", "waiting", "fit", "language"]),
        st.one_of(st.integers(-1, 3), st.floats(-1, 3, allow_nan=False)),
    ),
)


@st.composite
def goods_batches(draw):
    needs = {
        pk: goods_need(
            id=pk,
            category_id=draw(st.sampled_from([10, 11, 12])),
            accepted_category_ids=frozenset(draw(st.sets(st.sampled_from([10, 11, 12])))),
            attributes=draw(_ATTRIBUTES),
            quantity_open=draw(st.integers(0, 3)),
            max_distance_m=draw(st.sampled_from([0.0, 1_000.0, 5_000.0])),
            deadline=draw(
                st.one_of(st.none(), st.integers(-5, 60).map(lambda d: NOW.date() + timedelta(d)))
            ),
            created_at=NOW - timedelta(hours=draw(st.integers(0, 24 * 60))),
        )
        for pk in range(1, draw(st.integers(1, 4)) + 1)
    }
    offers = {
        pk: goods_offer(
            id=pk,
            category_id=draw(st.sampled_from([10, 11, 12])),
            attributes=draw(_ATTRIBUTES),
            quantity_open=draw(st.integers(0, 3)),
            radius_m=draw(st.sampled_from([0.0, 800.0, 3_000.0, 15_000.0])),
            condition=draw(st.sampled_from(["new", "Like_New ", "good", "used", "", "odd"])),
        )
        for pk in range(100, 100 + draw(st.integers(1, 4)))
    }
    pairs = draw(
        st.lists(
            st.tuples(
                st.sampled_from(sorted(needs)),
                st.sampled_from(sorted(offers)),
                st.one_of(
                    st.floats(0, 20_000, allow_nan=False),
                    st.sampled_from([0.0, 800.0, 1_000.0, 3_000.0, 5_000.0 + 1e-10]),
                ),
            ),
            max_size=30,
        )
    )
    return needs, offers, pairs


@settings(max_examples=300, deadline=None)
@given(batch=goods_batches(), weights=_WEIGHTS)
def test_goods_edges_are_the_feasible_pairs_scored_to_the_bit_as_pair_by_pair(batch, weights):
    needs, offers, pairs = batch
    one_by_one = []
    for n, o, d in pairs:
        if goods_reason(needs[n], offers[o], d) is None:
            value, breakdown = score_goods(needs[n], offers[o], d, now=NOW, weights=weights)
            one_by_one.append(Edge(n, o, value, d, breakdown))

    edges = goods_edges(pairs, needs, offers, now=NOW, weights=weights)

    assert edges == one_by_one
    assert [e.score.hex() for e in edges] == [e.score.hex() for e in one_by_one]
    assert [list(e.breakdown.items()) for e in edges] == [
        list(e.breakdown.items()) for e in one_by_one
    ]
