"""Candidate search over PostGIS: every filter, the order, the limit and the index used."""

import json
import math
import random
from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.gis.db.models.functions import Distance
from django.db import connection
from django.utils import timezone

from donations.models import MATCHABLE_STATUSES, Category, DonationOffer
from geo.models import GeocodeStatus
from matching import candidates
from matching.core import types as core
from matching.models import Match, MatchState
from tests.factories import DonationOfferFactory, GoodsNeedFactory
from tests.housing.factories import HousingNeedFactory, HousingOfferFactory
from tests.volunteers.factories import (
    AvailabilitySlotFactory,
    AwayPeriodFactory,
    VolunteerNeedFactory,
    VolunteerProfileFactory,
)

pytestmark = pytest.mark.django_db

CENTRE = (51.34, 12.37)


def east(km: float, origin: tuple[float, float] = CENTRE) -> dict:
    """lat/lon factory arguments for a point `km` east of `origin`."""
    lat, lon = origin
    return {"lat": lat, "lon": lon + km / (111.32 * math.cos(math.radians(lat)))}


def category(slug: str) -> Category:
    return Category.objects.get(slug=slug)


def offer_ids(found: candidates.Candidates, need_id: int) -> list[int]:
    return [o for n, o, _ in found.pairs if n == need_id]


# --- goods --------------------------------------------------------------------------------


def test_goods_offer_within_both_radii_is_a_candidate_with_its_records():
    need = GoodsNeedFactory(max_distance_km=10, **east(0))
    offer = DonationOfferFactory(delivery_radius_km=10, attributes={"size": "M"}, **east(3))
    found = candidates.goods_candidates([need.pk])
    assert offer_ids(found, need.pk) == [offer.pk]
    (_, _, distance) = found.pairs[0]
    assert 2_900 < distance < 3_100
    record = found.offers[offer.pk]
    assert isinstance(record, core.GoodsOffer)
    assert record.radius_m == 10_000 and record.attributes == {"size": "M"}
    need_record = found.needs[need.pk]
    assert need_record.max_distance_m == 10_000
    assert need_record.accepted_category_ids == {need.category_id}


def test_goods_offer_beyond_the_needs_distance_is_excluded():
    need = GoodsNeedFactory(max_distance_km=2, **east(0))
    DonationOfferFactory(delivery_radius_km=50, **east(3))
    assert goods_pairs(need) == []


def test_goods_offer_beyond_its_own_delivery_radius_is_excluded():
    need = GoodsNeedFactory(max_distance_km=50, **east(0))
    DonationOfferFactory(delivery_radius_km=2, **east(3))
    assert goods_pairs(need) == []


def test_goods_defaults_apply_when_neither_side_sets_a_radius(settings):
    settings.DEFAULT_NEED_MAX_DISTANCE_KM = 15
    settings.DEFAULT_OFFER_RADIUS_KM = 5
    need = GoodsNeedFactory(max_distance_km=None, **east(0))
    near = DonationOfferFactory(delivery_radius_km=None, **east(4))
    DonationOfferFactory(delivery_radius_km=None, **east(6))
    found = candidates.goods_candidates([need.pk])
    assert offer_ids(found, need.pk) == [near.pk]
    assert found.offers[near.pk].radius_m == 5_000
    assert found.needs[need.pk].max_distance_m == 15_000


def goods_pairs(need) -> list[int]:
    return offer_ids(candidates.goods_candidates([need.pk]), need.pk)


def test_goods_offer_of_another_category_is_excluded():
    need = GoodsNeedFactory(category=category("clothing-winter-jacket"), **east(0))
    DonationOfferFactory(category=category("kitchen-kettle"), **east(1))
    DonationOfferFactory(category=category("clothing"), **east(1))  # the parent is no answer
    assert goods_pairs(need) == []


def test_goods_need_of_a_parent_category_gets_offers_of_its_children():
    need = GoodsNeedFactory(category=category("clothing"), **east(0))
    jacket = DonationOfferFactory(category=category("clothing-winter-jacket"), **east(2))
    socks = DonationOfferFactory(category=category("clothing-socks"), **east(1))
    DonationOfferFactory(category=category("shoes-sandals"), **east(1))
    found = candidates.goods_candidates([need.pk])
    assert offer_ids(found, need.pk) == [socks.pk, jacket.pk]
    accepted = found.needs[need.pk].accepted_category_ids
    assert category("clothing-socks").pk in accepted and category("clothing").pk in accepted


