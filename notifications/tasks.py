"""Notifications' tasks: thin, idempotent, ids only. Each sends one outbox row, or the rows
one transaction wrote (over one SMTP connection).

The daily digest, which writes rows and puts them on the queue, is in `workers.tasks`.
"""

from celery import shared_task

from base.retry import RETRY
from notifications import delivery


@shared_task(acks_late=True, autoretry_for=(delivery.DeliveryDeferred,), **RETRY)
def deliver_notification(notification_id: int) -> str:
    return delivery.deliver(notification_id)


@shared_task(acks_late=True, autoretry_for=(delivery.DeliveryDeferred,), **RETRY)
def deliver_notifications(notification_ids: list[int]) -> dict[str, int]:
    return delivery.deliver_many(notification_ids)


@shared_task(acks_late=True, autoretry_for=(delivery.DeliveryDeferred,), **RETRY)
def deliver_webhook(delivery_id: int) -> str:
    return delivery.deliver_webhook(delivery_id)
