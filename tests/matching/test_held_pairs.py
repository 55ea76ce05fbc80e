"""Offers that revisable proposals hold are paired with a batch's units as far as the search
would have offered a free one, and never beyond the offer's own reach."""

import pytest

from matching.batches import WIDEST_REACH_M, _pairs_with, _search_bounds
from matching.candidates import Candidates
from matching.kinds import KINDS
from tests.factories import DonationOfferFactory, GoodsNeedFactory

pytestmark = pytest.mark.django_db


def test_a_unit_whose_search_stopped_at_the_limit_sees_held_offers_up_to_its_farthest_find():
    found = Candidates(pairs=[(1, 10, 100.0), (1, 11, 300.0), (2, 12, 50.0)])

    bounds = _search_bounds(found, [1, 2, 3], limit=2)

    # Unit 1 found `limit` offers, the farthest at 300 m; 2 and 3 found fewer: all in reach.
    assert bounds == {1: 300.0, 2: WIDEST_REACH_M, 3: WIDEST_REACH_M}


def test_held_offers_are_paired_within_the_units_bound_and_the_offers_reach():
    need = GoodsNeedFactory(lat=51.34, lon=12.37)
    near = DonationOfferFactory(lat=51.34, lon=12.37)
    far = DonationOfferFactory(lat=51.34, lon=12.44)  # about 5 km east
    adapter = KINDS["goods"]

    wide = _pairs_with(adapter, {need.pk: WIDEST_REACH_M}, {near.pk: 15_000, far.pk: 15_000})
    bounded = _pairs_with(adapter, {need.pk: 2_000}, {near.pk: 15_000, far.pk: 15_000})
    short_reach = _pairs_with(adapter, {need.pk: WIDEST_REACH_M}, {near.pk: 15_000, far.pk: 1_000})

    assert {o for _, o, _ in wide} == {near.pk, far.pk}
    assert {o for _, o, _ in bounded} == {near.pk}
    assert {o for _, o, _ in short_reach} == {near.pk}
    [(unit, offer, metres)] = [pair for pair in wide if pair[1] == far.pk]
    assert unit == need.pk and 4_000 < metres < 6_000


def test_two_batches_in_one_transaction_each_get_their_own_held_offers():
    need = GoodsNeedFactory(lat=51.34, lon=12.37)
    first = DonationOfferFactory(lat=51.34, lon=12.37)
    second = DonationOfferFactory(lat=51.341, lon=12.371)
    adapter = KINDS["goods"]

    assert {o for _, o, _ in _pairs_with(adapter, {need.pk: 5_000}, {first.pk: 9_000})} == {
        first.pk
    }
    assert {o for _, o, _ in _pairs_with(adapter, {need.pk: 5_000}, {second.pk: 9_000})} == {
        second.pk
    }
