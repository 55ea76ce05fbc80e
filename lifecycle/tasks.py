"""The lifecycle's periodic task: thin, idempotent, calls one service."""

from celery import shared_task
from django.db import OperationalError

from base.retry import RETRY
from lifecycle import services


@shared_task(acks_late=True, autoretry_for=(OperationalError,), **RETRY)
def expire_due() -> int:
    """Daily: open needs and offers whose date has passed become expired."""
    return services.expire_due()
