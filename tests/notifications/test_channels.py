"""What each person chose (channels, instant or daily digest), the daily cap per sender
organisation, and the one-click unsubscribe link in every email."""

from datetime import timedelta

import pytest
from django.core import signing
from django.test import Client
from django.utils import timezone

from notifications.delivery import deliver
from notifications.models import Notification, NotificationPreference
from notifications.preferences import preferences_for, unsubscribe_token
from notifications.services import (
    berlin_day,
    digest_key,
    notify,
    release_held,
    send_digests,
    update_preferences,
)
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def _note(user, key: str, **kwargs) -> Notification:
    return notify(
        user, "geocoding_failed", key, {"title": f"Kinderwagen {key}", "address": "x"}, **kwargs
    )


@pytest.fixture
def volunteer(db):
    return UserFactory(username="vera", email="vera@example.org", preferred_language="en")


# --- preferences --------------------------------------------------------------------------------


def test_preferences_are_created_with_the_defaults(volunteer):
    preference = preferences_for(volunteer)
    assert (preference.email, preference.in_app, preference.frequency) == (True, True, "instant")
    assert preferences_for(volunteer).pk == preference.pk


def test_both_channels_off_is_refused_and_changes_nothing(volunteer):
    from django.core.exceptions import ValidationError

    update_preferences(volunteer, in_app=False)
    with pytest.raises(ValidationError) as refused:
        update_preferences(volunteer, email=False, frequency="daily")
    assert "email" in refused.value.message_dict
    preference = preferences_for(volunteer)
    assert (preference.email, preference.in_app, preference.frequency) == (True, False, "instant")


def test_instant_email_is_pending_and_in_the_inbox(volunteer):
    row = _note(volunteer, "a")
    assert row.status == "pending" and row.in_inbox and row.hold == ""


def test_email_off_skips_the_email_but_keeps_the_inbox_item(volunteer, sink):
    update_preferences(volunteer, email=False)
    row = _note(volunteer, "a")
    assert row.status == "skipped" and row.in_inbox
    assert deliver(row.pk) == "not-pending" and sink.received() == []


def test_inbox_off_sends_the_email_without_an_inbox_item(volunteer):
    update_preferences(volunteer, in_app=False)
    row = _note(volunteer, "a")
    assert row.status == "pending" and not row.in_inbox


def test_email_switched_off_after_writing_is_not_sent(volunteer, sink):
    row = _note(volunteer, "a")
    update_preferences(volunteer, email=False)
    assert deliver(row.pk) == "skipped" and sink.received() == []


# --- daily digest ------------------------------------------------------------------------------


def test_daily_digest_bundles_held_messages_once_per_day(volunteer, sink):
    update_preferences(volunteer, frequency="daily")
    rows = [_note(volunteer, key) for key in ("a", "b", "c")]
    assert {row.status for row in rows} == {"held"}

    now = timezone.now()
    assert send_digests(now) == {"digests": 1, "bundled": 3, "skipped": 0}
    digest = Notification.objects.get(template="digest")
    assert digest.idempotency_key == digest_key(volunteer.pk, berlin_day(now))
    assert digest.idempotency_key == f"digest:{volunteer.pk}:{berlin_day(now).isoformat()}"
    assert digest.context["notification_ids"] == [row.pk for row in rows]
    assert not digest.in_inbox and digest.status == "pending"
    for row in rows:
        row.refresh_from_db()
        assert row.status == "digested" and row.digest_id == digest.pk and row.in_inbox

    # A second run the same day sends nothing; what came later waits for tomorrow's digest.
    late = _note(volunteer, "d")
    assert send_digests(now + timedelta(minutes=5)) == {"digests": 0, "bundled": 0, "skipped": 0}
    late.refresh_from_db()
    assert late.status == "held" and Notification.objects.filter(template="digest").count() == 1
    tomorrow = send_digests(now + timedelta(days=1))
    assert tomorrow["digests"] == 1 and tomorrow["bundled"] == 1

    assert deliver(digest.pk) == "sent"
    [message] = sink.received()
    assert "Kinderwagen a" in message.get_body(("plain",)).get_content()
    assert "Kinderwagen c" in message.get_body(("plain",)).get_content()


def test_switching_back_to_instant_sends_what_was_held(volunteer):
    update_preferences(volunteer, frequency="daily")
    row = _note(volunteer, "a")
    update_preferences(volunteer, frequency="instant")
    row.refresh_from_db()
    assert row.status == "pending"


def test_a_digest_for_someone_who_switched_email_off_is_not_written(volunteer):
    update_preferences(volunteer, frequency="daily")
    row = _note(volunteer, "a")
    NotificationPreference.objects.filter(user=volunteer).update(email=False)
    assert send_digests()["skipped"] == 1
    row.refresh_from_db()
    assert row.status == "skipped" and not Notification.objects.filter(template="digest").exists()


