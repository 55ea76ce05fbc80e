"""Webhooks end to end with a real worker: a receiver answering 500 gets retries with backoff,
then the delivery is failed and listed for coordinators; after a coordinator's retry the
fixed receiver gets it, with the same delivery id."""

import pytest
from django.db import transaction
from django.urls import reverse

from notifications.models import WebhookDelivery, WebhookEndpoint
from notifications.webhooks import emit_webhook
from tests.conftest import client_for
from tests.e2e.conftest import processes  # noqa: F401 (fixture)
from tests.notifications.webhook_receiver import Receiver
from tests.smtp import wait_until

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_a_failing_receiver_is_retried_then_failed_then_retried_by_a_coordinator(
    processes,  # noqa: F811
    broker,  # noqa: F811
    initiative,
    coordinator,
):
    with Receiver() as receiver:
        receiver.status = 500
        endpoint = WebhookEndpoint.objects.create(organisation=initiative, url=receiver.url)
        # The receiver runs on 127.0.0.1, which only the development switch allows.
        processes.worker(
            "w1", env={"WEBHOOK_MAX_ATTEMPTS": "3", "WEBHOOK_ALLOW_PRIVATE_TARGETS": "true"}
        )
        with transaction.atomic():
            [delivery] = emit_webhook(
                initiative, "match.offered", {"event": "match.offered"}, "e2e:1"
            )

        def failed():
            delivery.refresh_from_db()
            return delivery.status == "failed"

        wait_until(failed, 120, "the delivery failed after the last try")
        assert delivery.attempts == 3 and len(receiver.received) == 3
        assert [a.status_code for a in delivery.attempt_log.all()] == [500, 500, 500]

        listed = client_for(coordinator).get(
            reverse("api:webhook-deliveries"), {"status": "failed"}
        )
        assert [row["id"] for row in listed.json()["results"]] == [delivery.pk]

        receiver.status = 200
        retry = client_for(coordinator).post(
            reverse("api:webhook-delivery-retry", kwargs={"pk": delivery.pk})
        )
        assert retry.status_code == 200

        def sent():
            delivery.refresh_from_db()
            return delivery.status == "sent"

        wait_until(sent, 60, "the retried delivery sent")
        ids = {r["headers"]["X-Willkommen-Delivery"] for r in receiver.received}
        assert ids == {str(delivery.uuid)} and len(receiver.received) == 4
        assert WebhookDelivery.objects.filter(endpoint=endpoint).count() == 1
