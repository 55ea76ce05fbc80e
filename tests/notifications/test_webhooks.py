"""Webhooks posted to a real HTTP server: signed, retried, logged, failures for coordinators."""

import hashlib
import hmac
import json

import pytest
from django.urls import reverse

from notifications.delivery import DeliveryDeferred, deliver_webhook
from notifications.models import WebhookDelivery, WebhookEndpoint
from notifications.webhooks import emit_webhook
from tests.conftest import client_for
from tests.notifications.webhook_receiver import Receiver

pytestmark = pytest.mark.django_db

PAYLOAD = {
    "event": "match.offered",
    "match": {"id": 7, "kind": "goods", "state": "offered", "quantity": 2},
    "occurred_at": "2026-11-24T10:00:00+00:00",
}


@pytest.fixture(autouse=True)
def local_receivers_allowed(settings):
    # These receivers run on 127.0.0.1; test_webhook_targets.py tests the rules themselves.
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = True


@pytest.fixture
def receiver():
    with Receiver() as running:
        yield running


@pytest.fixture
def endpoint(initiative, receiver):
    return WebhookEndpoint.objects.create(organisation=initiative, url=receiver.url)


def _emit(initiative, key="match:7:offered") -> WebhookDelivery:
    [delivery] = emit_webhook(initiative, "match.offered", PAYLOAD, key)
    return delivery


def test_a_receiver_can_verify_the_signature_and_recognise_the_delivery(
    initiative, endpoint, receiver
):
    delivery = _emit(initiative)
    assert deliver_webhook(delivery.pk) == "sent"
    assert deliver_webhook(delivery.pk) == "not-pending"

    [request] = receiver.received
    headers, body = request["headers"], request["body"]
    # What a receiver does with nothing but the secret it was given:
    signed = headers["X-Willkommen-Timestamp"].encode() + b"." + body
    expected = hmac.new(endpoint.secret.encode(), signed, hashlib.sha256).hexdigest()
    assert hmac.compare_digest(headers["X-Willkommen-Signature"], f"sha256={expected}")
    assert json.loads(body) == PAYLOAD
    assert headers["X-Willkommen-Event"] == "match.offered"
    assert headers["X-Willkommen-Delivery"] == str(delivery.uuid)

    delivery.refresh_from_db()
    assert delivery.status == "sent" and delivery.last_status_code == 200
    [attempt] = delivery.attempt_log.all()
    assert attempt.status_code == 200 and attempt.error == ""


def test_a_tampered_body_does_not_verify(initiative, endpoint, receiver):
    deliver_webhook(_emit(initiative).pk)
    [request] = receiver.received
    headers = request["headers"]
    forged = headers["X-Willkommen-Timestamp"].encode() + b"." + request["body"] + b" "
    assert headers["X-Willkommen-Signature"] != (
        "sha256=" + hmac.new(endpoint.secret.encode(), forged, hashlib.sha256).hexdigest()
    )


def test_the_same_event_twice_makes_one_delivery_per_endpoint(initiative, endpoint):
    WebhookEndpoint.objects.create(organisation=initiative, url="https://example.org/other")
    first = emit_webhook(initiative, "match.offered", PAYLOAD, "match:7:offered")
    again = emit_webhook(initiative, "match.offered", PAYLOAD, "match:7:offered")
    assert len(first) == 2 and {d.pk for d in first} == {d.pk for d in again}
    assert WebhookDelivery.objects.count() == 2


def test_inactive_endpoints_and_unwanted_events_get_nothing(initiative, receiver):
    WebhookEndpoint.objects.create(organisation=initiative, url=receiver.url, active=False)
    WebhookEndpoint.objects.create(
        organisation=initiative, url=receiver.url, events=["match.accepted"]
    )
    assert emit_webhook(initiative, "match.offered", PAYLOAD, "k") == []
    assert emit_webhook(None, "match.offered", PAYLOAD, "k") == []
    assert len(emit_webhook(initiative, "match.accepted", PAYLOAD, "k2")) == 1


def test_an_endpoint_answering_500_is_retried_then_failed_and_shown_to_coordinators(
    initiative, endpoint, receiver, settings, coordinator, initiative_member
):
    settings.WEBHOOK_MAX_ATTEMPTS = 3
    receiver.status = 500
    delivery = _emit(initiative)
    for _ in range(2):
        with pytest.raises(DeliveryDeferred):
            deliver_webhook(delivery.pk)
        delivery.refresh_from_db()
        assert delivery.status == "pending" and delivery.next_attempt_at is not None
    assert deliver_webhook(delivery.pk) == "failed"
    delivery.refresh_from_db()
    assert delivery.status == "failed" and delivery.attempts == 3
    assert delivery.last_status_code == 500
    assert [a.status_code for a in delivery.attempt_log.all()] == [500, 500, 500]
    assert len({r["headers"]["X-Willkommen-Delivery"] for r in receiver.received}) == 1

    failed = client_for(coordinator).get(reverse("api:webhook-deliveries"), {"status": "failed"})
    assert failed.status_code == 200
    [row] = failed.json()["results"]
    assert row["id"] == delivery.pk and row["last_status_code"] == 500
    assert [t["status_code"] for t in row["tries"]] == [500, 500, 500]
    log = client_for(initiative_member).get(
        reverse(
            "api:organisation-webhook-deliveries",
            kwargs={"pk": initiative.pk, "wid": endpoint.pk},
        )
    )
    assert log.status_code == 200 and log.json()["results"][0]["status"] == "failed"

    # The receiver is fixed; a coordinator tries again.
    receiver.status = 204
    retry = client_for(coordinator).post(
        reverse("api:webhook-delivery-retry", kwargs={"pk": delivery.pk})
    )
    assert retry.status_code == 200 and retry.json()["status"] == "pending"
    assert deliver_webhook(delivery.pk) == "sent"
    again = client_for(coordinator).post(
        reverse("api:webhook-delivery-retry", kwargs={"pk": delivery.pk})
    )
    assert again.status_code == 400 and "status" in again.json()