# --- daily cap per sender organisation ----------------------------------------------------------


def test_the_cap_holds_emails_beyond_it_to_the_next_day_but_not_the_inbox_items(
    volunteer, initiative, settings
):
    settings.NOTIFICATION_DAILY_CAP_PER_ORGANISATION = 3
    rows = [_note(volunteer, f"n{i}", sender_organisation=initiative) for i in range(5)]
    assert [row.status for row in rows] == ["pending"] * 3 + ["held"] * 2
    held = rows[3]
    assert held.hold == "cap" and held.in_inbox
    # Held to the start of the next day in Berlin.
    assert timezone.localtime(held.release_at, timezone.get_fixed_timezone(0)).hour in (22, 23)
    assert berlin_day(held.release_at) == berlin_day() + timedelta(days=1)

    # Not yet due: nothing released.
    assert release_held(timezone.now()) == 0
    # The next day: released under that day's cap.
    next_day = held.release_at + timedelta(minutes=1)
    assert release_held(next_day) == 2
    for row in rows[3:]:
        row.refresh_from_db()
        assert row.status == "pending" and row.cap_day == berlin_day(next_day)
        assert row.release_at is None and row.hold == ""


def test_on_the_next_day_released_emails_count_against_that_days_cap(
    volunteer, initiative, settings
):
    settings.NOTIFICATION_DAILY_CAP_PER_ORGANISATION = 1
    first, second, third = (
        _note(volunteer, f"n{i}", sender_organisation=initiative) for i in range(3)
    )
    assert (first.status, second.status, third.status) == ("pending", "held", "held")
    next_day = second.release_at + timedelta(minutes=1)
    assert release_held(next_day) == 1
    second.refresh_from_db(), third.refresh_from_db()
    assert second.status == "pending" and third.status == "held"
    assert third.release_at > next_day


def test_the_cap_counts_per_organisation_and_spares_its_members(volunteer, initiative, settings):
    from tests.factories import OrganisationFactory

    settings.NOTIFICATION_DAILY_CAP_PER_ORGANISATION = 1
    other = OrganisationFactory()
    assert _note(volunteer, "a", sender_organisation=initiative).status == "pending"
    assert _note(volunteer, "b", sender_organisation=other).status == "pending"
    assert _note(volunteer, "c").status == "pending"  # the platform's own messages
    assert _note(volunteer, "d", sender_organisation=initiative).status == "held"

    member = UserFactory(username="mia")
    MembershipFactory(user=member, organisation=initiative)
    statuses = {_note(member, f"m{i}", sender_organisation=initiative).status for i in range(3)}
    assert statuses == {"pending"}


# --- unsubscribe -------------------------------------------------------------------------------


def test_every_email_has_a_one_click_unsubscribe_that_switches_email_off(volunteer, sink):
    row = _note(volunteer, "a")
    assert deliver(row.pk) == "sent"
    [message] = sink.received()
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    url = message["List-Unsubscribe"].strip().strip("<>")
    assert url.startswith("http") and "/unsubscribe/" in url
    path = url.split("://", 1)[1].split("/", 1)[1]

    client = Client()
    page = client.get(f"/{path}")  # a mail scanner following the link changes nothing
    assert page.status_code == 200 and 'method="post"' in page.content.decode()
    assert preferences_for(volunteer).email is True

    # What a mail client sends for RFC 8058, without a session or a CSRF token.
    done = Client(enforce_csrf_checks=True).post(f"/{path}", {"List-Unsubscribe": "One-Click"})
    assert done.status_code == 200
    preference = preferences_for(volunteer)
    assert preference.email is False and preference.in_app is True
    assert _note(volunteer, "b").status == "skipped"


def test_unsubscribing_with_the_inbox_off_switches_the_inbox_on(volunteer):
    update_preferences(volunteer, in_app=False)
    Client().post(f"/unsubscribe/{unsubscribe_token(volunteer)}/")
    preference = preferences_for(volunteer)
    assert (preference.email, preference.in_app) == (False, True)


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_tampered_unsubscribe_link_shows_a_clear_page_and_changes_nothing(volunteer, method):
    token = unsubscribe_token(volunteer)
    forged = signing.dumps(volunteer.pk, salt="something else")
    for bad in (token[:-2] + "xx", forged, "nonsense"):
        response = getattr(Client(HTTP_ACCEPT_LANGUAGE="en"), method)(f"/unsubscribe/{bad}/")
        assert response.status_code == 400
        assert "not valid" in response.content.decode()
    assert preferences_for(volunteer).email is True


def test_the_unsubscribe_page_speaks_the_recipients_language(volunteer):
    volunteer.preferred_language = "ar"
    volunteer.save()
    page = Client().get(f"/unsubscribe/{unsubscribe_token(volunteer)}/")
    assert 'lang="ar" dir="rtl"' in page.content.decode()