def test_goods_parent_need_excludes_categories_next_to_its_children_by_id():
    # The search walks runs of consecutive accepted ids; the ids just outside must stay out.
    parent = category("clothing")
    accepted = sorted(Category.objects.filter(parent=parent).values_list("pk", flat=True))
    accepted = sorted([parent.pk, *accepted])
    neighbours = Category.objects.filter(pk__in=[accepted[0] - 1, accepted[-1] + 1])
    need = GoodsNeedFactory(category=parent, **east(0))
    inside = [
        DonationOfferFactory(category_id=pk, **east(0.1 + i / 10)) for i, pk in enumerate(accepted)
    ]
    for other in neighbours:
        DonationOfferFactory(category=other, **east(0.05))
    assert neighbours.exists()
    assert goods_pairs(need) == [offer.pk for offer in inside]


@pytest.mark.parametrize(
    "fields",
    [
        {"status": "draft"},
        {"status": "withdrawn"},
        {"status": "fulfilled"},
        {"geocode_status": "pending_refinement"},
        {"geocode_status": "refinement_failed"},
        {"quantity_open": 0},
    ],
    ids=["draft", "withdrawn", "fulfilled", "unplaced", "refinement-failed", "nothing-open"],
)
def test_goods_offer_that_cannot_give_is_excluded(fields):
    need = GoodsNeedFactory(**east(0))
    DonationOfferFactory(**fields, **east(1))
    assert goods_pairs(need) == []


def test_goods_offer_partly_matched_or_refined_is_a_candidate():
    need = GoodsNeedFactory(**east(0))
    partly = DonationOfferFactory(status="partly_matched", quantity_open=3, **east(1))
    refined = DonationOfferFactory(geocode_status="refined", **east(2))
    assert goods_pairs(need) == [partly.pk, refined.pk]


def test_goods_need_is_loaded_whatever_its_status():
    need = GoodsNeedFactory(status="draft", **east(0))
    offer = DonationOfferFactory(**east(1))
    found = candidates.goods_candidates([need.pk])
    assert need.pk in found.needs and offer_ids(found, need.pk) == [offer.pk]


def test_goods_candidates_come_nearest_first_and_the_limit_keeps_the_nearest():
    need = GoodsNeedFactory(category=category("clothing"), **east(0))
    far = DonationOfferFactory(category=category("clothing-socks"), **east(5))
    near = DonationOfferFactory(category=category("clothing-winter-jacket"), **east(1))
    middle = DonationOfferFactory(category=category("clothing-socks"), **east(3))
    assert goods_pairs(need) == [near.pk, middle.pk, far.pk]
    found = candidates.goods_candidates([need.pk], limit_per_need=2)
    assert offer_ids(found, need.pk) == [near.pk, middle.pk]
    assert set(found.offers) == {near.pk, middle.pk}


def test_goods_candidates_for_several_needs_in_one_call():
    west_need = GoodsNeedFactory(max_distance_km=3, **east(-10))
    east_need = GoodsNeedFactory(max_distance_km=3, **east(10))
    west_offer = DonationOfferFactory(**east(-9))
    east_offer = DonationOfferFactory(**east(9))
    found = candidates.goods_candidates([west_need.pk, east_need.pk])
    assert offer_ids(found, west_need.pk) == [west_offer.pk]
    assert offer_ids(found, east_need.pk) == [east_offer.pk]
    assert candidates.goods_candidates([]).pairs == []


def plan(sql: str, params: dict) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


def test_goods_search_walks_the_composite_gist_index():
    need = GoodsNeedFactory(**east(0))
    for km in (1, 2, 3):
        DonationOfferFactory(**east(km))
    text = plan(*candidates.goods_pairs_sql([need.pk], limit_per_need=10))
    assert "donationoffer_cat_approx_gist" in text
    # The category is an index condition, not a filter on rows the walk already fetched.
    index_part = text.split("donationoffer_cat_approx_gist", 1)[1]
    index_cond = next(line for line in index_part.splitlines() if "Index Cond:" in line)
    assert "category_id >= " in index_cond and "category_id <= " in index_cond
    # The walk is ordered by the index (2-D point on the Mercator plane), bounded by its box.
    assert "&& st_expand(st_makepoint(" in index_cond
    order_by = next(line for line in index_part.splitlines() if "Order By:" in line)
    assert "st_makepoint(" in order_by and " <-> " in order_by


