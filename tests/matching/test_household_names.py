"""A household's title names people ("Familie Haddad"): the landlord's emails and inbox say
only how many people it is until both sides said yes; then the name is no secret."""

import pytest

from matching import workflow
from notifications.models import Notification
from notifications.rendering import render_text
from tests.safety.scenes import coordinator, housing_match

pytestmark = pytest.mark.django_db


def _texts_for(user) -> str:
    return "\n".join("\n".join(render_text(n)) for n in Notification.objects.filter(recipient=user))


def test_the_landlord_is_told_the_households_size_not_its_name_before_both_said_yes():
    match = housing_match()
    workflow.approve(match, actor=coordinator("approver"))
    landlord = match.housing_offer.landlord
    landlord.preferred_language = "en"
    landlord.save(update_fields=["preferred_language"])
    workflow.send_message(match, user=match.housing_need.created_by, body="Hallo!")

    told = _texts_for(landlord)

    assert told  # the offer and the message reached them
    assert "Familie Haddad" not in told
    assert "household of" in told
    # The initiative reads its own household's name.
    assert "Familie Haddad" in _texts_for(match.housing_need.created_by)


def test_once_both_said_yes_the_landlord_reads_the_name():
    match = housing_match()
    workflow.approve(match, actor=coordinator("approver"))
    landlord = match.housing_offer.landlord
    workflow.respond(match, user=landlord, answer="yes")
    workflow.respond(match, user=match.housing_need.created_by, answer="yes")

    accepted = Notification.objects.filter(recipient=landlord).order_by("-pk").first()

    assert "Familie Haddad" in "\n".join(render_text(accepted))