def test_a_receiver_that_does_not_answer_in_time_is_retried(
    initiative, endpoint, receiver, settings
):
    settings.WEBHOOK_TIMEOUT_SECONDS = 0.3
    receiver.delay = 1.0
    delivery = _emit(initiative)
    with pytest.raises(DeliveryDeferred):
        deliver_webhook(delivery.pk)
    delivery.refresh_from_db()
    assert delivery.status == "pending" and delivery.last_status_code is None
    assert "timed out" in delivery.last_error.lower()
    receiver.delay = 0
    assert deliver_webhook(delivery.pk) == "sent"


def test_a_receiver_that_is_down_is_retried(initiative, settings):
    from tests.smtp import free_port

    WebhookEndpoint.objects.create(
        organisation=initiative, url=f"http://127.0.0.1:{free_port()}/hooks"
    )
    delivery = _emit(initiative)
    with pytest.raises(DeliveryDeferred):
        deliver_webhook(delivery.pk)
    delivery.refresh_from_db()
    assert delivery.status == "pending" and "refused" in delivery.last_error.lower()


def test_a_redirect_counts_as_a_failed_try(initiative, endpoint, receiver):
    receiver.status = 302
    delivery = _emit(initiative)
    with pytest.raises(DeliveryDeferred):
        deliver_webhook(delivery.pk)
    delivery.refresh_from_db()
    assert delivery.last_status_code == 302


def test_admins_add_endpoints_with_http_urls_only(initiative, initiative_member):
    url = reverse("api:organisation-webhooks", kwargs={"pk": initiative.pk})
    client = client_for(initiative_member)
    for bad in ("ftp://example.org/x", "javascript:alert(1)", "example.org/hook", ""):
        response = client.post(url, {"url": bad}, format="json")
        assert response.status_code == 400 and "url" in response.json(), bad
    unknown = client.post(
        url, {"url": "https://example.org/h", "events": ["match.exploded"]}, format="json"
    )
    assert unknown.status_code == 400 and "events" in unknown.json()
    assert WebhookEndpoint.objects.count() == 0

    created = client.post(
        url, {"url": "https://example.org/h", "events": ["match.accepted"]}, format="json"
    )
    assert created.status_code == 201
    secret = created.json()["secret"]
    assert len(secret) == 64
    listed = client.get(url)
    assert listed.status_code == 200 and secret not in listed.content.decode()
    gone = client.delete(
        reverse(
            "api:organisation-webhook-detail",
            kwargs={"pk": initiative.pk, "wid": created.json()["id"]},
        )
    )
    assert gone.status_code == 204 and WebhookEndpoint.objects.count() == 0


def test_an_admin_of_another_organisation_cannot_touch_these_endpoints(initiative, endpoint, donor):
    from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

    other_admin = UserFactory(username="otto")
    MembershipFactory(user=other_admin, organisation=OrganisationFactory(), is_admin=True)
    client = client_for(other_admin)
    detail = reverse(
        "api:organisation-webhook-detail", kwargs={"pk": initiative.pk, "wid": endpoint.pk}
    )
    assert client.delete(detail).status_code == 403
    assert WebhookEndpoint.objects.filter(pk=endpoint.pk).exists()


def test_the_sweep_finds_deliveries_the_queue_lost(initiative, endpoint, settings):
    from datetime import timedelta

    from django.utils import timezone

    from notifications.webhooks import due_deliveries

    settings.SWEEP_GRACE_SECONDS = 30
    settings.NOTIFICATION_CLAIM_TIMEOUT_SECONDS = 300
    fresh, waiting, abandoned, sent = (_emit(initiative, f"k{i}") for i in range(4))
    now = timezone.now()
    WebhookDelivery.objects.filter(pk__in=[waiting.pk, abandoned.pk, sent.pk]).update(
        created_at=now - timedelta(minutes=5)
    )
    WebhookDelivery.objects.filter(pk=abandoned.pk).update(
        status="sending", claimed_at=now - timedelta(minutes=6)
    )
    WebhookDelivery.objects.filter(pk=sent.pk).update(status="sent")
    assert set(due_deliveries(now)) == {waiting.pk, abandoned.pk}
    # A delivery waiting for its backoff is not due yet.
    WebhookDelivery.objects.filter(pk=waiting.pk).update(next_attempt_at=now + timedelta(minutes=1))
    assert set(due_deliveries(now)) == {abandoned.pk}
    assert fresh.pk not in due_deliveries(now + timedelta(seconds=29))