def nearest_by_orm(need, limit: int) -> list[tuple[int, float]]:
    """The brute-force answer: every matchable offer of an accepted category, its spheroid
    distance between public points from the ORM, both radii checked in Python, nearest
    `limit` by (distance, id)."""
    accepted = [need.category_id, *need.category.children.values_list("id", flat=True)]
    reach_m = (need.max_distance_km or 15) * 1000
    rows = (
        DonationOffer.objects.filter(
            category_id__in=accepted,
            status__in=MATCHABLE_STATUSES,
            geocode_status__in=[GeocodeStatus.PLACED, GeocodeStatus.REFINED],
            quantity_open__gt=0,
        )
        .annotate(distance=Distance("approx_point", need.approx_point))
        .values_list("id", "distance", "delivery_radius_km")
    )
    found = sorted(
        (distance.m, offer_id)
        for offer_id, distance, radius_km in rows
        if distance.m <= reach_m and distance.m <= (radius_km or 15) * 1000
    )
    return [(offer_id, distance) for distance, offer_id in found[:limit]]


def searched(need, limit: int) -> list[tuple[int, float]]:
    found = candidates.goods_candidates([need.pk], limit_per_need=limit)
    return [(o, d) for n, o, d in found.pairs if n == need.pk]


def assert_same_pairs(ours: list[tuple[int, float]], brute: list[tuple[int, float]]) -> None:
    assert [o for o, _ in ours] == [o for o, _ in brute]
    assert [d for _, d in ours] == pytest.approx([d for _, d in brute], abs=1e-6)


@pytest.mark.parametrize(
    "origin",
    [(51.34, 12.37), (64.5, 25.5), (-33.9, 18.4)],
    ids=["leipzig", "oulu-far-north", "cape-town-south"],
)
def test_goods_planar_walk_returns_exactly_the_nearest_by_true_distance(settings, origin):
    # Random offers around the need, nearer and farther than the limit reaches, of its own
    # category, a child and an unrelated one, some with a delivery radius too short for them.
    settings.DEFAULT_OFFER_RADIUS_KM = 15
    rng = random.Random(20261124)
    need = GoodsNeedFactory(category=category("clothing"), max_distance_km=8, **east(0, origin))
    kinds = [category("clothing"), category("clothing-socks"), category("kitchen-kettle")]
    lat0, lon0 = origin
    for _ in range(90):
        north_km, east_km = rng.uniform(-10, 10), rng.uniform(-10, 10)
        DonationOfferFactory(
            category=rng.choice(kinds),
            delivery_radius_km=rng.choice([None, 2, 5, 30]),
            lat=lat0 + north_km / 111.2,
            lon=lon0 + east_km / (111.3 * math.cos(math.radians(lat0))),
        )
    for limit in (1, 7, 20):
        brute = nearest_by_orm(need, limit)
        assert len(brute) == limit  # the limit cuts: the walk must stop early and still be right
        assert_same_pairs(searched(need, limit), brute)


def executed_scans(need, limit: int) -> int:
    """How many scans of the offers the pair query ran (the walk, and the second search when
    the walk could not be proven; on a tiny table that one may use another index)."""
    sql, params = candidates.goods_pairs_sql([need.pk], limit_per_need=limit)
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, TIMING OFF, FORMAT JSON) " + sql, params)
        raw = cursor.fetchone()[0]
    doc = json.loads(raw) if isinstance(raw, str) else raw

    def nodes(node: dict):
        yield node
        for child in node.get("Plans", ()):
            yield from nodes(child)

    return sum(
        1
        for node in nodes(doc[0]["Plan"])
        if node.get("Relation Name") == "donations_donationoffer" and node["Actual Loops"] > 0
    )


