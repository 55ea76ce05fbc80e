"""A person's export holds the matches they were told about, as they were shown: a proposal
no coordinator approved stays internal, and before both sides said yes the other side's place
shows only as the public grid allows."""

import pytest

from matching import workflow
from matching.models import Match, MatchState
from matching.selectors import public_distance_m
from privacy.selectors import export_personal_data
from tests.api.access import World
from tests.api.access_goods import need, offer

pytestmark = pytest.mark.django_db

EXACT_DISTANCE_M = 4817.3


def _proposal(world: World, title: str) -> Match:
    return Match.objects.create(
        goods_need=need(world, status="partly_matched"),
        donation_offer=offer(world, status="partly_matched", title=title),
        quantity=2,
        distance_m=EXACT_DISTANCE_M,
        score=0.8125,
        score_breakdown={"distance": 0.3125, "urgency": 1.0},
    )


@pytest.fixture
def matches(db):
    world = World.build()
    coordinator = world.users["coordinator"]
    unreviewed = _proposal(world, "unreviewed")
    rejected = workflow.reject(
        _proposal(world, "rejected"), actor=coordinator, reason="Der Spender wohnt zu weit weg"
    )
    offered = workflow.approve(
        _proposal(world, "offered"), actor=coordinator, reason="Passt, Größe geprüft"
    )
    return world, unreviewed, rejected, offered


@pytest.mark.parametrize("role", ["donor", "member"])
def test_the_export_lists_only_matches_shown_to_the_person(matches, role):
    world, unreviewed, rejected, offered = matches
    exported = export_personal_data(world.users[role])["matches"]
    assert [m["id"] for m in exported] == [offered.pk]
    text = repr(exported)
    assert "Der Spender wohnt zu weit weg" not in text


@pytest.mark.parametrize("role", ["donor", "member"])
def test_before_both_said_yes_the_export_shows_the_public_distance_only(matches, role):
    world, _, _, offered = matches
    [shown] = export_personal_data(world.users[role])["matches"]
    assert shown["distance_m"] == round(public_distance_m(offered)) != round(EXACT_DISTANCE_M)
    assert shown["score"] is None and shown["score_breakdown"] is None
    # The steps are there, but who took them and why is for coordinators.
    assert [e["to_state"] for e in shown["events"]] == ["approved", "offered"]
    assert all("actor_id" not in e and "reason" not in e for e in shown["events"])
    assert "Passt, Größe geprüft" not in repr(shown)


def test_once_both_said_yes_the_export_has_the_match_as_it_is(matches):
    world, _, _, offered = matches
    for role in ("member", "donor"):
        workflow.respond(offered, user=world.users[role], answer="yes")
    [shown] = export_personal_data(world.users["donor"])["matches"]
    assert shown["state"] == MatchState.ACCEPTED
    assert shown["distance_m"] == EXACT_DISTANCE_M and shown["score"] == 0.8125
    # Their own yes, with what they said, is theirs.
    mine = [e for e in shown["events"] if e.get("actor_id") == world.users["donor"].pk]
    assert mine and mine[0]["reason"]
