"""Diagnostics over PostGIS: for an open need, why it is unmet — one test per reason.

Places are real (Leipzig) and distances come from PostGIS; capacity is held by real matches.
"""

import math
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.utils import timezone, translation

from donations.models import Category
from matching import diagnostics
from matching.core.types import Reason
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

GRUENAU = (51.3206, 12.2826)


def east(km: float, origin: tuple[float, float] = GRUENAU) -> dict[str, float]:
    """lat/lon `km` east of the origin (close enough to PostGIS's geodesic at these scales)."""
    lat, lon = origin
    return {"lat": lat, "lon": lon + km / (111.32 * math.cos(math.radians(lat)))}


HERE = east(0)


def category(slug: str) -> Category:
    return Category.objects.get(slug=slug)


def english(kind: str, need) -> str:
    with translation.override("en"):
        return diagnostics.diagnose_need(kind, need).message


# --- goods --------------------------------------------------------------------------------


def jackets_need(**fields):
    fields.setdefault("quantity", 10)
    return GoodsNeedFactory(**HERE, attributes={"size": "M"}, **fields)


def jackets_offer(km: float = 2, **fields):
    fields.setdefault("attributes", {"size": "M"})
    fields.setdefault("quantity", 5)
    return DonationOfferFactory(**east(km), **fields)


def test_goods_need_with_no_offer_around_has_nothing_in_range():
    need = jackets_need()
    jackets_offer(km=30)  # beyond the need's default 15 km
    diagnosis = diagnostics.diagnose_goods_need(need)
    assert diagnosis.reason == Reason.NOTHING_IN_RANGE
    assert diagnosis.in_range == 0
    assert english("goods", need) == "No donation offer within 15 km."


def test_offer_within_the_need_radius_but_beyond_the_donors_radius_is_out_of_range():
    need = jackets_need(max_distance_km=20)
    jackets_offer(km=12, delivery_radius_km=5)
    diagnosis = diagnostics.diagnose_goods_need(need)
    assert diagnosis.reason == Reason.OUT_OF_RANGE
    assert diagnosis.counts == {"out_of_range": 1}


def test_offers_of_another_category_are_the_wrong_category():
    need = jackets_need()
    jackets_offer(category=category("furniture-bed"), attributes={})
    jackets_offer(category=category("shoes-sneakers"), attributes={"shoe_size": "42"})
    jackets_offer(category=category("clothing-trousers"))  # a sibling, not below the need's
    diagnosis = diagnostics.diagnose_goods_need(need)
    assert diagnosis.reason == Reason.WRONG_CATEGORY
    assert diagnosis.counts == {"wrong_category": 3}
    assert english("goods", need) == "3 offers in range are of another category."


def test_offers_of_the_category_in_another_size_are_the_wrong_size_and_nearer_than_category():
    need = jackets_need()
    jackets_offer(attributes={"size": "L"})
    jackets_offer(attributes={"size": "XL"})
    jackets_offer(category=category("furniture-bed"), attributes={})
    diagnosis = diagnostics.diagnose_goods_need(need)
    assert diagnosis.reason == Reason.WRONG_ATTRIBUTES
    assert diagnosis.counts == {"wrong_attributes": 2, "wrong_category": 1}
    assert diagnosis.in_range == 3
    assert english("goods", need) == (
        "2 offers in range fit the category but not the size or other details."
    )


def reserve_goods(offer, *, for_need=None, quantity=None) -> Match:
    """A live match holding the offer's whole open quantity, as a batch would write it."""
    quantity = quantity or offer.quantity_open
    match = Match.objects.create(
        kind=Match.Kind.GOODS,
        goods_need=for_need or GoodsNeedFactory(**east(5), attributes={"size": "M"}),
        donation_offer=offer,
        quantity=quantity,
        distance_m=1000,
        score=0.5,
        state=MatchState.APPROVED,
    )
    offer.quantity_open -= quantity
    offer.status = "partly_matched"
    offer.save()
    return match


def test_fitting_offers_all_held_by_matches_are_all_reserved():
    need = jackets_need()
    for _ in range(2):
        reserve_goods(jackets_offer())
    jackets_offer(category=category("furniture-bed"), attributes={})
    diagnosis = diagnostics.diagnose_goods_need(need)
    assert diagnosis.reason == Reason.ALL_RESERVED
    assert diagnosis.counts == {"all_reserved": 2, "wrong_category": 1}
    assert english("goods", need) == "All 2 fitting offers are reserved by matches in progress."


