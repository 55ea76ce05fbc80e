"""Cells: a placed record lies in exactly one cell, the one its changes are scheduled for."""

import pytest
from django.contrib.gis.geos import Point

from donations.models import DonationOffer, GoodsNeed
from matching.areas import cell_of, in_cell, parse_cell
from matching.batches import run_batch
from matching.models import Match
from tests.factories import DonationOfferFactory, GoodsNeedFactory

pytestmark = pytest.mark.django_db

# With the default grid (0.18° × 0.28°) and 500 m public points, the public points of this row
# lie 7 m north of the parallel 53.82° (row 299's southern edge), half-way between the corners
# of the column 10.08°–10.36°. A cell's edges between its corners are great-circle arcs on
# geography, and the arc along a parallel bulges 9 m poleward there.
NEAR_A_PARALLEL = {"lat": 53.8203, "lon": 10.22}


def south_of(cell: str) -> str:
    row, col = parse_cell(cell)
    return f"{row - 1}:{col}"


@pytest.fixture(autouse=True)
def default_grid(settings):
    settings.MATCHING_CELL_DEGREES = (0.18, 0.28)
    settings.APPROXIMATE_GRID_METRES = 500


def test_a_record_just_north_of_a_parallel_is_in_the_cell_it_is_scheduled_for():
    need = GoodsNeedFactory(**NEAR_A_PARALLEL)
    own = cell_of(need.approx_point)
    assert own == "299:36"

    assert list(in_cell(GoodsNeed.objects.all(), own)) == [need]
    assert not in_cell(GoodsNeed.objects.all(), south_of(own)).exists()


def test_every_point_is_in_exactly_one_cell_also_on_the_edges():
    # On both kinds of edge, at a corner and between corners, and inside.
    lats, lons = (50.22, 50.2201, 50.2245, 50.3999), (11.76, 11.90, 12.03999, 12.04)
    points = [Point(lon, lat, srid=4326) for lat in lats for lon in lons]
    needs = [GoodsNeedFactory(approx_point=point) for point in points]
    for need in needs:
        own = cell_of(need.approx_point)
        row, col = parse_cell(own)
        around = [f"{row + dr}:{col + dc}" for dr in (-1, 0, 1) for dc in (-1, 0, 1)]
        holding = [c for c in around if in_cell(GoodsNeed.objects.filter(pk=need.pk), c)]
        assert holding == [own], (need.approx_point.coords, holding)


def test_the_batch_of_its_cell_matches_a_need_by_a_parallel_and_clears_both_flags():
    need = GoodsNeedFactory(**NEAR_A_PARALLEL, quantity=3)
    offer = DonationOfferFactory(**NEAR_A_PARALLEL, quantity=3)
    GoodsNeed.objects.filter(pk=need.pk).update(needs_matching=True)
    DonationOffer.objects.filter(pk=offer.pk).update(needs_matching=True)

    result = run_batch("goods", cell_of(need.approx_point))

    assert result.needs == 1
    assert Match.objects.get().goods_need_id == need.pk
    assert not GoodsNeed.objects.get(pk=need.pk).needs_matching
    assert not DonationOffer.objects.get(pk=offer.pk).needs_matching
