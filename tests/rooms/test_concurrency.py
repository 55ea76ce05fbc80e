"""Two confirmations of overlapping bookings of one room at the same moment, each in its own
database connection and transaction: exactly one succeeds; the database's exclusion
constraint refuses the other, which changes nothing."""

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import translation

from base.errors import WRONG_STATE, ApplicationError
from rooms import services
from rooms.models import Booking, BookingStatus, RequestStatus, RoomRequest
from tests.factories import UserFactory
from tests.rooms.factories import RoomFactory, RoomRequestFactory, member_of


def _confirm_all_at_once(calls) -> list:
    """Run each (request, room, actor) in its own thread and connection; a barrier lets them
    all go at once. Returns each call's booking or ApplicationError."""
    barrier = threading.Barrier(len(calls), timeout=60)
    outcomes: list = [None] * len(calls)

    def confirm(index, request, room, actor):
        try:
            # A thread starts in the default language; the assertions read English.
            translation.activate("en")
            barrier.wait()
            outcomes[index] = services.confirm(request, room, actor)
        except ApplicationError as refused:
            outcomes[index] = refused
        except Exception as error:  # noqa: BLE001 (reported by the test, not lost in a thread)
            outcomes[index] = error
        finally:
            connection.close()  # this thread's own connection

    threads = [
        threading.Thread(target=confirm, args=(index, *call)) for index, call in enumerate(calls)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
        assert not thread.is_alive(), "a confirmation never finished"
    return outcomes


# Real commits, so each thread's connection sees the other's work; the rows every test
# expects (content types, the taxonomy) are put back afterwards, as in the other such tests.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_concurrent_overlapping_confirmations_only_one_succeeds():
    room = RoomFactory()
    owner_member = member_of(room.owner)
    coordinator = UserFactory(role="coordinator")
    first = RoomRequestFactory()
    second = RoomRequestFactory(
        start=first.start + timedelta(minutes=30), end=first.end + timedelta(minutes=30)
    )

    outcomes = _confirm_all_at_once([(first, room, owner_member), (second, room, coordinator)])

    bookings = [o for o in outcomes if isinstance(o, Booking)]
    refusals = [o for o in outcomes if isinstance(o, ApplicationError)]
    assert len(bookings) == 1 and len(refusals) == 1, outcomes
    (refused,) = refusals
    assert refused.code == WRONG_STATE
    assert refused.errors["room"] == ["This room is already booked at that time."]
    confirmed = Booking.objects.filter(room=room, status=BookingStatus.CONFIRMED)
    assert list(confirmed.values_list("request_id", flat=True)) == [bookings[0].request_id]
    # The refused request is as it was: still asking, no room, no booking.
    loser = RoomRequest.objects.get(pk=({first.pk, second.pk} - {bookings[0].request_id}).pop())
    assert loser.status == RequestStatus.REQUESTED and loser.room is None
    assert not loser.bookings.exists()
