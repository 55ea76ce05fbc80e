"""Batches per area for all three kinds: global allocation, reservations, revision, release."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest
from django.db.models import Sum
from django.utils import timezone

from lifecycle.services import withdraw
from matching.areas import cell_of
from matching.batches import run_batch
from matching.models import Match, MatchState
from tests.factories import DonationOfferFactory, GoodsNeedFactory
from tests.housing.factories import HousingNeedFactory, HousingOfferFactory
from tests.matching.batching import created, run_for
from tests.volunteers.factories import (
    AvailabilitySlotFactory,
    VolunteerNeedFactory,
    VolunteerProfileFactory,
)

pytestmark = pytest.mark.django_db

LINDENAU = (51.3400, 12.3300)
GRUENAU = (51.3206, 12.2826)
CONNEWITZ = (51.3080, 12.3880)


def east(origin: tuple[float, float], km: float) -> dict:
    import math

    lat, lon = origin
    return {"lat": lat, "lon": lon + km / (111.32 * math.cos(math.radians(lat)))}


# --- goods --------------------------------------------------------------------------------


def test_global_allocation_serves_both_needs_where_first_come_would_serve_one():
    # The first need can take either offer, the second only the near one (its radius is
    # small). Handing the near offer to the first need would leave the second with nothing.
    flexible = GoodsNeedFactory(**east(LINDENAU, 0), quantity=1, max_distance_km=10)
    tight = GoodsNeedFactory(**east(LINDENAU, 1.0), quantity=1, max_distance_km=1.5)
    near = DonationOfferFactory(**east(LINDENAU, 0.5), quantity=1)
    DonationOfferFactory(**east(LINDENAU, -6), quantity=1)

    matches = created(run_for(flexible))

    assert {m.goods_need_id for m in matches} == {flexible.pk, tight.pk}
    assert Match.objects.get(goods_need=tight).donation_offer_id == near.pk


def test_a_batch_never_gives_more_than_either_side_has():
    needs = [GoodsNeedFactory(**east(LINDENAU, km), quantity=7) for km in (0, 1, 2, 3)]
    offers = [DonationOfferFactory(**east(LINDENAU, km), quantity=5) for km in (0.5, 1.5, 2.5)]
    run_for(*needs, *offers)
    for need in needs:
        held = Match.objects.filter(goods_need=need).aggregate(n=Sum("quantity"))["n"] or 0
        need.refresh_from_db()
        assert held + need.quantity_open == need.quantity == 7
    for offer in offers:
        held = Match.objects.filter(donation_offer=offer).aggregate(n=Sum("quantity"))["n"] or 0
        offer.refresh_from_db()
        assert held == 5 and offer.quantity_open == 0


def test_running_a_batch_twice_changes_nothing():
    need = GoodsNeedFactory(**east(LINDENAU, 0), quantity=3)
    DonationOfferFactory(**east(LINDENAU, 1), quantity=3)
    assert len(created(run_for(need))) == 1
    assert created(run_for(need)) == []
    assert Match.objects.count() == 1


def test_an_unseen_proposal_is_revised_when_that_serves_more_needs():
    first = GoodsNeedFactory(**east(LINDENAU, 0), quantity=1, max_distance_km=10)
    near = DonationOfferFactory(**east(LINDENAU, 0.5), quantity=1)
    [proposal] = created(run_for(first))
    assert proposal.donation_offer_id == near.pk
    # Later: a need that only the near offer reaches, and another offer the first need takes.
    tight = GoodsNeedFactory(**east(LINDENAU, 1.0), quantity=1, max_distance_km=1.5)
    DonationOfferFactory(**east(LINDENAU, -6), quantity=1)

    [result] = run_for(tight)

    assert result.revised
    proposal.refresh_from_db()
    assert proposal.state == MatchState.CANCELLED
    assert proposal.events.last().reason.startswith("revised")
    live = Match.objects.filter(state=MatchState.PROPOSED)
    assert {m.goods_need_id for m in live} == {first.pk, tight.pk}
    assert live.get(goods_need=tight).donation_offer_id == near.pk
    near.refresh_from_db()
    assert near.quantity_open == 0


def test_an_offer_near_a_cell_border_is_shared_whichever_cell_ran_first():
    # Grünau lies in the cell west of Lindenau's; the offer sits between them.
    west = GoodsNeedFactory(lat=GRUENAU[0], lon=GRUENAU[1], quantity=20)
    east_need = GoodsNeedFactory(**east(LINDENAU, 0.7), quantity=5)
    assert cell_of(west.approx_point) != cell_of(east_need.approx_point)
    DonationOfferFactory(**east(LINDENAU, 0), quantity=12)
    run_batch("goods", cell_of(west.approx_point))  # the west takes all 12 while alone …
    assert Match.objects.get().quantity == 12

    result = run_batch("goods", cell_of(east_need.approx_point))  # … until the east's batch runs

    assert result.revised
    live = Match.objects.filter(state=MatchState.PROPOSED)
    assert {(m.goods_need_id, m.quantity) for m in live} == {(east_need.pk, 5), (west.pk, 7)}
    west.refresh_from_db()
    assert west.quantity_open == 13


def test_a_flat_near_a_cell_border_goes_to_the_household_that_only_it_fits(settings):
    # Public points on a one-metre grid: the places below sit metres from the cell border.
    settings.APPROXIMATE_GRID_METRES = 1
    # A couple just west of a cell border, a family of five just east of it; the big flat is
    # on the border, a small one 8 km west. The couple's batch alone gives it the big flat …
    couple = HousingNeedFactory(lat=51.34, lon=12.318, adults=2, children=0)
    family = HousingNeedFactory(lat=51.34, lon=12.337, adults=2, children=3)
    big = HousingOfferFactory(lat=51.34, lon=12.321, max_occupants=5)
    small = HousingOfferFactory(**east((51.34, 12.318), -8), max_occupants=2)
    assert cell_of(couple.approx_point) != cell_of(family.approx_point) == cell_of(big.approx_point)
    run_batch("housing", cell_of(couple.approx_point))
    assert Match.objects.get().housing_offer_id == big.pk

    run_batch("housing", cell_of(family.approx_point))

    # … and the family's batch revises that, so that each household has a flat it fits.
    pairs = set(
        Match.objects.filter(state=MatchState.PROPOSED).values_list(
            "housing_need_id", "housing_offer_id"
        )
    )
    assert pairs == {(couple.pk, small.pk), (family.pk, big.pk)}


def test_a_proposal_someone_has_seen_is_never_revised():
    first = GoodsNeedFactory(**east(LINDENAU, 0), quantity=1, max_distance_km=10)
    DonationOfferFactory(**east(LINDENAU, 0.5), quantity=1)
    [proposal] = created(run_for(first))
    Match.objects.filter(pk=proposal.pk).update(state=MatchState.APPROVED)
    tight = GoodsNeedFactory(**east(LINDENAU, 1.0), quantity=1, max_distance_km=1.5)
    DonationOfferFactory(**east(LINDENAU, -6), quantity=1)

    [result] = run_for(tight)

    assert not result.revised and result.created == []
    assert Match.objects.get(pk=proposal.pk).state == MatchState.APPROVED


def test_a_withdrawn_offer_gives_its_quantity_back_and_the_need_is_flagged_again():
    need = GoodsNeedFactory(**east(LINDENAU, 0), quantity=4)
    offer = DonationOfferFactory(**east(LINDENAU, 1), quantity=4)
    [match] = created(run_for(need))
    withdraw(offer, actor=offer.donor)
    match.refresh_from_db()
    need.refresh_from_db()
    assert match.state == MatchState.CANCELLED
    assert need.quantity_open == 4 and need.status == "open" and need.needs_matching


def test_cells_are_far_apart_areas_and_a_batch_leaves_other_cells_alone():
    leipzig = GoodsNeedFactory(**east(LINDENAU, 0), quantity=1)
    DonationOfferFactory(**east(LINDENAU, 1), quantity=1)
    dresden_need = GoodsNeedFactory(lat=51.05, lon=13.74, quantity=1)
    DonationOfferFactory(lat=51.051, lon=13.741, quantity=1)
    assert cell_of(leipzig.approx_point) != cell_of(dresden_need.approx_point)

    run_batch("goods", cell_of(leipzig.approx_point))

    assert list(Match.objects.values_list("goods_need_id", flat=True)) == [leipzig.pk]


# --- volunteers ---------------------------------------------------------------------------


def _next(weekday: int, at: time, *, weeks: int = 1) -> datetime:
    """A local time on `weekday` (0 = Monday) at least `weeks` weeks from today."""
    today = timezone.localdate() + timedelta(weeks=weeks)
    day = today + timedelta(days=(weekday - today.weekday()) % 7)
    return timezone.make_aware(datetime.combine(day, at))


def _volunteer(*, skills=(), hours=8, slots=((1, "16:00", "21:00"),), **place):
    profile = VolunteerProfileFactory(
        skills=list(skills), max_hours_per_week=hours, travel_radius_km=10, **place
    )
    for weekday, start, end in slots:
        AvailabilitySlotFactory(profile=profile, weekday=weekday, start=start, end=end)
    return profile


def test_a_volunteer_with_the_skill_and_the_time_is_proposed_for_the_shift():
    start = _next(1, time(17, 0))
    need = VolunteerNeedFactory(
        **east(LINDENAU, 0),
        shifts=[{"start": start, "end": start + timedelta(hours=3), "people": 2}],
    )
    fits = _volunteer(**east(LINDENAU, 1))
    _volunteer(**east(LINDENAU, 1), slots=((3, "09:00", "12:00"),))  # Thursday mornings only

    matches = created(run_for(need))

    assert [(m.volunteer_id, m.quantity, m.kind) for m in matches] == [(fits.pk, 1, "volunteers")]
    shift = need.shifts.get()
    assert shift.people_open == 1
    need.refresh_from_db()
    assert need.status == "partly_matched"


def test_one_person_is_never_given_two_overlapping_shifts():
    start = _next(1, time(17, 0))
    a = VolunteerNeedFactory(
        **east(LINDENAU, 0),
        shifts=[{"start": start, "end": start + timedelta(hours=2), "people": 1}],
    )
    b = VolunteerNeedFactory(
        **east(LINDENAU, 0.5),
        shifts=[
            {"start": start + timedelta(hours=1), "end": start + timedelta(hours=3), "people": 1}
        ],
    )
    volunteer = _volunteer(**east(LINDENAU, 1), hours=20)

    run_for(a, b, volunteer)

    assert Match.objects.filter(volunteer=volunteer).count() == 1


def test_the_weekly_hours_of_a_volunteer_are_respected_across_batches():
    start = _next(1, time(17, 0))
    first = VolunteerNeedFactory(
        **east(LINDENAU, 0),
        shifts=[{"start": start, "end": start + timedelta(hours=3), "people": 1}],
    )
    _volunteer(**east(LINDENAU, 1), hours=4, slots=((1, "16:00", "21:00"), (3, "16:00", "21:00")))
    assert len(created(run_for(first))) == 1
    thursday = start + timedelta(days=2)
    second = VolunteerNeedFactory(
        **east(LINDENAU, -3),  # across a cell border: another batch
        shifts=[{"start": thursday, "end": thursday + timedelta(hours=3), "people": 1}],
    )
    assert cell_of(second.approx_point) != cell_of(first.approx_point)

    assert created(run_for(second)) == []  # 3 h + 3 h would pass the 4 hours of that week


def test_a_volunteer_is_moved_across_a_cell_border_to_the_shift_only_they_can_do(settings):
    # Public points on a one-metre grid: the places below sit metres from the cell border.
    settings.APPROXIMATE_GRID_METRES = 1
    start = _next(1, time(17, 0))
    times = {"start": start, "end": start + timedelta(hours=2), "people": 1}
    anyone = VolunteerNeedFactory(lat=51.34, lon=12.318, shifts=[times])  # west cell
    interpreters = VolunteerNeedFactory(
        lat=51.34, lon=12.33, shifts=[times], required_skills=["interpreting"]
    )
    assert cell_of(anyone.approx_point) != cell_of(interpreters.approx_point)
    interpreter = _volunteer(lat=51.34, lon=12.319, skills=["interpreting"])
    helper = _volunteer(lat=51.34, lon=12.30)
    run_batch("volunteers", cell_of(anyone.approx_point))
    assert Match.objects.get().volunteer_id == interpreter.pk  # the nearest, while alone

    run_batch("volunteers", cell_of(interpreters.approx_point))

    live = Match.objects.filter(state=MatchState.PROPOSED)
    assert {(m.shift.need_id, m.volunteer_id) for m in live} == {
        (interpreters.pk, interpreter.pk),
        (anyone.pk, helper.pk),
    }


def test_a_withdrawn_volunteer_gives_the_place_back_to_the_shift():
    start = _next(1, time(17, 0))
    need = VolunteerNeedFactory(
        **east(LINDENAU, 0),
        shifts=[{"start": start, "end": start + timedelta(hours=3), "people": 1}],
    )
    volunteer = _volunteer(**east(LINDENAU, 1))
    assert len(created(run_for(need))) == 1
    withdraw(volunteer, actor=volunteer.user)
    shift = need.shifts.get()
    need.refresh_from_db()
    assert shift.people_open == 1 and need.status == "open" and need.needs_matching


# --- housing ------------------------------------------------------------------------------


def test_flats_are_assigned_so_that_every_household_fits():
    # The big family fits only the big flat; the couple fits both. One household per flat.
    family = HousingNeedFactory(**east(CONNEWITZ, 0), adults=2, children=4)
    couple = HousingNeedFactory(**east(CONNEWITZ, 0.3), adults=2, children=0)
    big = HousingOfferFactory(**east(CONNEWITZ, 0.2), max_occupants=6, warm_rent=Decimal(850))
    small = HousingOfferFactory(**east(CONNEWITZ, 2), max_occupants=2, warm_rent=Decimal(500))

    run_for(family, couple)

    pairs = set(Match.objects.values_list("housing_need_id", "housing_offer_id"))
    assert pairs == {(family.pk, big.pk), (couple.pk, small.pk)}
    big.refresh_from_db()
    assert big.status == "partly_matched"


def test_a_flat_that_does_not_fit_the_household_is_not_proposed():
    household = HousingNeedFactory(
        **east(CONNEWITZ, 0), has_pets=True, needs_step_free=True, rent_ceiling=Decimal(700)
    )
    HousingOfferFactory(**east(CONNEWITZ, 1), pets_allowed=False, step_free=True)
    HousingOfferFactory(**east(CONNEWITZ, 1), pets_allowed=True, step_free=False)
    HousingOfferFactory(
        **east(CONNEWITZ, 1), pets_allowed=True, step_free=True, warm_rent=Decimal(900)
    )
    HousingOfferFactory(
        **east(CONNEWITZ, 1),
        pets_allowed=True,
        step_free=True,
        warm_rent=Decimal(650),
        available_from=date.today() + timedelta(days=200),
    )
    assert created(run_for(household)) == []


def test_a_withdrawn_household_frees_the_flat_for_the_next_one():
    first = HousingNeedFactory(**east(CONNEWITZ, 0))
    flat = HousingOfferFactory(**east(CONNEWITZ, 1))
    assert len(created(run_for(first))) == 1
    second = HousingNeedFactory(**east(CONNEWITZ, 0.5))
    assert created(run_for(second)) == []  # the flat is held
    withdraw(first, actor=first.created_by)
    flat.refresh_from_db()
    assert flat.status == "open" and flat.needs_matching
    [match] = created(run_for(flat))
    assert match.housing_need_id == second.pk