def test_an_offer_already_matched_to_this_need_counts_as_reserved_for_it():
    need = jackets_need()
    offer = jackets_offer(quantity=8)
    reserve_goods(offer, for_need=need, quantity=5)  # 3 left, but the pair is taken
    assert diagnostics.diagnose_goods_need(need).reason == Reason.ALL_RESERVED


def test_a_fitting_free_offer_means_the_need_was_outscored():
    need = jackets_need()
    jackets_offer()
    reserve_goods(jackets_offer())
    diagnosis = diagnostics.diagnose_goods_need(need)
    assert diagnosis.reason == Reason.OUTSCORED
    assert diagnosis.counts == {"feasible": 1, "all_reserved": 1}


def test_withdrawn_and_unplaced_offers_are_not_counted():
    need = jackets_need()
    jackets_offer(status="withdrawn")
    jackets_offer(geocode_status="pending_refinement")
    assert diagnostics.diagnose_goods_need(need).reason == Reason.NOTHING_IN_RANGE


def test_only_the_nearest_offers_up_to_the_bound_are_checked(monkeypatch):
    monkeypatch.setattr(diagnostics, "DIAGNOSIS_CANDIDATES", 2)
    need = jackets_need()
    jackets_offer(km=1, category=category("furniture-bed"), attributes={})
    jackets_offer(km=2, attributes={"size": "L"})
    jackets_offer(km=3)  # would fit, but lies beyond the two nearest
    diagnosis = diagnostics.diagnose_goods_need(need)
    assert diagnosis.in_range == 2
    assert diagnosis.reason == Reason.WRONG_ATTRIBUTES


def test_open_goods_needs_leave_out_met_closed_and_unplaced_ones():
    waiting = jackets_need()
    jackets_need(quantity_open=0, status="partly_matched")
    jackets_need(status="fulfilled")
    jackets_need(status="draft")
    jackets_need(geocode_status="pending_refinement")
    assert list(diagnostics.open_needs("goods")) == [waiting]


# --- volunteers ---------------------------------------------------------------------------

BERLIN = ZoneInfo(settings.TIME_ZONE)
TUESDAY = 1


def next_weekday(weekday: int, *, weeks_ahead: int = 1) -> date:
    """A date on `weekday` at least a week ahead (so the ISO week holds the whole test)."""
    today = timezone.localdate()
    return today + timedelta(days=(weekday - today.weekday()) % 7 + 7 * weeks_ahead)


def at(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=BERLIN)


def tuesday_shift(**fields) -> dict:
    day = next_weekday(TUESDAY)
    return {"start": at(day, 17), "end": at(day, 19), "people": 2, "people_open": 2, **fields}


def volunteer_need(**fields):
    fields.setdefault("shifts", [tuesday_shift()])
    fields.setdefault("languages", ["de"])
    return VolunteerNeedFactory(**HERE, **fields)


def volunteer(km: float = 2, *, slots=((TUESDAY, "16:00", "21:00"),), **fields):
    profile = VolunteerProfileFactory(**east(km), **fields)
    for weekday, start, end in slots:
        AvailabilitySlotFactory(profile=profile, weekday=weekday, start=start, end=end)
    return profile


def shift_of(need):
    return need.shifts.get()


def hold(profile, shift, state=MatchState.PROPOSED) -> Match:
    match = Match.objects.create(
        kind=Match.Kind.VOLUNTEERS,
        volunteer=profile,
        shift=shift,
        quantity=1,
        distance_m=1000,
        score=0.5,
        state=state,
    )
    shift.people_open -= 1
    shift.save()
    return match


def other_shift(start: datetime, end: datetime):
    """A shift of another need, far away from ours, for the volunteer to be booked on."""
    need = VolunteerNeedFactory(**east(40), shifts=[{"start": start, "end": end}])
    return shift_of(need)


def test_shift_with_no_volunteer_around_has_nothing_in_range():
    need = volunteer_need()
    volunteer(km=25, travel_radius_km=50)
    diagnosis = diagnostics.diagnose_shift(shift_of(need))
    assert diagnosis.reason == Reason.NOTHING_IN_RANGE
    assert english("volunteers", need) == "No volunteer within 15 km."


def test_volunteer_within_the_need_radius_who_does_not_travel_that_far_is_out_of_range():
    need = volunteer_need()
    volunteer(km=8, travel_radius_km=5)
    diagnosis = diagnostics.diagnose_shift(shift_of(need))
    assert diagnosis.reason == Reason.OUT_OF_RANGE
    assert diagnosis.counts == {"out_of_range": 1}


