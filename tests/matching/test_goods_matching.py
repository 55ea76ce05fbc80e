"""Goods batches over PostGIS: what is matched and what is not."""

import pytest
from django.contrib.gis.geos import Point

from donations.models import Category
from matching.models import Match
from notifications.models import Notification
from tests.factories import DonationOfferFactory, GoodsNeedFactory
from tests.matching.batching import created, run_for

pytestmark = pytest.mark.django_db

GRUENAU = (51.3206, 12.2826)
LINDENAU = (51.3400, 12.3300)


def at_distance_east(origin: tuple[float, float], km: float) -> tuple[float, float]:
    """A point `km` east of origin, measured by PostGIS itself below."""
    import math

    lat, lon = origin
    return lat, lon + km / (111.32 * math.cos(math.radians(lat)))


def geodesic_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT ST_Distance(ST_GeogFromText(%s), ST_GeogFromText(%s))",
            [Point(a[1], a[0]).wkt, Point(b[1], b[0]).wkt],
        )
        return cursor.fetchone()[0] / 1000


def test_nearby_offer_serves_need_and_need_keeps_the_rest():
    need = GoodsNeedFactory(lat=GRUENAU[0], lon=GRUENAU[1], quantity=20, attributes={"size": "M"})
    offer = DonationOfferFactory(
        lat=LINDENAU[0], lon=LINDENAU[1], quantity=12, attributes={"size": "M"}
    )
    [match] = created(run_for(offer))
    need.refresh_from_db()
    offer.refresh_from_db()
    assert match.quantity == 12 and need.quantity_open == 8 and offer.quantity_open == 0
    # A proposal waits for review: nobody is told yet.
    assert Notification.objects.count() == 0
    assert created(run_for(need)) == []  # nothing left to give


def test_need_and_offer_30_km_apart_are_not_matched():
    far = at_distance_east(GRUENAU, 30.5)
    assert 29.5 < geodesic_km(GRUENAU, far) < 31.5
    need = GoodsNeedFactory(lat=GRUENAU[0], lon=GRUENAU[1])
    offer = DonationOfferFactory(lat=far[0], lon=far[1])
    assert created(run_for(offer, need)) == []
    assert Match.objects.count() == 0 and Notification.objects.count() == 0


def test_different_categories_at_the_same_place_are_not_matched():
    need = GoodsNeedFactory(lat=GRUENAU[0], lon=GRUENAU[1])
    offer = DonationOfferFactory(
        lat=GRUENAU[0], lon=GRUENAU[1], category=Category.objects.get(slug="furniture-bed")
    )
    assert created(run_for(offer, need)) == []
    assert Match.objects.count() == 0


def test_wrong_size_is_not_matched():
    GoodsNeedFactory(lat=GRUENAU[0], lon=GRUENAU[1], attributes={"size": "M"})
    offer = DonationOfferFactory(lat=LINDENAU[0], lon=LINDENAU[1], attributes={"size": "XL"})
    assert created(run_for(offer)) == []


def test_a_need_for_a_parent_category_accepts_its_children():
    need = GoodsNeedFactory(
        lat=GRUENAU[0], lon=GRUENAU[1], category=Category.objects.get(slug="clothing")
    )
    DonationOfferFactory(lat=LINDENAU[0], lon=LINDENAU[1])  # a winter jacket
    assert len(created(run_for(need))) == 1


def test_the_smaller_radius_of_both_sides_applies():
    GoodsNeedFactory(lat=GRUENAU[0], lon=GRUENAU[1], max_distance_km=2)
    offer = DonationOfferFactory(lat=LINDENAU[0], lon=LINDENAU[1], delivery_radius_km=50)
    assert created(run_for(offer)) == []


def test_one_offer_is_shared_by_several_needs_nearest_first():
    near = GoodsNeedFactory(lat=LINDENAU[0], lon=LINDENAU[1] + 0.01, quantity=5)
    far = GoodsNeedFactory(lat=GRUENAU[0], lon=GRUENAU[1], quantity=20)
    offer = DonationOfferFactory(lat=LINDENAU[0], lon=LINDENAU[1], quantity=12)
    run_for(offer)
    live = Match.objects.filter(state="proposed")
    assert {(m.goods_need_id, m.quantity) for m in live} == {(near.pk, 5), (far.pk, 7)}


def test_withdrawn_and_unrefined_records_are_not_matched():
    GoodsNeedFactory(lat=GRUENAU[0], lon=GRUENAU[1], status="withdrawn")
    GoodsNeedFactory(lat=GRUENAU[0], lon=GRUENAU[1], geocode_status="pending_refinement")
    offer = DonationOfferFactory(lat=LINDENAU[0], lon=LINDENAU[1])
    assert created(run_for(offer)) == []
