"""Which rooms suit a request: capacity, equipment, step-free, bookable hours in local time
(Europe/Berlin, across a change of daylight-saving time), and no confirmed booking then."""

from datetime import date, time, timedelta

import pytest
from django.utils import timezone

from rooms import selectors, services
from rooms.models import BookingStatus
from rooms.services import local_datetime
from tests.rooms.factories import (
    BookingFactory,
    RoomFactory,
    RoomHoursFactory,
    RoomRequestFactory,
    coming,
    member_of,
)

pytestmark = pytest.mark.django_db


def _names(rooms) -> list[str]:
    return [room.name for room in rooms]


def test_rooms_that_hold_the_people_with_the_equipment_smallest_first():
    RoomFactory(name="Klein", capacity=10)
    RoomFactory(name="Mittel", capacity=30, equipment=["projector", "wifi"])
    RoomFactory(name="Groß", capacity=80, equipment=["projector", "kitchen"])
    RoomFactory(name="Ohne Beamer", capacity=50)
    request = RoomRequestFactory(people=20, equipment=["projector"])
    assert _names(selectors.suitable_rooms(request)) == ["Mittel", "Groß"]


def test_step_free_and_active_are_required():
    RoomFactory(name="Treppe", step_free=False)
    RoomFactory(name="Geschlossen", active=False)
    RoomFactory(name="Ebenerdig")
    request = RoomRequestFactory(needs_step_free=True)
    assert _names(selectors.suitable_rooms(request)) == ["Ebenerdig"]


def test_the_hours_must_cover_the_slot_on_its_local_weekday():
    monday = timezone.localdate() + timedelta(days=7 - timezone.localdate().weekday())
    evening = RoomHoursFactory(weekday=0, start=time(17), end=time(21)).room
    start = local_datetime(monday, time(18))
    fits = RoomRequestFactory(start=start, end=start + timedelta(hours=2))
    too_late = RoomRequestFactory(start=start, end=start + timedelta(hours=4))
    tuesday = RoomRequestFactory(
        start=start + timedelta(days=1), end=start + timedelta(days=1, hours=2)
    )
    assert list(selectors.suitable_rooms(fits)) == [evening]
    assert list(selectors.suitable_rooms(too_late)) == []
    assert list(selectors.suitable_rooms(tuesday)) == []


@pytest.mark.parametrize("day", [date(2027, 3, 29), date(2027, 11, 1)], ids=["summer", "winter"])
def test_local_hours_hold_in_summer_and_winter_time(day):
    """17:00 in Leipzig is 15:00 UTC in summer and 16:00 UTC in winter: both are the room's
    evening."""
    assert day.weekday() == 0
    room = RoomHoursFactory(weekday=0, start=time(17), end=time(21)).room
    start = local_datetime(day, time(17))
    request = RoomRequestFactory(start=start, end=start + timedelta(hours=4))
    assert list(selectors.suitable_rooms(request)) == [room]


def test_a_room_with_a_confirmed_overlapping_booking_is_not_suitable():
    busy, free = RoomFactory(name="Belegt"), RoomFactory(name="Frei")
    request = RoomRequestFactory()
    BookingFactory(
        room=busy,
        request=RoomRequestFactory(
            start=request.start - timedelta(hours=1), end=request.start + timedelta(minutes=30)
        ),
    )
    BookingFactory(room=free, request=RoomRequestFactory(), status=BookingStatus.CANCELLED)
    assert _names(selectors.suitable_rooms(request)) == ["Frei"]


def test_owners_see_only_their_own_suitable_rooms():
    mine = RoomFactory(name="Unserer")
    RoomFactory(name="Fremder")
    request = RoomRequestFactory()
    assert _names(selectors.suitable_rooms(request, owners={mine.owner_id})) == ["Unserer"]


def test_the_exact_address_is_for_owners_coordinators_and_confirmed_initiatives(
    coordinator, initiative
):
    room = RoomFactory()
    owner_member = member_of(room.owner)
    member = member_of(initiative)
    assert not selectors.may_see_exact(member, room)
    request = RoomRequestFactory(organisation=initiative)
    assert not selectors.may_see_exact(member, room)
    services.confirm(request, room, owner_member)
    assert selectors.may_see_exact(member, room)
    assert selectors.may_see_exact(owner_member, room)
    assert selectors.may_see_exact(coordinator, room)


def test_the_public_list_filters_by_people_step_free_and_equipment():
    RoomFactory(name="A", capacity=10)
    RoomFactory(name="B", capacity=40, step_free=False, equipment=["kitchen"])
    RoomFactory(name="C", capacity=40, equipment=["kitchen", "wifi"])
    assert _names(selectors.public_rooms(people=20)) == ["B", "C"]
    assert _names(selectors.public_rooms(people=20, step_free=True)) == ["C"]
    assert _names(selectors.public_rooms(equipment=["kitchen", "wifi"])) == ["C"]
    assert coming()[0] > timezone.now()
