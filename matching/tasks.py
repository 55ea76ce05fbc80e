"""Matching's tasks: thin, idempotent, ids only. Each calls one service.

The periodic full run that schedules every area is in `workers.tasks`, beside the sweep.
"""

from celery import shared_task
from django.db import OperationalError

from base.retry import RETRY
from matching import batches, reminders


# A lost connection or a deadlock victim is worth another try; the dirty flag and the sweep
# cover whatever still fails after the last one.
@shared_task(acks_late=True, autoretry_for=(OperationalError,), **RETRY)
def match_area(kind: str, cell: str) -> dict:
    """One batch: the open needs of one cell of one kind, allocated together."""
    return batches.run_batch(kind, cell).as_dict()


@shared_task(acks_late=True, autoretry_for=(OperationalError,), **RETRY)
def advance_matches() -> dict:
    """Auto-approval left over, reminders, expiry of unanswered offers, handover questions."""
    return reminders.advance_due()


@shared_task(acks_late=True, autoretry_for=(OperationalError,), **RETRY)
def check_offers_still_available() -> dict:
    """Daily: old open offers are asked whether they still stand; silent ones withdrawn."""
    return reminders.check_offers_still_available()
