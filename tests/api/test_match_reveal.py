"""Exact places and contacts are revealed to the other side only when both said yes."""

import pytest

from matching.models import Match, MatchState
from tests.api.access import World
from tests.api.access_goods import NEED_ADDRESS, OFFER_ADDRESS, need, offer
from tests.conftest import client_for

BEFORE_BOTH_SAID_YES = [MatchState.PROPOSED, MatchState.APPROVED, MatchState.OFFERED]
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
