"""A goods batch searches as if the unseen proposals it may revise were free: an offer they
hold all of is a candidate like a free one, and each unit still sees at most the search's
limit of offers. Before, every unit met every held offer in its reach (bench/load: a
million pairs for one batch of Leipzig)."""

import pytest

from lifecycle.states import Status
from matching import batches
from matching.areas import cell_of
from matching.batches import run_batch
from matching.candidates import goods_candidates
from matching.models import Match, MatchState
from tests.factories import DonationOfferFactory, GoodsNeedFactory

pytestmark = pytest.mark.django_db


def _held(need, offers) -> None:
    """Each offer wholly held by an unseen proposal to `need`, as a batch leaves them."""
    for offer in offers:
        Match.objects.create(
            goods_need=need,
            donation_offer=offer,
            quantity=offer.quantity,
            distance_m=100,
            score=0.5,
            state=MatchState.PROPOSED,
        )
        offer.quantity_open = 0
        offer.status = Status.PARTLY_MATCHED
        offer.save()
    need.quantity_open -= sum(offer.quantity for offer in offers)
    need.status = Status.PARTLY_MATCHED
    need.save()


def test_the_search_counts_a_held_offer_as_free_only_when_told():
    need = GoodsNeedFactory(lat=51.34, lon=12.37)
    other = GoodsNeedFactory(lat=51.34, lon=12.37, quantity=1)
    offer = DonationOfferFactory(lat=51.341, lon=12.371, quantity=1)
    _held(other, [offer])

    assert goods_candidates([need.pk], limit_per_need=5).pairs == []
    [(unit, found, metres)] = goods_candidates([need.pk], limit_per_need=5, held=[offer.pk]).pairs
    assert (unit, found) == (need.pk, offer.pk) and metres < 1_000


def test_held_and_free_offers_share_the_limit_nearest_first():
    need = GoodsNeedFactory(lat=51.34, lon=12.37)
    other = GoodsNeedFactory(lat=51.34, lon=12.37, quantity=3)
    held = [DonationOfferFactory(lat=51.34 + i / 100, lon=12.37, quantity=1) for i in (1, 3, 5)]
    free = [DonationOfferFactory(lat=51.34 + i / 100, lon=12.37, quantity=1) for i in (2, 4)]
    _held(other, held)

    pairs = goods_candidates([need.pk], limit_per_need=3, held=[o.pk for o in held]).pairs

    assert [o for _, o, _ in pairs] == [held[0].pk, free[0].pk, held[1].pk]


def test_a_newcomer_with_only_held_offers_in_reach_meets_at_most_the_limit_of_them(settings):
    settings.MATCHING_CANDIDATES_PER_NEED = 2
    first = GoodsNeedFactory(lat=51.34, lon=12.37, quantity=6)
    offers = [DonationOfferFactory(lat=51.34 + i / 1000, lon=12.37, quantity=1) for i in range(6)]
    _held(first, offers)
    newcomer = GoodsNeedFactory(lat=51.3405, lon=12.37, quantity=1)

    result = run_batch("goods", cell_of(newcomer.approx_point))

    # The first need's six proposals may each be kept; the newcomer meets the two nearest
    # held offers, not all six.
    assert result.edges == 6 + 2


def test_offers_a_neighbouring_cells_proposals_hold_are_searched_not_paired_by_distance(
    settings, monkeypatch
):
    settings.MATCHING_CANDIDATES_PER_NEED = 2
    # The first need and its offers in the cell west of the newcomer's (cells start at
    # 12.32° east here), all within the newcomer's reach; the newcomer has no proposal yet.
    first = GoodsNeedFactory(lat=51.34, lon=12.28, quantity=6)
    offers = [DonationOfferFactory(lat=51.34 + i / 1000, lon=12.30, quantity=1) for i in range(6)]
    _held(first, offers)
    newcomer = GoodsNeedFactory(lat=51.34, lon=12.33, quantity=1)
    assert cell_of(first.approx_point) != cell_of(newcomer.approx_point)
    paired = []
    real = batches._pairs_with
    monkeypatch.setattr(
        batches,
        "_pairs_with",
        lambda adapter, bounds, reach: paired.append(reach) or real(adapter, bounds, reach),
    )

    result = run_batch("goods", cell_of(newcomer.approx_point))

    assert all(not reach for reach in paired)
    # The first need's six proposals (it joined the batch) and the newcomer's nearest two.
    assert result.edges == 6 + 2
