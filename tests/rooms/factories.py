"""Factories for rooms, their hours, requests and bookings (placed without geocoding)."""

from datetime import datetime, time, timedelta

import factory
from django.utils import timezone

from accounts.models import Role
from rooms.models import Booking, Room, RoomHours, RoomRequest
from rooms.selectors import time_range
from rooms.services import local_datetime
from tests.factories import MembershipFactory, OrganisationFactory, PlacedFactory, UserFactory

ROOM_ADDRESS = "Karl-Heine-Straße 22, 04229 Leipzig"
ROOM_LAT, ROOM_LON = 51.329418, 12.337912


class RoomFactory(PlacedFactory):
    class Meta:
        model = Room
        exclude = ("status",)
        skip_postgeneration_save = True

    class Params:
        lat = ROOM_LAT
        lon = ROOM_LON

    owner = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Room {n}")
    address = ROOM_ADDRESS
    postal_code = "04229"
    district = "Plagwitz"
    capacity = 30
    equipment = factory.LazyFunction(lambda: ["chairs_tables", "wifi"])
    step_free = True
    status = None  # rooms have no lifecycle

    @factory.post_generation
    def open_every_day(obj, create, extracted, **kwargs):
        """Bookable 08:00–22:00 every day unless `open_every_day=False`."""
        if create and extracted is not False:
            for weekday in range(7):
                RoomHours.objects.create(room=obj, weekday=weekday, start=time(8), end=time(22))


class RoomHoursFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RoomHours

    room = factory.SubFactory(RoomFactory, open_every_day=False)
    weekday = 0
    start = time(17)
    end = time(21)


def coming(days: int = 7, hour: int = 18, hours: int = 2) -> tuple[datetime, datetime]:
    """A slot `days` from today at `hour` local time, `hours` long."""
    day = timezone.localdate() + timedelta(days=days)
    start = local_datetime(day, time(hour))
    return start, start + timedelta(hours=hours)


class RoomRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RoomRequest

    organisation = factory.SubFactory(OrganisationFactory)
    requested_by = factory.SubFactory(UserFactory, role=Role.INITIATIVE_MEMBER)
    title = factory.Sequence(lambda n: f"Event {n}")
    start = factory.LazyFunction(lambda: coming()[0])
    end = factory.LazyAttribute(lambda o: o.start + timedelta(hours=2))
    people = 12
    equipment = factory.LazyFunction(list)


class BookingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Booking

    room = factory.SubFactory(RoomFactory)
    request = factory.SubFactory(RoomRequestFactory)
    during = factory.LazyAttribute(lambda o: time_range(o.request.start, o.request.end))


def member_of(organisation, **fields):
    user = UserFactory(role=Role.INITIATIVE_MEMBER, **fields)
    MembershipFactory(user=user, organisation=organisation)
    return user
