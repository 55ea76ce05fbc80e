"""Room requests in a person's export, and their note scrubbed when the person is erased."""

import pytest

from privacy.selectors import export_personal_data
from privacy.services import erase_account
from rooms.models import RoomRequest
from tests.factories import UserFactory
from tests.rooms.factories import RoomRequestFactory

pytestmark = pytest.mark.django_db


def test_the_export_holds_the_room_requests_the_person_made():
    requester = UserFactory(username="ines", phone="0341 987654")
    mine = RoomRequestFactory(requested_by=requester, title="Sprachcafé", note="Ruft mich an")
    RoomRequestFactory(title="Someone else's")
    exported = export_personal_data(requester)["room_requests"]
    assert [row["id"] for row in exported] == [mine.pk]
    assert exported[0]["title"] == "Sprachcafé" and "decided_by_id" not in exported[0]


def test_erasure_scrubs_the_persons_contact_from_the_note_and_keeps_the_request():
    requester = UserFactory(username="ines", email="ines@example.org", phone="0341 987654")
    request = RoomRequestFactory(
        requested_by=requester, note="Fragen an ines@example.org oder 0341 987654"
    )
    erase_account(requester)
    request.refresh_from_db()
    assert "ines@example.org" not in request.note and "0341 987654" not in request.note
    assert RoomRequest.objects.filter(pk=request.pk).exists()
