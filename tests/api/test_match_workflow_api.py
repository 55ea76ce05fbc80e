"""The workflow over the API: clear errors that change nothing, and what each side sees."""

import pytest

from matching.models import Match, MatchState
from tests.api.access import World
from tests.api.access_goods import _match, need, offer
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return World.build()


def post(user, url: str, body: dict | None = None):
    # Messages are asserted in English whatever language the user prefers.
    return client_for(user).post(url, body or {}, format="json", HTTP_ACCEPT_LANGUAGE="en")


def state(match: Match) -> str:
    match.refresh_from_db()
    return match.state


def test_a_reject_without_reason_is_a_field_error(world):
    match = _match(world)
    response = post(world.users["coordinator"], f"/api/v1/matches/{match.pk}/reject/")
    assert response.status_code == 400 and "reason" in response.json()
    assert state(match) == MatchState.PROPOSED


def test_a_step_that_does_not_fit_the_state_is_a_conflict(world):
    match = _match(world, MatchState.ACCEPTED)
    response = post(world.users["coordinator"], f"/api/v1/matches/{match.pk}/approve/")
    assert response.status_code == 409
    assert response.json() == {"detail": ["This is not possible for a match that is Accepted."]}
    assert state(match) == MatchState.ACCEPTED


@pytest.mark.parametrize("quantity", [0, 6, "many", None])
def test_a_handover_quantity_outside_the_match_is_a_field_error(world, quantity):
    match = _match(world, MatchState.ACCEPTED)
    body = {} if quantity is None else {"quantity": quantity}
    response = post(world.users["member"], f"/api/v1/matches/{match.pk}/fulfil/", body)
    assert response.status_code == 400 and "quantity" in response.json()
    assert state(match) == MatchState.ACCEPTED


def test_a_side_sees_the_steps_but_not_who_or_why(world):
    match = _match(world)
    post(world.users["coordinator"], f"/api/v1/matches/{match.pk}/approve/", {"reason": "ok"})
    post(world.users["donor"], f"/api/v1/matches/{match.pk}/decline/", {"reason": "Moved away"})
    by_coordinator = client_for(world.users["coordinator"]).get(
        f"/api/v1/matches/{match.pk}/events/"
    )
    by_member = client_for(world.users["member"]).get(f"/api/v1/matches/{match.pk}/events/")
    assert [e["to_state"] for e in by_member.json()] == ["approved", "offered", "declined"]
    assert by_coordinator.json()[-1]["reason"] == "Moved away"
    assert by_coordinator.json()[-1]["actor"] == "donor"
    assert {e["reason"] for e in by_member.json()} == {None}
    assert {e["actor"] for e in by_member.json()} == {None}


def test_each_side_knows_its_side_and_answers(world):
    match = _match(world, MatchState.OFFERED)
    accepted = post(world.users["donor"], f"/api/v1/matches/{match.pk}/accept/").json()
    assert accepted["my_sides"] == ["offer"] and accepted["offer_answer"] == "yes"
    seen = client_for(world.users["member"]).get(f"/api/v1/matches/{match.pk}/").json()
    assert seen["my_sides"] == ["need"] and seen["need_answer"] == ""
    again = post(world.users["donor"], f"/api/v1/matches/{match.pk}/accept/")
    assert again.status_code == 409 and again.json() == {"detail": ["You have already answered."]}


def test_messages_go_through_the_platform(world):
    match = _match(world, MatchState.OFFERED)
    url = f"/api/v1/matches/{match.pk}/messages/"
    sent = post(world.users["donor"], url, {"body": "Samstag um 10?"})
    assert sent.status_code == 201 and sent.json()["sender_side"] == "offer"
    empty = post(world.users["donor"], url, {"body": ""})
    assert empty.status_code == 400 and "body" in empty.json()
    thread = client_for(world.users["member"]).get(url).json()
    assert [m["body"] for m in thread["results"]] == ["Samstag um 10?"]
    assert thread["results"][0]["mine"] is False
    assert "donor@example.org" not in str(thread)


def test_a_manual_match_with_unknown_records_is_a_field_error(world):
    body = {"kind": "goods", "need": 999999, "offer": 999998, "quantity": 1, "reason": "x"}
    response = post(world.users["coordinator"], "/api/v1/matches/", body)
    assert response.status_code == 400 and set(response.json()) == {"need", "offer"}
    assert not Match.objects.exists()


def test_a_manual_match_above_what_is_open_is_refused(world):
    found_need, found_offer = need(world, quantity=3), offer(world, quantity=2)
    body = {
        "kind": "goods",
        "need": found_need.pk,
        "offer": found_offer.pk,
        "quantity": 3,
        "reason": "By phone",
    }
    response = post(world.users["coordinator"], "/api/v1/matches/", body)
    assert response.status_code == 400
    assert response.json() == {"quantity": ["Only 2 are still open on both sides."]}
    found_need.refresh_from_db()
    assert found_need.quantity_open == 3 and not Match.objects.exists()


def test_a_need_goes_only_to_another_initiative(world):
    found = need(world)
    body = {"kind": "goods", "need": found.pk, "organisation": world.initiative.pk, "reason": "x"}
    same = post(world.users["coordinator"], "/api/v1/handovers/", body)
    assert same.status_code == 400 and "organisation" in same.json()
    body["organisation"] = world.other_initiative.pk
    moved = post(world.users["coordinator"], "/api/v1/handovers/", body)
    assert moved.status_code == 201
    assert moved.json()["to_organisation"] == world.other_initiative.name
    assert moved.json()["actor"] == "coordinator"
    found.refresh_from_db()
    assert found.organisation == world.other_initiative
