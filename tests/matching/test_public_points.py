"""The matching engine is no location oracle: whether two records are paired, and the distance
stored on the match, depend only on their public points.

An attacker controls one side: where its pin is and how far it reaches (a donor's delivery
radius, an initiative's maximum distance, a household's). Proposals they later see, or a
need's open quantity going down, would tell them on exact points whether the other side lies
inside the circle they drew; shrinking or moving the circle finds it to the metre. Here two
victims sit at different exact places that share one public point, and every circle gets
the same answer for both.
"""

import math

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from geo.privacy import approximate
from matching import candidates
from tests.factories import DonationOfferFactory, GoodsNeedFactory
from tests.housing.factories import HousingNeedFactory, HousingOfferFactory
from tests.volunteers.factories import VolunteerNeedFactory, VolunteerProfileFactory

pytestmark = pytest.mark.django_db


def _moved(origin: tuple[float, float], north_m: float, east_m: float) -> dict:
    lat, lon = origin
    return {
        "lat": lat + north_m / 111_320.0,
        "lon": lon + east_m / (111_320.0 * math.cos(math.radians(lat))),
    }


def _twins(centre: tuple[float, float]) -> tuple[dict, dict]:
    """Two exact places 280 m apart (south-west and north-east of the centre of a grid cell)
    that share the cell's public point."""
    grid_centre = approximate(*centre)
    a, b = _moved(grid_centre, -100, -100), _moved(grid_centre, 100, 100)
    assert approximate(a["lat"], a["lon"]) == approximate(b["lat"], b["lon"]) == grid_centre
    return a, b


def _found(pairs, victim_of_pair) -> dict[int, float]:
    return {victim_of_pair(pair): pair[2] for pair in pairs}


def _same_answer(found: dict[int, float], a: int, b: int) -> None:
    assert (a in found) == (b in found), found
    if a in found:
        assert found[a] == pytest.approx(found[b], abs=0.01)


cells = st.tuples(
    st.floats(min_value=51.28, max_value=51.40), st.floats(min_value=12.28, max_value=12.46)
)
offsets = st.floats(min_value=-4000, max_value=4000)
radii = st.floats(min_value=0.5, max_value=5.0)
EXAMPLES = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def _in_savepoint(body) -> None:
    savepoint = transaction.savepoint()
    try:
        body()
    finally:
        transaction.savepoint_rollback(savepoint)


@EXAMPLES
@given(cell=cells, north=offsets, east=offsets, radius_km=radii)
def test_a_donor_drawing_circles_cannot_tell_two_needs_of_one_public_point_apart(
    cell, north, east, radius_km
):
    def body():
        a, b = _twins(cell)
        needs = [
            GoodsNeedFactory(max_distance_km=20, **a),
            GoodsNeedFactory(max_distance_km=20, **b),
        ]
        offer = DonationOfferFactory(delivery_radius_km=radius_km, **_moved(cell, north, east))
        found = candidates.goods_candidates([n.pk for n in needs])
        reached = {n for n, o, _ in found.pairs if o == offer.pk}
        assert (needs[0].pk in reached) == (needs[1].pk in reached)
        distances = {n: d for n, o, d in found.pairs if o == offer.pk}
        if reached:
            assert distances[needs[0].pk] == pytest.approx(distances[needs[1].pk], abs=0.01)

    _in_savepoint(body)


@EXAMPLES
@given(cell=cells, north=offsets, east=offsets, radius_km=radii)
def test_an_initiative_drawing_circles_cannot_tell_two_volunteers_of_one_public_point_apart(
    cell, north, east, radius_km
):
    def body():
        a, b = _twins(cell)
        volunteers = [
            VolunteerProfileFactory(travel_radius_km=20, **a),
            VolunteerProfileFactory(travel_radius_km=20, **b),
        ]
        need = VolunteerNeedFactory(max_distance_km=radius_km, **_moved(cell, north, east))
        shift = need.shifts.get()
        found = candidates.volunteer_candidates([shift.pk])
        _same_answer(_found(found.pairs, lambda p: p[1]), volunteers[0].pk, volunteers[1].pk)

    _in_savepoint(body)


@EXAMPLES
@given(cell=cells, north=offsets, east=offsets, radius_km=st.floats(min_value=1, max_value=5))
def test_a_household_drawing_circles_cannot_tell_two_flats_of_one_public_point_apart(
    cell, north, east, radius_km
):
    def body():
        a, b = _twins(cell)
        flats = [HousingOfferFactory(**a), HousingOfferFactory(**b)]
        household = HousingNeedFactory(max_distance_km=radius_km, **_moved(cell, north, east))
        found = candidates.housing_candidates([household.pk])
        _same_answer(_found(found.pairs, lambda p: p[1]), flats[0].pk, flats[1].pk)

    _in_savepoint(body)


def test_a_circle_between_the_exact_places_of_twins_reaches_both_or_neither():
    # The attack in one example: a delivery radius of one cell, its centre placed so that on
    # exact points it would reach the south-west twin and not the north-east one.
    centre = (51.3397, 12.3731)
    a, b = _twins(centre)
    needs = [GoodsNeedFactory(max_distance_km=20, **a), GoodsNeedFactory(max_distance_km=20, **b)]
    offer = DonationOfferFactory(delivery_radius_km=0.5, **_moved((a["lat"], a["lon"]), -480, 0))
    found = candidates.goods_candidates([n.pk for n in needs])
    reached = {n for n, o, _ in found.pairs if o == offer.pk}
    assert reached in (set(), {needs[0].pk, needs[1].pk})
