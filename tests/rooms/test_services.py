"""Rooms, requests and decisions through rooms.services: every refusal is a field error and
changes nothing."""

from datetime import time, timedelta

import pytest
from django.utils import timezone

from accounts.models import Role
from base.errors import NOT_ALLOWED, WRONG_STATE, ApplicationError
from rooms import services
from rooms.models import Booking, BookingStatus, RequestStatus, Room, RoomHours, RoomRequest
from rooms.services import Hours, local_datetime
from tests.factories import OrganisationFactory, UserFactory
from tests.rooms.factories import (
    RoomFactory,
    RoomRequestFactory,
    coming,
    member_of,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner():
    return OrganisationFactory(name="Stadtteilzentrum Plagwitz")


@pytest.fixture
def owner_member(owner):
    return member_of(owner, username="olga")


@pytest.fixture
def initiative_member(initiative):
    return member_of(initiative, username="ines")


def _room(owner_member, owner, **overrides):
    fields = {
        "user": owner_member,
        "owner": owner,
        "name": "Saal im Erdgeschoss",
        "address": "04229 Leipzig",
        "capacity": 40,
        "equipment": ["wifi", "projector"],
        "step_free": True,
        "hours": [Hours(0, time(17), time(21)), Hours(5, time(10), time(18))],
    }
    fields.update(overrides)
    return services.create_room(**fields)


def _request(user, **overrides):
    start, end = coming(days=7, hour=18)
    fields = {"user": user, "title": "Elterncafé", "start": start, "end": end, "people": 12}
    fields.update(overrides)
    return services.request_room(**fields)


# --- rooms ---------------------------------------------------------------------------------


def test_an_owner_member_offers_a_room_placed_with_a_public_point(owner_member, owner):
    room = _room(owner_member, owner)
    assert room.owner == owner and room.capacity == 40
    assert room.equipment == ["projector", "wifi"]
    assert room.district == "Plagwitz" or room.postal_code == "04229"
    assert room.approx_point is not None and room.point is not None
    assert list(room.hours.values_list("weekday", "start", "end")) == [
        (0, time(17), time(21)),
        (5, time(10), time(18)),
    ]
    assert room.last_confirmed == timezone.localdate()


def test_hours_that_end_before_they_start_are_a_field_error_and_nothing_is_saved(
    owner_member, owner
):
    with pytest.raises(ApplicationError) as refused:
        _room(owner_member, owner, hours=[Hours(0, time(21), time(17))])
    assert "hours" in refused.value.errors
    assert "Monday" in refused.value.errors["hours"][0]
    assert refused.value.rows == [0]
    assert not Room.objects.exists() and not RoomHours.objects.exists()


def test_a_room_for_no_one_and_an_unknown_place_are_named_together(owner_member, owner):
    with pytest.raises(ApplicationError) as refused:
        _room(owner_member, owner, capacity=0, address="Nirgendwo 99999")
    assert {"capacity", "address"} <= set(refused.value.errors)
    assert not Room.objects.exists()


def test_only_members_offer_rooms_for_an_organisation(owner, initiative_member):
    with pytest.raises(ApplicationError) as refused:
        _room(initiative_member, owner)
    assert "owner" in refused.value.errors
    assert not Room.objects.exists()


def test_a_coordinator_offers_the_citys_rooms(owner, coordinator):
    assert _room(coordinator, owner).owner == owner


def test_changing_a_room_replaces_its_hours_and_confirms_it(owner_member, owner):
    room = _room(owner_member, owner)
    Room.objects.filter(pk=room.pk).update(last_confirmed=timezone.localdate() - timedelta(100))
    room = services.update_room(
        room=room, user=owner_member, capacity=25, hours=[Hours(2, time(9), time(12))]
    )
    assert room.capacity == 25 and room.last_confirmed == timezone.localdate()
    assert list(room.hours.values_list("weekday", flat=True)) == [2]


def test_a_bad_change_changes_nothing(owner_member, owner):
    room = _room(owner_member, owner)
    with pytest.raises(ApplicationError):
        services.update_room(
            room=room, user=owner_member, capacity=0, hours=[Hours(2, time(12), time(9))]
        )
    room.refresh_from_db()
    assert room.capacity == 40 and room.hours.count() == 2


def test_a_stranger_cannot_change_a_room(owner_member, owner, initiative_member):
    room = _room(owner_member, owner)
    with pytest.raises(ApplicationError) as refused:
        services.update_room(room=room, user=initiative_member, capacity=5)
    assert refused.value.code == NOT_ALLOWED


# --- requests ------------------------------------------------------------------------------


def test_an_initiative_member_requests_a_room(initiative_member, initiative):
    RoomFactory(capacity=30)
    request = _request(initiative_member, equipment=["wifi"], needs_step_free=True)
    assert request.organisation == initiative and request.status == RequestStatus.REQUESTED
    assert request.equipment == ["wifi"]


def test_a_request_in_1900_is_a_field_error_and_nothing_is_saved(initiative_member):
    RoomFactory()
    start = local_datetime(timezone.localdate().replace(year=1900), time(18))
    with pytest.raises(ApplicationError) as refused:
        _request(initiative_member, start=start, end=start + timedelta(hours=2))
    assert refused.value.errors["start"] == ["Please check the year: the date lies before 2000."]
    assert not RoomRequest.objects.exists()


def test_a_request_in_the_past_is_a_field_error(initiative_member):
    RoomFactory()
    start, end = coming(days=-2)
    with pytest.raises(ApplicationError) as refused:
        _request(initiative_member, start=start, end=end)
    assert "start" in refused.value.errors
    assert not RoomRequest.objects.exists()


def test_an_end_before_the_start_is_a_field_error_and_nothing_is_saved(initiative_member):
    RoomFactory()
    start, _end = coming()
    with pytest.raises(ApplicationError) as refused:
        _request(initiative_member, start=start, end=start - timedelta(hours=1))
    assert refused.value.errors["end"] == ["The event must end after it begins."]
    assert not RoomRequest.objects.exists()


def test_an_event_past_midnight_is_a_field_error(initiative_member):
    RoomFactory()
    start, _end = coming(hour=22)
    with pytest.raises(ApplicationError) as refused:
        _request(initiative_member, start=start, end=start + timedelta(hours=3))
    assert "end" in refused.value.errors


def test_more_people_than_any_room_holds_is_a_field_error_and_nothing_is_saved(
    initiative_member,
):
    RoomFactory(capacity=30)
    RoomFactory(capacity=80)
    RoomFactory(capacity=500, active=False)  # not offered: does not count
    with pytest.raises(ApplicationError) as refused:
        _request(initiative_member, people=81)
    (message,) = refused.value.errors["people"]
    assert "No room holds 81 people" in message and "80" in message
    assert not RoomRequest.objects.exists()


def test_every_problem_of_a_request_is_named_at_once(initiative_member):
    RoomFactory(capacity=30)
    start = local_datetime(timezone.localdate().replace(year=1900), time(18))
    with pytest.raises(ApplicationError) as refused:
        _request(initiative_member, title="", start=start, end=start, people=900)
    assert {"title", "start", "end", "people"} <= set(refused.value.errors)


def test_only_members_of_an_initiative_request_rooms(donor):
    RoomFactory()
    with pytest.raises(ApplicationError) as refused:
        _request(donor)
    assert "organisation" in refused.value.errors
    assert not RoomRequest.objects.exists()


# --- decisions -----------------------------------------------------------------------------


def test_the_owner_confirms_a_request_and_the_room_is_booked(owner_member, owner):
    room = RoomFactory(owner=owner)
    request = RoomRequestFactory()
    booking = services.confirm(request, room, owner_member)
    request.refresh_from_db()
    assert request.status == RequestStatus.CONFIRMED and request.room == room
    assert booking.status == BookingStatus.CONFIRMED
    assert (booking.during.lower, booking.during.upper) == (request.start, request.end)


def test_a_member_of_another_initiative_cannot_confirm(initiative_member):
    room = RoomFactory()
    request = RoomRequestFactory()
    with pytest.raises(ApplicationError) as refused:
        services.confirm(request, room, initiative_member)
    assert refused.value.code == NOT_ALLOWED
    request.refresh_from_db()
    assert request.status == RequestStatus.REQUESTED and not Booking.objects.exists()


def test_a_room_that_does_not_fit_is_refused(coordinator):
    room = RoomFactory(capacity=10, step_free=False)
    request = RoomRequestFactory(people=12, needs_step_free=True)
    with pytest.raises(ApplicationError) as refused:
        services.confirm(request, room, coordinator)
    assert len(refused.value.errors["room"]) == 2
    assert not Booking.objects.exists()


def test_an_overlapping_confirmation_is_refused_by_the_database(coordinator):
    room = RoomFactory()
    first = RoomRequestFactory()
    second = RoomRequestFactory(
        start=first.start + timedelta(hours=1), end=first.end + timedelta(hours=1)
    )
    services.confirm(first, room, coordinator)
    with pytest.raises(ApplicationError) as refused:
        services.confirm(second, room, coordinator)
    assert refused.value.code == WRONG_STATE
    assert refused.value.errors["room"] == ["This room is already booked at that time."]
    second.refresh_from_db()
    assert second.status == RequestStatus.REQUESTED and second.room is None
    assert Booking.objects.filter(status=BookingStatus.CONFIRMED).count() == 1


def test_back_to_back_bookings_do_not_overlap(coordinator):
    room = RoomFactory()
    first = RoomRequestFactory()
    second = RoomRequestFactory(start=first.end, end=first.end + timedelta(hours=1))
    services.confirm(first, room, coordinator)
    services.confirm(second, room, coordinator)
    assert Booking.objects.filter(status=BookingStatus.CONFIRMED).count() == 2


def test_a_request_is_confirmed_once(coordinator):
    room, other = RoomFactory(), RoomFactory()
    request = RoomRequestFactory()
    services.confirm(request, room, coordinator)
    with pytest.raises(ApplicationError) as refused:
        services.confirm(request, other, coordinator)
    assert refused.value.code == WRONG_STATE


def test_withdrawing_a_confirmed_request_frees_the_room(coordinator, initiative):
    member = member_of(initiative)
    room = RoomFactory()
    request = RoomRequestFactory(organisation=initiative)
    booking = services.confirm(request, room, coordinator)
    services.withdraw(request, member)
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED
    again = RoomRequestFactory(start=request.start, end=request.end)
    services.confirm(again, room, coordinator)


def test_cancelling_a_booking_opens_the_request_again(coordinator):
    room = RoomFactory()
    request = RoomRequestFactory()
    booking = services.confirm(request, room, coordinator)
    services.cancel_booking(booking, coordinator, reason="Wasserschaden")
    request.refresh_from_db()
    assert request.status == RequestStatus.REQUESTED and request.room is None
    with pytest.raises(ApplicationError) as refused:
        services.cancel_booking(booking, coordinator)
    assert refused.value.code == WRONG_STATE


def test_declining_is_for_owners_and_coordinators(owner_member, owner, initiative_member):
    RoomFactory(owner=owner)
    request = RoomRequestFactory()
    with pytest.raises(ApplicationError) as refused:
        services.decline(request, initiative_member)
    assert refused.value.code == NOT_ALLOWED
    declined = services.decline(request, owner_member, reason="Alle Räume belegt")
    assert declined.status == RequestStatus.DECLINED and declined.reason == "Alle Räume belegt"


def test_a_donor_cannot_withdraw_an_initiatives_request():
    request = RoomRequestFactory()
    with pytest.raises(ApplicationError) as refused:
        services.withdraw(request, UserFactory(role=Role.DONOR))
    assert refused.value.code == NOT_ALLOWED
