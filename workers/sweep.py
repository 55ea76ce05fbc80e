"""The periodic sweep: the database is the source of truth, the queue only a fast path.

Whatever is still pending a while after it was written (its message lost with a Redis restart,
or its worker killed) is enqueued again. Every task is idempotent, so a message that was not
lost after all only costs a quick no-op.
"""

from datetime import timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from geo.models import PLACED_STATUSES, GeocodeStatus, PlacedModel
from geo.tasks import refine_location
from lifecycle.services import lifecycle_models
from matching.scheduling import schedule_flagged, schedule_owed
from notifications.models import Notification
from notifications.services import enqueue_delivery, release_held
from notifications.tasks import deliver_webhook
from notifications.webhooks import due_deliveries as due_webhook_deliveries

BATCH = 1000


def sweep_pending() -> dict[str, int]:
    now = timezone.now()
    settled = now - timedelta(seconds=settings.SWEEP_GRACE_SECONDS)
    counts: dict[str, int] = {}

    # Records whose cell has not run a batch since they changed (the message lost with a
    # Redis restart, or its worker killed): schedule their cells again.
    flagged = {}
    for model in lifecycle_models():
        ids = list(
            model.objects.filter(
                needs_matching=True,
                updated_at__lt=settled,
                geocode_status__in=PLACED_STATUSES,
            ).values_list("pk", flat=True)[:BATCH]
        )
        flagged[model] = ids
        counts[f"match:{model._meta.label_lower}"] = len(ids)
    counts["match-cells"] = schedule_flagged(flagged)
    # Cells owed a batch whose message was lost or whose worker died holding it. A record
    # whose own cell has run is no longer flagged, but the cells of the needs it reaches may
    # still be owed.
    counts["owed-cells"] = schedule_owed(settled)

    for model in lifecycle_models():
        if not issubclass(model, PlacedModel):
            continue
        label = model._meta.label_lower
        refine_ids = model.objects.filter(
            geocode_status=GeocodeStatus.PENDING_REFINEMENT, updated_at__lt=settled
        ).values_list("pk", flat=True)[:BATCH]
        for pk in refine_ids:
            refine_location.delay(label, pk)
        counts[f"refine:{label}"] = len(refine_ids)

    abandoned = now - timedelta(seconds=settings.NOTIFICATION_CLAIM_TIMEOUT_SECONDS)
    due = Notification.objects.filter(
        Q(
            status=Notification.Status.PENDING,
            created_at__lt=settled,
        )
        & (Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        | Q(status=Notification.Status.SENDING, claimed_at__lt=abandoned)
    ).values_list("pk", flat=True)[:BATCH]
    # In tasks of SEND_BATCH rows, as they were first sent: while a backlog drains, every
    # sweep finds the rows still queued behind it and puts them on the queue once more, and a
    # message per row would multiply the backlog (each row is still claimed on its own, so a
    # second message for a row only costs a skip).
    due = list(due)
    enqueue_delivery(due)
    counts["deliver"] = len(due)

    # Emails held by the daily cap of a sender organisation whose day has come.
    counts["released"] = release_held(now)
    webhook_ids = due_webhook_deliveries(now)
    for pk in webhook_ids:
        deliver_webhook.delay(pk)
    counts["webhooks"] = len(webhook_ids)
    return counts
