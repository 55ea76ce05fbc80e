"""Exact places and contacts are revealed to the other side only when both said yes."""

import pytest

from matching.models import Match, MatchState
from tests.api.access import World
from tests.api.access_goods import NEED_ADDRESS, OFFER_ADDRESS, need, offer
from tests.conftest import client_for

# A proposal is not shown to its sides at all (issue 12): see tests/matching/test_selectors.py.
BEFORE_BOTH_SAID_YES = [MatchState.APPROVED, MatchState.OFFERED]
AFTER_BOTH_SAID_YES = [MatchState.ACCEPTED, MatchState.FULFILLED]


def _match(world: World, state: str) -> Match:
    return Match.objects.create(
        goods_need=need(world, status="partly_matched"),
        donation_offer=offer(world, status="partly_matched"),
        quantity=5,
        distance_m=4800,
        score=0.8,
        state=state,
    )


@pytest.mark.django_db
@pytest.mark.parametrize("state", BEFORE_BOTH_SAID_YES + AFTER_BOTH_SAID_YES)
def test_each_side_sees_the_others_place_and_contact_only_after_both_said_yes(state):
    world = World.build()
    match = _match(world, state)
    revealed = state in AFTER_BOTH_SAID_YES
    donor, member = client_for(world.users["donor"]), client_for(world.users["member"])

    seen_by_donor = donor.get(f"/api/v1/matches/{match.pk}/").json()
    assert (seen_by_donor["need"]["address"] == NEED_ADDRESS) is revealed
    assert (seen_by_donor["need"]["contact"] is not None) is revealed
    assert seen_by_donor["offer"]["address"] == OFFER_ADDRESS  # their own

    need_seen = donor.get(f"/api/v1/goods-needs/{match.goods_need_id}/").json()
    assert (need_seen["address"] == NEED_ADDRESS) is revealed

    seen_by_member = member.get(f"/api/v1/matches/{match.pk}/").json()
    assert (seen_by_member["offer"]["address"] == OFFER_ADDRESS) is revealed
    offer_seen = member.get(f"/api/v1/donation-offers/{match.donation_offer_id}/").json()
    assert (offer_seen["contact"] is not None) is revealed
    if revealed:
        assert offer_seen["contact"]["phone"] == "0176 222"


@pytest.mark.django_db
def test_an_accepted_match_reveals_nothing_to_a_third_party():
    world = World.build()
    match = _match(world, MatchState.ACCEPTED)
    stranger = client_for(world.users["other_member"])
    assert stranger.get(f"/api/v1/matches/{match.pk}/").status_code == 404
    seen = stranger.get(f"/api/v1/donation-offers/{match.donation_offer_id}/").json()
    assert seen["address"] is seen["contact"] is None


def _volunteer_match(world: World, state: str) -> Match:
    from tests.api import access_volunteers as v

    shift_need = v.need(world, status="partly_matched")
    return Match.objects.create(
        kind=Match.Kind.VOLUNTEERS,
        shift=shift_need.shifts.get(),
        volunteer=v.profile(world),
        quantity=1,
        distance_m=2100,
        score=0.7,
        state=state,
    )


def _housing_match(world: World, state: str) -> Match:
    from tests.api import access_housing as h

    return Match.objects.create(
        kind=Match.Kind.HOUSING,
        housing_need=h.household(world, status="partly_matched"),
        housing_offer=h.flat(world, status="partly_matched"),
        quantity=1,
        distance_m=3300,
        score=0.6,
        state=state,
    )


@pytest.mark.django_db
@pytest.mark.parametrize("state", BEFORE_BOTH_SAID_YES + AFTER_BOTH_SAID_YES)
def test_a_volunteer_and_an_initiative_see_each_others_place_only_after_both_said_yes(state):
    from tests.api.access_volunteers import HOME_ADDRESS
    from tests.api.access_volunteers import NEED_ADDRESS as SHIFT_ADDRESS

    world = World.build()
    match = _volunteer_match(world, state)
    revealed = state in AFTER_BOTH_SAID_YES
    volunteer, member = client_for(world.users["volunteer"]), client_for(world.users["member"])

    seen_by_volunteer = volunteer.get(f"/api/v1/matches/{match.pk}/").json()
    assert seen_by_volunteer["kind"] == "volunteers" and seen_by_volunteer["shift"]["start"]
    assert (seen_by_volunteer["need"]["address"] == SHIFT_ADDRESS) is revealed
    seen_by_member = member.get(f"/api/v1/matches/{match.pk}/").json()
    assert (seen_by_member["offer"]["address"] == HOME_ADDRESS) is revealed
    assert (seen_by_member["offer"]["contact"] is not None) is revealed
    profile = member.get(f"/api/v1/volunteer-profiles/{match.volunteer_id}/")
    assert (profile.status_code == 200) is revealed
    if revealed:
        assert profile.json()["address"] == HOME_ADDRESS


@pytest.mark.django_db
@pytest.mark.parametrize("state", BEFORE_BOTH_SAID_YES + AFTER_BOTH_SAID_YES)
def test_a_landlord_and_a_household_see_each_others_place_only_after_both_said_yes(state):
    from tests.api.access_housing import FLAT_ADDRESS, HOUSEHOLD_ADDRESS, HOUSEHOLD_NOTES

    world = World.build()
    match = _housing_match(world, state)
    revealed = state in AFTER_BOTH_SAID_YES
    landlord, member = client_for(world.users["landlord"]), client_for(world.users["member"])

    seen_by_landlord = landlord.get(f"/api/v1/matches/{match.pk}/")
    assert seen_by_landlord.status_code == 200
    assert (seen_by_landlord.json()["need"]["address"] == HOUSEHOLD_ADDRESS) is revealed
    assert HOUSEHOLD_NOTES not in seen_by_landlord.content.decode()
    seen_by_member = member.get(f"/api/v1/matches/{match.pk}/").json()
    assert (seen_by_member["offer"]["address"] == FLAT_ADDRESS) is revealed
    stranger = client_for(world.users["other_member"])
    assert stranger.get(f"/api/v1/matches/{match.pk}/").status_code == 404