def test_volunteers_without_the_required_skill_are_missing_skills():
    need = volunteer_need(required_skills=["interpreting"])
    volunteer(skills=["furniture-assembly"])
    volunteer()
    diagnosis = diagnostics.diagnose_shift(shift_of(need))
    assert diagnosis.reason == Reason.MISSING_SKILLS
    assert diagnosis.counts == {"missing_skills": 2}
    assert english("volunteers", need) == "2 volunteers in range lack a required skill."


def test_volunteers_who_speak_none_of_the_needs_languages_share_no_language():
    need = volunteer_need(languages=["ar", "uk"])
    volunteer(languages=[{"code": "de", "level": "native"}, {"code": "en", "level": "fluent"}])
    diagnosis = diagnostics.diagnose_shift(shift_of(need))
    assert diagnosis.reason == Reason.NO_SHARED_LANGUAGE


def test_volunteers_without_a_slot_at_the_shift_time_are_not_available():
    need = volunteer_need()
    volunteer(slots=[(TUESDAY, "09:00", "12:00")])
    volunteer(slots=[(TUESDAY + 1, "16:00", "21:00")])
    away = volunteer()
    AwayPeriodFactory(
        profile=away, start=shift_of(need).start.date(), end=shift_of(need).start.date()
    )
    diagnosis = diagnostics.diagnose_shift(shift_of(need))
    assert diagnosis.reason == Reason.NOT_AVAILABLE
    assert diagnosis.counts == {"not_available": 3}
    assert english("volunteers", need) == (
        "3 volunteers in range are not available at this shift's time."
    )


def test_volunteer_booked_for_another_shift_at_the_same_time_has_an_overlapping_shift():
    need = volunteer_need()
    ours = shift_of(need)
    profile = volunteer(max_hours_per_week=20)
    hold(profile, other_shift(ours.start - timedelta(hours=1), ours.start + timedelta(hours=1)))
    diagnosis = diagnostics.diagnose_shift(ours)
    assert diagnosis.reason == Reason.OVERLAPPING_SHIFT


def test_volunteer_whose_week_is_full_would_exceed_their_hours():
    need = volunteer_need()
    ours = shift_of(need)
    thursday = ours.start.astimezone(BERLIN).date() + timedelta(days=2)  # same ISO week
    profile = volunteer(max_hours_per_week=3)
    hold(profile, other_shift(at(thursday, 10), at(thursday, 12)))
    diagnosis = diagnostics.diagnose_shift(ours)
    assert diagnosis.reason == Reason.HOURS_EXCEEDED
    assert english("volunteers", need) == (
        "1 volunteer in range would pass their weekly hours with this shift."
    )


def test_fitting_volunteers_already_on_the_shift_are_all_reserved():
    need = volunteer_need()
    ours = shift_of(need)
    hold(volunteer(), ours)  # one place taken, one still open
    volunteer(slots=[])  # and someone who cannot come
    diagnosis = diagnostics.diagnose_shift(ours)
    assert diagnosis.reason == Reason.ALL_RESERVED
    assert diagnosis.counts == {"feasible": 1, "not_available": 1}


def test_a_fitting_free_volunteer_means_the_shift_was_outscored():
    need = volunteer_need()
    volunteer()
    diagnosis = diagnostics.diagnose_shift(shift_of(need))
    assert diagnosis.reason == Reason.OUTSCORED
    assert diagnosis.counts == {"feasible": 1}


def test_a_volunteer_need_is_diagnosed_per_open_shift_earliest_first():
    tuesday = next_weekday(TUESDAY)
    wednesday = tuesday + timedelta(days=1)
    need = volunteer_need(
        shifts=[
            tuesday_shift(start=at(wednesday, 17), end=at(wednesday, 19)),
            tuesday_shift(),
            tuesday_shift(start=at(tuesday, 9), end=at(tuesday, 10), people_open=0),
        ]
    )
    volunteer()  # comes on Tuesday evenings only
    result = diagnostics.diagnose_need("volunteers", need)
    assert [(s.shift.start, s.diagnosis.reason) for s in result.shifts] == [
        (at(tuesday, 17), Reason.OUTSCORED),
        (at(wednesday, 17), Reason.NOT_AVAILABLE),
    ]
    assert result.diagnosis.reason == Reason.OUTSCORED


