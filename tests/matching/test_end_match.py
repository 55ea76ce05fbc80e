"""Ending a match (declined, rejected, expired, cancelled) gives back what it held."""

from datetime import time, timedelta

import pytest

from matching.models import Match, MatchState
from matching.services import end_match
from tests.factories import DonationOfferFactory, GoodsNeedFactory
from tests.housing.factories import HousingNeedFactory, HousingOfferFactory
from tests.matching.batching import created, run_for
from tests.matching.test_batches import LINDENAU, _next, _volunteer, east
from tests.volunteers.factories import VolunteerNeedFactory

pytestmark = pytest.mark.django_db

ENDINGS = [MatchState.DECLINED, MatchState.REJECTED, MatchState.EXPIRED, MatchState.CANCELLED]


@pytest.mark.parametrize("state", ENDINGS)
def test_an_ended_goods_match_gives_the_quantity_back_to_both_sides(state):
    need = GoodsNeedFactory(**east(LINDENAU, 0), quantity=6)
    offer = DonationOfferFactory(**east(LINDENAU, 1), quantity=4)
    [match] = created(run_for(need))
    end_match(match, state, reason="no time")
    need.refresh_from_db()
    offer.refresh_from_db()
    assert (need.quantity_open, need.status, need.needs_matching) == (6, "open", True)
    assert (offer.quantity_open, offer.status, offer.needs_matching) == (4, "open", True)
    assert match.events.last().to_state == state and match.events.last().reason == "no time"
    # The next batch may propose the same pair again: capacity is free once more.
    assert len(created(run_for(need))) == 1


def test_ending_a_match_twice_changes_nothing_the_second_time():
    need = GoodsNeedFactory(**east(LINDENAU, 0), quantity=6)
    DonationOfferFactory(**east(LINDENAU, 1), quantity=4)
    [match] = created(run_for(need))
    end_match(match, MatchState.DECLINED)
    end_match(match, MatchState.EXPIRED)
    need.refresh_from_db()
    assert need.quantity_open == 6 and match.state == MatchState.DECLINED


def test_only_ending_states_end_a_match():
    need = GoodsNeedFactory(**east(LINDENAU, 0))
    DonationOfferFactory(**east(LINDENAU, 1))
    [match] = created(run_for(need))
    with pytest.raises(ValueError):
        end_match(match, MatchState.ACCEPTED)


def test_a_declined_shift_gets_its_place_back():
    start = _next(1, time(17, 0))
    need = VolunteerNeedFactory(
        **east(LINDENAU, 0),
        shifts=[{"start": start, "end": start + timedelta(hours=2), "people": 1}],
    )
    volunteer = _volunteer(**east(LINDENAU, 1))
    [match] = created(run_for(need))
    end_match(match, MatchState.DECLINED)
    shift = need.shifts.get()
    need.refresh_from_db()
    volunteer.refresh_from_db()
    assert shift.people_open == 1 and need.status == "open" and volunteer.needs_matching


def test_a_declined_flat_is_free_for_the_household_again():
    household = HousingNeedFactory(**east(LINDENAU, 0))
    flat = HousingOfferFactory(**east(LINDENAU, 1))
    [match] = created(run_for(household))
    end_match(match, MatchState.DECLINED)
    household.refresh_from_db()
    flat.refresh_from_db()
    assert household.status == flat.status == "open"
    assert not Match.objects.filter(state__in=["proposed"]).exists()
