"""Celery tasks: thin, idempotent, ids only. Each calls one service."""

from celery import shared_task
from django.db import OperationalError

from geo.providers import RemoteGeocoderUnavailable
from notifications.services import DeliveryDeferred

RETRY = {
    "retry_backoff": 5,
    "retry_backoff_max": 600,
    "retry_jitter": True,
    "max_retries": 8,
}


# A lost connection or a deadlock victim is worth another try; the dirty flag and the sweep
# cover whatever still fails after the last one.
@shared_task(acks_late=True, autoretry_for=(OperationalError,), **RETRY)
def match_area(kind: str, cell: str) -> dict:
    """One batch: the open needs of one cell of one kind, allocated together."""
    from matching.batches import run_batch

    return run_batch(kind, cell).as_dict()


@shared_task(acks_late=True)
def match_everything() -> int:
    """Periodic full run: a batch for every cell with open needs, spread over the workers."""
    from matching.scheduling import schedule_everything

    return schedule_everything()


@shared_task(acks_late=True, autoretry_for=(DeliveryDeferred,), **RETRY)
def deliver_notification(notification_id: int) -> str:
    from notifications.services import deliver

    return deliver(notification_id)


@shared_task(acks_late=True, autoretry_for=(DeliveryDeferred,), **RETRY)
def deliver_webhook(delivery_id: int) -> str:
    from notifications.webhooks import deliver_webhook as deliver

    return deliver(delivery_id)


@shared_task(acks_late=True, autoretry_for=(OperationalError,), **RETRY)
def send_digests() -> dict:
    """Daily: one digest email per person who chose it, carrying what was held."""
    from notifications.services import send_digests as run

    return run()


@shared_task(acks_late=True, autoretry_for=(RemoteGeocoderUnavailable,), **RETRY)
def refine_location(model_label: str, record_id: int) -> str:
    from geo.refinement import refine

    return refine(model_label, record_id)


@shared_task(acks_late=True)
def sweep() -> dict[str, int]:
    from workers.sweep import sweep_pending

    return sweep_pending()


@shared_task(acks_late=True, autoretry_for=(OperationalError,), **RETRY)
def advance_matches() -> dict:
    """Auto-approval left over, reminders, expiry of unanswered offers, handover questions."""
    from matching.workflow import advance_due

    return advance_due()


@shared_task(acks_late=True, autoretry_for=(OperationalError,), **RETRY)
def check_offers_still_available() -> dict:
    """Daily: old open offers are asked whether they still stand; silent ones withdrawn."""
    from matching.workflow import check_offers_still_available as run

    return run()


@shared_task(acks_late=True, autoretry_for=(OperationalError,), **RETRY)
def expire_due() -> int:
    """Daily: open needs and offers whose date has passed become expired."""
    from lifecycle.services import expire_due as run

    return run()


@shared_task(acks_late=True, autoretry_for=(OperationalError,), **RETRY)
def apply_retention() -> int:
    """Daily: closed records older than RETENTION_DAYS lose their personal data."""
    from datetime import timedelta

    from django.conf import settings
    from django.utils import timezone

    from lifecycle.services import scrub_closed_before

    return scrub_closed_before(timezone.now() - timedelta(days=settings.RETENTION_DAYS))
