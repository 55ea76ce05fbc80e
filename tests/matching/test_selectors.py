"""Who sees which match: its sides only once it was shown to them (approved, and so offered),
coordinators always; and what a side may be told of the distance before both said yes."""

import pytest
from django.contrib.gis.db.models.functions import Distance
from django.utils import timezone

from donations.models import GoodsNeed
from matching.models import Match, MatchEvent, MatchState
from matching.selectors import matches_visible_to, public_distance_m, shown_to_sides
from tests.api import access_goods, access_housing, access_volunteers
from tests.api.access import World

pytestmark = pytest.mark.django_db

S = MatchState
# (the state it is in, whether offered_at is set, its history as (from, to) steps, shown?)
HISTORIES = [
    (S.PROPOSED, False, [("", S.PROPOSED)], False),
    (S.REJECTED, False, [("", S.PROPOSED), (S.PROPOSED, S.REJECTED)], False),
    # revised away by a batch, or its need closed, before anyone reviewed it
    (S.CANCELLED, False, [("", S.PROPOSED), (S.PROPOSED, S.CANCELLED)], False),
    (S.APPROVED, False, [("", S.PROPOSED), (S.PROPOSED, S.APPROVED)], True),
    (S.OFFERED, True, [(S.PROPOSED, S.APPROVED), (S.APPROVED, S.OFFERED)], True),
    (S.ACCEPTED, True, [(S.OFFERED, S.ACCEPTED)], True),
    (S.FULFILLED, True, [(S.ACCEPTED, S.FULFILLED)], True),
    (S.DECLINED, True, [(S.OFFERED, S.DECLINED)], True),
    (S.EXPIRED, True, [(S.OFFERED, S.EXPIRED)], True),
    (S.CANCELLED, True, [(S.ACCEPTED, S.CANCELLED)], True),
    # Told apart by the history alone, or by offered_at alone.
    (S.EXPIRED, False, [(S.OFFERED, S.EXPIRED)], True),
    (S.CANCELLED, False, [(S.PROPOSED, S.APPROVED), (S.APPROVED, S.CANCELLED)], True),
    (S.DECLINED, True, [], True),
]


def _goods(world: World, state: str) -> Match:
    return Match.objects.create(
        goods_need=access_goods.need(world),
        donation_offer=access_goods.offer(world),
        quantity=1,
        distance_m=4800,
        score=0.5,
        state=state,
    )


def _volunteers(world: World, state: str) -> Match:
    return Match.objects.create(
        kind=Match.Kind.VOLUNTEERS,
        shift=access_volunteers.need(world).shifts.get(),
        volunteer=access_volunteers.profile(world),
        quantity=1,
        distance_m=2100,
        score=0.5,
        state=state,
    )


def _housing(world: World, state: str) -> Match:
    return Match.objects.create(
        kind=Match.Kind.HOUSING,
        housing_need=access_housing.household(world),
        housing_offer=access_housing.flat(world),
        quantity=1,
        distance_m=3300,
        score=0.5,
        state=state,
    )


# (how to make a match of the kind, the role on its offer's side)
KINDS = {
    "goods": (_goods, "donor"),
    "volunteers": (_volunteers, "volunteer"),
    "housing": (_housing, "landlord"),
}


@pytest.mark.parametrize("state,offered,history,shown", HISTORIES)
@pytest.mark.parametrize("kind", sorted(KINDS))
def test_a_side_sees_a_match_only_once_it_was_shown_to_them(kind, state, offered, history, shown):
    world = World.build()
    make, offer_role = KINDS[kind]
    match = make(world, state)
    if offered:
        Match.objects.filter(pk=match.pk).update(offered_at=timezone.now())
    for previous, to in history:
        MatchEvent.objects.create(match=match, from_state=previous, to_state=to)

    assert shown_to_sides(Match.objects.all()).filter(pk=match.pk).exists() is shown
    for role in ("member", offer_role):  # the need's side and the offer's side
        visible = list(matches_visible_to(world.users[role]).values_list("pk", flat=True))
        assert visible == ([match.pk] if shown else []), role
    assert list(matches_visible_to(world.users["coordinator"])) == [match]
    assert not matches_visible_to(world.users["other_member"]).exists()


def test_one_match_is_listed_once_however_long_its_history():
    world = World.build()
    match = _goods(world, S.DECLINED)
    for previous, to in [("", S.PROPOSED), (S.PROPOSED, S.APPROVED), (S.APPROVED, S.OFFERED)]:
        MatchEvent.objects.create(match=match, from_state=previous, to_state=to)
    MatchEvent.objects.create(match=match, from_state=S.OFFERED, to_state=S.DECLINED)
    assert list(matches_visible_to(world.users["donor"])) == [match]


def test_the_distance_a_side_may_be_told_is_between_the_public_points():
    world = World.build()
    match = _goods(world, S.OFFERED)
    need, offer = match.goods_need, match.donation_offer
    exact = (
        GoodsNeed.objects.filter(pk=need.pk).annotate(d=Distance("point", offer.point)).get().d.m
    )
    public = (
        GoodsNeed.objects.filter(pk=need.pk)
        .annotate(d=Distance("approx_point", offer.approx_point))
        .get()
        .d.m
    )
    # The database measures on the spheroid, the selector on a sphere: within 0.5 %.
    assert public_distance_m(match) == pytest.approx(public, rel=0.005)
    assert abs(public - exact) > 10  # the fixture's points are not on the grid
