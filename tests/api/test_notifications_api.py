"""The notifications API: one's preferences and inbox, and failed emails for coordinators."""

import pytest
from django.urls import reverse

from notifications.delivery import deliver
from notifications.models import Notification
from notifications.preferences import preferences_for
from notifications.services import notify, send_digests
from tests.conftest import client_for
from tests.factories import UserFactory
from tests.smtp import free_port

pytestmark = pytest.mark.django_db

PREFS = reverse("api:notification-preferences")
INBOX = reverse("api:inbox")


def _note(user, key: str, **context) -> Notification:
    return notify(
        user,
        "geocoding_failed",
        key,
        {"title": f"Kinderwagen {key}", "address": "Zimmer 12", **context},
    )


# --- preferences -------------------------------------------------------------------------------


def test_preferences_are_read_and_changed(donor):
    client = client_for(donor)
    assert client.get(PREFS).json() | {"updated_at": None} == {
        "email": True,
        "in_app": True,
        "frequency": "instant",
        "updated_at": None,
    }
    put = client.put(PREFS, {"email": True, "in_app": False, "frequency": "daily"}, format="json")
    assert put.status_code == 200 and put.json()["frequency"] == "daily"
    patch = client.patch(PREFS, {"frequency": "instant"}, format="json")
    assert patch.status_code == 200
    assert (patch.json()["in_app"], patch.json()["frequency"]) == (False, "instant")


@pytest.mark.parametrize(
    ("method", "body", "field"),
    [
        ("put", {"email": False, "in_app": False, "frequency": "instant"}, "email"),
        ("patch", {"email": False, "in_app": False}, "in_app"),
        ("patch", {"frequency": "hourly"}, "frequency"),
        ("put", {"email": True}, "in_app"),
        ("patch", {"email": "perhaps"}, "email"),
    ],
)
def test_bad_preferences_are_refused_and_change_nothing(donor, method, body, field):
    response = getattr(client_for(donor), method)(PREFS, body, format="json")
    assert response.status_code == 400 and field in response.json()
    preference = preferences_for(donor)
    assert (preference.email, preference.in_app, preference.frequency) == (True, True, "instant")


def test_the_last_channel_cannot_be_switched_off(donor):
    client = client_for(donor)
    assert client.patch(PREFS, {"in_app": False}, format="json").status_code == 200
    refused = client.patch(PREFS, {"email": False}, format="json")
    assert refused.status_code == 400 and "email" in refused.json()
    assert preferences_for(donor).email is True


# --- inbox -------------------------------------------------------------------------------------


def test_the_inbox_lists_own_items_newest_first_with_text(donor, initiative_member):
    first = _note(donor, "a", match_id=41)
    second = _note(donor, "b")
    _note(initiative_member, "someone-else")
    body = client_for(donor).get(INBOX).json()
    assert body["count"] == 2
    items = body["results"]
    assert [item["id"] for item in items] == [second.pk, first.pk]
    assert items[1]["match_id"] == 41 and items[0]["match_id"] is None
    assert "Kinderwagen a" in items[1]["subject"] + items[1]["text"]
    assert items[0]["template"] == "geocoding_failed" and items[0]["read_at"] is None
    assert "someone-else" not in str(body)


def test_read_and_unread(donor):
    first, second = _note(donor, "a"), _note(donor, "b")
    client = client_for(donor)
    assert client.get(reverse("api:inbox-unread-count")).json() == {"unread": 2}
    read = client.post(reverse("api:inbox-read", kwargs={"pk": first.pk}))
    assert read.status_code == 200 and read.json()["read_at"]
    unread = client.get(INBOX, {"unread": "true"}).json()["results"]
    assert [item["id"] for item in unread] == [second.pk]
    assert [i["id"] for i in client.get(INBOX, {"unread": "false"}).json()["results"]] == [first.pk]
    assert client.get(INBOX, {"unread": "maybe"}).status_code == 400
    assert client.post(reverse("api:inbox-read-all")).json() == {"marked": 1}
    assert client.get(reverse("api:inbox-unread-count")).json() == {"unread": 0}


def test_someone_elses_item_is_not_found_and_stays_unread(donor, initiative_member):
    theirs = _note(initiative_member, "theirs")
    response = client_for(donor).post(reverse("api:inbox-read", kwargs={"pk": theirs.pk}))
    assert response.status_code == 404
    client_for(donor).post(reverse("api:inbox-read-all"))
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_a_digest_is_not_an_inbox_item_of_its_own(donor):
    client_for(donor).patch(PREFS, {"frequency": "daily"}, format="json")
    held = _note(donor, "a")
    send_digests()
    assert Notification.objects.filter(template="digest").count() == 1
    items = client_for(donor).get(INBOX).json()["results"]
    assert [item["id"] for item in items] == [held.pk]


# --- failed emails for coordinators ------------------------------------------------------------


def test_smtp_down_fails_after_the_last_try_visible_to_coordinators_then_retried(
    donor, coordinator, initiative_member, sink, settings
):
    from notifications.delivery import DeliveryDeferred

    row = _note(donor, "a")
    settings.EMAIL_PORT = free_port()  # the SMTP server is down
    settings.NOTIFICATION_MAX_ATTEMPTS = 2
    with pytest.raises(DeliveryDeferred):
        deliver(row.pk)
    assert deliver(row.pk) == "failed"

    url = reverse("api:notifications-failed")
    assert client_for(initiative_member).get(url).status_code == 403
    response = client_for(coordinator).get(url)
    assert response.status_code == 200
    [failed] = response.json()["results"]
    assert failed == {
        "id": row.pk,
        "recipient": donor.pk,
        "template": "geocoding_failed",
        "status": "failed",
        "attempts": 2,
        "last_error": failed["last_error"],
        "created_at": failed["created_at"],
    }
    assert "refused" in failed["last_error"].lower()
    assert donor.email not in response.content.decode()

    # The server is back; a coordinator tries again.
    settings.EMAIL_PORT = sink.port
    retry = client_for(coordinator).post(reverse("api:notification-retry", kwargs={"pk": row.pk}))
    assert retry.status_code == 200 and retry.json()["status"] == "pending"
    assert deliver(row.pk) == "sent" and len(sink.received()) == 1
    again = client_for(coordinator).post(reverse("api:notification-retry", kwargs={"pk": row.pk}))
    assert again.status_code == 400 and "status" in again.json()


def test_an_address_quoted_in_an_smtp_error_is_not_shown(coordinator):
    user = UserFactory(username="refused", email="refused@example.org")
    Notification.objects.create(
        recipient=user,
        template="geocoding_failed",
        language="de",
        idempotency_key="x",
        status="failed",
        last_error="SMTPRecipientsRefused: {'refused@example.org': (550, b'unknown')}",
    )
    response = client_for(coordinator).get(reverse("api:notifications-failed"))
    assert "refused@example.org" not in response.content.decode()
    assert "550" in response.content.decode()
