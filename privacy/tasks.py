"""Privacy's periodic task: thin, idempotent, calls one service."""

from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.db import OperationalError
from django.utils import timezone

from base.retry import RETRY
from privacy.services import scrub_closed_before


@shared_task(acks_late=True, autoretry_for=(OperationalError,), **RETRY)
def apply_retention() -> int:
    """Daily: closed records older than RETENTION_DAYS lose their personal data."""
    return scrub_closed_before(timezone.now() - timedelta(days=settings.RETENTION_DAYS))
