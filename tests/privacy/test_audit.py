"""Audit of personal data access: each time anyone but the owner sees an exact address or
contact, who, whose, when and why is written down, and the person's export lists it."""

import pytest

from matching import notices
from matching.models import Match, MatchState
from notifications.models import Notification
from notifications.rendering import render_email
from privacy.models import DataAccess
from privacy.selectors import export_personal_data
from tests.api.access import World
from tests.api.access_goods import need, offer
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def _match(world: World, state: str) -> Match:
    return Match.objects.create(
        goods_need=need(world, status="partly_matched"),
        donation_offer=offer(world, status="partly_matched"),
        quantity=5,
        distance_m=4800,
        score=0.8,
        state=state,
    )


def _seen(viewer, record) -> list[str]:
    return list(
        DataAccess.objects.filter(
            viewer=viewer, record_model=record._meta.label_lower, record_id=record.pk
        ).values_list("why", flat=True)
    )


def test_the_other_side_of_an_accepted_match_is_logged_each_time_it_sees_the_data():
    world = World.build()
    match = _match(world, MatchState.ACCEPTED)
    donor, member = world.users["donor"], world.users["member"]

    client_for(donor).get(f"/api/v1/matches/{match.pk}/")
    client_for(donor).get(f"/api/v1/goods-needs/{match.goods_need_id}/")
    assert _seen(donor, match.goods_need) == ["the other side of an accepted match"] * 2
    # Their own offer, shown to them in the same answer, is not an access to someone else's.
    assert _seen(donor, match.donation_offer) == []

    client_for(member).get(f"/api/v1/matches/{match.pk}/")
    assert _seen(member, match.donation_offer) == ["the other side of an accepted match"]
    access = DataAccess.objects.get(viewer=member)
    assert access.subject == match.donation_offer.donor


def test_nothing_is_logged_when_nothing_exact_is_shown():
    world = World.build()
    match = _match(world, MatchState.OFFERED)
    client_for(world.users["donor"]).get(f"/api/v1/matches/{match.pk}/")
    client_for(world.users["other_member"]).get(
        f"/api/v1/donation-offers/{match.donation_offer_id}/"
    )
    client_for(world.users["member"]).get(f"/api/v1/goods-needs/{match.goods_need_id}/")
    assert not DataAccess.objects.exists()


def test_a_coordinator_reading_a_record_is_logged_as_such():
    world = World.build()
    record = offer(world)
    coordinator = world.users["coordinator"]
    client_for(coordinator).get(f"/api/v1/donation-offers/{record.pk}/")
    assert _seen(coordinator, record) == ["coordinator"]


def test_the_accepted_match_page_is_logged_and_the_export_says_who_saw_what():
    world = World.build()
    match = _match(world, MatchState.ACCEPTED)
    donor = world.users["donor"]
    page = client_for(donor)
    page.force_login(donor)
    assert page.get(f"/matches/{match.pk}/").status_code == 200
    assert _seen(donor, match.goods_need) == [f"accepted match {match.pk}"]

    owner = match.goods_need.created_by
    seen = export_personal_data(owner)["seen_by"]
    assert [(row["viewer"], row["why"]) for row in seen] == [
        (donor.username, f"accepted match {match.pk}")
    ]
    assert seen[0]["record"] == {"kind": "donations.goodsneed", "id": match.goods_need_id}
    # The viewer's export does not list what they saw of others.
    assert export_personal_data(donor)["seen_by"] == []


def test_an_email_that_carries_the_other_sides_contact_is_logged_when_rendered():
    world = World.build()
    match = _match(world, MatchState.ACCEPTED)
    notices.accepted(match)
    donor = world.users["donor"]
    email = Notification.objects.get(recipient=donor, template="match_accepted")
    render_email(email)
    assert _seen(donor, match.goods_need) == [f"accepted match {match.pk}"]
