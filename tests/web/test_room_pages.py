"""The room pages: the public list with its filters, an initiative's request form (errors
beside the fields, nothing saved on bad input) and its requests with the calendar file, the
owners' and coordinators' page to decide, and the owner's form with the bookable hours."""

from datetime import timedelta

import pytest
from django.utils import timezone
from icalendar import Calendar

from rooms.models import Booking, BookingStatus, RequestStatus, Room, RoomRequest
from rooms.services import confirm
from tests.factories import OrganisationFactory, UserFactory
from tests.rooms.factories import (
    ROOM_ADDRESS,
    RoomFactory,
    RoomRequestFactory,
    member_of,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def hall():
    return RoomFactory(
        name="Saal im Stadtteilzentrum",
        capacity=40,
        equipment=["kitchen", "wifi"],
        owner=OrganisationFactory(name="Stadtteilzentrum Plagwitz"),
    )


def _request_form(**overrides) -> dict:
    day = timezone.localdate() + timedelta(days=9)
    data = {
        "title": "Elterncafé",
        "date": day.isoformat(),
        "start_time": "17:00",
        "end_time": "19:00",
        "people": "20",
        "note": "",
    }
    data.update(overrides)
    return data


def test_anyone_sees_the_rooms_without_the_exact_address(client, hall):
    RoomFactory(name="Kleiner Raum", capacity=8, step_free=False)
    page = client.get("/rooms/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "Saal im Stadtteilzentrum" in body and "Kleiner Raum" in body
    assert "Plagwitz" in body and ROOM_ADDRESS not in body
    filtered = client.get("/rooms/?people=20&step_free=on&equipment=kitchen").content.decode()
    assert "Saal im Stadtteilzentrum" in filtered and "Kleiner Raum" not in filtered


def test_a_member_requests_a_room(client, hall, initiative_member):
    client.force_login(initiative_member)
    assert client.get("/rooms/requests/new/").status_code == 200
    response = client.post(
        "/rooms/requests/new/", _request_form(equipment=["kitchen"], needs_step_free="on")
    )
    assert response.status_code == 302
    request = RoomRequest.objects.get()
    assert request.title == "Elterncafé" and request.equipment == ["kitchen"]
    assert timezone.localtime(request.start).hour == 17


@pytest.mark.parametrize(
    "overrides,field,message",
    [
        pytest.param({"date": "1900-05-04"}, "date", "the date lies before 2000", id="in-1900"),
        pytest.param(
            {"people": "41"}, "people", "No room holds 41 people", id="more-than-any-room"
        ),
        pytest.param(
            {"end_time": "16:00"}, "end_time", "must end after it begins", id="end-before-start"
        ),
    ],
)
def test_a_bad_request_shows_the_error_beside_its_field_and_saves_nothing(
    client, hall, initiative_member, overrides, field, message
):
    initiative_member.preferred_language = "en"  # the messages' source language
    initiative_member.save()
    client.force_login(initiative_member)
    response = client.post("/rooms/requests/new/", _request_form(**overrides))
    assert response.status_code == 400
    body = response.content.decode()
    error = body.split(f'id="{field}-error"')[1].split("</div>")[0]
    assert message in error
    assert f'id="id_{field}"' in body and 'aria-invalid="true"' in body
    assert 'value="Elterncafé"' in body  # what was typed stays
    assert not RoomRequest.objects.exists()


def test_our_requests_show_the_confirmed_room_and_its_calendar_file(
    client, hall, initiative, initiative_member, coordinator
):
    request = RoomRequestFactory(organisation=initiative, title="Sprachcafé")
    booking = confirm(request, hall, coordinator)
    client.force_login(initiative_member)
    body = client.get("/rooms/requests/").content.decode()
    assert "Sprachcafé" in body and "Saal im Stadtteilzentrum" in body and ROOM_ADDRESS in body
    assert f"/rooms/bookings/{booking.pk}.ics" in body
    ics = client.get(f"/rooms/bookings/{booking.pk}.ics")
    assert ics.status_code == 200 and ics["Content-Type"].startswith("text/calendar")
    (event,) = Calendar.from_ical(ics.content).walk("VEVENT")
    assert str(event["location"]) == ROOM_ADDRESS
    assert event["dtstart"].dt == request.start and event["status"] == "CONFIRMED"


def test_the_calendar_file_is_not_for_strangers(client, hall, coordinator):
    booking = confirm(RoomRequestFactory(), hall, coordinator)
    client.force_login(UserFactory(username="fremd"))
    assert client.get(f"/rooms/bookings/{booking.pk}.ics").status_code == 404


def test_the_owner_confirms_a_request_with_a_suitable_room(client, hall, initiative):
    owner = member_of(hall.owner)
    RoomFactory(name="Fremder Raum")  # another owner's: not offered to this one
    request = RoomRequestFactory(organisation=initiative, title="Nähkurs")
    client.force_login(owner)
    page = client.get("/rooms/decide/").content.decode()
    assert "Nähkurs" in page and f'data-confirm-room="{hall.pk}"' in page
    assert "Fremder Raum" not in page
    response = client.post(f"/rooms/requests/{request.pk}/confirm/", {"room": hall.pk})
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == RequestStatus.CONFIRMED


def test_a_second_overlapping_confirmation_is_told_and_changes_nothing(client, hall, coordinator):
    first = RoomRequestFactory()
    second = RoomRequestFactory(start=first.start, end=first.end)
    confirm(first, hall, coordinator)
    coordinator.preferred_language = "en"
    coordinator.save(update_fields=["preferred_language"])
    client.force_login(coordinator)
    response = client.post(f"/rooms/requests/{second.pk}/confirm/", {"room": hall.pk}, follow=True)
    assert "This room is already booked at that time." in response.content.decode()
    second.refresh_from_db()
    assert second.status == RequestStatus.REQUESTED
    assert Booking.objects.filter(status=BookingStatus.CONFIRMED).count() == 1


def test_members_of_initiatives_without_rooms_cannot_decide(client, initiative_member):
    client.force_login(initiative_member)
    assert client.get("/rooms/decide/").status_code == 403


def _room_form(owner, **overrides) -> dict:
    data = {
        "owner": str(owner.pk),
        "name": "Gruppenraum",
        "capacity": "15",
        "description": "",
        "address": "04229 Leipzig",
        "latitude": "",
        "longitude": "",
        "equipment": ["wifi", "whiteboard"],
        "active": "on",
        "hours_0_start": "17:00",
        "hours_0_end": "21:00",
    }
    data.update(overrides)
    return data


def test_an_owner_offers_a_room_with_its_hours(client, initiative, initiative_member):
    client.force_login(initiative_member)
    assert client.get("/rooms/new/").status_code == 200
    response = client.post("/rooms/new/", _room_form(initiative))
    assert response.status_code == 302
    room = Room.objects.get()
    assert room.owner == initiative and room.equipment == ["whiteboard", "wifi"]
    assert [(h.weekday, h.start.hour, h.end.hour) for h in room.hours.all()] == [(0, 17, 21)]


def test_hours_ending_before_they_start_are_shown_beside_the_day(
    client, initiative, initiative_member
):
    client.force_login(initiative_member)
    response = client.post(
        "/rooms/new/", _room_form(initiative, hours_2_start="20:00", hours_2_end="18:00")
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "20:00–18:00" in body.split('id="hours_2_start-error"')[1].split("</div>")[0]
    assert not Room.objects.exists()


def test_the_owner_changes_the_room(client, hall):
    owner = member_of(hall.owner)
    client.force_login(owner)
    page = client.get(f"/rooms/{hall.pk}/edit/")
    assert page.status_code == 200 and 'value="08:00"' in page.content.decode()
    data = _room_form(hall.owner, name=hall.name, capacity="45", address=hall.address)
    assert client.post(f"/rooms/{hall.pk}/edit/", data).status_code == 302
    hall.refresh_from_db()
    assert hall.capacity == 45 and hall.hours.count() == 1


def test_strangers_do_not_reach_the_room_form(client, hall, initiative_member):
    client.force_login(initiative_member)
    assert client.get(f"/rooms/{hall.pk}/edit/").status_code == 404


def test_the_owner_cancels_a_booking_and_the_request_is_open_again(client, hall, coordinator):
    request = RoomRequestFactory(title="Chorprobe")
    booking = confirm(request, hall, coordinator)
    owner = member_of(hall.owner)
    client.force_login(owner)
    page = client.get("/rooms/decide/").content.decode()
    assert f'data-booking="{booking.pk}"' in page
    assert client.post(f"/rooms/bookings/{booking.pk}/cancel/").status_code == 302
    booking.refresh_from_db()
    request.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED
    assert request.status == RequestStatus.REQUESTED


def test_the_initiative_withdraws_its_request(client, initiative, initiative_member):
    request = RoomRequestFactory(organisation=initiative)
    client.force_login(initiative_member)
    assert client.post(f"/rooms/requests/{request.pk}/withdraw/").status_code == 302
    request.refresh_from_db()
    assert request.status == RequestStatus.WITHDRAWN


def test_another_initiative_cannot_withdraw_it(client, initiative):
    request = RoomRequestFactory()
    client.force_login(member_of(initiative))
    assert client.post(f"/rooms/requests/{request.pk}/withdraw/").status_code == 404
    request.refresh_from_db()
    assert request.status == RequestStatus.REQUESTED