def projected(origin: tuple[float, float], metres: float, azimuth_deg: float) -> dict:
    """lat/lon factory arguments for the point `metres` from `origin` along `azimuth_deg`,
    on the spheroid (PostGIS `ST_Project`), so true distances are exact to the millimetre."""
    lat, lon = origin
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT ST_Y(p::geometry), ST_X(p::geometry) FROM ST_Project("
            "ST_SetSRID(ST_MakePoint(%s, %s), 4326)::geography, %s, radians(%s)) AS p",
            [lon, lat, metres, azimuth_deg],
        )
        plat, plon = cursor.fetchone()
    return {"lat": plat, "lon": plon}


def test_goods_walk_that_planar_order_misleads_is_searched_again_and_stays_exact(settings):
    # A public grid of one metre keeps the public points where the construction puts them.
    settings.APPROXIMATE_GRID_METRES = 1
    # On the plane a metre north-south is 0.27 % longer than a metre east-west (the meridian
    # curves more than the parallel at 51 degrees north). So offers 2,003 m east and west
    # look nearer on the plane than offers 2,000 m north and south: the walk reads the wrong
    # ones first, cannot prove them, and the second search must find the true five.
    need = GoodsNeedFactory(max_distance_km=10, **east(0))
    for azimuth in (87, 89, 91, 93, 95, 267, 269, 271, 273, 275):
        DonationOfferFactory(**projected(CENTRE, 2_003, azimuth))
    north_south = [
        DonationOfferFactory(**projected(CENTRE, 2_000, azimuth)).pk
        for azimuth in (-4, -2, 0, 2, 4, 176, 178, 180, 182, 184)
    ]
    ours = searched(need, 5)
    assert_same_pairs(ours, nearest_by_orm(need, 5))
    assert {o for o, _ in ours} <= set(north_south)
    assert executed_scans(need, 5) == 2


def test_goods_walk_in_plain_sight_needs_no_second_search():
    need = GoodsNeedFactory(max_distance_km=10, **east(0))
    for km in range(1, 21):
        DonationOfferFactory(**east(km * 0.4))
    assert executed_scans(need, 5) == 1
    assert [o for o, _ in searched(need, 5)] == [o for o, _ in nearest_by_orm(need, 5)]


def test_goods_offer_records_of_the_search_are_those_built_from_the_offers():
    # The search reads the offers' rows its own way (creation time as an integer, attributes
    # parsed once per distinct text); the records must be those of the model instances.
    need = GoodsNeedFactory(max_distance_km=20, **east(0))
    created = timezone.now().replace(microsecond=123457) - timedelta(days=3, seconds=1)
    offers = [
        DonationOfferFactory(attributes={}, delivery_radius_km=None, **east(1)),
        DonationOfferFactory(attributes={"size": "M", "age": None}, **east(2)),
        DonationOfferFactory(attributes={"size": "M", "age": None}, **east(3)),
        DonationOfferFactory(attributes={"size": 42}, delivery_radius_km=12.5, **east(4)),
    ]
    DonationOffer.objects.filter(pk=offers[0].pk).update(created_at=created)

    found = candidates.goods_candidates([need.pk])

    assert set(found.offers) == {o.pk for o in offers}
    for offer in DonationOffer.objects.filter(pk__in=[o.pk for o in offers]):
        record = found.offers[offer.pk]
        assert record == candidates.goods_offer_record(offer)
        assert record.created_at.utcoffset() == timedelta(0)
    assert found.offers[offers[0].pk].created_at == created
    assert found.offers[offers[1].pk].attributes == {"size": "M", "age": ""}
    assert found.offers[offers[1].pk].attributes is not found.offers[offers[2].pk].attributes


def test_goods_search_runs_without_jit_and_leaves_the_transactions_setting_as_it_was():
    need = GoodsNeedFactory(**east(0))
    DonationOfferFactory(**east(1))
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('jit', 'on', true)")
        assert len(candidates.goods_candidates([need.pk]).pairs) == 1
        cursor.execute("SELECT current_setting('jit')")
        assert cursor.fetchone()[0] == "on"
    with candidates.without_jit() as cursor:
        cursor.execute("SELECT current_setting('jit')")
        assert cursor.fetchone()[0] == "off"


