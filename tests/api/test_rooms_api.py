"""Rooms for initiatives over the API: public lists without the exact address, requests with
field errors on bad input (nothing stored), decisions only by the room's owner or a
coordinator, and the database's refusal of an overlapping booking as a 409."""

from datetime import timedelta

import pytest
from django.core.cache import cache

from rooms.models import Booking, RequestStatus, Room, RoomRequest
from tests.conftest import client_for
from tests.factories import OrganisationFactory
from tests.rooms.factories import (
    ROOM_ADDRESS,
    ROOM_LAT,
    RoomFactory,
    RoomRequestFactory,
    coming,
    member_of,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_limits():
    cache.clear()


@pytest.fixture
def hall():
    return RoomFactory(
        name="Saal",
        capacity=40,
        equipment=["kitchen", "wifi"],
        owner=OrganisationFactory(name="Stadtteilzentrum"),
    )


def _body(**overrides) -> dict:
    start, end = coming(days=10, hour=17)
    body = {"title": "Elterncafé", "start": start.isoformat(), "end": end.isoformat()}
    body["people"] = 20
    body.update(overrides)
    return body


def test_anyone_lists_rooms_without_the_exact_address(hall):
    response = client_for(None).get("/api/v1/rooms/")
    assert response.status_code == 200
    (room,) = response.json()["results"]
    assert room["name"] == "Saal" and room["district"] == "Plagwitz"
    assert room["address"] is None and room["location"] is None
    assert room["approx_location"]["lat"] != ROOM_LAT
    assert ROOM_ADDRESS not in response.content.decode()
    assert room["hours"][0] == {"weekday": 0, "start": "08:00:00", "end": "22:00:00"}


def test_the_map_is_geojson_at_the_public_point(hall):
    response = client_for(None).get("/api/v1/rooms/map/")
    assert response.status_code == 200
    body = response.json()
    assert body["type"] == "FeatureCollection"
    (feature,) = body["features"]
    assert feature["geometry"]["coordinates"] == [hall.approx_point.x, hall.approx_point.y]
    assert str(ROOM_LAT) not in response.content.decode()


def test_the_list_filters_by_people_step_free_and_equipment(hall):
    RoomFactory(name="Klein", capacity=8, step_free=False, equipment=["wifi"])
    client = client_for(None)
    names = lambda url: [r["name"] for r in client.get(url).json()["results"]]  # noqa: E731
    assert names("/api/v1/rooms/?people=20") == ["Saal"]
    assert names("/api/v1/rooms/?step_free=true") == ["Saal"]
    assert names("/api/v1/rooms/?equipment=wifi") == ["Klein", "Saal"]
    assert names("/api/v1/rooms/?equipment=wifi&equipment=kitchen") == ["Saal"]
    assert client.get("/api/v1/rooms/?equipment=sauna").status_code == 400


def test_the_owner_sees_the_exact_address(hall):
    owner = member_of(hall.owner)
    room = client_for(owner).get(f"/api/v1/rooms/{hall.pk}/").json()
    assert room["address"] == ROOM_ADDRESS and room["is_mine"] is True


def test_an_initiative_requests_a_room_and_sees_it_confirmed_with_the_address(
    hall, initiative_member, coordinator
):
    response = client_for(initiative_member).post("/api/v1/room-requests/", _body(), format="json")
    assert response.status_code == 201, response.json()
    request = response.json()
    assert request["status"] == "requested" and request["room"] is None
    suitable = client_for(initiative_member).get(
        f"/api/v1/room-requests/{request['id']}/suitable-rooms/"
    )
    assert [r["name"] for r in suitable.json()["results"]] == ["Saal"]
    assert suitable.json()["results"][0]["address"] is None  # not before the confirmation

    confirmed = client_for(coordinator).post(
        f"/api/v1/room-requests/{request['id']}/confirm/", {"room": hall.pk}, format="json"
    )
    assert confirmed.status_code == 200, confirmed.json()
    mine = client_for(initiative_member).get("/api/v1/room-requests/").json()["results"]
    assert mine[0]["status"] == "confirmed" and mine[0]["booking"]
    assert mine[0]["room"]["address"] == ROOM_ADDRESS


@pytest.mark.parametrize(
    "overrides,field",
    [
        pytest.param({"start": "1900-05-04T17:00:00+01:00"}, "start", id="in-1900"),
        pytest.param({"people": 41}, "people", id="more-people-than-any-room-holds"),
        pytest.param(
            {"end": (coming(days=10, hour=16)[0]).isoformat()}, "end", id="end-before-start"
        ),
        pytest.param({"equipment": ["sauna"]}, "equipment", id="unknown-equipment"),
    ],
)
def test_a_bad_request_is_a_400_with_a_field_message_and_nothing_is_stored(
    hall, initiative_member, overrides, field
):
    response = client_for(initiative_member).post(
        "/api/v1/room-requests/", _body(**overrides), format="json"
    )
    assert response.status_code == 400
    assert response.json()[field]  # messages (by position for a list)
    assert not RoomRequest.objects.exists()


def test_more_people_than_any_room_names_the_largest(hall, initiative_member):
    client = client_for(initiative_member)
    client.credentials(HTTP_ACCEPT_LANGUAGE="en")
    response = client.post("/api/v1/room-requests/", _body(people=300), format="json")
    assert "the largest room offered holds 40" in response.json()["people"][0]


def test_hours_ending_before_they_start_are_a_400_and_nothing_is_stored(hall):
    owner = member_of(hall.owner)
    body = {
        "owner": hall.owner_id,
        "name": "Neuer Raum",
        "address": "04229 Leipzig",
        "capacity": 10,
        "hours": [{"weekday": 1, "start": "20:00", "end": "18:00"}],
    }
    response = client_for(owner).post("/api/v1/rooms/", body, format="json")
    assert response.status_code == 400
    assert "20:00–18:00" in response.json()["hours"][0]
    assert Room.objects.count() == 1


def test_a_member_of_another_initiative_cannot_confirm(hall, initiative):
    request = RoomRequestFactory(organisation=initiative)
    other = member_of(OrganisationFactory(name="Andere Initiative"))
    response = client_for(other).post(
        f"/api/v1/room-requests/{request.pk}/confirm/", {"room": hall.pk}, format="json"
    )
    assert response.status_code in (403, 404)
    # Not even its own members confirm: only the room's owner or a coordinator.
    member = member_of(initiative)
    response = client_for(member).post(
        f"/api/v1/room-requests/{request.pk}/confirm/", {"room": hall.pk}, format="json"
    )
    assert response.status_code == 403
    request.refresh_from_db()
    assert request.status == RequestStatus.REQUESTED and not Booking.objects.exists()


def test_an_overlapping_confirmation_is_a_409_and_changes_nothing(hall, coordinator):
    first = RoomRequestFactory()
    second = RoomRequestFactory(start=first.start + timedelta(hours=1), end=first.end)
    coordinator.preferred_language = "en"  # the API answers in the person's language
    coordinator.save(update_fields=["preferred_language"])
    client = client_for(coordinator)
    url = "/api/v1/room-requests/{}/confirm/"
    assert client.post(url.format(first.pk), {"room": hall.pk}, format="json").status_code == 200
    response = client.post(url.format(second.pk), {"room": hall.pk}, format="json")
    assert response.status_code == 409
    assert response.json() == {"room": ["This room is already booked at that time."]}
    second.refresh_from_db()
    assert second.status == RequestStatus.REQUESTED


def test_the_owner_sees_open_requests_and_declines_one(hall, initiative):
    owner = member_of(hall.owner)
    request = RoomRequestFactory(organisation=initiative)
    listed = client_for(owner).get("/api/v1/room-requests/to-decide/").json()["results"]
    assert [r["id"] for r in listed] == [request.pk]
    response = client_for(owner).post(
        f"/api/v1/room-requests/{request.pk}/decline/", {"reason": "Belegt"}, format="json"
    )
    assert response.status_code == 200 and response.json()["status"] == "declined"
    again = client_for(owner).post(f"/api/v1/room-requests/{request.pk}/decline/", {})
    assert again.status_code == 404  # decided: no longer open to the owner
