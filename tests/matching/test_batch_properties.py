"""Properties of whole batches over PostGIS: whatever the data, every proposed pair satisfies
every hard constraint and no side is promised more than it has."""

from decimal import Decimal

import pytest
from django.db.models import Sum
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from donations.models import Category, DonationOffer, GoodsNeed
from housing.models import HousingNeed, HousingOffer
from matching import candidates as search
from matching.core import constraints
from matching.models import ACTIVE_STATES, Match
from tests.factories import DonationOfferFactory, GoodsNeedFactory
from tests.housing.factories import HousingNeedFactory, HousingOfferFactory
from tests.matching.batching import run_for

pytestmark = pytest.mark.django_db

EXAMPLES = settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
# A box of about 14 × 14 km around Leipzig's centre, across a cell border of the grid.
places = st.tuples(st.floats(51.28, 51.40), st.floats(12.25, 12.45))
CATEGORIES = ["clothing", "clothing-winter-jacket", "furniture-bed"]


def _clean() -> None:
    Match.objects.all().delete()
    for model in (GoodsNeed, DonationOffer, HousingNeed, HousingOffer):
        model.objects.all().delete()


goods_records = st.lists(
    st.tuples(
        st.booleans(),  # need or offer
        places,
        st.sampled_from(CATEGORIES),
        st.sampled_from([{}, {"size": "M"}, {"size": "L"}]),
        st.integers(1, 9),
        st.sampled_from([None, 1.0, 5.0, 20.0]),
    ),
    min_size=2,
    max_size=14,
)


@EXAMPLES
@given(goods_records)
def test_goods_batches_keep_every_constraint_and_capacity(records):
    _clean()
    made = []
    for is_need, (lat, lon), slug, attributes, quantity, radius in records:
        category = Category.objects.get(slug=slug)
        if is_need:
            made.append(
                GoodsNeedFactory(
                    lat=lat,
                    lon=lon,
                    category=category,
                    attributes=attributes,
                    quantity=quantity,
                    max_distance_km=radius,
                )
            )
        else:
            made.append(
                DonationOfferFactory(
                    lat=lat,
                    lon=lon,
                    category=category,
                    attributes=attributes,
                    quantity=quantity,
                    delivery_radius_km=radius,
                )
            )
    run_for(*made)

    for match in Match.objects.filter(state__in=ACTIVE_STATES):
        need = search.goods_candidates([match.goods_need_id]).needs[match.goods_need_id]
        offer = search.goods_offer_record(match.donation_offer)
        assert constraints.goods_reason(need, offer, match.distance_m) in (
            None,
            constraints.Reason.ALL_RESERVED,  # its open quantity is now held by this match
        )
    for model, field in ((GoodsNeed, "goods_need"), (DonationOffer, "donation_offer")):
        for record in model.objects.all():
            held = Match.objects.filter(**{field: record}, state__in=ACTIVE_STATES).aggregate(
                n=Sum("quantity")
            )["n"]
            assert (held or 0) + record.quantity_open == record.quantity


housing_records = st.lists(
    st.tuples(
        st.booleans(),
        places,
        st.integers(1, 6),  # persons / occupants
        st.integers(400, 1200),  # rent ceiling / warm rent
        st.booleans(),  # step-free needed / offered
        st.booleans(),  # pets
    ),
    min_size=2,
    max_size=12,
)


@EXAMPLES
@given(housing_records)
def test_housing_batches_give_each_flat_and_household_one_fitting_match(records):
    _clean()
    made = []
    for is_need, (lat, lon), size, money, step_free, pets in records:
        if is_need:
            made.append(
                HousingNeedFactory(
                    lat=lat,
                    lon=lon,
                    adults=1,
                    children=size - 1,
                    rent_ceiling=Decimal(money),
                    needs_step_free=step_free,
                    has_pets=pets,
                )
            )
        else:
            made.append(
                HousingOfferFactory(
                    lat=lat,
                    lon=lon,
                    max_occupants=size,
                    warm_rent=Decimal(money),
                    step_free=step_free,
                    pets_allowed=pets,
                )
            )
    run_for(*made)

    live = Match.objects.filter(state__in=ACTIVE_STATES)
    assert len({m.housing_need_id for m in live}) == live.count()
    assert len({m.housing_offer_id for m in live}) == live.count()
    for match in live:
        household = search.household_record(match.housing_need)
        flat = search.flat_record(match.housing_offer)
        assert constraints.housing_reason(household, flat, match.distance_m) is None
