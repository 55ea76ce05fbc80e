"""The demo's rooms: five rooms of the city and organisations in Leipzig, requests of the
demo initiatives with confirmed bookings, and loading twice creates nothing new."""

import pytest

from demo import loader as demo
from demo.base import DemoReport
from demo.rooms import REQUESTS, ROOMS, load_rooms
from rooms.models import Booking, BookingStatus, RequestStatus, Room, RoomRequest

pytestmark = pytest.mark.django_db


def test_the_demo_rooms_are_placed_booked_and_loaded_once():
    demo.load_demo()
    report = DemoReport()
    load_rooms(report)
    assert not report.warnings, report.warnings
    assert Room.objects.count() == len(ROOMS) == 5
    assert all(
        room.approx_point and room.district or room.postal_code for room in Room.objects.all()
    )
    assert RoomRequest.objects.count() == len(REQUESTS)
    confirmed = Booking.objects.filter(status=BookingStatus.CONFIRMED)
    assert confirmed.count() == 4
    assert RoomRequest.objects.filter(status=RequestStatus.REQUESTED).count() == 2
    assert RoomRequest.objects.filter(status=RequestStatus.DECLINED).count() == 1

    again = DemoReport()
    load_rooms(again)
    assert not again.created and not again.warnings
    assert (Room.objects.count(), RoomRequest.objects.count(), confirmed.count()) == (5, 7, 4)


def test_without_the_rest_of_the_demo_nothing_is_created():
    report = DemoReport()
    load_rooms(report)
    assert report.warnings and not Room.objects.exists()
