"""The events' periodic task: thin, idempotent, calls the importer."""

from celery import shared_task
from django.db import OperationalError

from base.retry import RETRY
from events import importer


@shared_task(acks_late=True, autoretry_for=(OperationalError,), **RETRY)
def import_external_calendars() -> dict[int, str]:
    """Now and then: import every active external calendar. Safe to run twice: an unchanged
    feed changes nothing, and events are keyed by (calendar, UID)."""
    return importer.import_all()
