"""The sweep puts undelivered emails back on the queue in batches, as they were first sent."""

import json
from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from notifications.models import Notification
from notifications.services import SEND_BATCH
from tests.factories import UserFactory
from workers.metrics import queue_names
from workers.sweep import sweep_pending

pytestmark = pytest.mark.django_db


def _pending(count: int) -> list[int]:
    user = UserFactory()
    rows = Notification.objects.bulk_create(
        Notification(
            recipient=user,
            template="match_offered",
            language="en",
            idempotency_key=f"sweep-{i}",
        )
        for i in range(count)
    )
    old = timezone.now() - timedelta(seconds=settings.SWEEP_GRACE_SECONDS + 60)
    Notification.objects.update(created_at=old)
    return [row.pk for row in rows]


def _task_names(client) -> list[str]:
    """Tasks waiting on every queue (email has its own, `notifications`)."""
    queued = [message for name in queue_names() for message in client.lrange(name, 0, -1)]
    return [json.loads(message)["headers"]["task"] for message in queued]


def test_the_sweep_enqueues_undelivered_emails_in_batches_not_one_message_each(broker):
    pks = _pending(2 * SEND_BATCH + 1)

    counts = sweep_pending()

    assert counts["deliver"] == len(pks)
    assert sorted(_task_names(broker)) == sorted(
        ["notifications.tasks.deliver_notifications"] * 2
        + ["notifications.tasks.deliver_notification"]
    )
    # On the mailer's queue, not behind matching batches.
    assert broker.llen("notifications") == 3