def test_open_volunteer_needs_are_those_with_a_future_shift_with_a_place_left():
    waiting = volunteer_need()
    yesterday = timezone.now() - timedelta(days=1)
    volunteer_need(shifts=[{"start": yesterday, "end": yesterday + timedelta(hours=2)}])
    volunteer_need(shifts=[tuesday_shift(people_open=0)])
    volunteer_need(status="withdrawn")
    assert list(diagnostics.open_needs("volunteers")) == [waiting]


# --- housing ------------------------------------------------------------------------------


def household(**fields):
    # 2 adults + 1 child, up to 900 EUR, moving in two weeks from today, within 10 km.
    return HousingNeedFactory(**HERE, **fields)


def flat(km: float = 2, **fields):
    return HousingOfferFactory(**east(km), **fields)


def diagnose_household(need) -> Reason:
    return diagnostics.diagnose_household(need).reason


def test_household_with_no_flat_around_has_nothing_in_range():
    need = household()
    flat(km=12)
    assert diagnose_household(need) == Reason.NOTHING_IN_RANGE
    assert english("housing", need) == "No flat within 10 km."


def test_flats_for_fewer_people_are_too_small():
    need = household()
    flat(max_occupants=2)
    assert diagnose_household(need) == Reason.TOO_SMALL
    assert english("housing", need) == "1 flat in range takes fewer people than the household has."


def test_flats_above_the_ceiling_cost_too_much():
    need = household()
    flat(warm_rent=Decimal("950.00"))
    flat(max_occupants=1)
    diagnosis = diagnostics.diagnose_household(need)
    assert diagnosis.reason == Reason.RENT_TOO_HIGH
    assert diagnosis.counts == {"rent_too_high": 1, "too_small": 1}


def test_flats_with_steps_do_not_suit_a_household_that_needs_step_free_access():
    need = household(needs_step_free=True)
    flat(step_free=False)
    assert diagnose_household(need) == Reason.NOT_STEP_FREE


def test_flats_without_pets_do_not_suit_a_household_with_pets():
    need = household(has_pets=True)
    flat(pets_allowed=False)
    assert diagnose_household(need) == Reason.NO_PETS


def test_flats_free_too_late_are_not_available_in_time():
    need = household()
    tolerance = settings.HOUSING_MOVE_IN_TOLERANCE_DAYS
    flat(available_from=need.move_in_date + timedelta(days=tolerance + 1))
    assert diagnose_household(need) == Reason.NOT_AVAILABLE_IN_TIME


def test_flats_free_for_fewer_months_than_wanted_make_the_stay_too_short():
    need = household(min_stay_months=12)
    flat(available_until=need.move_in_date + timedelta(days=90))
    assert diagnose_household(need) == Reason.STAY_TOO_SHORT


def test_fitting_flats_held_by_other_households_are_all_reserved():
    need = household()
    let = flat()
    Match.objects.create(
        kind=Match.Kind.HOUSING,
        housing_need=household(),
        housing_offer=let,
        quantity=1,
        distance_m=1000,
        score=0.5,
        state=MatchState.OFFERED,
    )
    diagnosis = diagnostics.diagnose_household(need)
    assert diagnosis.reason == Reason.ALL_RESERVED
    assert english("housing", need) == "The 1 fitting flat is reserved by a match in progress."


def test_a_fitting_free_flat_means_the_household_was_outscored():
    need = household()
    flat()
    assert diagnose_household(need) == Reason.OUTSCORED


def test_households_with_a_live_match_are_not_open():
    waiting = household()
    housed = household()
    Match.objects.create(
        kind=Match.Kind.HOUSING,
        housing_need=housed,
        housing_offer=flat(),
        quantity=1,
        distance_m=1000,
        score=0.5,
        state=MatchState.ACCEPTED,
    )
    ended = household()
    Match.objects.create(
        kind=Match.Kind.HOUSING,
        housing_need=ended,
        housing_offer=flat(),
        quantity=1,
        distance_m=1000,
        score=0.5,
        state=MatchState.DECLINED,
    )
    assert list(diagnostics.open_needs("housing")) == [waiting, ended]


def test_a_page_of_open_needs_comes_with_diagnoses_in_waiting_order():
    first, second, third = household(), household(has_pets=True), household()
    flat(pets_allowed=False)
    page = diagnostics.open_needs_with_diagnoses("housing", limit=2, offset=1)
    assert [(d.need, d.diagnosis.reason) for d in page] == [
        (second, Reason.NO_PETS),
        (third, Reason.OUTSCORED),
    ]
    assert first not in [d.need for d in page]