# --- volunteers ---------------------------------------------------------------------------


def test_volunteer_within_both_radii_with_every_skill_is_a_candidate():
    need = VolunteerNeedFactory(
        max_distance_km=10, required_skills=["interpreting", "driving-licence-b"], **east(0)
    )
    shift = need.shifts.get()
    both = VolunteerProfileFactory(
        travel_radius_km=5, skills=["interpreting", "driving-licence-b", "cooking"], **east(2)
    )
    VolunteerProfileFactory(travel_radius_km=5, skills=["interpreting"], **east(1))
    VolunteerProfileFactory(travel_radius_km=5, skills=[], **east(1))
    found = candidates.volunteer_candidates([shift.pk])
    assert offer_ids(found, shift.pk) == [both.pk]
    record = found.needs[shift.pk]
    assert isinstance(record, core.Shift)
    assert record.required_skills == {"interpreting", "driving-licence-b"}
    assert record.need_id == need.pk and record.people_open == shift.people_open


def test_volunteer_outside_either_radius_is_excluded():
    need = VolunteerNeedFactory(max_distance_km=3, **east(0))
    shift = need.shifts.get()
    VolunteerProfileFactory(travel_radius_km=50, **east(4))  # beyond the need's reach
    VolunteerProfileFactory(travel_radius_km=1, **east(2))  # beyond their own radius
    inside = VolunteerProfileFactory(travel_radius_km=5, **east(2.5))
    assert offer_ids(candidates.volunteer_candidates([shift.pk]), shift.pk) == [inside.pk]


def test_volunteer_not_matchable_or_unplaced_is_excluded():
    need = VolunteerNeedFactory(**east(0))
    shift = need.shifts.get()
    VolunteerProfileFactory(status="draft", **east(1))
    VolunteerProfileFactory(status="withdrawn", **east(1))
    VolunteerProfileFactory(geocode_status="pending_refinement", **east(1))
    assert candidates.volunteer_candidates([shift.pk]).pairs == []


def test_volunteer_record_has_slots_away_periods_and_booked_shifts():
    need = VolunteerNeedFactory(**east(0), shifts=[{}, {"start": timezone.now() + timedelta(1)}])
    first, second = need.shifts.order_by("start")
    profile = VolunteerProfileFactory(
        skills=["cooking"], languages=[{"code": "uk", "level": "native"}], **east(1)
    )
    AvailabilitySlotFactory(profile=profile, weekday=2, start="09:00", end="12:00")
    away = AwayPeriodFactory(profile=profile)
    other_need = VolunteerNeedFactory(**east(20))
    held = other_need.shifts.get()
    Match.objects.create(
        kind=Match.Kind.VOLUNTEERS,
        volunteer=profile,
        shift=held,
        quantity=1,
        distance_m=1.0,
        score=0.5,
        state=MatchState.ACCEPTED,
    )
    declined = VolunteerNeedFactory(**east(25)).shifts.get()
    Match.objects.create(
        kind=Match.Kind.VOLUNTEERS,
        volunteer=profile,
        shift=declined,
        quantity=1,
        distance_m=1.0,
        score=0.5,
        state=MatchState.DECLINED,
    )
    found = candidates.volunteer_candidates([first.pk, second.pk])
    assert offer_ids(found, first.pk) == [profile.pk] == offer_ids(found, second.pk)
    record = found.offers[profile.pk]
    assert record.skills == {"cooking"} and record.languages == {"uk": "native"}
    assert [(s.weekday, s.start.hour, s.end.hour) for s in record.slots] == [(2, 9, 12)]
    assert record.away == ((away.start, away.end),)
    assert record.booked == ((held.start, held.end),)
    assert record.radius_m == profile.travel_radius_km * 1000
    # The builder reads the same from a model instance.
    assert candidates.volunteer_record(profile) == record


def test_volunteer_candidates_nearest_first_and_limited():
    need = VolunteerNeedFactory(**east(0))
    shift = need.shifts.get()
    far = VolunteerProfileFactory(**east(3))
    near = VolunteerProfileFactory(**east(1))
    middle = VolunteerProfileFactory(**east(2))
    assert offer_ids(candidates.volunteer_candidates([shift.pk]), shift.pk) == [
        near.pk,
        middle.pk,
        far.pk,
    ]
    limited = candidates.volunteer_candidates([shift.pk], limit_per_need=1)
    assert offer_ids(limited, shift.pk) == [near.pk]


def test_volunteer_search_walks_the_partial_gist_index():
    shift = VolunteerNeedFactory(**east(0)).shifts.get()
    VolunteerProfileFactory(**east(1))
    text = plan(*candidates.volunteer_pairs_sql([shift.pk], limit_per_need=10))
    assert "volunteerprofile_approx_gist" in text


# --- housing ------------------------------------------------------------------------------


def test_flat_that_fits_within_the_households_distance_is_a_candidate():
    household = HousingNeedFactory(max_distance_km=5, **east(0))
    flat = HousingOfferFactory(warm_rent=Decimal("750.50"), **east(3))
    HousingOfferFactory(**east(6))
    found = candidates.housing_candidates([household.pk])
    assert offer_ids(found, household.pk) == [flat.pk]
    assert found.offers[flat.pk].warm_rent == 750.5
    assert found.needs[household.pk].max_distance_m == 5_000
    assert found.needs[household.pk].rent_ceiling == 900.0


@pytest.mark.parametrize(
    ("household_fields", "flat_fields"),
    [
        ({"adults": 3, "children": 2}, {"max_occupants": 4}),
        ({"rent_ceiling": Decimal("700")}, {"warm_rent": Decimal("700.01")}),
        ({"needs_step_free": True}, {"step_free": False}),
        ({"has_pets": True}, {"pets_allowed": False}),
        ({}, {"status": "draft"}),
        ({}, {"geocode_status": "pending_refinement"}),
    ],
    ids=["too-small", "too-dear", "not-step-free", "no-pets", "draft", "unplaced"],
)
def test_flat_that_does_not_fit_is_excluded(household_fields, flat_fields):
    household = HousingNeedFactory(**household_fields, **east(0))
    HousingOfferFactory(**flat_fields, **east(1))
    assert candidates.housing_candidates([household.pk]).pairs == []


def test_flat_that_fits_exactly_is_a_candidate():
    household = HousingNeedFactory(
        adults=3,
        children=1,
        rent_ceiling=Decimal("800"),
        needs_step_free=True,
        has_pets=True,
        **east(0),
    )
    flat = HousingOfferFactory(
        max_occupants=4, warm_rent=Decimal("800"), step_free=True, pets_allowed=True, **east(1)
    )
    assert offer_ids(candidates.housing_candidates([household.pk]), household.pk) == [flat.pk]


def test_flat_with_a_live_match_is_excluded_and_freed_by_a_declined_one():
    household = HousingNeedFactory(**east(0))
    held = HousingOfferFactory(**east(1))
    freed = HousingOfferFactory(**east(2))
    other = HousingNeedFactory(**east(1))
    Match.objects.create(
        kind=Match.Kind.HOUSING,
        housing_offer=held,
        housing_need=other,
        quantity=1,
        distance_m=1.0,
        score=0.5,
        state=MatchState.PROPOSED,
    )
    Match.objects.create(
        kind=Match.Kind.HOUSING,
        housing_offer=freed,
        housing_need=other,
        quantity=1,
        distance_m=1.0,
        score=0.5,
        state=MatchState.DECLINED,
    )
    assert offer_ids(candidates.housing_candidates([household.pk]), household.pk) == [freed.pk]


def test_flats_nearest_first_and_limited():
    household = HousingNeedFactory(**east(0))
    far = HousingOfferFactory(**east(4))
    near = HousingOfferFactory(**east(1))
    assert offer_ids(candidates.housing_candidates([household.pk]), household.pk) == [
        near.pk,
        far.pk,
    ]
    limited = candidates.housing_candidates([household.pk], limit_per_need=1)
    assert offer_ids(limited, household.pk) == [near.pk]
    assert set(limited.offers) == {near.pk}


def test_housing_search_walks_the_partial_gist_index():
    household = HousingNeedFactory(**east(0))
    HousingOfferFactory(**east(1))
    text = plan(*candidates.housing_pairs_sql([household.pk], limit_per_need=10))
    assert "housingoffer_approx_gist" in text
